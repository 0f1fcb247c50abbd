"""What the browser tests share: a signed generic-webhook channel, its posts and deliveries, and waiting."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import time
import urllib.request
from collections.abc import Callable

from django.urls import reverse
from django.utils import timezone

from cases.choices import ChannelKind
from channels_app.pipeline import NormalizedPost, ingest_posts
from tests.factories import ChannelFactory

# Webhook deliveries and replies of the test channels are signed with this secret, read from
# this environment variable by both the server (the test process) and the worker.
HOOK_SECRET_ENV = "BROWSER_TEST_HOOK_SECRET"
HOOK_SECRET = "browser-tests-hook-secret"
# Explicit waits: long enough for a cold worker on a busy 2-core machine, never slept through.
WAIT_MS = 30_000


def forum_channel(api_base_url: str, **fields):
    """A forum bridged through the generic signed webhook; replies go to `api_base_url`/replies."""
    return ChannelFactory(
        kind=ChannelKind.WEBHOOK,
        name=fields.pop("name", "Acme Air travel forum"),
        brand_handles=["AcmeAir"],
        brand_terms=["acme air"],
        api_base_url=api_base_url,
        credential_env={"signing_secret": HOOK_SECRET_ENV},
        **fields,
    )


def forum_post(external_id: str, text: str, *, handle: str, name: str, minutes_ago: int = 1) -> dict:
    """One post in the generic webhook's normalized JSON format (docs/FORMATS.md)."""
    return {
        "external_id": external_id,
        "posted_at": (timezone.now() - dt.timedelta(minutes=minutes_ago)).isoformat(),
        "text": text,
        "author_id": handle,
        "author_handle": handle,
        "author_name": name,
        "in_reply_to_handle": "AcmeAir",
    }


def deliver_webhook(base_url: str, channel, posts: list[dict]) -> dict:
    """POST a signed delivery to the served app, as the forum would; returns its JSON answer."""
    body = json.dumps({"posts": posts}).encode()
    signature = "sha256=" + hmac.new(HOOK_SECRET.encode(), body, hashlib.sha256).hexdigest()
    request = urllib.request.Request(
        base_url + reverse("channel_webhook", args=[channel.pk]),
        data=body,
        method="POST",
        headers={"Content-Type": "application/json", "X-Socialcrm-Signature": signature},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


def ingest_forum_post(channel, external_id: str, text: str, *, handle: str, name: str, minutes_ago: int = 5):
    """Store one customer post through the ingestion pipeline (as a poll would) and return its case."""
    from channels_app.models import SocialPost

    ingest_posts(
        channel=channel,
        posts=[
            NormalizedPost(
                external_id=external_id,
                posted_at=timezone.now() - dt.timedelta(minutes=minutes_ago),
                text=text,
                author_id=handle,
                author_handle=handle,
                author_name=name,
            )
        ],
    )
    return SocialPost.objects.select_related("case").get(channel=channel, external_id=external_id).case


def wait_until(predicate: Callable[[], object], seconds: float = WAIT_MS / 1000, step: float = 0.2):
    """Poll `predicate` until it returns something truthy; return that, or fail after `seconds`."""
    deadline = time.monotonic() + seconds
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"still false after {seconds}s: {predicate}")
        time.sleep(step)
