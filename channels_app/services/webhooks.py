"""Webhook deliveries: store as received, process once, retry with backoff, keep dead letters.

Owns webhook_receive() (the view's write: a verified delivery stored byte
for byte as a RawEvent, its processing enqueued after commit),
raw_event_process() (the task's work) and raw_event_retry() (admin).
Invariants:
- Nothing is lost: a delivery is a row before the channel hears 200, and
  a row not processed is found again by the sweeper (tasks.retry_raw_events).
- Nothing is processed twice: a redelivery with the same delivery id (the
  channel's, or a digest of the body) is the same row; processing locks
  the row and returns at once when it is already processed or dead; and
  ingestion itself dedupes posts by (channel, external id).
- A failure keeps its error and attempt count and is retried with
  backoff; a body that cannot be read at all, or one that failed
  MAX_ATTEMPTS times, is a dead letter: kept, shown in admin, retried
  only by a person.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections.abc import Mapping

from django.db import DatabaseError, IntegrityError, transaction
from django.utils import timezone

from channels_app.adapters.base import ChannelError
from channels_app.backoff import backoff_seconds
from channels_app.choices import RawEventStatus
from channels_app.models import Channel, RawEvent
from channels_app.services.channels import channel_adapter, channel_record_items

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
RETRY_BASE_SECONDS = 30
RETRY_CAP_SECONDS = 3600
# Request headers never stored with a delivery: they carry our users' secrets, not the channel's data.
UNSTORED_HEADERS = frozenset({"cookie", "authorization", "proxy-authorization"})


def webhook_receive(*, channel: Channel, source: str, headers: Mapping[str, str], body: bytes) -> tuple[RawEvent, bool]:
    """Store a delivery whose signature the caller verified; (event, created).

    A redelivery returns the stored event and enqueues nothing. Processing is
    enqueued on commit, so a worker never looks for a row not yet committed.
    """
    delivery_id = channel_adapter(channel).delivery_id(headers, body) or ("sha256:" + hashlib.sha256(body).hexdigest())
    kept_headers = {name: value for name, value in headers.items() if name.lower() not in UNSTORED_HEADERS}
    try:
        with transaction.atomic():
            event = RawEvent.objects.create(
                channel=channel, source=source, delivery_id=delivery_id, headers=kept_headers, body=body
            )
    except IntegrityError:
        return RawEvent.objects.get(channel=channel, delivery_id=delivery_id), False
    raw_event_enqueue(event.pk)
    return event, True


def raw_event_enqueue(raw_event_id: int) -> None:
    from channels_app.tasks import process_raw_event_task  # tasks import this module

    transaction.on_commit(lambda: process_raw_event_task.delay(raw_event_id))


def raw_event_process(*, raw_event_id: int) -> RawEvent | None:
    """Process one delivery through the pipeline; returns it as it ends (None when gone).

    Expects nothing: it locks the row itself. Database errors propagate (the
    task retries them); every other failure is recorded on the event.
    """
    try:
        with transaction.atomic():
            event = RawEvent.objects.select_for_update().filter(pk=raw_event_id).first()
            if event is None or event.status in (RawEventStatus.PROCESSED, RawEventStatus.DEAD):
                return event
            channel = Channel.objects.get(pk=event.channel_id)
            batch = channel_adapter(channel).parse_webhook(bytes(event.body))
            recorded = channel_record_items(
                channel=channel,
                items=batch.items,
                edited=batch.edited,
                deleted_ids=batch.deleted_ids,
                source=event.source,
            )
            event.status = RawEventStatus.PROCESSED
            event.processed_at = timezone.now()
            event.attempts += 1
            event.next_attempt_at = None
            # Items that could not be read are dead letters of their own; say so here too.
            event.error = (
                f"{len(recorded.rejected)} item(s) kept as dead letters: {'; '.join(recorded.rejected[:5])}"
                if recorded.rejected
                else ""
            )
            event.save(update_fields=["status", "processed_at", "attempts", "next_attempt_at", "error"])
            return event
    except DatabaseError:
        raise
    except ChannelError as error:
        return _record_failure(raw_event_id, str(error), permanent=error.permanent)
    except Exception as error:
        logger.exception("processing raw event %s failed", raw_event_id)
        return _record_failure(raw_event_id, f"unexpected {type(error).__name__}: {error}", permanent=False)


def _record_failure(raw_event_id: int, reason: str, *, permanent: bool) -> RawEvent | None:
    event = RawEvent.objects.filter(pk=raw_event_id).first()
    if event is None:
        return None
    event.attempts += 1
    dead = permanent or event.attempts >= MAX_ATTEMPTS
    event.status = RawEventStatus.DEAD if dead else RawEventStatus.FAILED
    event.error = reason if not dead or permanent else f"gave up after {event.attempts} attempts: {reason}"
    event.next_attempt_at = (
        None
        if dead
        else timezone.now()
        + dt.timedelta(seconds=backoff_seconds(event.attempts, base=RETRY_BASE_SECONDS, cap=RETRY_CAP_SECONDS))
    )
    event.save(update_fields=["status", "attempts", "error", "next_attempt_at"])
    (logger.error if dead else logger.warning)("raw event %s %s: %s", event.pk, event.status, reason)
    return event


class NotRetryable(Exception):
    pass


def raw_event_retry(*, raw_event: RawEvent) -> None:
    """Process a failed or dead delivery again now (an admin's action after a fix).

    Dead letters of single items (source `*.item`) are kept for reading:
    they are not a delivery the channel's parser can take again.
    """
    if raw_event.source.endswith(".item"):
        raise NotRetryable(f"#{raw_event.pk} is a single unreadable item, kept for reading; it cannot be replayed")
    if raw_event.status == RawEventStatus.PROCESSED:
        raise NotRetryable(f"#{raw_event.pk} is already processed")
    RawEvent.objects.filter(pk=raw_event.pk).exclude(status=RawEventStatus.PROCESSED).update(
        status=RawEventStatus.RECEIVED, next_attempt_at=None
    )
    raw_event_enqueue(raw_event.pk)
