# The sales line. In the demo a gaining carrier ports this number away:
# removing this file while the port-out is pending fails at plan (the guard);
# once the port has completed, removing it cancels the service and its billing.
resource "sipstation_did" "sales" {
  location_id = sipstation_location.office.id
  area_code   = "212"
  description = "Sales"
}

output "sales_number" {
  value = sipstation_did.sales.number
}
