variable "location_id" {
  description = "The location whose latest statement to read, such as loc_8f14e45fceea167a."
  type        = string
}

# The latest statement, with its PDF: the bill a gaining carrier asks for
# with a port-out request.
data "sipstation_statement" "latest" {
  location_id = var.location_id
  include_pdf = true
}

output "account_number" {
  description = "For the Letter of Authorization."
  value       = data.sipstation_statement.latest.account_number
}

# terraform output -raw latest_statement_pdf | base64 -d > statement.pdf
output "latest_statement_pdf" {
  value     = data.sipstation_statement.latest.pdf_base64
  sensitive = true
}
