"""Polling a channel: claim it, fetch pages from its cursor, ingest them, record the outcome.

Owns channel_poll(), channel_test_connection() and channel_resume().
Invariants:
- A channel is polled by one worker at a time: a poll starts only by a
  conditional update that takes the channel's lease (poll_lease_until), so
  a second worker, or a redelivered task, finds it taken and does nothing.
  A lease outlives the longest task, so a dead worker's lease expires.
- Each page's posts and the cursor after them commit in one transaction:
  a crash between pages re-reads at most one page, and ingestion dedupes.
- Transient errors push next_poll_at out by exponential backoff with
  jitter (at least as far as the channel's rate-limit reset); a permanent
  error (refused credentials) stops polling until a person acts
  (polling_stopped_at). The last error and success are on the channel.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from channels_app.adapters.base import ChannelError, RateLimited
from channels_app.backoff import backoff_seconds
from channels_app.models import Channel
from channels_app.pipeline import Ingestor
from channels_app.services.channels import RecordedItems, channel_adapter, channel_record_items

logger = logging.getLogger(__name__)

# Pages one poll reads at most; the rest wait for the next poll (the cursor says where).
MAX_PAGES_PER_POLL = 20
POLL_BACKOFF_BASE_SECONDS = 60
POLL_BACKOFF_CAP_SECONDS = 3600
# Throttled without being told for how long (e.g. Graph code 4): start at 5 minutes.
RATE_LIMIT_BACKOFF_BASE_SECONDS = 300


def poll_lease() -> dt.timedelta:
    return dt.timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 60)


@dataclass
class PollOutcome:
    pages: int
    recorded: RecordedItems
    ignored: list[str]
    error: str = ""

    def __str__(self) -> str:
        text = f"{self.pages} page(s): {self.recorded.summary()}"
        if self.ignored:
            text += f", {len(self.ignored)} ignored"
        return text + (f"; error: {self.error}" if self.error else "")


def channel_poll(*, channel_id: int, force: bool = False) -> PollOutcome | None:
    """Poll one channel now. Returns None when it is not due, not active, stopped (unless
    `force`, which also clears a stop) or being polled by another worker."""
    now = timezone.now()
    claim = Channel.objects.filter(pk=channel_id, is_active=True).filter(
        Q(poll_lease_until__isnull=True) | Q(poll_lease_until__lt=now)
    )
    if not force:
        claim = claim.filter(polling_stopped_at__isnull=True).filter(
            Q(next_poll_at__isnull=True) | Q(next_poll_at__lte=now)
        )
    if not claim.update(poll_lease_until=now + poll_lease(), last_polled_at=now):
        return None
    channel = Channel.objects.get(pk=channel_id)
    outcome = PollOutcome(pages=0, recorded=RecordedItems(), ignored=[])
    wait_seconds: float | None = None
    try:
        adapter = channel_adapter(channel)
        ingestor = Ingestor(channel)
        cursor = dict(channel.cursor or {})
        while outcome.pages < MAX_PAGES_PER_POLL:
            result = adapter.fetch(cursor)
            outcome.pages += 1
            with transaction.atomic():
                recorded = channel_record_items(
                    channel=channel,
                    items=result.items,
                    source=f"{channel.kind}.poll",
                    deleted_ids=result.deleted_ids,
                    ingestor=ingestor,
                )
                Channel.objects.filter(pk=channel.pk).update(cursor=result.cursor)
            cursor = result.cursor
            outcome.recorded.ingested.add(recorded.ingested)
            outcome.recorded.rejected += recorded.rejected
            outcome.recorded.deleted += recorded.deleted
            outcome.ignored += result.ignored
            wait_seconds = result.wait_seconds
            if not result.more or wait_seconds:
                break
    except ChannelError as error:
        outcome.error = str(error)
        _record_failure(channel, error)
        return outcome
    except Exception as error:
        # A bug or an unexpected answer: recorded like a transient error so the
        # channel backs off instead of failing every 30 seconds, then re-raised
        # so the worker logs the traceback.
        _record_failure(channel, ChannelError(f"unexpected {type(error).__name__}: {error}"))
        raise
    _record_success(channel, wait_seconds=wait_seconds, summary=str(outcome))
    return outcome


def _record_success(channel: Channel, *, wait_seconds: float | None, summary: str) -> None:
    now = timezone.now()
    delay = max(channel.poll_interval_seconds, wait_seconds or 0)
    Channel.objects.filter(pk=channel.pk).update(
        last_success_at=now,
        poll_failures=0,
        next_poll_at=now + dt.timedelta(seconds=delay),
        poll_lease_until=None,
        polling_stopped_at=None,
    )
    logger.info("polled channel %s (%s): %s", channel.pk, channel.name, summary)


def _record_failure(channel: Channel, error: ChannelError) -> None:
    now = timezone.now()
    failures = channel.poll_failures + 1
    base = RATE_LIMIT_BACKOFF_BASE_SECONDS if isinstance(error, RateLimited) else POLL_BACKOFF_BASE_SECONDS
    delay = backoff_seconds(failures, base=base, cap=POLL_BACKOFF_CAP_SECONDS, retry_after=error.retry_after)
    delay = max(delay, channel.poll_interval_seconds if error.retry_after is None else 0)
    Channel.objects.filter(pk=channel.pk).update(
        poll_failures=F("poll_failures") + 1,
        last_error=("Polling stopped: " if error.permanent else "") + str(error),
        last_error_at=now,
        next_poll_at=now + dt.timedelta(seconds=delay),
        poll_lease_until=None,
        polling_stopped_at=now if error.permanent else None,
    )
    log = logger.error if error.permanent else logger.warning
    log("polling channel %s (%s) failed (%s): %s", channel.pk, channel.name, failures, error)


def channel_test_connection(*, channel: Channel) -> tuple[bool, str]:
    """One cheap authenticated call to the channel; (ok, what it said). Records nothing."""
    try:
        return True, channel_adapter(channel).test_connection()
    except ChannelError as error:
        return False, str(error)


def channel_resume(*, channel: Channel) -> None:
    """Let a stopped channel be polled again at once (after its credentials were fixed)."""
    Channel.objects.filter(pk=channel.pk).update(polling_stopped_at=None, next_poll_at=timezone.now(), poll_failures=0)
