"""Benchmarks that print figures: `python -m bench` (or `make bench`); never run inside the tests."""
