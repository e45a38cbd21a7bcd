"""Benchmarks, each printing its figures and the lower bound measured in the same run."""
