# Import a DID by its number, in any common form; state keeps it in E.164.
import {
  to = sipstation_did.main
  id = "(415) 555-0123"
}
