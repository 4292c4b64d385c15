# The demo's configuration: one SIPStation location with two local DIDs and a
# toll-free number. `make demo` applies it against the bundled emulator, then
# walks a port-out: the sales line (sales.tf) is ported away by a new carrier.
#
# Run it by hand against an emulator (see README.md, "The emulator"):
#   export SIPSTATION_ENDPOINT=http://127.0.0.1:8787 SIPSTATION_API_KEY=...
#   (with trunk.tf also SIPSTATION_TRUNK_ENDPOINT and SIPSTATION_ACCOUNT_KEY)
#   terraform apply -var toll_free_number=+18005550100

terraform {
  required_version = ">= 1.8"

  required_providers {
    sipstation = {
      source = "sipstation-community/sipstation"
    }
  }
}

# endpoint and api_key come from SIPSTATION_ENDPOINT and SIPSTATION_API_KEY;
# account_key and trunk_endpoint, which trunk.tf needs, from
# SIPSTATION_ACCOUNT_KEY and SIPSTATION_TRUNK_ENDPOINT.
provider "sipstation" {}

variable "toll_free_number" {
  description = "A free toll-free number to order, in any common form."
  type        = string
}

resource "sipstation_location" "office" {
  name              = "Head office"
  organization_name = "Example Widgets LLC"
  email             = "telecom@example.com"

  # A gaining carrier's Letter of Authorization must match this address and
  # the organization name exactly.
  service_address = {
    street1 = "100 Market St"
    street2 = "Suite 300"
    city    = "San Francisco"
    state   = "CA"
    zip     = "94105"
  }
}

# Any free number in area code 415.
resource "sipstation_did" "main" {
  location_id = sipstation_location.office.id
  area_code   = "415"
  description = "Main line"

  e911_address = {
    name    = "Example Widgets LLC"
    street1 = "100 Market St"
    street2 = "Suite 300"
    city    = "San Francisco"
    state   = "CA"
    zip     = "94105"
  }
}

resource "sipstation_toll_free_number" "support" {
  location_id = sipstation_location.office.id
  number      = provider::sipstation::normalize_number(var.toll_free_number)
  description = "Customer support"

  failover = {
    number = sipstation_did.main.number
  }
}

output "account_number" {
  description = "Printed on every statement; a gaining carrier's LOA asks for it."
  value       = sipstation_location.office.account_number
}

output "main_number" {
  value = sipstation_did.main.number
}

output "toll_free_number" {
  value = sipstation_toll_free_number.support.number
}
