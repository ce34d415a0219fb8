"""Events: proposals by partners, co-hosts, publication by staff, registrations and seats."""
