"""Skill-gap analytics: evidence projected from the statement stream, gap frames, dashboards
and report packs. Nothing imports this app."""
