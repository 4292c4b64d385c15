# One number's failover: calls go to another number when the PBX is down.
resource "sipstation_failover" "main" {
  number = "+14155550123"
  failover = {
    number = "+14155550199"
  }
}

# Without number: the account-wide failover, for numbers without their own.
# Both tiers, as FreePBX's SIPStation module sets them: SIPStation tries the
# destination first (here a trunk group, by the id data.sipstation_trunk
# lists), then the number.
resource "sipstation_failover" "account" {
  failover = {
    destination = "7102"
    number      = "+14155550199"
  }
}
