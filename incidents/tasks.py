"""Celery tasks of incidents: thin wrappers over incidents.services that take ids.

- send_bulk_reply (incidents.send_bulk_reply): queue the replies of one
  bulk reply, enqueued on commit by incident_bulk_reply(). Safe to run twice
  or redelivered (acks_late): bulk_reply_send() locks the row, does nothing
  for a row already done, and commits the replies with the "done" mark.
- resend_queued_bulk_replies (incidents.resend_queued_bulk_replies, beat):
  the safety net for a send task lost before it ran (a broker restart).
"""

from __future__ import annotations

import datetime as dt

from celery import shared_task
from django.utils import timezone

from incidents import services
from incidents.models import BulkReplyStatus, IncidentBulkReply

# Older than this and still queued: its task was lost, not merely waiting in the queue.
STALE_AFTER = dt.timedelta(minutes=10)


@shared_task(
    name="incidents.send_bulk_reply", acks_late=True, reject_on_worker_lost=True, soft_time_limit=240, time_limit=300
)
def send_bulk_reply_task(bulk_reply_id: int) -> int | None:
    """Queue one reply per open case of the incident; returns how many were queued, None when the row is gone."""
    bulk = services.bulk_reply_send(bulk_reply_id=bulk_reply_id)
    return bulk.sent_count if bulk else None


@shared_task(
    name="incidents.resend_queued_bulk_replies",
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=30,
    time_limit=60,
)
def resend_queued_bulk_replies_task() -> int:
    """Enqueue again the bulk replies queued for over STALE_AFTER; returns how many."""
    ids = list(
        IncidentBulkReply.objects.filter(
            status=BulkReplyStatus.QUEUED, created_at__lt=timezone.now() - STALE_AFTER
        ).values_list("pk", flat=True)[:100]
    )
    for bulk_reply_id in ids:
        send_bulk_reply_task.delay(bulk_reply_id)
    return len(ids)
