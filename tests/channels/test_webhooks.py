"""Webhook deliveries: verified, stored as received, processed once, failures kept and retried."""

import datetime as dt
import hashlib
import hmac
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases.models import Case
from channels_app import selectors
from channels_app.choices import ChannelKind, RawEventStatus
from channels_app.models import RawEvent, SocialPost
from channels_app.pipeline import Ingestor
from channels_app.services import NotRetryable, raw_event_process, raw_event_retry
from channels_app.tasks import process_raw_event_task, retry_raw_events_task
from tests.factories import ChannelFactory

pytestmark = pytest.mark.django_db

SECRET = "hook-secret-for-tests"


@pytest.fixture
def hook_channel(monkeypatch):
    monkeypatch.setenv("TEST_FORUM_HOOK_SECRET", SECRET)
    return ChannelFactory(
        kind=ChannelKind.WEBHOOK,
        name="Travel forum bridge",
        brand_handles=["AcmeAir"],
        brand_terms=["acme air"],
        credential_env={"signing_secret": "TEST_FORUM_HOOK_SECRET"},
    )


def forum_post(external_id, text, *, minute=0, author="kestrel_77", reply_to=""):
    return {
        "external_id": external_id,
        "posted_at": f"2026-11-28T09:{minute:02d}:00+00:00",
        "text": text,
        "author_id": author,
        "author_handle": author,
        "in_reply_to_id": reply_to,
        "in_reply_to_handle": "AcmeAir",
    }


def signed(body: bytes, secret: str = SECRET) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def deliver(client, channel, payload, *, signature=None, delivery=None):
    body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    headers = {"X-Socialcrm-Signature": signature if signature is not None else signed(body)}
    if delivery:
        headers["X-Socialcrm-Delivery"] = delivery
    return client.post(
        reverse("channel_webhook", args=[channel.pk]), data=body, content_type="application/json", headers=headers
    )


def test_signed_delivery_is_stored_as_received_and_answered_before_processing(
    client, hook_channel, django_capture_on_commit_callbacks
):
    payload = {"posts": [forum_post("thread-88/post-1", "Acme Air lost my bag in Lisbon and nobody answers")]}
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = deliver(client, hook_channel, payload, delivery="dlv-001")

    assert response.status_code == 200
    event = RawEvent.objects.get()
    assert response.json() == {"received": event.pk, "duplicate": False}
    assert bytes(event.body) == json.dumps(payload).encode()
    assert (event.status, event.delivery_id, event.source) == (RawEventStatus.RECEIVED, "dlv-001", "webhook.webhook")
    assert len(callbacks) == 1  # processing is enqueued after commit
    assert not SocialPost.objects.exists()


def test_accepting_a_delivery_costs_two_queries_and_reads_no_listening_rules(
    client, hook_channel, django_capture_on_commit_callbacks
):
    # The accept path runs at hundreds a second: the channel, the INSERT; terms are for processing.
    from tests.listening.factories import ListeningRuleFactory

    ListeningRuleFactory(channels=[hook_channel])
    payload = {"posts": [forum_post("thread-90/post-1", "Acme Air changed my seat without asking")]}

    with django_capture_on_commit_callbacks(execute=False), CaptureQueriesContext(connection) as queries:
        response = deliver(client, hook_channel, payload)

    assert response.status_code == 200
    statements = [query["sql"] for query in queries.captured_queries]
    assert not any("listening" in sql for sql in statements), statements
    assert len([sql for sql in statements if not sql.startswith(("SAVEPOINT", "RELEASE"))]) == 2, statements


def test_processing_turns_the_delivery_into_posts_and_a_case(client, hook_channel, django_capture_on_commit_callbacks):
    payload = {"posts": [forum_post("thread-88/post-1", "Acme Air lost my bag in Lisbon and nobody answers")]}
    with django_capture_on_commit_callbacks(execute=False):
        deliver(client, hook_channel, payload)
    event = RawEvent.objects.get()

    assert process_raw_event_task(event.pk) == RawEventStatus.PROCESSED

    event.refresh_from_db()
    assert event.processed_at is not None and event.attempts == 1 and event.error == ""
    post = SocialPost.objects.get(channel=hook_channel)
    assert post.external_id == "thread-88/post-1"
    assert Case.objects.get().pk == post.case_id


