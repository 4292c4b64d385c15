# One location of a large account, planned and applied with a state of its
# own, so that CI can run every location in parallel. The location's
# settings and numbers come from locations/<location>.tfvars.

terraform {
  required_version = ">= 1.8"
  required_providers {
    sipstation = {
      source = "sipstation-community/sipstation"
    }
  }
  # Add your remote backend here. Each location needs a state of its own: a
  # Terraform workspace per location (GitHub example: for the s3 backend the
  # states land under env:/<location>/), or one state name per location
  # (GitLab example: backend "http" {} and GitLab-managed state).
}

# SIPSTATION_ENDPOINT and SIPSTATION_API_KEY come from the CI job.
provider "sipstation" {}

variable "location" {
  description = "The location this workspace manages."
  type = object({
    name              = string
    organization_name = string
    email             = string
    service_address = object({
      street1 = string
      city    = string
      state   = string
      zip     = string
    })
  })
}

variable "dids" {
  description = "The location's DIDs: a stable key (never an index) to the number and its description."
  type = map(object({
    number      = string
    description = optional(string, "")
  }))
  default = {}
}

resource "sipstation_location" "this" {
  name              = var.location.name
  organization_name = var.location.organization_name
  email             = var.location.email
  service_address   = var.location.service_address
}

resource "sipstation_did" "this" {
  for_each    = var.dids
  location_id = sipstation_location.this.id
  number      = each.value.number
  description = each.value.description
}
