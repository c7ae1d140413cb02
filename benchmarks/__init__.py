"""Benchmarks: each prints its figures (``python -m benchmarks.<name>``)."""
