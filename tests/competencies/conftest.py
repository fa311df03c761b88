"""Fixtures for competency tests live in tests/conftest.py (the permission matrix needs them)."""
