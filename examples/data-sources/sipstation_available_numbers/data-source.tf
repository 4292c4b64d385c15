# Five local numbers free to order in area code 415. Pick one and write it
# as the number of a sipstation_did; to take any free one, give the
# sipstation_did area_code = "415" instead.
data "sipstation_available_numbers" "sf" {
  area_code = "415"
  limit     = 5
}

output "free_415_numbers" {
  value = [for n in data.sipstation_available_numbers.sf.numbers : "${n.number} (${n.monthly_rate} USD a month)"]
}
