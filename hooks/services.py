"""Writes of outbound webhooks: subscriptions, emitting events, delivering, redelivering, pausing.

Owns webhook_emit() (an event becomes one WebhookDelivery row per active
subscription that wants it, sent after commit), webhook_deliver() (one
attempt of one delivery), webhook_redeliver(), the sweeper's
webhook_deliveries_enqueue_due(), and pausing and resuming subscriptions.

Invariants:
- A delivery is a row before it is a request: the task only carries its id.
- An attempt is claimed with a conditional update (due, still sendable)
  that pushes next_attempt_at a lease ahead, so two workers given the same
  id, or the sweeper re-enqueueing a row whose task is still queued, send
  it once. A worker that dies mid-attempt leaves the row due again after
  the lease: the sweeper picks it up.
- The body is the same bytes on every attempt (the event id, not the
  attempt, identifies it), so receivers deduplicate by X-Socialcrm-Delivery.
- Redirects are never followed to another host: only a 307/308 to the same
  scheme, host and port, at most MAX_REDIRECTS times.
- Of a response only the status and an excerpt of the body are kept.
- Failed attempts in a row count per subscription across its deliveries;
  at WEBHOOK_PAUSE_AFTER_FAILURES it is paused and the Admins are notified.
  A paused (or inactive) subscription's deliveries wait; resuming sends them.

Knobs (settings, with these defaults): WEBHOOK_TIMEOUT 5 s,
WEBHOOK_MAX_ATTEMPTS 8, WEBHOOK_BACKOFF_BASE 60 s, WEBHOOK_BACKOFF_CAP
3600 s, WEBHOOK_PAUSE_AFTER_FAILURES 15.
"""

from __future__ import annotations

import datetime as dt
import json
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from functools import partial
from urllib.parse import urljoin, urlsplit

import requests
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from channels_app.backoff import backoff_seconds
from hooks import signing
from hooks.models import (
    SENDABLE_STATUSES,
    DeliveryStatus,
    WebhookDelivery,
    WebhookEvent,
    WebhookSubscription,
    new_webhook_secret,
)

USER_AGENT = "socialcrm-webhooks/1.0"
MAX_REDIRECTS = 3
EXCERPT_BYTES = 500
ERROR_LENGTH = 500
# How long a claimed attempt keeps the row from being claimed again: above the
# longest attempt (connect and read timeouts, redirects), below the sweeper's patience.
CLAIM_LEASE = dt.timedelta(seconds=120)
SWEEP_BATCH = 500
ADMINS_GROUP = "Admins"


class WebhookError(ValueError):
    """A refused webhook change, with a message for people (the API answers 409)."""


def _knob(name: str, default):
    return getattr(settings, name, default)


# --- Subscriptions -----------------------------------------------------------


def webhook_subscription_create(
    *, name: str, url: str, events: list[str], is_active: bool = True, created_by=None
) -> WebhookSubscription:
    """A new subscription with a fresh secret. Raises django ValidationError on bad fields."""
    subscription = WebhookSubscription(
        name=name, url=url, events=list(events), is_active=is_active, created_by=created_by
    )
    subscription.full_clean()
    subscription.save()
    return subscription


def webhook_subscription_update(*, subscription: WebhookSubscription, **fields) -> WebhookSubscription:
    """Change name, url, events or is_active. Raises django ValidationError on bad fields."""
    allowed = {"name", "url", "events", "is_active"}
    unknown = set(fields) - allowed
    if unknown:
        raise TypeError(f"cannot change {sorted(unknown)}")
    for name, value in fields.items():
        setattr(subscription, name, value)
    subscription.full_clean()
    subscription.save(update_fields=[*fields, "updated_at"])
    return subscription


def webhook_subscription_rotate_secret(*, subscription: WebhookSubscription) -> WebhookSubscription:
    """A new secret: deliveries from now on are signed with it."""
    subscription.secret = new_webhook_secret()
    subscription.save(update_fields=["secret", "updated_at"])
    return subscription


def webhook_subscription_pause(
    *, subscription: WebhookSubscription, reason: str, notify_admins: bool = False, now: dt.datetime | None = None
) -> bool:
    """Pause it unless paused already; True when this call paused it. With notify_admins, each
    member of the Admins group gets a notification (once per pause)."""
    now = now or timezone.now()
    reason = reason[:300]
    paused = WebhookSubscription.objects.filter(pk=subscription.pk, paused_at__isnull=True).update(
        paused_at=now, pause_reason=reason, updated_at=now
    )
    if not paused:
        subscription.refresh_from_db(fields=["paused_at", "pause_reason"])
        return False
    subscription.paused_at, subscription.pause_reason = now, reason
    if notify_admins:
        _notify_admins(subscription, now)
    return True


