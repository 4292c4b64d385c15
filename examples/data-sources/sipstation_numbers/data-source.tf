# Every number of the account that was ported out and is still billed,
# whether or not any configuration declares it.
data "sipstation_numbers" "billed_after_port_out" {
  billed_after_port_out = true
}

# Warns on every plan and apply while SIPStation bills a number you no
# longer have: remove its resource block to cancel it. examples/check shows
# the check a CI pipeline fails on.
check "no_number_billed_after_port_out" {
  assert {
    condition = length(data.sipstation_numbers.billed_after_port_out.numbers) == 0
    error_message = join("\n", [
      for n in data.sipstation_numbers.billed_after_port_out.numbers :
      "${n.number} was ported out to ${n.port_out.carrier_name} and is still billed (${n.monthly_rate} USD a month)."
    ])
  }
}

variable "location_id" {
  description = "The location whose toll-free numbers to list, such as loc_8f14e45fceea167a."
  type        = string
}

# All toll-free numbers of one location.
data "sipstation_numbers" "toll_free" {
  location_id = var.location_id
  type        = "toll_free"
}

output "toll_free_numbers" {
  value = [for n in data.sipstation_numbers.toll_free.numbers : n.number]
}
