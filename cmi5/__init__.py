"""cmi5 courses: course structures, registrations, launch sessions and the LMS's own statements."""
