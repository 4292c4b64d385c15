terraform {
  required_providers {
    sipstation = {
      source = "sipstation-community/sipstation"
    }
  }
}

# Credentials come from the environment, so they stay out of configuration:
#   export SIPSTATION_ENDPOINT=https://api.sipstation.example
#   export SIPSTATION_API_KEY=...
provider "sipstation" {
  # Both optional: retries of rate-limited (429) and unavailable (5xx)
  # answers, and how long one request may take.
  max_retries     = 5
  request_timeout = "30s"
}
