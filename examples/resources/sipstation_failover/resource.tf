# One number's failover: calls go to another number when the PBX is down.
resource "sipstation_failover" "main" {
  number = "+14155550123"
  failover = {
    number = "+14155550199"
  }
}

# Without number: the account-wide failover, for numbers without their own.
resource "sipstation_failover" "account" {
  failover = {
    destination = "sip:frontdesk@pbx.example.com"
  }
}
