resource "sipstation_location" "office" {
  name              = "Head office"
  organization_name = "Example Widgets LLC"
  email             = "telecom@example.com"

  # A gaining carrier's Letter of Authorization must match the organization
  # name and this address exactly.
  service_address = {
    street1 = "100 Market St"
    street2 = "Suite 300"
    city    = "San Francisco"
    state   = "CA"
    zip     = "94105"
  }
}

output "account_number" {
  description = "Printed on every statement; port-out requests ask for it."
  value       = sipstation_location.office.account_number
}
