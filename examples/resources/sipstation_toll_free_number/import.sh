# A toll-free number is imported by its number, in any common form:
# +18005550100, 800-555-0100, (800) 555-0100 or 8005550100.
terraform import sipstation_toll_free_number.support +18005550100
