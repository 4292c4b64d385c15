# A check that fails while SIPStation bills a number that has been ported
# away, whether this configuration declares it or not. Check blocks only warn;
# examples/ci shows pipelines that fail on a failed check.

terraform {
  required_providers {
    sipstation = {
      source = "sipstation-community/sipstation"
    }
  }
}

variable "location_id" {
  description = "The location this configuration manages, such as loc_8f14e45fceea167a."
  type        = string
}

variable "dids" {
  description = "The location's DIDs, by name."
  type = map(object({
    number      = string
    description = string
  }))
  default = {
    main  = { number = "+14155550123", description = "Main line" }
    sales = { number = "+14155550124", description = "Sales" }
  }
}

resource "sipstation_did" "this" {
  for_each = var.dids

  location_id = var.location_id
  number      = each.value.number
  description = each.value.description
}

check "no_number_billed_after_port_out" {
  # depends_on: when a plan changes this location's numbers, the data source is
  # read during apply, after the change. A change that removes a ported number
  # (and so cancels it) passes; a number that stays billed fails the check.
  data "sipstation_numbers" "billed" {
    location_id           = var.location_id
    billed_after_port_out = true

    depends_on = [sipstation_did.this]
  }

  assert {
    condition = length(data.sipstation_numbers.billed.numbers) == 0
    error_message = join("\n", concat(
      [for n in data.sipstation_numbers.billed.numbers :
        "${n.number} was ported out to ${n.port_out.carrier_name} and is still billed (${n.monthly_rate} USD a month)."
      ],
      ["Remove its resource block to cancel it. If no configuration declares it, cancel it in the SIPStation store."],
    ))
  }
}
