"""Live channels end to end: the real webhook views and a real Celery worker on the real Redis."""

import base64
import hashlib
import hmac
import json
import time

import pytest
from django.urls import reverse

from cases.models import Case
from channels_app.choices import ChannelKind, OutboundStatus, RawEventStatus
from channels_app.models import OutboundMessage, RawEvent, SocialPost
from channels_app.pipeline import ingest_posts
from channels_app.services import outbound_enqueue
from channels_app.tasks import publish_outbound_task
from tests.channels.helpers import post
from tests.factories import ChannelFactory, UserFactory
from tests.fakeapi import Reply

X_SECRET = "e2e-consumer-secret"
FB_SECRET = "e2e-app-secret"

MENTION_EVENT = {
    "for_user_id": "3141592653",
    "user_has_blocked": "false",
    "tweet_create_events": [
        {
            "created_at": "Sat Nov 28 17:45:09 +0000 2026",
            "id": 1994471826009112577,
            "id_str": "1994471826009112577",
            "text": "@AcmeAirCare three hours at gate B22 in Denver and still no update on flight 1187. Useless.",
            "in_reply_to_status_id_str": None,
            "in_reply_to_user_id_str": "3141592653",
            "in_reply_to_screen_name": "AcmeAirCare",
            "user": {
                "id_str": "88120455",
                "screen_name": "tomas_vega",
                "name": "Tomás Vega",
                "followers_count": 48211,
                "verified": True,
            },
            "entities": {"user_mentions": [{"screen_name": "AcmeAirCare", "id_str": "3141592653"}]},
            "lang": "en",
            "timestamp_ms": "1795974309000",
        }
    ],
}


def x_signature(body: bytes) -> str:
    return "sha256=" + base64.b64encode(hmac.new(X_SECRET.encode(), body, hashlib.sha256).digest()).decode()


@pytest.fixture
def x_channel(monkeypatch):
    monkeypatch.setenv("E2E_X_CONSUMER_SECRET", X_SECRET)
    return ChannelFactory(
        kind=ChannelKind.X,
        name="Acme Air on X",
        brand_handles=["AcmeAirCare"],
        options={"user_id": "3141592653", "username": "AcmeAirCare"},
        credential_env={"consumer_secret": "E2E_X_CONSUMER_SECRET"},
    )


