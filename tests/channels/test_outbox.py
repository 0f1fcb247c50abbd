"""The outbox: a reply is published once through its channel, whatever fails or runs twice."""

import datetime as dt
import hashlib
import hmac

import pytest
from django.utils import timezone

from cases.choices import CaseEventKind
from cases.models import CaseEvent, SLAClock
from channels_app.choices import ChannelKind, Direction, OutboundStatus
from channels_app.models import OutboundMessage, SocialPost
from channels_app.pipeline import ingest_posts
from channels_app.services import OutboundError, outbound_enqueue, outbound_publish, outbound_retry
from channels_app.tasks import publish_outbound_task, retry_outbound_task
from tests.channels.helpers import post
from tests.factories import CaseFactory, ChannelFactory, UserFactory
from tests.fakeapi import Reply

pytestmark = pytest.mark.django_db

SECRET = "outbox-test-secret"


@pytest.fixture
def forum(monkeypatch, fake_api, settings):
    settings.CHANNEL_HTTP_TIMEOUT = 1
    monkeypatch.setenv("TEST_OUTBOX_SECRET", SECRET)
    return ChannelFactory(
        kind=ChannelKind.WEBHOOK,
        name="Community forum",
        brand_handles=["AcmeAirCare"],
        api_base_url=fake_api.base_url + "/bridge/",
        credential_env={"signing_secret": "TEST_OUTBOX_SECRET"},
    )


@pytest.fixture
def complaint(forum):
    ingest_posts(
        channel=forum,
        posts=[post("f-100", 0, "@AcmeAirCare my connecting flight was cancelled and the rebooking link is broken")],
    )
    return SocialPost.objects.get(channel=forum, external_id="f-100")


@pytest.fixture
def agent():
    return UserFactory(username="rosa")


def queue_reply(
    case, agent, capture, text="Sorry Dana! I've rebooked you on AC 812 tomorrow 08:10, check your e-mail."
):
    with capture(execute=False) as callbacks:
        message = outbound_enqueue(case=case, text=text, author=agent)
    assert len(callbacks) == 1  # publishing is enqueued after commit
    return message


def test_a_reply_is_published_once_though_its_task_runs_twice(
    forum, complaint, agent, fake_api, django_capture_on_commit_callbacks
):
    fake_api.route("POST", "/bridge/replies", Reply(status=201, json={"id": "f-101", "url": "https://forum/f-101"}))
    message = queue_reply(complaint.case, agent, django_capture_on_commit_callbacks)

    assert publish_outbound_task(message.pk) == OutboundStatus.SENT
    assert publish_outbound_task(message.pk) == OutboundStatus.SENT  # redelivered

    assert len(fake_api.calls("POST", "/bridge/replies")) == 1
    message.refresh_from_db()
    assert (message.status, message.external_id, message.attempts) == (OutboundStatus.SENT, "f-101", 1)
    assert message.sent_at is not None and message.last_error == ""


def test_the_published_reply_is_the_brands_post_on_the_case_and_records_the_response(
    forum, complaint, agent, fake_api, django_capture_on_commit_callbacks
):
    fake_api.route("POST", "/bridge/replies", Reply(status=201, json={"id": "f-101"}))
    message = queue_reply(complaint.case, agent, django_capture_on_commit_callbacks)

    outbound_publish(message_id=message.pk)

    reply_post = SocialPost.objects.get(channel=forum, external_id="f-101")
    assert reply_post.direction == Direction.OUTBOUND
    assert reply_post.case_id == complaint.case_id
    assert reply_post.in_reply_to_external_id == "f-100"
    case = complaint.case
    case.refresh_from_db()
    assert case.first_responded_at is not None
    event = CaseEvent.objects.get(case=case, kind=CaseEventKind.OUTBOUND_REPLY)
    assert (event.outbound_message_id, event.actor_id, event.post_id) == (message.pk, agent.pk, reply_post.pk)


