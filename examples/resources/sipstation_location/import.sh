# A location is imported by its ID, as the SIPStation API shows it.
terraform import sipstation_location.office loc_8f14e45fceea167a