def webhook_subscription_resume(*, subscription: WebhookSubscription, now: dt.datetime | None = None) -> int:
    """Lift a pause and clear the failure count; the deliveries that waited are sent now.
    Returns how many were enqueued."""
    now = now or timezone.now()
    WebhookSubscription.objects.filter(pk=subscription.pk).update(
        paused_at=None, pause_reason="", consecutive_failures=0, updated_at=now
    )
    subscription.paused_at, subscription.pause_reason, subscription.consecutive_failures = None, "", 0
    return webhook_deliveries_enqueue_due(now=now, subscription_id=subscription.pk)


def _notify_admins(subscription: WebhookSubscription, now: dt.datetime) -> None:
    # Notification.kind has no webhook value yet; ESCALATION ("needs a person's attention")
    # is the closest existing one. The dedupe key makes each pause one notice per admin.
    from cases.choices import NotificationKind
    from cases.models import Notification

    admin_ids = (
        get_user_model()
        .objects.filter(groups__name=ADMINS_GROUP, is_active=True)
        .values_list("id", flat=True)
        .distinct()
    )
    message = f"Webhook '{subscription.name}' was paused: {subscription.pause_reason}"[:300]
    key = f"webhook:{subscription.pk}:paused:{int(now.timestamp())}"
    Notification.objects.bulk_create(
        [
            Notification(recipient_id=user_id, kind=NotificationKind.ESCALATION, message=message, dedupe_key=key)
            for user_id in admin_ids
        ],
        ignore_conflicts=True,
    )


# --- Emitting ----------------------------------------------------------------


def webhook_event_id(key: str) -> uuid.UUID:
    """A stable event id from a caller's key (e.g. "case.created:42"): emitting the same key
    twice, as a retried task might, delivers it once."""
    return uuid.uuid5(uuid.NAMESPACE_URL, f"socialcrm:webhook:{key}")


# Every case change and ingested batch asks who subscribes: the answer is kept for a few seconds
# per process, and forgotten at once when this process saves or deletes a subscription (signals
# in hooks.apps), so a new subscription elsewhere starts receiving events within that time.
SUBSCRIBERS_CACHE_SECONDS = 5.0
_subscribers: dict = {"at": None, "rows": []}


def forget_subscribers(**_signal) -> None:
    _subscribers["at"] = None


def webhook_subscriber_ids(event: str) -> list[int]:
    """Ids of the active subscriptions that want `event` (paused ones included: they get rows)."""
    now = time.monotonic()
    if _subscribers["at"] is None or now - _subscribers["at"] > SUBSCRIBERS_CACHE_SECONDS:
        # Few subscriptions, and JSON "contains" is not portable to SQLite: filter events here.
        _subscribers["rows"] = list(WebhookSubscription.objects.filter(is_active=True).values_list("id", "events"))
        _subscribers["at"] = now
    return [sub_id for sub_id, events in _subscribers["rows"] if event in (events or [])]


def webhook_emit(
    event: str, payload: dict, *, event_id: uuid.UUID | None = None, now: dt.datetime | None = None
) -> list[int]:
    """Record `event` for every active subscription that wants it and enqueue their delivery
    after the surrounding transaction commits. Returns the new deliveries' ids.

    A paused subscription still gets the row: it is sent when resumed. Three
    queries whatever the number of subscribers (one when there is none).
    """
    return webhook_emit_many(event, [(event_id or uuid.uuid4(), payload)], now=now)


def webhook_emit_many(
    event: str, items: Iterable[tuple[uuid.UUID, dict]], *, now: dt.datetime | None = None
) -> list[int]:
    """webhook_emit() for many events of one kind, e.g. the posts of an ingested batch:
    three queries for the lot. `items` are (event_id, payload) pairs."""
    if event not in WebhookEvent.values:
        raise ValueError(f"unknown webhook event {event!r}")
    subscription_ids = webhook_subscriber_ids(event)
    items = list(items)
    if not subscription_ids or not items:
        return []
    now = now or timezone.now()
    rows = []
    for event_id, payload in items:
        data = json.loads(json.dumps(payload, cls=DjangoJSONEncoder))
        rows += [
            WebhookDelivery(subscription_id=sub_id, event=event, event_id=event_id, payload=data, next_attempt_at=now)
            for sub_id in subscription_ids
        ]
    # The same event id again (a retried caller) is already recorded: ignored.
    WebhookDelivery.objects.bulk_create(rows, ignore_conflicts=True, batch_size=500)
    ids = list(
        WebhookDelivery.objects.filter(
            event_id__in=[event_id for event_id, _payload in items],
            subscription_id__in=subscription_ids,
            status=DeliveryStatus.PENDING,
            attempts=0,
        ).values_list("id", flat=True)
    )
    _enqueue_on_commit(ids)
    return ids


