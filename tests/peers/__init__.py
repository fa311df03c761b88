"""Independent LRS processes the tests and benchmarks talk to."""
