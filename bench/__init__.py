"""Benchmarks: each figure printed as a ratio against a baseline measured in the same run."""
