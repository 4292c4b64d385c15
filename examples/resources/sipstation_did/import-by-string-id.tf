import {
  to = sipstation_did.main
  id = "(415) 555-0123"
}
