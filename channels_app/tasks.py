"""Celery tasks of ingestion and delivery: thin wrappers over channels_app.services that take ids.

Each task reloads its row and returns early when it is gone or done, so a
redelivery (acks_late) is harmless:
- poll_channel (queue ingest): one poll; the channel's lease keeps a
  second worker out. poll_due_channels (beat, every 30 s) enqueues the
  channels whose next_poll_at has come.
- process_raw_event (ingest): one webhook delivery through the pipeline.
- publish_outbound (outbound): one reply, claimed by a conditional update.
- retry_raw_events, retry_outbound (beat): the safety nets for work whose
  task was lost (a broker restart) or whose Celery retry did not run.
Channel errors are recorded on the rows (next_poll_at, next_attempt_at) and
retried from there with backoff; database errors (a dropped connection)
make the task itself retry with backoff.
"""

from __future__ import annotations

from celery import shared_task
from django.db import InterfaceError, OperationalError
from django.db.models import Q
from django.utils import timezone

from channels_app import selectors, services
from channels_app.choices import OutboundStatus, RawEventStatus
from channels_app.models import RawEvent

DATABASE_RETRY = {
    "autoretry_for": (OperationalError, InterfaceError),
    "retry_backoff": 5,
    "retry_backoff_max": 300,
    "retry_jitter": True,
    "max_retries": 8,
}


def _retry_at(task, next_attempt_at) -> None:
    """Run the task again when its row's next attempt is due (None: the row waits for a person).

    Only in a worker: eagerly (the embedded mode) or called directly, a retry
    would run at once, in the caller; the row's next_attempt_at and the
    sweeper keep the promise there.
    """
    if next_attempt_at and not (task.request.is_eager or task.request.called_directly):
        raise task.retry(countdown=max((next_attempt_at - timezone.now()).total_seconds(), 1), max_retries=None)


@shared_task(name="channels.poll_channel", acks_late=True, reject_on_worker_lost=True, **DATABASE_RETRY)
def poll_channel_task(channel_id: int, force: bool = False) -> str | None:
    """Poll one channel; returns what the poll did, or None when another worker has it or it is not due."""
    outcome = services.channel_poll(channel_id=channel_id, force=force)
    return str(outcome) if outcome else None


@shared_task(name="channels.poll_due_channels", acks_late=True, ignore_result=True)
def poll_due_channels_task() -> int:
    channel_ids = selectors.channels_due_for_poll(now=timezone.now())
    for channel_id in channel_ids:
        poll_channel_task.delay(channel_id)
    return len(channel_ids)


@shared_task(name="channels.process_raw_event", bind=True, acks_late=True, reject_on_worker_lost=True, **DATABASE_RETRY)
def process_raw_event_task(self, raw_event_id: int) -> str | None:
    event = services.raw_event_process(raw_event_id=raw_event_id)
    if event is None:
        return None
    if event.status == RawEventStatus.FAILED:
        _retry_at(self, event.next_attempt_at)
    return event.status


@shared_task(name="channels.publish_outbound", bind=True, acks_late=True, reject_on_worker_lost=True, **DATABASE_RETRY)
def publish_outbound_task(self, message_id: int) -> str | None:
    message = services.outbound_publish(message_id=message_id)
    if message is None:
        return None
    if message.status == OutboundStatus.FAILED:
        _retry_at(self, message.next_attempt_at)
    return message.status


@shared_task(name="channels.retry_raw_events", acks_late=True, ignore_result=True)
def retry_raw_events_task() -> int:
    now = timezone.now()
    event_ids = selectors.raw_events_due(now=now)
    # Not picked again by the next sweep while this one's tasks wait in the queue.
    RawEvent.objects.filter(pk__in=event_ids).filter(
        Q(status=RawEventStatus.RECEIVED) | Q(status=RawEventStatus.FAILED)
    ).update(next_attempt_at=now + selectors.RAW_EVENT_LOST_AFTER)
    for event_id in event_ids:
        process_raw_event_task.delay(event_id)
    return len(event_ids)


@shared_task(name="channels.retry_outbound", acks_late=True, ignore_result=True)
def retry_outbound_task() -> int:
    message_ids = selectors.outbound_due(now=timezone.now())
    for message_id in message_ids:
        publish_outbound_task.delay(message_id)
    return len(message_ids)