def test_a_published_automatic_acknowledgement_stops_no_sla_clock_and_an_agent_reply_does(
    forum, complaint, agent, fake_api, django_capture_on_commit_callbacks
):
    fake_api.route("POST", "/bridge/replies", Reply(status=201, json={"id": "f-101"}))
    with django_capture_on_commit_callbacks(execute=False):
        ack = outbound_enqueue(
            case=complaint.case, text="Thanks, we reply within the hour.", is_automatic=True, reply_to=complaint
        )
    outbound_publish(message_id=ack.pk)

    case = complaint.case
    case.refresh_from_db()
    assert case.first_responded_at is None
    assert SLAClock.objects.get(case=case, target="first_response").state == "running"

    fake_api.route("POST", "/bridge/replies", Reply(status=201, json={"id": "f-102"}))
    outbound_publish(message_id=queue_reply(case, agent, django_capture_on_commit_callbacks).pk)

    first = SLAClock.objects.get(case=case, target="first_response")
    assert (first.state, first.stop_reason) == ("stopped", "reply")
    assert first.stopped_at == SocialPost.objects.get(channel=forum, external_id="f-102").posted_at


def test_the_request_carries_the_idempotency_key_the_parent_and_a_valid_signature(
    forum, complaint, agent, fake_api, django_capture_on_commit_callbacks
):
    fake_api.route("POST", "/bridge/replies", Reply(status=201, json={"id": "f-101"}))
    message = queue_reply(complaint.case, agent, django_capture_on_commit_callbacks, text="We're on it, DM us please")

    outbound_publish(message_id=message.pk)

    (request,) = fake_api.calls("POST", "/bridge/replies")
    sent = request.json()
    assert sent["idempotency_key"] == str(message.idempotency_key)
    assert request.headers["idempotency-key"] == str(message.idempotency_key)
    assert (sent["in_reply_to_id"], sent["text"], sent["recipient_id"]) == (
        "f-100",
        "We're on it, DM us please",
        "9001",
    )
    expected = "sha256=" + hmac.new(SECRET.encode(), request.body, hashlib.sha256).hexdigest()
    assert request.headers["x-socialcrm-signature"] == expected


def test_a_server_error_is_recorded_and_retried_later_after_looking_the_reply_up(
    forum, complaint, agent, fake_api, django_capture_on_commit_callbacks
):
    fake_api.route(
        "POST",
        "/bridge/replies",
        Reply(status=503, body="upstream unavailable"),
        Reply(status=201, json={"id": "f-102"}),
    )
    message = queue_reply(complaint.case, agent, django_capture_on_commit_callbacks)
    fake_api.route("GET", f"/bridge/replies/{message.idempotency_key}", Reply(status=404, json={}))

    failed = outbound_publish(message_id=message.pk)
    assert failed.status == OutboundStatus.FAILED
    assert "HTTP 503" in failed.last_error and failed.attempts == 1
    assert failed.next_attempt_at > timezone.now()
    event = CaseEvent.objects.get(case=complaint.case, kind=CaseEventKind.REPLY_FAILED)
    assert event.payload["final"] is False and event.outbound_message_id == message.pk
    # Not due yet: a run now does nothing.
    assert outbound_publish(message_id=message.pk).attempts == 1

    OutboundMessage.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now())
    sent = outbound_publish(message_id=message.pk)

    assert (sent.status, sent.external_id, sent.attempts) == (OutboundStatus.SENT, "f-102", 2)
    assert len(fake_api.calls("GET", f"/bridge/replies/{message.idempotency_key}")) == 1  # looked up first
    assert len(fake_api.calls("POST", "/bridge/replies")) == 2


