terraform import sipstation_did.main +14155550123
