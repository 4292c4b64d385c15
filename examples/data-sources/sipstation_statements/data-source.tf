variable "location_id" {
  description = "The location whose statements to read, such as loc_8f14e45fceea167a."
  type        = string
}

# This year's statements, newest first.
data "sipstation_statements" "this_year" {
  location_id = var.location_id
  from        = "2026-01-01"
}

output "statement_totals" {
  value = { for s in data.sipstation_statements.this_year.statements : s.date => s.total }
}

# Early port-out fees charged this year.
output "port_out_fees" {
  value = flatten([
    for s in data.sipstation_statements.this_year.statements : [
      for item in s.line_items : "${s.date}: ${item.number} ${item.amount}"
      if item.kind == "port_out_fee"
    ]
  ])
}
