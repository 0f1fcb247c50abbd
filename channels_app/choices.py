"""Enumerations of ingestion and delivery."""

from django.db import models

from cases.choices import ChannelKind as ChannelKind  # re-exported: the domain owns the list


class Direction(models.TextChoices):
    INBOUND = "inbound", "Inbound (customer)"
    OUTBOUND = "outbound", "Outbound (brand)"


class RawEventStatus(models.TextChoices):
    RECEIVED = "received", "Received"
    PROCESSED = "processed", "Processed"
    FAILED = "failed", "Failed (will retry)"
    DEAD = "dead", "Dead letter (needs a person)"


class OutboundStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"
