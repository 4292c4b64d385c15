location = {
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

dids = {
  reception = { number = "+14155550100", description = "Reception" }
  sales     = { number = "+14155550101", description = "Sales" }
}
