# The trunk as the account-key API shows it (needs account_key).
data "sipstation_trunk" "this" {}

output "numbers_without_e911" {
  value = [for n in data.sipstation_trunk.this.numbers : n.number if !n.toll_free && n.e911_address == null]
}

output "gateways_not_registered" {
  value = [for g in data.sipstation_trunk.this.gateways : g.name if !g.registered]
}

# The SIP password only when asked for; it is sensitive.
data "sipstation_trunk" "with_password" {
  include_sip_password = true
}

output "sip_password" {
  value     = data.sipstation_trunk.with_password.sip_password
  sensitive = true
}

# The trunk groups a failover destination may name (not the trunk's own).
output "failover_trunk_groups" {
  value = { for g in data.sipstation_trunk.this.trunk_groups : g.id => g.title if !g.own }
}
