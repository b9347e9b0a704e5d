"""Micro-benchmarks of the scan path, one module per area (`make bench`)."""