def test_a_delivery_sent_twice_is_stored_and_processed_once(client, hook_channel, django_capture_on_commit_callbacks):
    payload = [forum_post("thread-91/post-4", "Still waiting on my refund from Acme Air, 6 weeks now", minute=5)]
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        first = deliver(client, hook_channel, payload)
        second = deliver(client, hook_channel, payload)

    assert first.json()["duplicate"] is False
    assert second.json() == {"received": first.json()["received"], "duplicate": True}
    assert RawEvent.objects.count() == 1 and len(callbacks) == 1
    event_id = first.json()["received"]
    process_raw_event_task(event_id)
    process_raw_event_task(event_id)  # a redelivered task
    assert SocialPost.objects.count() == 1
    assert RawEvent.objects.get().attempts == 1


def test_the_same_posts_in_two_different_deliveries_are_stored_once(
    client, hook_channel, django_capture_on_commit_callbacks
):
    post = forum_post("thread-91/post-4", "Still waiting on my refund from Acme Air", minute=5)
    with django_capture_on_commit_callbacks(execute=False):
        deliver(client, hook_channel, [post], delivery="a")
        deliver(client, hook_channel, [post], delivery="b")
    for event in RawEvent.objects.all():
        raw_event_process(raw_event_id=event.pk)
    assert RawEvent.objects.filter(status=RawEventStatus.PROCESSED).count() == 2
    assert SocialPost.objects.count() == 1


@pytest.mark.parametrize(
    "signature",
    ["", "sha256=" + "0" * 64, signed(b"another body"), signed(b"{}", secret="not-the-secret")],
    ids=["missing", "zeros", "other-body", "other-secret"],
)
def test_a_delivery_without_the_channels_signature_is_refused_and_not_stored(client, hook_channel, signature):
    response = deliver(client, hook_channel, b"{}", signature=signature)
    assert response.status_code == 403
    assert "x-socialcrm-signature" in response.json()["error"]
    assert not RawEvent.objects.exists()


def test_a_channel_whose_secret_is_not_configured_answers_503_so_the_sender_retries(client, hook_channel, monkeypatch):
    monkeypatch.delenv("TEST_FORUM_HOOK_SECRET")
    response = deliver(client, hook_channel, [forum_post("p1", "hello")])
    assert response.status_code == 503
    assert "signing_secret" in response.json()["error"]
    assert not RawEvent.objects.exists()


def test_webhooks_of_unknown_inactive_or_pull_only_channels_are_404(client, hook_channel):
    rss = ChannelFactory(kind=ChannelKind.RSS, name="Review site feed")
    hook_channel.is_active = False
    hook_channel.save()
    for channel_id in (hook_channel.pk, rss.pk, 987654):
        assert (
            client.post(reverse("channel_webhook", args=[channel_id]), data=b"{}", content_type="x").status_code == 404
        )


