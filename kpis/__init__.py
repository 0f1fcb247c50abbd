"""Measurement: satisfaction surveys and KPI rollups. Reads cases and
channels_app; nothing imports kpis."""
