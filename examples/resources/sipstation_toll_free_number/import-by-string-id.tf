import {
  to = sipstation_toll_free_number.support
  id = "800-555-0100"
}
