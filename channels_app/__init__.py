"""Ingestion and delivery: channels, social profiles and posts, webhook
deliveries (RawEvent) and the outbox of replies (OutboundMessage)."""
