# The location's bills. Add this file once a statement has fallen due (the demo
# does so after moving the emulator's clock a month): reading the latest
# statement of a location that has none yet fails.

data "sipstation_statements" "all" {
  location_id = sipstation_location.office.id
}

data "sipstation_statement" "latest" {
  location_id = sipstation_location.office.id
  include_pdf = true
}

# Every line of the latest statement: each billed number, and any early
# port-out fee.
output "latest_statement_lines" {
  value = [
    for item in data.sipstation_statement.latest.line_items :
    format("%-12s %-14s %8s  %s", item.kind, coalesce(item.number, "-"), item.amount, item.description)
  ]
}

output "latest_statement_total" {
  value = "${data.sipstation_statement.latest.total} ${data.sipstation_statement.latest.currency}"
}

output "statement_dates" {
  value = [for s in data.sipstation_statements.all.statements : s.date]
}

# The bill a gaining carrier asks for with a port-out request:
#   terraform output -raw latest_statement_pdf_base64 | base64 -d > statement.pdf
output "latest_statement_pdf_base64" {
  value = data.sipstation_statement.latest.pdf_base64
  # Keeps a page of base64 out of plan and apply; -raw still prints it.
  sensitive = true
}
