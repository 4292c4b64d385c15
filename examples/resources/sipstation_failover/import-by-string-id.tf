import {
  to = sipstation_failover.main
  id = "(415) 555-0123"
}

import {
  to = sipstation_failover.account
  id = "account"
}
