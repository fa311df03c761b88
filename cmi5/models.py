"""cmi5 course structures, registrations and launch sessions."""
