"""Delivering webhooks to a real receiver on 127.0.0.1: signature, retries with backoff, dead
letters, pausing with a notice to admins, redelivery, the sweeper, and a real worker."""

import datetime as dt
import json
import time
import uuid

import pytest
from django.test import override_settings
from django.utils import timezone

from cases.models import Notification
from hooks.models import DeliveryStatus, WebhookDelivery, WebhookEvent, WebhookSubscription
from hooks.services import (
    WebhookError,
    webhook_deliver,
    webhook_deliveries_enqueue_due,
    webhook_emit,
    webhook_redeliver,
    webhook_subscription_pause,
    webhook_subscription_resume,
)
from hooks.signing import verify
from hooks.tasks import deliver_webhook_task
from tests.fakeapi import Reply
from tests.hooks.conftest import HOOK_PATH
from tests.roles import user_in_group

pytestmark = pytest.mark.django_db

PAYLOAD = {"case": {"id": 42, "reference": "SC-42"}}
LATER = dt.timedelta(hours=6)  # past any backoff


def _emit(event=WebhookEvent.CASE_CREATED, payload=PAYLOAD, **kwargs) -> int:
    (delivery_id,) = webhook_emit(event, payload, **kwargs)
    return delivery_id


def test_emit_records_a_row_per_subscriber_and_enqueues_after_commit(
    make_subscription, django_capture_on_commit_callbacks
):
    # Given two subscribers of case.created and one of another event
    first = make_subscription()
    second = make_subscription(name="BI")
    make_subscription(name="Other", events=[WebhookEvent.POST_RECEIVED])
    # When the event is emitted
    with django_capture_on_commit_callbacks() as callbacks:
        ids = webhook_emit(WebhookEvent.CASE_CREATED, PAYLOAD)
    # Then one pending delivery each, sharing the event id, sent only after commit
    deliveries = WebhookDelivery.objects.filter(pk__in=ids)
    assert {d.subscription_id for d in deliveries} == {first.pk, second.pk}
    assert len({d.event_id for d in deliveries}) == 1
    assert {d.status for d in deliveries} == {DeliveryStatus.PENDING}
    assert len(callbacks) == 2


def test_emitting_the_same_event_id_twice_delivers_once(make_subscription, django_capture_on_commit_callbacks):
    make_subscription()
    event_id = uuid.uuid4()
    with django_capture_on_commit_callbacks():
        webhook_emit(WebhookEvent.CASE_CREATED, PAYLOAD, event_id=event_id)
        webhook_emit(WebhookEvent.CASE_CREATED, PAYLOAD, event_id=event_id)
    assert WebhookDelivery.objects.count() == 1


def test_inactive_subscriptions_get_nothing_and_unknown_events_are_refused(make_subscription):
    make_subscription(is_active=False)
    assert webhook_emit(WebhookEvent.CASE_CREATED, PAYLOAD) == []
    with pytest.raises(ValueError):
        webhook_emit("case.deleted", PAYLOAD)


def test_delivery_is_signed_json_with_event_headers(receiver, make_subscription):
    # Given a subscriber whose receiver answers 204
    subscription = make_subscription()
    receiver.route("POST", HOOK_PATH, Reply(status=204))
    delivery_id = _emit()
    # When the task runs
    assert deliver_webhook_task(delivery_id) == "delivered"
    # Then the receiver got signed JSON it can verify with the shared secret
    (request,) = receiver.calls("POST", HOOK_PATH)
    headers = request.headers
    delivery = WebhookDelivery.objects.get(pk=delivery_id)
    assert headers["content-type"] == "application/json"
    assert headers["x-socialcrm-event"] == "case.created"
    assert headers["x-socialcrm-delivery"] == str(delivery.event_id)
    assert verify(subscription.secret, headers["x-socialcrm-timestamp"], request.body, headers["x-socialcrm-signature"])
    assert not verify("whsec_wrong", headers["x-socialcrm-timestamp"], request.body, headers["x-socialcrm-signature"])
    body = request.json()
    assert body["event"] == "case.created" and body["id"] == str(delivery.event_id) and body["data"] == PAYLOAD
    # And the log says delivered
    assert delivery.status == DeliveryStatus.DELIVERED
    assert (delivery.attempts, delivery.response_code, delivery.last_error) == (1, 204, "")
    assert delivery.delivered_at is not None and delivery.next_attempt_at is None


