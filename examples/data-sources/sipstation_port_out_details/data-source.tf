variable "location_id" {
  description = "The location whose numbers are leaving, such as loc_8f14e45fceea167a."
  type        = string
}

variable "port_date" {
  description = "The FOC date you will ask the new carrier for (YYYY-MM-DD); null for today."
  type        = string
  default     = null
}

# The numbers the new carrier will port away, in any common form. List only
# the numbers that are leaving.
data "sipstation_port_out_details" "kit" {
  location_id = var.location_id
  numbers     = ["+14155550123", "415-555-0124", "(800) 555-0125"]

  # The FOC date you will ask for: early_port_out_fees lists the numbers that
  # would still be under 90 days old then. Null for today; a date before
  # today is refused.
  port_date = var.port_date
}

# What the Letter of Authorization asks for. Many carriers want one LOA for
# the local numbers and another for the toll-free numbers.
output "loa" {
  value = {
    account_number    = data.sipstation_port_out_details.kit.account_number
    organization_name = data.sipstation_port_out_details.kit.organization_name
    service_address   = data.sipstation_port_out_details.kit.service_address
    local_numbers     = data.sipstation_port_out_details.kit.local_numbers
    toll_free_numbers = data.sipstation_port_out_details.kit.toll_free_numbers
  }
}

output "early_port_out_fees" {
  value = data.sipstation_port_out_details.kit.early_port_out_fees
}

# The latest bill, which the new carrier usually asks for too:
#   terraform output -raw latest_statement_pdf | base64 -d > statement.pdf
output "latest_statement_pdf" {
  value     = data.sipstation_port_out_details.kit.statement_pdf_base64
  sensitive = true
}
