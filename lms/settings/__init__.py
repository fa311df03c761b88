"""Settings per environment: base, dev, test and production."""
