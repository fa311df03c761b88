"""A synthetic organisation for demos and benchmarks; no product code imports it."""
