# A DID is imported by its number, in any common form: +14155550123,
# 415-555-0123, (415) 555-0123 or 4155550123. State keeps it in E.164.
terraform import sipstation_did.main +14155550123
