resource "sipstation_location" "office" {
  name              = "Head office"
  organization_name = "Example Widgets LLC"
  email             = "telecom@example.com"

  service_address = {
    street1 = "100 Market St"
    city    = "San Francisco"
    state   = "CA"
    zip     = "94105"
  }
}

# Order this very number (it must be free to order).
resource "sipstation_did" "main" {
  location_id = sipstation_location.office.id
  number      = "+14155550123"
  description = "Main line"
  sms_enabled = true

  # Where 911 sends help for calls from this number.
  e911_address = {
    name    = "Example Widgets LLC"
    street1 = "100 Market St"
    city    = "San Francisco"
    state   = "CA"
    zip     = "94105"
  }

  # Where calls go when the PBX cannot be reached.
  failover = {
    number = "+14155550199"
  }
}

# Order any free number in an area code; the number is then computed.
resource "sipstation_did" "sales" {
  location_id = sipstation_location.office.id
  area_code   = "212"
  description = "Sales"

  failover = {
    destination = "sip:sales@pbx.example.com"
  }
}

output "sales_number" {
  value = sipstation_did.sales.number
}

output "sales_port_out" {
  description = "Null until a gaining carrier requests the number."
  value       = sipstation_did.sales.port_out
}
