"""Benchmarks (`make bench-ingest`); see docs/PERFORMANCE.md."""
