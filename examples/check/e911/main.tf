# A check that fails when a number on the SIPStation trunk has no E911
# address: 911 dispatchers would get no address for its calls. It needs only
# the account-key API (account_key). Check blocks only warn; examples/ci shows
# pipelines that fail on a failed check.

terraform {
  required_providers {
    sipstation = {
      source = "sipstation-community/sipstation"
    }
  }
}

# Credentials from the environment:
#   export SIPSTATION_ACCOUNT_KEY=...   (the account key from the SIPStation portal)
provider "sipstation" {}

variable "e911_address" {
  description = "The address to give the numbers this configuration manages."
  type = object({
    name    = string
    street1 = string
    city    = string
    state   = string
    zip     = string
  })
  default = {
    name    = "Example Widgets LLC"
    street1 = "100 Market St"
    city    = "San Francisco"
    state   = "CA"
    zip     = "94105"
  }
}

variable "numbers" {
  description = "The numbers on the trunk whose E911 address this configuration manages."
  type        = set(string)
  default     = ["+14155550123"]
}

resource "sipstation_e911_address" "this" {
  for_each = var.numbers

  number  = each.value
  name    = var.e911_address.name
  street1 = var.e911_address.street1
  city    = var.e911_address.city
  state   = var.e911_address.state
  zip     = var.e911_address.zip
}

check "every_number_has_e911" {
  # depends_on: read after this configuration's addresses are written.
  data "sipstation_trunk" "this" {
    depends_on = [sipstation_e911_address.this]
  }

  assert {
    # Toll-free numbers take no E911 address.
    condition = alltrue([for n in data.sipstation_trunk.this.numbers : n.toll_free || n.e911_address != null])
    error_message = join("\n", concat(
      [for n in data.sipstation_trunk.this.numbers :
        "${n.number} is on the trunk without an E911 address." if !n.toll_free && n.e911_address == null
      ],
      ["Declare a sipstation_e911_address for it (SIPStation says E911 changes can take up to 15 minutes to show)."],
    ))
  }
}
