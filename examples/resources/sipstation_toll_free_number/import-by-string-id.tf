# Import a toll-free number by its number, in any common form.
import {
  to = sipstation_toll_free_number.support
  id = "800-555-0100"
}
