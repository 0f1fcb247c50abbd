"""SIGKILL of the Celery worker in the middle of a webhook burst and of a reply, then a restart."""

from __future__ import annotations

import datetime as dt
import threading
import time

import pytest
from django.utils import timezone

from channels_app import selectors
from channels_app.choices import Direction, OutboundStatus
from channels_app.models import OutboundMessage, SocialPost
from channels_app.pipeline import ingest_posts
from channels_app.services import outbound_enqueue
from channels_app.services.outbox import send_lease
from channels_app.tasks import retry_outbound_task, retry_raw_events_task
from tests.channels.helpers import post
from tests.fakeapi import Reply
from tests.reliability.conftest import wait_for
from tests.reliability.helpers import deliver_burst, expected, forum_bridge, outcome, processed

pytestmark = pytest.mark.faults

BURST = 400


def test_a_worker_killed_mid_burst_and_restarted_stores_every_post_once_with_its_case(worker, monkeypatch):
    channel = forum_bridge()

    # Given a burst of deliveries the worker is processing
    deliver_burst(channel, BURST)
    assert wait_for(lambda: processed(channel) > 0), worker.tail()

    # When the worker is killed with SIGKILL mid-burst, then started again
    worker.kill()
    at_kill = processed(channel)
    assert at_kill < BURST, "the burst ended before the kill: make it larger"
    worker.start()
    # The task the dead worker held is still unacked in Redis until the visibility timeout;
    # beat's sweeper finds the deliveries left behind sooner (its delay shortened here).
    monkeypatch.setattr(selectors, "RAW_EVENT_LOST_AFTER", dt.timedelta(0))
    retry_raw_events_task()

    # Then every delivery is processed once: one post each, each post on its own case
    assert wait_for(lambda: processed(channel) == BURST), worker.tail()
    assert outcome(channel) == expected(BURST)
    print(f"\nkilled after {at_kill}/{BURST} deliveries processed; {outcome(channel)}")


def test_a_worker_killed_after_the_channel_accepted_its_reply_does_not_post_it_again(worker, fake_api):
    channel = forum_bridge(api_base_url=fake_api.base_url + "/bridge/")
    ingest_posts(
        channel=channel,
        posts=[post("board-4/topic-77", 0, "@AcmeAir my refund for booking QX7PLM never arrived", author="5150")],
    )
    case = SocialPost.objects.get(channel=channel, external_id="board-4/topic-77").case
    accepted = threading.Event()
    stored: dict[str, str] = {}  # idempotency key -> id: what the channel has

    def accept_then_hang(request):
        # The channel stores the reply, then answers too late: the worker is killed while waiting.
        stored[request.json()["idempotency_key"]] = "board-4/topic-77/reply-1"
        accepted.set()
        time.sleep(3)
        return Reply(status=201, json={"id": "board-4/topic-77/reply-1"})

    def look_up(request):
        key = request.path.rsplit("/", 1)[-1]
        return Reply(json={"id": stored[key]}) if key in stored else Reply(status=404, json={"error": "not found"})

    fake_api.route("POST", "/bridge/replies", handler=accept_then_hang)
    message = outbound_enqueue(case=case, text="So sorry! Your refund was reissued today, allow 3-5 days.")
    fake_api.route("GET", f"/bridge/replies/{message.idempotency_key}", handler=look_up)

    # Given the channel accepted the reply, when the worker is killed before recording it
    assert accepted.wait(timeout=30), worker.tail()
    worker.kill()
    message.refresh_from_db()
    assert (message.status, message.attempts) == (OutboundStatus.SENDING, 1)

    # And, once its claim's lease has run out (time limit + 60 s: moved back here), the
    # restarted worker gets the message again from beat's sweeper
    worker.start()
    OutboundMessage.objects.filter(pk=message.pk).update(claimed_at=timezone.now() - send_lease())
    assert retry_outbound_task() == 1

    # Then the retry finds the reply on the channel and records it, without posting it again
    assert wait_for(lambda: OutboundMessage.objects.get(pk=message.pk).status == OutboundStatus.SENT), worker.tail()
    message.refresh_from_db()
    assert (message.external_id, message.attempts) == ("board-4/topic-77/reply-1", 2)
    assert len(fake_api.calls("POST", "/bridge/replies")) == 1
    assert len(fake_api.calls("GET", f"/bridge/replies/{message.idempotency_key}")) == 1
    assert SocialPost.objects.filter(case=case, direction=Direction.OUTBOUND).count() == 1