def _enqueue_on_commit(ids: Iterable[int]) -> None:
    from hooks.tasks import deliver_webhook_task

    for delivery_id in ids:
        transaction.on_commit(partial(deliver_webhook_task.delay, delivery_id))


def webhook_deliveries_enqueue_due(
    *, now: dt.datetime | None = None, limit: int = SWEEP_BATCH, subscription_id: int | None = None
) -> int:
    """The sweeper: enqueue deliveries that are due (a retry's time came, or a task was lost),
    of subscriptions that are sending, oldest due first. Returns how many."""
    now = now or timezone.now()
    due = WebhookDelivery.objects.filter(
        status__in=SENDABLE_STATUSES,
        next_attempt_at__lte=now,
        subscription__is_active=True,
        subscription__paused_at__isnull=True,
    )
    if subscription_id is not None:
        due = due.filter(subscription_id=subscription_id)
    ids = list(due.order_by("next_attempt_at", "id").values_list("id", flat=True)[:limit])
    _enqueue_on_commit(ids)
    return len(ids)


def webhook_redeliver(*, delivery: WebhookDelivery, now: dt.datetime | None = None) -> WebhookDelivery:
    """Send a delivery again, whatever its status, with a fresh set of attempts.
    Refused while its subscription is paused or inactive (resume it first)."""
    now = now or timezone.now()
    subscription = delivery.subscription
    if not subscription.is_active:
        raise WebhookError(f"The subscription '{subscription.name}' is inactive: activate it first.")
    if subscription.paused_at is not None:
        raise WebhookError(f"The subscription '{subscription.name}' is paused: resume it first.")
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        status=DeliveryStatus.PENDING, attempts=0, next_attempt_at=now, delivered_at=None
    )
    delivery.refresh_from_db()
    _enqueue_on_commit([delivery.pk])
    return delivery


# --- Delivering ----------------------------------------------------------------


@dataclass(frozen=True)
class Answer:
    """What one attempt got: an HTTP status, or an error when there was no answer."""

    status: int | None = None
    excerpt: str = ""
    error: str = ""
    retry_after: float | None = None

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


def delivery_body(delivery: WebhookDelivery) -> bytes:
    """The JSON body of a delivery: identical bytes on every attempt."""
    envelope = {
        "id": str(delivery.event_id),
        "event": delivery.event,
        "created_at": delivery.created_at.isoformat(),
        "data": delivery.payload,
    }
    return json.dumps(envelope, separators=(",", ":"), sort_keys=True, cls=DjangoJSONEncoder).encode()


def webhook_deliver(delivery_id: int, *, now: dt.datetime | None = None) -> str:
    """One attempt of one delivery; returns what happened: delivered, failed, dead, or why
    nothing was sent (missing, done, paused, not_due).

    2xx is delivered. Anything else (another status, a timeout, a refused
    connection, a redirect elsewhere) is a failed attempt: retried after
    exponential backoff (a 429/503 Retry-After is honoured) until
    WEBHOOK_MAX_ATTEMPTS, then dead.
    """
    now = now or timezone.now()
    delivery = WebhookDelivery.objects.select_related("subscription").filter(pk=delivery_id).first()
    if delivery is None:
        return "missing"
    if delivery.status not in SENDABLE_STATUSES:
        return "done"
    subscription = delivery.subscription
    if not subscription.is_sending:
        return "paused"
    claimed = WebhookDelivery.objects.filter(
        pk=delivery_id, status__in=SENDABLE_STATUSES, next_attempt_at__lte=now
    ).update(attempts=F("attempts") + 1, next_attempt_at=now + CLAIM_LEASE)
    if not claimed:
        return "not_due"
    delivery.refresh_from_db(fields=["attempts", "payload", "event", "event_id", "created_at"])

    body = delivery_body(delivery)
    timestamp = int(now.timestamp())
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "X-Socialcrm-Event": delivery.event,
        "X-Socialcrm-Delivery": str(delivery.event_id),
        "X-Socialcrm-Attempt": str(delivery.attempts),
        "X-Socialcrm-Timestamp": str(timestamp),
        "X-Socialcrm-Signature": signing.sign(subscription.secret, timestamp, body),
    }
    answer = _post(subscription.url, body, headers, timeout=_knob("WEBHOOK_TIMEOUT", 5))
    finished = timezone.now()
    if answer.ok:
        _record_success(delivery, answer, finished)
        return "delivered"
    return _record_failure(delivery, answer, finished)


