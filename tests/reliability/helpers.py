"""Deliveries and checks shared by the fault injection tests: a burst of distinct customers' posts."""

from __future__ import annotations

import datetime as dt
import json

from django.db.models import Count

from cases.models import Case
from channels_app.choices import ChannelKind, Direction, RawEventStatus
from channels_app.models import Channel, RawEvent, SocialPost
from channels_app.services import webhook_receive
from tests.factories import ChannelFactory
from tests.reliability.conftest import HOOK_SECRET_ENV

T0 = dt.datetime(2026, 11, 30, 8, 0, tzinfo=dt.UTC)
COMPLAINTS = (
    "my bag never made it to Lisbon and nobody at the desk can tell me where it is",
    "the app charged me twice for seat 14C on the Madrid flight, please refund one",
    "flight 2291 was cancelled and the rebooking link says my booking does not exist",
    "I've been on hold for forty minutes about a broken car seat on my connecting flight",
    "the lounge in Porto refused my voucher although the gate agent gave it to me",
)


def forum_bridge(api_base_url: str = "http://127.0.0.1:9/bridge/") -> Channel:
    return ChannelFactory(
        kind=ChannelKind.WEBHOOK,
        name="Community forum bridge",
        brand_handles=["AcmeAir"],
        api_base_url=api_base_url,
        credential_env={"signing_secret": HOOK_SECRET_ENV},
    )


def delivery(number: int) -> bytes:
    """One forum post of customer `number`, as the bridge delivers it (a new customer each time)."""
    return json.dumps(
        {
            "posts": [
                {
                    "external_id": f"board-4/topic-{number}",
                    "posted_at": (T0 + dt.timedelta(seconds=number)).isoformat(),
                    "text": f"@AcmeAir {COMPLAINTS[number % len(COMPLAINTS)]} (ref {number})",
                    "author_id": f"forum-user-{number}",
                    "author_handle": f"traveller_{number}",
                    "in_reply_to_handle": "AcmeAir",
                }
            ]
        }
    ).encode()


def deliver_burst(channel: Channel, count: int) -> None:
    """`count` deliveries stored as the webhook view stores them; each enqueues its processing."""
    for number in range(count):
        webhook_receive(
            channel=channel,
            source=f"{channel.kind}.webhook",
            headers={"x-socialcrm-delivery": f"delivery-{number}"},
            body=delivery(number),
        )


def processed(channel: Channel) -> int:
    return RawEvent.objects.filter(channel=channel, status=RawEventStatus.PROCESSED).count()


def outcome(channel: Channel) -> dict[str, int]:
    """What a burst left behind, in the numbers docs/RELIABILITY.md reports."""
    posts = SocialPost.objects.filter(channel=channel, direction=Direction.INBOUND)
    return {
        "events": RawEvent.objects.filter(channel=channel).count(),
        "processed": processed(channel),
        "posts": posts.count(),
        "distinct_posts": posts.values("external_id").distinct().count(),
        "posts_without_case": posts.filter(case=None).count(),
        "cases": Case.objects.filter(posts__channel=channel).distinct().count(),
        "cases_with_more_than_one_post": Case.objects.annotate(n=Count("posts")).filter(n__gt=1).count(),
    }


def expected(count: int) -> dict[str, int]:
    return {
        "events": count,
        "processed": count,
        "posts": count,
        "distinct_posts": count,
        "posts_without_case": 0,
        "cases": count,
        "cases_with_more_than_one_post": 0,
    }
