"""Reads of ingestion and delivery: what the beat sweepers pick up.

Owns channels_due_for_poll(), raw_events_due() and outbound_due(). Each
returns ids only (tasks take ids) and reads an indexed column or a small
table (channels are tens of rows).
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q

from channels_app.adapters.base import ADAPTERS, adapter_class
from channels_app.choices import OutboundStatus, RawEventStatus
from channels_app.models import Channel, OutboundMessage, RawEvent
from channels_app.services.outbox import send_lease

# A delivery still unprocessed this long after it arrived lost its task (a broker restart).
RAW_EVENT_LOST_AFTER = dt.timedelta(minutes=10)
# A Celery retry is due at next_attempt_at; the sweeper steps in only when it is this late.
RETRY_GRACE = dt.timedelta(minutes=2)


def polled_kinds() -> list[str]:
    return [kind for kind in ADAPTERS if adapter_class(kind).supports_polling]


def channels_due_for_poll(*, now: dt.datetime) -> list[int]:
    return list(
        Channel.objects.filter(is_active=True, kind__in=polled_kinds(), polling_stopped_at__isnull=True)
        .filter(Q(next_poll_at__isnull=True) | Q(next_poll_at__lte=now))
        .filter(Q(poll_lease_until__isnull=True) | Q(poll_lease_until__lt=now))
        .order_by("next_poll_at", "pk")
        .values_list("pk", flat=True)
    )


def raw_events_due(*, now: dt.datetime, limit: int = 500) -> list[int]:
    return list(
        RawEvent.objects.filter(
            Q(status=RawEventStatus.FAILED, next_attempt_at__lte=now - RETRY_GRACE)
            | Q(status=RawEventStatus.RECEIVED, received_at__lt=now - RAW_EVENT_LOST_AFTER)
            & (Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        )
        .order_by("received_at")
        .values_list("pk", flat=True)[:limit]
    )


def outbound_due(*, now: dt.datetime, limit: int = 500) -> list[int]:
    return list(
        OutboundMessage.objects.filter(
            Q(status=OutboundStatus.FAILED, next_attempt_at__lte=now - RETRY_GRACE)
            | Q(status=OutboundStatus.QUEUED, created_at__lt=now - RAW_EVENT_LOST_AFTER)
            # Claimed by a worker that died mid-send: outbound_publish looks the reply up before sending again.
            | Q(status=OutboundStatus.SENDING, claimed_at__lt=now - send_lease())
        )
        .order_by("created_at")
        .values_list("pk", flat=True)[:limit]
    )