def test_a_delivered_delivery_is_not_sent_again_by_a_second_task(receiver, make_subscription):
    make_subscription()
    receiver.route("POST", HOOK_PATH, Reply(status=200))
    delivery_id = _emit()
    assert deliver_webhook_task(delivery_id) == "delivered"
    assert deliver_webhook_task(delivery_id) == "done"
    assert deliver_webhook_task(999_999) == "missing"
    assert len(receiver.calls("POST", HOOK_PATH)) == 1


def test_an_attempt_claimed_by_another_worker_is_not_sent_twice(receiver, make_subscription):
    # Given a delivery another worker has just claimed (its lease pushed next_attempt_at ahead)
    make_subscription()
    receiver.route("POST", HOOK_PATH, Reply(status=200))
    delivery_id = _emit()
    WebhookDelivery.objects.filter(pk=delivery_id).update(next_attempt_at=timezone.now() + dt.timedelta(minutes=2))
    # When a duplicate task runs, nothing is sent
    assert webhook_deliver(delivery_id) == "not_due"
    assert receiver.calls() == []


def test_a_failed_attempt_is_retried_with_exponential_backoff_then_delivered(receiver, make_subscription):
    # Given a receiver failing twice, then answering
    subscription = make_subscription()
    receiver.route(
        "POST", HOOK_PATH, Reply(status=500, body="boom"), Reply(status=502, body="bad gateway"), Reply(status=200)
    )
    delivery_id = _emit()
    before = timezone.now()
    # When the first attempt fails
    assert webhook_deliver(delivery_id) == "failed"
    delivery = WebhookDelivery.objects.get(pk=delivery_id)
    # Then it is logged and due again after 30-60 s (base 60, equal jitter)
    assert (delivery.status, delivery.attempts, delivery.response_code) == (DeliveryStatus.FAILED, 1, 500)
    assert delivery.last_error == "HTTP 500" and delivery.response_excerpt == "boom"
    assert before + dt.timedelta(seconds=30) <= delivery.next_attempt_at <= timezone.now() + dt.timedelta(seconds=60)
    # And it is not sent again before then
    assert webhook_deliver(delivery_id) == "not_due"
    # When the second attempt fails, the wait doubles (60-120 s)
    second_at = delivery.next_attempt_at
    assert webhook_deliver(delivery_id, now=second_at) == "failed"
    delivery.refresh_from_db()
    wait = (delivery.next_attempt_at - timezone.now()).total_seconds()
    assert delivery.attempts == 2 and 55 <= wait <= 120
    assert WebhookSubscription.objects.get(pk=subscription.pk).consecutive_failures == 2
    # Then the third attempt delivers and the failure count resets
    assert webhook_deliver(delivery_id, now=delivery.next_attempt_at) == "delivered"
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_error) == (DeliveryStatus.DELIVERED, 3, "")
    assert WebhookSubscription.objects.get(pk=subscription.pk).consecutive_failures == 0
    # And each attempt carried the same body (receivers deduplicate by its id)
    bodies = {request.body for request in receiver.calls("POST", HOOK_PATH)}
    assert len(bodies) == 1


@override_settings(WEBHOOK_MAX_ATTEMPTS=3, WEBHOOK_PAUSE_AFTER_FAILURES=100)
def test_after_the_last_attempt_the_delivery_is_dead(receiver, make_subscription):
    make_subscription()
    receiver.route("POST", HOOK_PATH, Reply(status=503))
    delivery_id = _emit()
    now = timezone.now()
    outcomes = [webhook_deliver(delivery_id, now=now + LATER * i) for i in range(4)]
    assert outcomes == ["failed", "failed", "dead", "done"]
    delivery = WebhookDelivery.objects.get(pk=delivery_id)
    assert (delivery.status, delivery.attempts, delivery.next_attempt_at) == (DeliveryStatus.DEAD, 3, None)
    assert len(receiver.calls()) == 3


