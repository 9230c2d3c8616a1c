"""`make bench`: benchmarks (median times), not timed tests."""
