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

resource "sipstation_toll_free_number" "support" {
  location_id = sipstation_location.office.id
  number      = "+18005550100"
  description = "Customer support"

  # Where calls go when the PBX cannot be reached.
  failover = {
    number = "+14155550123"
  }
}

output "support_resp_org" {
  description = "The RespOrg that holds the number."
  value       = sipstation_toll_free_number.support.resp_org
}
