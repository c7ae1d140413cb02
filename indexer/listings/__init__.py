"""Raw items to listings: one contributor's item, cleaned, coded and geocoded."""
