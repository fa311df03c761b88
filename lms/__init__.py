"""The project package: settings, root URLs and the seed_demo wiring."""
