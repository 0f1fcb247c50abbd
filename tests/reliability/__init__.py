"""Fault injection: a real worker, Redis and PostgreSQL, broken on purpose (docs/RELIABILITY.md)."""
