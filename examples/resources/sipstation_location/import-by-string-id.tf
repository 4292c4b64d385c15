import {
  to = sipstation_location.office
  id = "loc_8f14e45fceea167a"
}