def test_retry_after_of_a_429_is_honoured(receiver, make_subscription):
    make_subscription()
    receiver.route("POST", HOOK_PATH, Reply(status=429, headers={"Retry-After": "900"}))
    delivery_id = _emit()
    webhook_deliver(delivery_id)
    wait = (WebhookDelivery.objects.get(pk=delivery_id).next_attempt_at - timezone.now()).total_seconds()
    assert 880 <= wait <= 1000


@override_settings(WEBHOOK_TIMEOUT=0.5)
def test_a_slow_receiver_times_out_as_a_failed_attempt(receiver, make_subscription):
    make_subscription()
    receiver.route("POST", HOOK_PATH, Reply(status=200, delay=1.5))
    delivery_id = _emit()
    started = time.monotonic()
    assert webhook_deliver(delivery_id) == "failed"
    assert time.monotonic() - started < 1.4
    delivery = WebhookDelivery.objects.get(pk=delivery_id)
    assert delivery.response_code is None and "No answer within 0.5 s" in delivery.last_error


def test_a_refused_connection_is_a_failed_attempt(receiver, make_subscription):
    port = receiver.server.server_address[1]
    receiver.stop()
    make_subscription(url=f"http://127.0.0.1:{port}/gone")
    delivery_id = _emit()
    assert webhook_deliver(delivery_id) == "failed"
    assert WebhookDelivery.objects.get(pk=delivery_id).last_error.startswith("Connection failed")


def test_a_redirect_to_another_host_is_not_followed(receiver, make_subscription):
    # localhost is another host name than 127.0.0.1, though the same machine
    port = receiver.server.server_address[1]
    make_subscription()
    receiver.route("POST", HOOK_PATH, Reply(status=307, headers={"Location": f"http://localhost:{port}/elsewhere"}))
    receiver.route("POST", "/elsewhere", Reply(status=200))
    delivery_id = _emit()
    assert webhook_deliver(delivery_id) == "failed"
    delivery = WebhookDelivery.objects.get(pk=delivery_id)
    assert delivery.response_code == 307 and "not followed" in delivery.last_error
    assert receiver.calls(path="/elsewhere") == []


def test_a_permanent_redirect_on_the_same_host_is_followed(receiver, make_subscription):
    make_subscription()
    receiver.route("POST", HOOK_PATH, Reply(status=308, headers={"Location": "/hooks/v2"}))
    receiver.route("POST", "/hooks/v2", Reply(status=200))
    delivery_id = _emit()
    assert webhook_deliver(delivery_id) == "delivered"
    (moved,) = receiver.calls("POST", "/hooks/v2")
    assert moved.json()["event"] == "case.created" and "x-socialcrm-signature" in moved.headers


def test_only_an_excerpt_of_the_response_is_kept(receiver, make_subscription):
    make_subscription()
    receiver.route("POST", HOOK_PATH, Reply(status=500, body="x" * 20_000))
    delivery_id = _emit()
    webhook_deliver(delivery_id)
    delivery = WebhookDelivery.objects.get(pk=delivery_id)
    assert len(delivery.response_excerpt) == 500


@override_settings(WEBHOOK_PAUSE_AFTER_FAILURES=3)
def test_a_subscriber_that_keeps_failing_is_paused_with_a_notice_to_admins(
    receiver, make_subscription, django_capture_on_commit_callbacks
):
    # Given admins, a manager, and a subscriber whose receiver is down
    admins = [user_in_group("Admins"), user_in_group("Admins")]
    manager = user_in_group("Managers")
    subscription = make_subscription(events=[WebhookEvent.CASE_CREATED, WebhookEvent.CASE_UPDATED])
    receiver.route("POST", HOOK_PATH, Reply(status=500))
    ids = [_emit(event_id=uuid.uuid4()) for _ in range(3)]
    # When three attempts in a row fail (across deliveries)
    assert [webhook_deliver(i) for i in ids] == ["failed", "failed", "failed"]
    # Then the subscription is paused, and each admin (only) is told once
    subscription.refresh_from_db()
    assert subscription.paused_at is not None and "3 failed attempts in a row" in subscription.pause_reason
    notices = Notification.objects.filter(message__contains="Billing CRM")
    assert {n.recipient_id for n in notices} == {a.pk for a in admins}
    assert not Notification.objects.filter(recipient=manager).exists()
    # And nothing more is sent while paused, though new events are still recorded
    new_id = _emit(WebhookEvent.CASE_UPDATED)
    assert webhook_deliver(new_id) == "paused"
    assert webhook_deliver(ids[0], now=timezone.now() + LATER) == "paused"
    assert len(receiver.calls()) == 3
    with pytest.raises(WebhookError):
        webhook_redeliver(delivery=WebhookDelivery.objects.get(pk=ids[0]))
    # When an admin resumes it after the receiver is fixed, what waited is sent
    receiver.route("POST", HOOK_PATH, Reply(status=200))
    with django_capture_on_commit_callbacks() as callbacks:
        webhook_subscription_resume(subscription=subscription, now=timezone.now() + LATER)
    assert len(callbacks) == 4
    subscription.refresh_from_db()
    assert subscription.paused_at is None and subscription.consecutive_failures == 0
    assert webhook_deliver(new_id) == "delivered"


