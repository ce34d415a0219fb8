"""Demo slots, the startups' applications for them, and the seats they hold."""
