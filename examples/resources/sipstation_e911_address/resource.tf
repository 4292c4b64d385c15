# The number must be on the account's trunk already.
resource "sipstation_e911_address" "main" {
  number  = "+14155550123"
  name    = "Example Widgets LLC"
  street1 = "100 Market St"
  street2 = "Suite 5"
  city    = "San Francisco"
  state   = "CA"
  zip     = "94105"

  # The account's one master E911 address; set it on one number only.
  master = true
}
