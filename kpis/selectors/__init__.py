"""Reads of the kpis app, one module per area: operations and outcomes figures (raw and as daily
parts), the dashboard that merges rollups with live days, the per-case export, and surveys.
Read-only over cases and channels_app."""