def test_pausing_twice_notifies_once(make_subscription):
    admin = user_in_group("Admins")
    subscription = make_subscription()
    assert webhook_subscription_pause(subscription=subscription, reason="down", notify_admins=True)
    assert not webhook_subscription_pause(subscription=subscription, reason="down", notify_admins=True)
    assert Notification.objects.filter(recipient=admin).count() == 1


@override_settings(WEBHOOK_MAX_ATTEMPTS=1)
def test_a_dead_delivery_can_be_redelivered_by_hand(receiver, make_subscription, django_capture_on_commit_callbacks):
    make_subscription()
    receiver.route("POST", HOOK_PATH, Reply(status=500), Reply(status=200))
    delivery_id = _emit()
    assert webhook_deliver(delivery_id) == "dead"
    with django_capture_on_commit_callbacks() as callbacks:
        delivery = webhook_redeliver(delivery=WebhookDelivery.objects.get(pk=delivery_id))
    assert len(callbacks) == 1
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.PENDING, 0)
    assert deliver_webhook_task(delivery_id) == "delivered"
    assert len(receiver.calls()) == 2


def test_the_sweeper_enqueues_only_due_deliveries_of_sending_subscriptions(
    make_subscription, django_capture_on_commit_callbacks
):
    now = timezone.now()
    sending = make_subscription()
    paused = make_subscription(name="Paused")
    webhook_subscription_pause(subscription=paused, reason="test")

    def row(subscription, status, next_attempt_at):
        return WebhookDelivery.objects.create(
            subscription=subscription,
            event=WebhookEvent.CASE_CREATED,
            event_id=uuid.uuid4(),
            status=status,
            next_attempt_at=next_attempt_at,
        )

    due = [row(sending, DeliveryStatus.FAILED, now - dt.timedelta(seconds=5)), row(sending, "pending", now)]
    row(sending, DeliveryStatus.FAILED, now + dt.timedelta(minutes=5))  # not yet
    row(sending, DeliveryStatus.DELIVERED, None)
    row(sending, DeliveryStatus.DEAD, None)
    row(paused, DeliveryStatus.FAILED, now - dt.timedelta(minutes=5))
    with django_capture_on_commit_callbacks() as callbacks:
        assert webhook_deliveries_enqueue_due(now=now) == len(due)
    assert len(callbacks) == len(due)


def test_a_delivery_goes_through_a_real_worker_on_redis(celery_worker, receiver):
    # Given a committed subscription (transactional_db) and a receiver
    from hooks.services import webhook_subscription_create

    webhook_subscription_create(name="Worker", url=receiver.base_url + HOOK_PATH, events=["post.received"])
    receiver.route("POST", HOOK_PATH, Reply(status=200))
    # When the event is emitted outside a transaction (on_commit runs at once)
    (delivery_id,) = webhook_emit(WebhookEvent.POST_RECEIVED, {"post": {"id": 1}})
    # Then the worker delivers it
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if WebhookDelivery.objects.get(pk=delivery_id).status == DeliveryStatus.DELIVERED:
            break
        time.sleep(0.1)
    assert WebhookDelivery.objects.get(pk=delivery_id).status == DeliveryStatus.DELIVERED
    assert json.loads(receiver.calls()[0].body)["event"] == "post.received"
