"""Plumbing shared by the scripts in benchmarks/ (a package, so `make bench` does not run it)."""
