location = {
  name              = "Branch"
  organization_name = "Example Widgets LLC"
  email             = "telecom@example.com"
  service_address = {
    street1 = "1 Main St"
    city    = "Austin"
    state   = "TX"
    zip     = "78701"
  }
}

dids = {
  front_desk = { number = "+15125550100", description = "Front desk" }
}