def test_a_reply_accepted_before_its_worker_died_is_found_and_not_posted_again(
    forum, complaint, agent, fake_api, django_capture_on_commit_callbacks
):
    message = queue_reply(complaint.case, agent, django_capture_on_commit_callbacks)
    # Given a worker claimed it, the channel accepted it, and the worker died before recording it
    OutboundMessage.objects.filter(pk=message.pk).update(
        status=OutboundStatus.SENDING, attempts=1, claimed_at=timezone.now() - dt.timedelta(hours=1)
    )
    fake_api.route("GET", f"/bridge/replies/{message.idempotency_key}", Reply(json={"id": "f-150"}))
    fake_api.route("POST", "/bridge/replies", Reply(status=201, json={"id": "f-DUPLICATE"}))

    # When the sweeper's task takes the stale claim over
    sent = outbound_publish(message_id=message.pk)

    # Then the reply is recorded as the one the channel has, and nothing is posted
    assert (sent.status, sent.external_id, sent.attempts) == (OutboundStatus.SENT, "f-150", 2)
    assert fake_api.calls("POST", "/bridge/replies") == []
    assert SocialPost.objects.filter(channel=forum, external_id="f-150", case=complaint.case).exists()


def test_a_message_another_worker_is_sending_is_left_alone(
    forum, complaint, agent, fake_api, django_capture_on_commit_callbacks
):
    message = queue_reply(complaint.case, agent, django_capture_on_commit_callbacks)
    OutboundMessage.objects.filter(pk=message.pk).update(
        status=OutboundStatus.SENDING, attempts=1, claimed_at=timezone.now()
    )
    fake_api.route("POST", "/bridge/replies", Reply(status=201, json={"id": "f-101"}))

    assert outbound_publish(message_id=message.pk).status == OutboundStatus.SENDING
    assert fake_api.calls() == []


def test_a_timeout_may_hide_a_success_so_the_retry_looks_it_up_first(
    forum, complaint, agent, fake_api, django_capture_on_commit_callbacks
):
    fake_api.route("POST", "/bridge/replies", Reply(status=201, json={"id": "f-170"}, delay=1.6))
    message = queue_reply(complaint.case, agent, django_capture_on_commit_callbacks)
    fake_api.route("GET", f"/bridge/replies/{message.idempotency_key}", Reply(json={"id": "f-170"}))

    failed = outbound_publish(message_id=message.pk)
    assert failed.status == OutboundStatus.FAILED and "no answer within 1 s" in failed.last_error

    OutboundMessage.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now())
    sent = outbound_publish(message_id=message.pk)
    assert (sent.status, sent.external_id) == (OutboundStatus.SENT, "f-170")
    assert len(fake_api.calls("POST", "/bridge/replies")) == 1


def test_a_rejected_reply_fails_for_good_until_an_admin_retries_it(
    forum, complaint, agent, fake_api, django_capture_on_commit_callbacks
):
    fake_api.route(
        "POST",
        "/bridge/replies",
        Reply(status=400, json={"error": "text too long for this forum"}),
        Reply(status=201, json={"id": "f-180"}),
    )
    message = queue_reply(complaint.case, agent, django_capture_on_commit_callbacks)

    failed = outbound_publish(message_id=message.pk)
    assert failed.status == OutboundStatus.FAILED and failed.next_attempt_at is None
    assert "HTTP 400" in failed.last_error and "text too long" in failed.last_error
    assert CaseEvent.objects.get(kind=CaseEventKind.REPLY_FAILED).payload["final"] is True
    assert retry_outbound_task.run() == 0  # the sweeper leaves it to a person

    fake_api.route("GET", f"/bridge/replies/{message.idempotency_key}", Reply(status=404, json={}))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert outbound_retry(message=failed) is True
    assert len(callbacks) == 1
    assert outbound_publish(message_id=message.pk).external_id == "f-180"


def test_a_reply_needs_text_and_a_customer_post_to_answer(forum, complaint, agent):
    with pytest.raises(OutboundError, match="needs text"):
        outbound_enqueue(case=complaint.case, text="   ", author=agent)
    with pytest.raises(OutboundError, match="no customer post"):
        outbound_enqueue(case=CaseFactory(), text="Hello", author=agent)


def test_the_reply_answers_the_customers_latest_post_by_default(
    forum, complaint, agent, django_capture_on_commit_callbacks
):
    ingest_posts(channel=forum, posts=[post("f-120", 9, "Hello?? still stuck at the gate", reply_to="f-100")])
    message = queue_reply(complaint.case, agent, django_capture_on_commit_callbacks)
    assert message.reply_to.external_id == "f-120" and message.channel_id == forum.pk
