"""Malformed webhook deliveries through the view and the processing task.

Pins the issue's promise for push channels: a delivery that cannot be read
ends as a dead letter with its reason (never a 500, never a task that keeps
failing), an oversized body is refused with 413, and in a delivery mixing
bad items with good ones the good ones become posts while each bad one is
kept as its own dead letter. tests/channels/test_webhooks.py already covers
a truncated JSON body and items with a bad time or no id; these add deep
nesting, invalid UTF-8, oversized bodies, hostile texts and values that do
not fit the database's columns.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json

import pytest
from hypothesis import given, settings

from channels_app.choices import ChannelKind, RawEventStatus
from channels_app.models import RawEvent, SocialPost
from channels_app.tasks import process_raw_event_task
from tests.badinput.strategies import BOUNDED, spoiled
from tests.factories import ChannelFactory

pytestmark = pytest.mark.django_db

SECRET = "forum-bridge-secret"


@pytest.fixture
def hook_channel(monkeypatch):
    monkeypatch.setenv("BADINPUT_HOOK_SECRET", SECRET)
    return ChannelFactory(
        kind=ChannelKind.WEBHOOK,
        name="Travel forum bridge",
        brand_handles=["AcmeAir"],
        brand_terms=["acme air"],
        credential_env={"signing_secret": "BADINPUT_HOOK_SECRET"},
    )


def forum_post(external_id: str, text: str = "Acme Air lost my suitcase between Lisbon and Porto", **fields) -> dict:
    return {
        "external_id": external_id,
        "posted_at": "2026-11-28T09:14:00+00:00",
        "text": text,
        "author_id": "kestrel_77",
        "author_handle": "kestrel_77",
        "in_reply_to_handle": "AcmeAir",
        **fields,
    }


def deliver(client, channel, body: bytes):
    signature = "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
    return client.post(
        f"/webhooks/{channel.pk}/",
        data=body,
        content_type="application/json",
        headers={"X-Socialcrm-Signature": signature},
    )


def deliver_and_process(client, channel, body: bytes, capture) -> RawEvent:
    with capture(execute=False):
        response = deliver(client, channel, body)
    assert response.status_code == 200
    event = RawEvent.objects.get(pk=response.json()["received"])
    process_raw_event_task(event.pk)
    event.refresh_from_db()
    return event


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        pytest.param(b'{"posts": ' + b"[" * 10_000 + b"]" * 10_000 + b"}", "nested too deeply", id="nested-10000"),
        pytest.param(b'{"posts": [{"external_id": "t9/p1", "text": "caf\xe9"}]}', "not JSON", id="latin1-bytes"),
        pytest.param(b"\x00\x01\x02\xff" * 64, "not JSON", id="binary"),
    ],
)
def test_an_unreadable_delivery_is_a_dead_letter_with_its_reason_and_its_bytes(
    client, hook_channel, django_capture_on_commit_callbacks, body, reason
):
    event = deliver_and_process(client, hook_channel, body, django_capture_on_commit_callbacks)

    assert event.status == RawEventStatus.DEAD and event.next_attempt_at is None
    assert reason in event.error
    assert bytes(event.body) == body
    assert not SocialPost.objects.exists()


def test_a_body_over_the_upload_limit_is_refused_with_413_and_not_stored(client, hook_channel):
    five_megabytes = json.dumps([forum_post("t1/p1", "Acme Air " + "x" * 5_000_000)]).encode()

    response = deliver(client, hook_channel, five_megabytes)

    assert response.status_code == 413
    assert not RawEvent.objects.exists()


def test_markup_nul_and_control_characters_are_stored_as_text_beside_the_good_posts(
    client, hook_channel, django_capture_on_commit_callbacks
):
    posts = [
        forum_post("t2/p1", "Acme Air desk at LIS closed, 300 people waiting"),
        forum_post("t2/p2", "<script>alert(document.cookie)</script> where is my refund"),
        forum_post("t2/p3", "refund\x00 please \x1b[31mnow\x1b[0m \x07"),
        forum_post("t2/p4", "Still no answer from Acme Air about the lost suitcase", author_id="mira.s"),
    ]
    event = deliver_and_process(
        client, hook_channel, json.dumps({"posts": posts}).encode(), django_capture_on_commit_callbacks
    )

    assert event.status == RawEventStatus.PROCESSED
    stored = dict(SocialPost.objects.values_list("external_id", "text"))
    assert set(stored) == {"t2/p1", "t2/p2", "t2/p3", "t2/p4"}
    assert stored["t2/p2"] == "<script>alert(document.cookie)</script> where is my refund"  # escaped when shown
    assert stored["t2/p3"] == "refund please \x1b[31mnow\x1b[0m \x07"  # NUL dropped: PostgreSQL refuses it


@pytest.mark.parametrize(
    "oversized",
    [
        pytest.param({"like_count": 2**40}, id="like-count-over-int32"),
        pytest.param({"share_count": 2**63}, id="share-count-over-int64"),
        pytest.param({"author_followers": 2**64}, id="followers-over-int64"),
        pytest.param({"author_handle": "h" * 300, "author_name": "N" * 1_000}, id="handle-and-name-too-long"),
        pytest.param({"author_id": "a" * 300}, id="author-id-too-long"),
        pytest.param({"url": "https://forum.example/" + "p" * 2_000}, id="url-too-long"),
        pytest.param({"language": "x" * 40}, id="language-too-long"),
        pytest.param({"in_reply_to_id": "r" * 300, "conversation_id": "c" * 300}, id="thread-ids-too-long"),
    ],
)
def test_a_value_too_big_for_its_column_costs_only_its_own_post(
    client, hook_channel, django_capture_on_commit_callbacks, oversized
):
    posts = [
        forum_post("t4/p1", "Acme Air desk at LIS closed, 300 people waiting"),
        forum_post("t4/p2", **oversized),
        forum_post("t4/p3", "Still no answer from Acme Air about the lost suitcase", author_id="mira.s"),
    ]
    event = deliver_and_process(client, hook_channel, json.dumps(posts).encode(), django_capture_on_commit_callbacks)

    assert event.status == RawEventStatus.PROCESSED, event.error
    stored = set(SocialPost.objects.values_list("external_id", flat=True))
    assert {"t4/p1", "t4/p3"} <= stored
    # The oversized post is stored (clipped) or kept as its own dead letter: never silently gone.
    dead = RawEvent.objects.filter(source="webhook.webhook.item", status=RawEventStatus.DEAD)
    assert "t4/p2" in stored or [json.loads(bytes(letter.body))["external_id"] for letter in dead] == ["t4/p2"]


_serial = itertools.count(1)


@settings(BOUNDED, max_examples=25)
@given(bad=spoiled(forum_post("spoiled")))
def test_a_spoiled_post_never_costs_its_good_neighbour_nor_fails_the_delivery(
    client, hook_channel, django_capture_on_commit_callbacks, bad
):
    # Examples share the test's database: fresh ids keep them apart.
    number = next(_serial)
    good_id = f"t3/good-{number}"
    if bad.get("external_id") == "spoiled":
        bad["external_id"] = f"t3/spoiled-{number}"
    body = json.dumps([forum_post(good_id), bad]).encode()

    event = deliver_and_process(client, hook_channel, body, django_capture_on_commit_callbacks)

    assert event.status == RawEventStatus.PROCESSED, event.error
    assert SocialPost.objects.filter(external_id=good_id).exists()
