"""Skill-gap report pages: the organisation, a department, one competency, and your own."""
