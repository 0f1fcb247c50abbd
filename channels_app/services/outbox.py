"""The outbox: an agent's reply is a row first, published once through its channel.

Owns outbound_enqueue() (the one door through which the case domain
reaches a channel), outbound_publish() (the task's work) and
outbound_retry() (admin). Invariants:
- A message is sent by whoever claims it with a conditional update
  (queued, or failed and due, or `sending` with a claim older than the
  lease: its worker died) that also compares the status and claim time it
  read, so two workers, or a redelivered task, cannot both send it.
- Every attempt after the first asks the channel first whether the reply
  is already there (adapter.find_published: a lookup by idempotency key
  or by text), so a worker that died after the channel accepted the
  reply, or a timeout that hid a success, does not post it twice.
- The outcome is recorded on the message (external id and time, or the
  error and attempts) and on the case: a sent reply is ingested as the
  brand's post, so the case's response clocks and timeline see it; a
  failure adds a `reply_failed` event.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from audit.models import AuditAction
from audit.services import audit_record
from cases.choices import CaseEventKind
from cases.models import Case, CaseEvent
from channels_app.adapters.base import ChannelError, OutgoingReply, Published
from channels_app.backoff import backoff_seconds
from channels_app.choices import ChannelKind, Direction, OutboundStatus
from channels_app.models import OutboundMessage, SocialPost
from channels_app.pipeline import Ingestor, NormalizedPost
from channels_app.services.channels import channel_adapter

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 6
RETRY_BASE_SECONDS = 30
RETRY_CAP_SECONDS = 1800


class OutboundError(ValueError):
    """A reply that cannot be queued; the message says why."""


def send_lease() -> dt.timedelta:
    return dt.timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 60)


def outbound_enqueue(
    *, case: Case, text: str, author=None, reply_to: SocialPost | None = None, is_automatic: bool = False
) -> OutboundMessage:
    """Queue a reply on the case, answering `reply_to` (default: the customer's latest post).
    Publishing is enqueued on commit. An automatic message (an acknowledgement,
    a bot's answer) is published like any other but stops no SLA clock."""
    text = (text or "").strip()
    if not text:
        raise OutboundError("a reply needs text")
    if reply_to is None:
        reply_to = (
            SocialPost.objects.filter(case=case, direction=Direction.INBOUND, deleted_at=None)
            .select_related("channel")
            .order_by("-posted_at", "-id")
            .first()
        )
    if reply_to is None:
        raise OutboundError(f"{case.reference} has no customer post to answer through a channel")
    message = OutboundMessage.objects.create(
        case=case,
        channel_id=reply_to.channel_id,
        reply_to=reply_to,
        author=author,
        text=text,
        is_automatic=is_automatic,
    )
    _enqueue(message.pk)
    return message


def _enqueue(message_id: int) -> None:
    from channels_app.tasks import publish_outbound_task  # tasks import this module

    transaction.on_commit(lambda: publish_outbound_task.delay(message_id))


def outbound_publish(*, message_id: int) -> OutboundMessage | None:
    """Send one outbox message if it is this caller's to send; returns it as it ends (None when gone)."""
    # Only what the claim compares: most redelivered tasks stop here.
    message = OutboundMessage.objects.only("status", "claimed_at", "attempts").filter(pk=message_id).first()
    if message is None or not _claim(message):
        return message
    message = OutboundMessage.objects.select_related("channel", "reply_to__author", "case", "author").get(pk=message_id)
    reply = outgoing_reply(message)
    try:
        adapter = channel_adapter(message.channel)
        # A previous attempt may have reached the channel (a dead worker, a timeout).
        published = adapter.find_published(reply) if message.attempts > 1 else None
        if published is None:
            published = adapter.publish(reply)
    except ChannelError as error:
        return _record_failure(message, error)
    return _record_sent(message, published)


def _claim(message: OutboundMessage) -> bool:
    now = timezone.now()
    claimable = (
        Q(status=OutboundStatus.QUEUED)
        | Q(status=OutboundStatus.FAILED, next_attempt_at__lte=now)
        | Q(status=OutboundStatus.SENDING, claimed_at__lt=now - send_lease())
    )
    return bool(
        OutboundMessage.objects.filter(claimable, pk=message.pk, status=message.status, claimed_at=message.claimed_at)
        .filter(attempts=message.attempts)
        .update(status=OutboundStatus.SENDING, claimed_at=now, attempts=F("attempts") + 1, next_attempt_at=None)
    )


def outgoing_reply(message: OutboundMessage) -> OutgoingReply:
    parent = message.reply_to
    raw = (parent.raw or {}) if parent else {}
    author = parent.author if parent else None
    kind = message.channel.kind
    references = raw.get("references") or []
    return OutgoingReply(
        text=message.text,
        idempotency_key=str(message.idempotency_key),
        in_reply_to_id=parent.external_id if parent else "",
        conversation_id=parent.conversation_id if parent else "",
        recipient_handle=author.handle if author else "",
        recipient_id=author.external_user_id if author else "",
        subject=str(raw.get("subject") or message.case.subject or ""),
        references=tuple(str(item) for item in references) if isinstance(references, list) else (),
        is_direct=kind == ChannelKind.EMAIL or bool(parent and parent.external_id.startswith("dm-")),
    )


def _record_sent(message: OutboundMessage, published: Published) -> OutboundMessage:
    now = timezone.now()
    parent = message.reply_to
    handles = message.channel.brand_handles
    with transaction.atomic():
        OutboundMessage.objects.filter(pk=message.pk).update(
            status=OutboundStatus.SENT,
            external_id=published.external_id,
            external_url=published.url[:1000],
            sent_at=now,
            last_error="",
            next_attempt_at=None,
        )
        # The reply is the brand's post on the channel: ingesting it records the
        # response on the case's clocks and timeline, as a reply seen by polling would.
        Ingestor(message.channel).ingest(
            [
                NormalizedPost(
                    external_id=published.external_id,
                    posted_at=published.posted_at or now,
                    text=message.text,
                    author_handle=handles[0].lstrip("@") if handles else "",
                    url=published.url,
                    in_reply_to_id=parent.external_id if parent else "",
                    conversation_id=parent.conversation_id if parent else "",
                    is_outbound=True,
                    is_automatic=message.is_automatic,
                    raw={"outbound_message_id": message.pk, "idempotency_key": str(message.idempotency_key)},
                )
            ]
        )
        CaseEvent.objects.filter(
            post__channel_id=message.channel_id,
            post__external_id=published.external_id,
            kind=CaseEventKind.OUTBOUND_REPLY,
        ).update(outbound_message=message, actor=message.author_id)
        detail = {"state": "sent", "outbound_message": message.pk, "external_id": published.external_id}
        audit_record(action=AuditAction.CASE_REPLY_SENT, actor=message.author, target=message.case, detail=detail)
    message.refresh_from_db()
    logger.info("outbound message %s sent as %s", message.pk, published.external_id)
    return message


def _record_failure(message: OutboundMessage, error: ChannelError) -> OutboundMessage:
    now = timezone.now()
    gives_up = error.permanent or message.attempts >= MAX_ATTEMPTS
    delay = backoff_seconds(
        message.attempts, base=RETRY_BASE_SECONDS, cap=RETRY_CAP_SECONDS, retry_after=error.retry_after
    )
    reason = str(error) if not gives_up or error.permanent else f"gave up after {message.attempts} attempts: {error}"
    with transaction.atomic():
        OutboundMessage.objects.filter(pk=message.pk, status=OutboundStatus.SENDING).update(
            status=OutboundStatus.FAILED,
            last_error=reason,
            next_attempt_at=None if gives_up else now + dt.timedelta(seconds=delay),
        )
        CaseEvent.objects.get_or_create(
            case_id=message.case_id,
            dedupe_key=f"reply-failed:{message.pk}:{message.attempts}",
            defaults={
                "kind": CaseEventKind.REPLY_FAILED,
                "outbound_message": message,
                "occurred_at": now,
                "payload": {"error": reason, "attempt": message.attempts, "final": gives_up},
            },
        )
    message.refresh_from_db()
    (logger.error if gives_up else logger.warning)("outbound message %s failed: %s", message.pk, reason)
    return message


def outbound_retry(*, message: OutboundMessage) -> bool:
    """Send a failed message again now (an admin's action); False when it is not failed."""
    updated = OutboundMessage.objects.filter(pk=message.pk, status=OutboundStatus.FAILED).update(
        status=OutboundStatus.QUEUED, next_attempt_at=None
    )
    if updated:
        _enqueue(message.pk)
    return bool(updated)
