# Numbers as people write them, keyed by the E.164 form SIPStation stores.
locals {
  from_spreadsheet = ["(415) 555-0123", "415.555.0124", "1-415-555-0125"]

  numbers = toset([for n in local.from_spreadsheet : provider::sipstation::normalize_number(n)])
}

output "numbers" {
  value = local.numbers # ["+14155550123", "+14155550124", "+14155550125"]
}
