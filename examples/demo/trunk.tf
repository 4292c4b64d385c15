# The trunk as FreePBX's SIPStation module sees it, through the account-key
# API (SIPSTATION_ACCOUNT_KEY and SIPSTATION_TRUNK_ENDPOINT), and a check that
# fails while a local number on the trunk has no E911 address. `make demo`
# adds this file in its last step.

check "every_number_has_e911" {
  # No depends_on: the check reads the trunk at plan time, so a plan reports a
  # number without an address before anything is applied.
  data "sipstation_trunk" "e911" {}

  assert {
    # Toll-free numbers take no E911 address.
    condition = alltrue([for n in data.sipstation_trunk.e911.numbers : n.toll_free || n.e911_address != null])
    error_message = join("\n", concat(
      [for n in data.sipstation_trunk.e911.numbers :
        "${n.number} is on the trunk without an E911 address." if !n.toll_free && n.e911_address == null
      ],
      ["Give it one: e911_address of its sipstation_did, or a sipstation_e911_address."],
    ))
  }
}

data "sipstation_trunk" "this" {}

output "trunk_numbers" {
  description = "The numbers on the trunk, and whether each has an E911 address."
  value = {
    for n in data.sipstation_trunk.this.numbers : n.number => (n.toll_free ? "toll-free" : (n.e911_address == null ? "NO E911 ADDRESS" : "E911: ${n.e911_address.street1}, ${n.e911_address.city}"))
  }
}
