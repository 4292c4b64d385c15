# The port-out kit for the sales line: what the new carrier's Letter of
# Authorization asks for. The demo adds this file before the new carrier
# requests the port, and removes it once the carrier has what it needs: while
# the port-out is pending, sipstation_port_out_details refuses the number.

data "sipstation_port_out_details" "sales" {
  location_id = sipstation_location.office.id
  numbers     = [sipstation_did.sales.number]
}

# For the LOA: copy the organization name and service address exactly.
output "port_out_kit" {
  value = {
    account_number      = data.sipstation_port_out_details.sales.account_number
    organization_name   = data.sipstation_port_out_details.sales.organization_name
    service_address     = data.sipstation_port_out_details.sales.service_address
    local_numbers       = data.sipstation_port_out_details.sales.local_numbers
    toll_free_numbers   = data.sipstation_port_out_details.sales.toll_free_numbers
    early_port_out_fees = data.sipstation_port_out_details.sales.early_port_out_fees
    statement_date      = data.sipstation_port_out_details.sales.statement_date
  }
}

# The latest bill. Null until the location's first statement falls due, and
# Terraform keeps no null output, so until then `terraform output` says it
# has none. After that:
#   terraform output -raw port_out_kit_statement_pdf | base64 -d > statement.pdf
output "port_out_kit_statement_pdf" {
  value     = data.sipstation_port_out_details.sales.statement_pdf_base64
  sensitive = true
}