def test_a_body_that_is_not_json_becomes_a_dead_letter_with_its_reason(
    client, hook_channel, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        deliver(client, hook_channel, b'{"posts": [ {"external_id": "x"')
    event = RawEvent.objects.get()

    assert process_raw_event_task(event.pk) == RawEventStatus.DEAD

    event.refresh_from_db()
    assert event.status == RawEventStatus.DEAD and event.next_attempt_at is None
    assert event.error.startswith("the body is not JSON")
    assert bytes(event.body) == b'{"posts": [ {"external_id": "x"'  # kept byte for byte


def test_bad_items_become_dead_letters_and_the_good_ones_are_ingested(
    client, hook_channel, django_capture_on_commit_callbacks
):
    payload = {
        "posts": [
            forum_post("t1/p1", "Acme Air cancelled my flight to Porto and the app shows nothing"),
            {"external_id": "t1/p2", "posted_at": "yesterday-ish", "text": "unreadable time"},
            {"text": "no id at all", "posted_at": "2026-11-28T09:00:00Z"},
            forum_post("t1/p3", "Same here, Acme Air desk at LIS is closed", author="mira.s", minute=7),
        ]
    }
    with django_capture_on_commit_callbacks(execute=False):
        deliver(client, hook_channel, payload)
    delivery = RawEvent.objects.get()

    raw_event_process(raw_event_id=delivery.pk)

    delivery.refresh_from_db()
    assert delivery.status == RawEventStatus.PROCESSED
    assert delivery.error.startswith("2 item(s) kept as dead letters")
    assert set(SocialPost.objects.values_list("external_id", flat=True)) == {"t1/p1", "t1/p3"}
    dead = RawEvent.objects.filter(source="webhook.webhook.item").order_by("id")
    assert [event.status for event in dead] == [RawEventStatus.DEAD, RawEventStatus.DEAD]
    assert "post 2: unreadable time 'yesterday-ish'" in dead[0].error
    assert json.loads(bytes(dead[0].body)) == payload["posts"][1]
    assert "post 3: missing id" in dead[1].error
    # A single item's dead letter is kept for reading, not replayed.
    with pytest.raises(NotRetryable):
        raw_event_retry(raw_event=dead[0])


def test_a_dead_delivery_retried_by_an_admin_is_processed_again(
    client, hook_channel, django_capture_on_commit_callbacks
):
    body = json.dumps([forum_post("t2/p1", "Acme Air charged my card twice for seat 14C")]).encode()
    with django_capture_on_commit_callbacks(execute=False):
        deliver(client, hook_channel, body)
    event = RawEvent.objects.get()
    # Given processing failed for good: an admin switched the channel to a kind with no adapter ...
    hook_channel.kind = ChannelKind.IMPORT
    hook_channel.save()
    raw_event_process(raw_event_id=event.pk)
    event.refresh_from_db()
    assert event.status == RawEventStatus.DEAD
    assert "no live adapter for 'import' channels" in event.error
    assert not SocialPost.objects.exists()

    # ... when an admin retries it after the fix, it is processed
    hook_channel.kind = ChannelKind.WEBHOOK
    hook_channel.save()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        raw_event_retry(raw_event=event)
    assert len(callbacks) == 1
    event.refresh_from_db()
    assert event.status == RawEventStatus.RECEIVED
    assert raw_event_process(raw_event_id=event.pk).status == RawEventStatus.PROCESSED
    assert SocialPost.objects.filter(external_id="t2/p1").exists()


def test_an_unexpected_failure_is_kept_with_its_error_and_retried_with_backoff(
    client, hook_channel, django_capture_on_commit_callbacks, monkeypatch
):
    with django_capture_on_commit_callbacks(execute=False):
        deliver(client, hook_channel, [forum_post("t3/p1", "Acme Air, where is my refund?")])
    event = RawEvent.objects.get()

    def broken(self, posts):
        raise RuntimeError("sentiment model not loaded")

    monkeypatch.setattr("channels_app.pipeline.Ingestor.ingest", broken)
    result = raw_event_process(raw_event_id=event.pk)
    assert result.status == RawEventStatus.FAILED
    assert result.attempts == 1 and result.error == "unexpected RuntimeError: sentiment model not loaded"
    assert result.next_attempt_at is not None
    assert not SocialPost.objects.exists()  # nothing half-written

    monkeypatch.undo()
    assert raw_event_process(raw_event_id=event.pk).status == RawEventStatus.PROCESSED
    assert SocialPost.objects.count() == 1


def test_the_sweeper_requeues_failed_deliveries_that_are_due_and_lost_ones(hook_channel):
    now = timezone.now()
    due = RawEvent.objects.create(
        channel=hook_channel,
        source="webhook.webhook",
        body=b"[]",
        status=RawEventStatus.FAILED,
        attempts=2,
        next_attempt_at=now - dt.timedelta(minutes=5),
    )
    not_due = RawEvent.objects.create(
        channel=hook_channel,
        source="webhook.webhook",
        body=b"[]",
        status=RawEventStatus.FAILED,
        attempts=1,
        next_attempt_at=now + dt.timedelta(minutes=5),
    )
    lost = RawEvent.objects.create(channel=hook_channel, source="webhook.webhook", body=b"[]")
    RawEvent.objects.filter(pk=lost.pk).update(received_at=now - dt.timedelta(hours=1))
    fresh = RawEvent.objects.create(channel=hook_channel, source="webhook.webhook", body=b"[]", delivery_id="f")

    assert set(selectors.raw_events_due(now=now)) == {due.pk, lost.pk}
    assert not_due.pk not in selectors.raw_events_due(now=now) and fresh.pk not in selectors.raw_events_due(now=now)


def test_the_sweeper_task_processes_due_deliveries_and_does_not_pick_them_twice(hook_channel, monkeypatch):
    lost = RawEvent.objects.create(channel=hook_channel, source="webhook.webhook", body=b"[]")
    RawEvent.objects.filter(pk=lost.pk).update(received_at=timezone.now() - dt.timedelta(hours=1))
    sent = []
    monkeypatch.setattr(process_raw_event_task, "delay", lambda event_id: sent.append(event_id))

    assert retry_raw_events_task() == 1
    assert retry_raw_events_task() == 0  # its task is queued: not sent again next minute
    assert sent == [lost.pk]


def burst(client, channel, capture, count, *, bad=()):
    with capture(execute=False):
        for number in range(count):
            payload = (
                b"<html>502 Bad Gateway</html>"
                if number in bad
                else [
                    forum_post(f"burst/{number}", f"Acme Air flight {900 + number} cancelled, no hotel", minute=number)
                ]
            )
            deliver(client, channel, payload)
    return list(RawEvent.objects.order_by("pk"))


def test_a_burst_of_deliveries_is_processed_in_one_batch_with_the_queries_of_one(
    client, hook_channel, django_capture_on_commit_callbacks, django_assert_num_queries
):
    pair = burst(client, hook_channel, django_capture_on_commit_callbacks, 2)
    with CaptureQueriesContext(connection) as for_two:
        raw_event_process(raw_event_id=pair[0].pk)
    RawEvent.objects.all().delete()
    SocialPost.objects.all().update(case=None)

    events = burst(client, hook_channel, django_capture_on_commit_callbacks, 30)
    with CaptureQueriesContext(connection) as for_thirty:
        lead = raw_event_process(raw_event_id=events[0].pk)

    assert lead.status == RawEventStatus.PROCESSED
    assert set(RawEvent.objects.values_list("status", flat=True)) == {RawEventStatus.PROCESSED}
    assert SocialPost.objects.filter(external_id__startswith="burst/").count() == 30
    assert len(for_thirty.captured_queries) <= len(for_two.captured_queries)
    # The companions' own tasks find them done, in one read.
    with django_assert_num_queries(1):
        assert raw_event_process(raw_event_id=events[-1].pk).attempts == 1


def test_an_unreadable_delivery_in_a_burst_is_a_dead_letter_and_the_rest_go_on(
    client, hook_channel, django_capture_on_commit_callbacks
):
    events = burst(client, hook_channel, django_capture_on_commit_callbacks, 6, bad={3})

    raw_event_process(raw_event_id=events[0].pk)

    statuses = dict(RawEvent.objects.values_list("pk", "status"))
    assert statuses.pop(events[3].pk) == RawEventStatus.DEAD
    assert set(statuses.values()) == {RawEventStatus.PROCESSED}
    assert RawEvent.objects.get(pk=events[3].pk).error.startswith("the body is not JSON")


def test_a_batch_that_fails_is_redone_with_the_lead_delivery_alone(
    client, hook_channel, django_capture_on_commit_callbacks, monkeypatch
):
    events = burst(client, hook_channel, django_capture_on_commit_callbacks, 4)
    real_ingest = Ingestor.ingest

    def fails_on_batches(self, posts):
        if len(posts) > 1:
            raise RuntimeError("batch too big for a flaky dependency")
        return real_ingest(self, posts)

    monkeypatch.setattr(Ingestor, "ingest", fails_on_batches)

    lead = raw_event_process(raw_event_id=events[0].pk)

    assert (lead.status, lead.error) == (RawEventStatus.PROCESSED, "")
    others = RawEvent.objects.exclude(pk=lead.pk)
    assert set(others.values_list("status", flat=True)) == {RawEventStatus.RECEIVED}  # left to their own tasks
    assert set(others.values_list("attempts", flat=True)) == {0}