def _record_success(delivery: WebhookDelivery, answer: Answer, at: dt.datetime) -> None:
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        status=DeliveryStatus.DELIVERED,
        delivered_at=at,
        next_attempt_at=None,
        response_code=answer.status,
        response_excerpt=answer.excerpt,
        last_error="",
    )
    WebhookSubscription.objects.filter(pk=delivery.subscription_id, consecutive_failures__gt=0).update(
        consecutive_failures=0
    )


def _record_failure(delivery: WebhookDelivery, answer: Answer, at: dt.datetime) -> str:
    error = answer.error or f"HTTP {answer.status}"
    if delivery.attempts >= _knob("WEBHOOK_MAX_ATTEMPTS", 8):
        status, next_attempt_at = DeliveryStatus.DEAD, None
    else:
        wait = backoff_seconds(
            delivery.attempts,
            base=_knob("WEBHOOK_BACKOFF_BASE", 60),
            cap=_knob("WEBHOOK_BACKOFF_CAP", 3600),
            retry_after=answer.retry_after,
        )
        status, next_attempt_at = DeliveryStatus.FAILED, at + dt.timedelta(seconds=wait)
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        status=status,
        next_attempt_at=next_attempt_at,
        response_code=answer.status,
        response_excerpt=answer.excerpt,
        last_error=error[:ERROR_LENGTH],
    )
    subscriptions = WebhookSubscription.objects.filter(pk=delivery.subscription_id)
    subscriptions.update(consecutive_failures=F("consecutive_failures") + 1)
    subscription = subscriptions.only("id", "name", "consecutive_failures", "paused_at").get()
    limit = _knob("WEBHOOK_PAUSE_AFTER_FAILURES", 15)
    if subscription.consecutive_failures >= limit and subscription.paused_at is None:
        webhook_subscription_pause(
            subscription=subscription,
            reason=f"{subscription.consecutive_failures} failed attempts in a row; the last: {error}",
            notify_admins=True,
            now=at,
        )
    return status


def _post(url: str, body: bytes, headers: dict[str, str], *, timeout: float) -> Answer:
    """POST once; follow a 307/308 only to the same origin. Never raises."""
    origin = _origin(url)
    with requests.Session() as session:
        session.trust_env = False  # no proxy from the environment: we talk to the receiver itself
        for _hop in range(MAX_REDIRECTS + 1):
            try:
                response = session.post(
                    url, data=body, headers=headers, timeout=timeout, allow_redirects=False, stream=True
                )
            except requests.Timeout:
                return Answer(error=f"No answer within {timeout:g} s")
            except requests.ConnectionError as error:
                return Answer(error=f"Connection failed: {_reason(error)}")
            except requests.RequestException as error:
                return Answer(error=f"Request failed: {_reason(error)}")
            with response:
                excerpt = _excerpt(response)
                if response.is_redirect:
                    target = urljoin(url, response.headers.get("Location", ""))
                    if response.status_code not in (307, 308) or _origin(target) != origin:
                        return Answer(
                            status=response.status_code,
                            excerpt=excerpt,
                            error=f"HTTP {response.status_code}: redirect to {target[:200]} not followed",
                        )
                    url = target
                    continue
                return Answer(status=response.status_code, excerpt=excerpt, retry_after=_retry_after(response))
    return Answer(error=f"More than {MAX_REDIRECTS} redirects")


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    port = parts.port or {"http": 80, "https": 443}.get(parts.scheme)
    return parts.scheme, (parts.hostname or "").lower(), port


def _excerpt(response: requests.Response) -> str:
    try:
        chunk = next(response.iter_content(EXCERPT_BYTES), b"")
    except requests.RequestException:
        return ""
    return chunk[:EXCERPT_BYTES].decode("utf-8", errors="replace")[:EXCERPT_BYTES]


def _retry_after(response: requests.Response) -> float | None:
    if response.status_code not in (429, 503):
        return None
    value = response.headers.get("Retry-After", "")
    try:
        return max(float(value), 0.0)
    except ValueError:
        return None


def _reason(error: Exception) -> str:
    text = str(error.args[0] if error.args else error)
    return text[:300]
