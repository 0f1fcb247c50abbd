"""Replies through a channel that answers 429 or a truncated body: backoff, no loss, no duplicate.

500s and timeouts on replies are pinned in tests/channels/test_outbox.py; these are the two
answers it does not try. In-process (no worker): the outbox service against the fake API.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from channels_app.choices import Direction, OutboundStatus
from channels_app.models import OutboundMessage, SocialPost
from channels_app.pipeline import ingest_posts
from channels_app.services import outbound_enqueue, outbound_publish
from tests.channels.helpers import post
from tests.fakeapi import Reply
from tests.reliability.helpers import forum_bridge

pytestmark = [pytest.mark.faults, pytest.mark.django_db]


@pytest.fixture
def message(fake_api, settings, monkeypatch, django_capture_on_commit_callbacks):
    from tests.reliability.conftest import HOOK_SECRET, HOOK_SECRET_ENV

    settings.CHANNEL_HTTP_TIMEOUT = 1
    monkeypatch.setenv(HOOK_SECRET_ENV, HOOK_SECRET)
    channel = forum_bridge(api_base_url=fake_api.base_url + "/bridge/")
    ingest_posts(channel=channel, posts=[post("board-9/topic-3", 0, "@AcmeAir where is my refund for QX7PLM?")])
    case = SocialPost.objects.get(external_id="board-9/topic-3").case
    with django_capture_on_commit_callbacks(execute=False):
        return outbound_enqueue(case=case, text="Your refund left us today; allow 3-5 working days.")


def run_when_due(message: OutboundMessage) -> OutboundMessage:
    OutboundMessage.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now())
    return outbound_publish(message_id=message.pk)


def rate_limited_then_accepted(message, fake_api) -> None:
    fake_api.route(
        "POST",
        "/bridge/replies",
        Reply(status=429, json={"error": "slow down"}, headers={"Retry-After": "600"}),
        Reply(status=201, json={"id": "board-9/topic-3/reply-1"}),
    )
    fake_api.route("GET", f"/bridge/replies/{message.idempotency_key}", Reply(status=404, json={}))


def test_a_429_on_a_reply_is_backed_off_then_the_reply_is_posted_once(message, fake_api):
    rate_limited_then_accepted(message, fake_api)

    failed = outbound_publish(message_id=message.pk)
    assert failed.status == OutboundStatus.FAILED and "HTTP 429" in failed.last_error
    assert failed.next_attempt_at > timezone.now()  # backed off (jittered), not retried at once

    sent = run_when_due(failed)
    assert (sent.status, sent.external_id, sent.attempts) == (OutboundStatus.SENT, "board-9/topic-3/reply-1", 2)
    assert len(fake_api.calls("POST", "/bridge/replies")) == 1 + 1  # the refused one and the accepted one
    assert SocialPost.objects.filter(direction=Direction.OUTBOUND).count() == 1


def test_a_truncated_answer_to_an_accepted_reply_is_retried_by_lookup_and_not_posted_again(message, fake_api):
    # The channel stored the reply, but its answer was cut off mid-body.
    fake_api.route("POST", "/bridge/replies", Reply(status=201, json={"id": "board-9/topic-3/reply-1"}, truncate=True))
    fake_api.route("GET", f"/bridge/replies/{message.idempotency_key}", Reply(json={"id": "board-9/topic-3/reply-1"}))

    failed = outbound_publish(message_id=message.pk)
    assert failed.status == OutboundStatus.FAILED and failed.next_attempt_at is not None

    sent = run_when_due(failed)
    assert (sent.status, sent.external_id) == (OutboundStatus.SENT, "board-9/topic-3/reply-1")
    assert len(fake_api.calls("POST", "/bridge/replies")) == 1
    assert SocialPost.objects.filter(direction=Direction.OUTBOUND).count() == 1


def test_a_429_on_a_reply_waits_at_least_the_retry_after_the_channel_asks(message, fake_api):
    rate_limited_then_accepted(message, fake_api)

    failed = outbound_publish(message_id=message.pk)

    assert failed.next_attempt_at >= timezone.now() + dt.timedelta(seconds=590)
