import {
  to = sipstation_e911_address.main
  id = "(415) 555-0123"
}
