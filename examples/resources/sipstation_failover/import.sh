# A number's failover, by the number:
terraform import sipstation_failover.main +14155550123
# The account-wide failover:
terraform import sipstation_failover.account account
