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
from django.db.models import F
from django.utils import timezone

from channels_app.adapters.base import ChannelAdapter, ChannelError, InvalidPayload, WebhookBatch
from channels_app.backoff import backoff_seconds
from channels_app.choices import RawEventStatus
from channels_app.models import Channel, RawEvent
from channels_app.pipeline import InvalidPost
from channels_app.services.channels import channel_adapter, channel_record_items

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
DONE_STATUSES = (RawEventStatus.PROCESSED, RawEventStatus.DEAD)
# Deliveries of one channel processed in one pipeline batch at most.
BATCH_SIZE = 50
RETRY_BASE_SECONDS = 30
RETRY_CAP_SECONDS = 3600
# Request headers never stored with a delivery: they carry our users' secrets, not the channel's data.
UNSTORED_HEADERS = frozenset({"cookie", "authorization", "proxy-authorization"})


def webhook_receive(
    *,
    channel: Channel,
    source: str,
    headers: Mapping[str, str],
    body: bytes,
    adapter: ChannelAdapter | None = None,
) -> tuple[RawEvent, bool]:
    """Store a delivery whose signature the caller verified (with `adapter`, reused here); (event, created).

    A redelivery returns the stored event and enqueues nothing. Processing is
    enqueued on commit, so a worker never looks for a row not yet committed.
    """
    adapter = adapter or channel_adapter(channel, listening_rules=False)
    delivery_id = adapter.delivery_id(headers, body) or ("sha256:" + hashlib.sha256(body).hexdigest())
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


def raw_event_process(*, raw_event_id: int, batch_size: int = BATCH_SIZE) -> RawEvent | None:
    """Process a delivery through the pipeline; returns it as it ends (None when gone).

    Other deliveries of the same channel waiting beside it (up to
    `batch_size` in all) are taken along into one pipeline batch: in a burst
    the first worker to run does the work of many, at the cost of one; their
    own tasks then find them processed. A delivery another worker holds is
    skipped, never waited for. When a batch fails, the delivery is processed
    again alone, so one bad delivery cannot hold back the others.

    Expects nothing: it locks the rows itself. Database errors propagate (the
    task retries them); every other failure is recorded on the event.
    """
    # Most tasks of a burst find their delivery done by a companion's batch: say so in one read.
    seen = RawEvent.objects.defer("body", "headers").filter(pk=raw_event_id).first()
    if seen is None or seen.status in DONE_STATUSES:
        return seen
    try:
        return _process(raw_event_id, batch_size)
    except DatabaseError:
        raise
    except Exception as error:
        if batch_size > 1:
            return raw_event_process(raw_event_id=raw_event_id, batch_size=1)
        if isinstance(error, ChannelError):
            return _record_failure(raw_event_id, str(error), permanent=error.permanent)
        logger.exception("processing raw event %s failed", raw_event_id)
        return _record_failure(raw_event_id, f"unexpected {type(error).__name__}: {error}", permanent=False)


def _process(raw_event_id: int, batch_size: int) -> RawEvent | None:
    with transaction.atomic():
        event = RawEvent.objects.select_for_update().filter(pk=raw_event_id).first()
        if event is None or event.status in DONE_STATUSES:
            return event
        companions = []
        if batch_size > 1:
            companions = list(
                RawEvent.objects.select_for_update(skip_locked=True)
                .filter(channel_id=event.channel_id, source=event.source, status=RawEventStatus.RECEIVED)
                .exclude(pk=event.pk)
                .order_by("pk")[: batch_size - 1]
            )
        channel = Channel.objects.get(pk=event.channel_id)
        adapter = channel_adapter(channel)
        now = timezone.now()
        parsed: list[tuple[RawEvent, WebhookBatch]] = [(event, adapter.parse_webhook(bytes(event.body)))]
        for companion in companions:
            try:
                parsed.append((companion, adapter.parse_webhook(bytes(companion.body))))
            except InvalidPayload as error:
                companion.status, companion.error, companion.next_attempt_at = RawEventStatus.DEAD, str(error), None
                companion.attempts += 1
        channel_record_items(
            channel=channel,
            items=[item for _, batch in parsed for item in batch.items],
            edited=[post for _, batch in parsed for post in batch.edited],
            deleted_ids=[external_id for _, batch in parsed for external_id in batch.deleted_ids],
            source=event.source,
        )
        clean = []
        for delivery, batch in parsed:
            rejected = [str(item) for item in batch.items if isinstance(item, InvalidPost)]
            delivery.status, delivery.processed_at, delivery.next_attempt_at = RawEventStatus.PROCESSED, now, None
            delivery.attempts += 1
            # Items that could not be read are dead letters of their own; say so here too.
            delivery.error = (
                f"{len(rejected)} item(s) kept as dead letters: {'; '.join(rejected[:5])}" if rejected else ""
            )
            if not rejected:
                clean.append(delivery.pk)
        # One UPDATE for the usual case; rows with something to say are saved one by one
        # (bulk_update's CASE over every row costs more than the pipeline batch itself).
        RawEvent.objects.filter(pk__in=clean).update(
            status=RawEventStatus.PROCESSED,
            processed_at=now,
            next_attempt_at=None,
            error="",
            attempts=F("attempts") + 1,
        )
        for delivery in [event, *companions]:
            if delivery.pk not in clean:
                delivery.save(update_fields=["status", "processed_at", "attempts", "next_attempt_at", "error"])
        return event


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