def wait_for(predicate, seconds=30.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


@pytest.mark.redis
def test_an_x_webhook_becomes_a_case_through_a_real_worker(celery_worker, client, x_channel):
    body = json.dumps(MENTION_EVENT).encode()

    response = client.post(
        reverse("channel_webhook", args=[x_channel.pk]),
        data=body,
        content_type="application/json",
        headers={"x-twitter-webhooks-signature": x_signature(body)},
    )

    assert response.status_code == 200
    event_id = response.json()["received"]
    assert wait_for(lambda: RawEvent.objects.get(pk=event_id).status == RawEventStatus.PROCESSED)
    tweet = SocialPost.objects.get(channel=x_channel, external_id="1994471826009112577")
    case = Case.objects.get(pk=tweet.case_id)
    assert case.first_message_at.isoformat() == "2026-11-28T17:45:09+00:00"
    assert case.customer.max_followers == 48211
    assert tweet.author.handle == "tomas_vega" and tweet.author.verified


@pytest.mark.redis
def test_the_same_webhook_delivered_twice_through_the_worker_is_one_post(celery_worker, client, x_channel):
    body = json.dumps(MENTION_EVENT).encode()
    url = reverse("channel_webhook", args=[x_channel.pk])
    headers = {"x-twitter-webhooks-signature": x_signature(body)}

    first = client.post(url, data=body, content_type="application/json", headers=headers)
    second = client.post(url, data=body, content_type="application/json", headers=headers)

    assert second.json() == {"received": first.json()["received"], "duplicate": True}
    assert wait_for(lambda: RawEvent.objects.get().status == RawEventStatus.PROCESSED)
    assert SocialPost.objects.filter(channel=x_channel).count() == 1
    assert Case.objects.count() == 1


@pytest.mark.redis
def test_a_reply_is_published_once_though_the_worker_runs_its_task_twice(celery_worker, fake_api, monkeypatch):
    monkeypatch.setenv("E2E_HOOK_SECRET", "bridge-secret")
    channel = ChannelFactory(
        kind=ChannelKind.WEBHOOK,
        name="Forum bridge",
        brand_handles=["AcmeAirCare"],
        api_base_url=fake_api.base_url,
        credential_env={"signing_secret": "E2E_HOOK_SECRET"},
    )
    ingest_posts(
        channel=channel, posts=[post("th-5/p-1", 0, "@AcmeAirCare my refund for booking QX7PLM never arrived")]
    )
    case = SocialPost.objects.get(external_id="th-5/p-1").case
    fake_api.route("POST", "/replies", Reply(status=201, json={"id": "th-5/p-2"}))

    # outbound_enqueue sends the task on commit (this test commits for real), then it is sent again.
    message = outbound_enqueue(case=case, text="So sorry! Refund reissued today, 3-5 days.", author=UserFactory())
    assert wait_for(lambda: OutboundMessage.objects.get(pk=message.pk).status == OutboundStatus.SENT)
    publish_outbound_task.delay(message.pk).get(timeout=30)

    assert len(fake_api.calls("POST", "/replies")) == 1
    message.refresh_from_db()
    assert (message.external_id, message.attempts) == ("th-5/p-2", 1)
    case.refresh_from_db()
    assert case.first_responded_at is not None


# -- handshakes and signatures through the view -----------------------------------------------


@pytest.mark.django_db
def test_the_x_crc_challenge_is_answered_with_the_signed_token(client, x_channel):
    response = client.get(reverse("channel_webhook", args=[x_channel.pk]), {"crc_token": "k5T0-nonce"})
    expected = base64.b64encode(hmac.new(X_SECRET.encode(), b"k5T0-nonce", hashlib.sha256).digest()).decode()
    assert response.status_code == 200 and response["Content-Type"].startswith("application/json")
    assert response.json() == {"response_token": "sha256=" + expected}


@pytest.mark.django_db
def test_an_x_delivery_with_a_wrong_signature_is_refused(client, x_channel):
    body = json.dumps(MENTION_EVENT).encode()
    response = client.post(
        reverse("channel_webhook", args=[x_channel.pk]),
        data=body,
        content_type="application/json",
        headers={"x-twitter-webhooks-signature": x_signature(body + b" ")},
    )
    assert response.status_code == 403
    assert not RawEvent.objects.exists()


@pytest.fixture
def facebook_channel(monkeypatch):
    monkeypatch.setenv("E2E_FB_APP_SECRET", FB_SECRET)
    monkeypatch.setenv("E2E_FB_VERIFY_TOKEN", "blue-heron-42")
    return ChannelFactory(
        kind=ChannelKind.FACEBOOK,
        name="Acme Air Page",
        brand_handles=["480003118"],
        options={"page_id": "480003118"},
        credential_env={"app_secret": "E2E_FB_APP_SECRET", "verify_token": "E2E_FB_VERIFY_TOKEN"},
    )


@pytest.mark.django_db
def test_the_facebook_hub_challenge_is_echoed_only_with_the_verify_token(client, facebook_channel):
    url = reverse("channel_webhook", args=[facebook_channel.pk])
    good = client.get(
        url, {"hub.mode": "subscribe", "hub.challenge": "1158201444", "hub.verify_token": "blue-heron-42"}
    )
    bad = client.get(url, {"hub.mode": "subscribe", "hub.challenge": "1158201444", "hub.verify_token": "guess"})
    assert (good.status_code, good.content) == (200, b"1158201444")
    assert bad.status_code == 403


@pytest.mark.django_db
def test_a_facebook_comment_delivery_is_stored_and_processed_into_a_case(
    client, facebook_channel, django_capture_on_commit_callbacks
):
    from channels_app.services import raw_event_process

    payload = {
        "object": "page",
        "entry": [
            {
                "id": "480003118",
                "time": 1795970000,
                "changes": [
                    {
                        "field": "feed",
                        "value": {
                            "item": "comment",
                            "verb": "add",
                            "post_id": "480003118_7710024",
                            "comment_id": "7710024_99120031",
                            "parent_id": "480003118_7710024",
                            "from": {"id": "66120987", "name": "Greta Lind"},
                            "message": "Your app charged me twice for extra legroom, no reply in 4 days",
                            "created_time": 1795969800,
                        },
                    }
                ],
            }
        ],
    }
    body = json.dumps(payload, separators=(",", ":")).encode()
    signature = "sha256=" + hmac.new(FB_SECRET.encode(), body, hashlib.sha256).hexdigest()
    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(
            reverse("channel_webhook", args=[facebook_channel.pk]),
            data=body,
            content_type="application/json",
            headers={"X-Hub-Signature-256": signature},
        )
    assert response.status_code == 200

    raw_event_process(raw_event_id=response.json()["received"])

    comment = SocialPost.objects.get(channel=facebook_channel, external_id="7710024_99120031")
    assert comment.case is not None and comment.author.display_name == "Greta Lind"
