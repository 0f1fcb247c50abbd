"""The same webhook delivered several times at once is stored once and becomes one post (PostgreSQL)."""

import hashlib
import hmac
import json
import threading

import pytest
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from channels_app.choices import ChannelKind, RawEventStatus
from channels_app.models import RawEvent, SocialPost
from channels_app.services import raw_event_process
from tests.factories import ChannelFactory

SECRET = "concurrency-secret"
DELIVERY = {
    "posts": [
        {
            "external_id": "board-7/reply-31",
            "posted_at": "2026-11-29T20:14:00+00:00",
            "text": "@AcmeAir the Lisbon lounge turned us away with valid tickets. Who do I talk to?",
            "author_id": "wanderlust_ines",
            "author_handle": "wanderlust_ines",
            "in_reply_to_handle": "AcmeAir",
        }
    ]
}


def in_threads(count, work):
    barrier = threading.Barrier(count)
    results, errors = [], []

    def run():
        try:
            barrier.wait(timeout=10)
            results.append(work())
        except Exception as error:  # surfaced by the assertion below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    return results


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_five_concurrent_deliveries_of_one_webhook_store_one_event_and_one_post(monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises writers, so nothing runs concurrently")
    monkeypatch.setenv("CONCURRENCY_HOOK_SECRET", SECRET)
    channel = ChannelFactory(
        kind=ChannelKind.WEBHOOK,
        name="Lounge forum",
        brand_handles=["AcmeAir"],
        credential_env={"signing_secret": "CONCURRENCY_HOOK_SECRET"},
    )
    body = json.dumps(DELIVERY).encode()
    signature = "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
    # Processing runs below, five times at once, as five workers would; not from the request.
    monkeypatch.setattr("channels_app.services.webhooks.raw_event_enqueue", lambda raw_event_id: None)

    def deliver():
        response = Client().post(
            reverse("channel_webhook", args=[channel.pk]),
            data=body,
            content_type="application/json",
            headers={"X-Socialcrm-Signature": signature},
        )
        return response.status_code, response.json()

    answers = in_threads(5, deliver)

    assert [status for status, _ in answers] == [200] * 5
    assert len({answer["received"] for _, answer in answers}) == 1
    assert sorted(answer["duplicate"] for _, answer in answers) == [False, True, True, True, True]
    (event,) = RawEvent.objects.all()

    statuses = in_threads(5, lambda: raw_event_process(raw_event_id=event.pk).status)

    assert statuses == [RawEventStatus.PROCESSED] * 5
    event.refresh_from_db()
    assert event.attempts == 1  # processed by one worker; the others found it done
    assert SocialPost.objects.filter(channel=channel).count() == 1
