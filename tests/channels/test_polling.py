"""Polling channels: one worker at a time, pages committed with their cursor, errors backed off or stopped."""

import datetime as dt
import json
from pathlib import Path

import pytest
from django.utils import timezone

from channels_app import selectors
from channels_app.choices import ChannelKind, RawEventStatus
from channels_app.models import Channel, RawEvent, SocialPost
from channels_app.services import channel_poll, channel_resume, channel_test_connection
from channels_app.tasks import poll_channel_task, poll_due_channels_task
from tests.factories import ChannelFactory
from tests.fakeapi import Reply

pytestmark = pytest.mark.django_db

ADAPTER_DATA = Path(__file__).parent / "adapters" / "data"

REVIEWS_FEED = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel>
<title>FlyerTalk-ish: Acme Air reviews</title><link>https://reviews.example/acme-air</link><language>en</language>
<item><title>Two hour tarmac wait, no water</title>
  <link>https://reviews.example/acme-air/r/5512</link>
  <description>Acme Air kept us on the tarmac at ORD for two hours with no water. Never again.</description>
  <author>j.marsh@mail.example (Jo Marsh)</author>
  <pubDate>Fri, 27 Nov 2026 18:02:00 GMT</pubDate></item>
<item><title>Crew were lovely</title>
  <link>https://reviews.example/acme-air/r/5513</link>
  <description>Acme Air crew on the Lisbon flight were lovely, thank you.</description>
  <author>p.alves@mail.example (Pedro Alves)</author>
  <pubDate>Sat, 28 Nov 2026 07:40:00 GMT</pubDate></item>
{extra}
</channel></rss>"""

UNDATED_ITEM = "<item><title>No date, no link</title><description>orphan</description></item>"


@pytest.fixture
def reviews(fake_api):
    return ChannelFactory(
        kind=ChannelKind.RSS,
        name="Review site",
        brand_handles=[],
        brand_terms=["acme air"],
        api_base_url=fake_api.base_url + "/acme-air/reviews.rss",
        poll_interval_seconds=600,
    )


@pytest.fixture
def x_channel(fake_api, monkeypatch):
    monkeypatch.setenv("TEST_X_BEARER", "app-bearer")
    return ChannelFactory(
        kind=ChannelKind.X,
        name="Acme Air on X",
        brand_handles=["AcmeAirCare"],
        brand_terms=[],
        api_base_url=fake_api.base_url,
        options={"user_id": "1111111111", "username": "AcmeAirCare"},
        credential_env={"bearer_token": "TEST_X_BEARER"},
    )


def feed(extra="", **headers):
    return Reply(
        body=REVIEWS_FEED.format(extra=extra), content_type="application/rss+xml; charset=utf-8", headers=headers
    )


def test_a_poll_stores_posts_and_the_cursor_and_schedules_the_next_one(reviews, fake_api):
    fake_api.route("GET", "/acme-air/reviews.rss", feed(ETag='"v1"'))

    outcome = channel_poll(channel_id=reviews.pk)

    assert outcome.pages == 1 and outcome.recorded.ingested.stored == 2
    assert set(SocialPost.objects.filter(channel=reviews).values_list("external_id", flat=True)) == {
        "https://reviews.example/acme-air/r/5512",
        "https://reviews.example/acme-air/r/5513",
    }
    reviews.refresh_from_db()
    assert reviews.cursor["etag"] == '"v1"'
    assert reviews.last_success_at is not None and reviews.poll_failures == 0 and reviews.last_error == ""
    assert reviews.poll_lease_until is None
    assert reviews.next_poll_at - reviews.last_success_at == dt.timedelta(seconds=600)


def test_a_channel_not_yet_due_is_not_polled_unless_forced(reviews, fake_api):
    fake_api.route("GET", "/acme-air/reviews.rss", feed(ETag='"v1"'), Reply(status=304))
    channel_poll(channel_id=reviews.pk)

    assert channel_poll(channel_id=reviews.pk) is None
    assert reviews.pk not in selectors.channels_due_for_poll(now=timezone.now())

    forced = channel_poll(channel_id=reviews.pk, force=True)
    assert forced.recorded.ingested.stored == 0
    assert fake_api.calls()[-1].headers["if-none-match"] == '"v1"'


def test_a_channel_leased_by_another_worker_is_not_polled(reviews, fake_api):
    fake_api.route("GET", "/acme-air/reviews.rss", feed())
    Channel.objects.filter(pk=reviews.pk).update(poll_lease_until=timezone.now() + dt.timedelta(minutes=5))

    assert channel_poll(channel_id=reviews.pk, force=True) is None
    assert poll_channel_task(reviews.pk) is None
    assert fake_api.calls() == []


def test_an_expired_lease_of_a_dead_worker_is_taken_over(reviews, fake_api):
    fake_api.route("GET", "/acme-air/reviews.rss", feed())
    Channel.objects.filter(pk=reviews.pk).update(poll_lease_until=timezone.now() - dt.timedelta(seconds=1))

    assert channel_poll(channel_id=reviews.pk).recorded.ingested.stored == 2


def test_a_server_error_is_recorded_and_backed_off_then_cleared_by_a_success(reviews, fake_api):
    fake_api.route("GET", "/acme-air/reviews.rss", Reply(status=502, body="bad gateway"), feed())
    before = timezone.now()

    outcome = channel_poll(channel_id=reviews.pk)

    assert "HTTP 502" in outcome.error
    reviews.refresh_from_db()
    assert reviews.poll_failures == 1 and "HTTP 502" in reviews.last_error and reviews.last_error_at >= before
    assert reviews.polling_stopped_at is None and reviews.poll_lease_until is None
    # Never sooner than the channel's own interval.
    assert reviews.next_poll_at >= before + dt.timedelta(seconds=600)

    channel_poll(channel_id=reviews.pk, force=True)
    reviews.refresh_from_db()
    assert (reviews.poll_failures, reviews.last_error_at is not None) == (0, True)
    assert SocialPost.objects.filter(channel=reviews).count() == 2


def test_backoff_grows_with_consecutive_failures(reviews, fake_api):
    fake_api.route("GET", "/acme-air/reviews.rss", Reply(status=503, body="maintenance"))
    reviews.poll_interval_seconds = 10
    reviews.save()
    delays = []
    for _ in range(5):
        started = timezone.now()
        channel_poll(channel_id=reviews.pk, force=True)
        reviews.refresh_from_db()
        delays.append((reviews.next_poll_at - started).total_seconds())
    assert reviews.poll_failures == 5
    # 60 s base doubling with equal jitter: each within [half, all] of 60 * 2^(n-1).
    for failures, delay in enumerate(delays, start=1):
        ceiling = 60 * 2 ** (failures - 1)
        assert ceiling / 2 - 1 <= delay <= ceiling + 1


def test_a_rate_limit_waits_at_least_as_long_as_the_channel_asks(reviews, fake_api):
    fake_api.route("GET", "/acme-air/reviews.rss", Reply(status=429, headers={"Retry-After": "1800"}))
    before = timezone.now()

    channel_poll(channel_id=reviews.pk)

    reviews.refresh_from_db()
    wait = (reviews.next_poll_at - before).total_seconds()
    assert 1800 <= wait <= 1800 + 180 + 2


def test_refused_credentials_stop_polling_until_a_person_resumes_it(reviews, fake_api):
    fake_api.route("GET", "/acme-air/reviews.rss", Reply(status=401, body="login required"), feed())

    channel_poll(channel_id=reviews.pk)

    reviews.refresh_from_db()
    assert reviews.polling_stopped_at is not None
    assert reviews.last_error.startswith("Polling stopped: ") and "HTTP 401" in reviews.last_error
    far_future = timezone.now() + dt.timedelta(days=30)
    assert reviews.pk not in selectors.channels_due_for_poll(now=far_future)
    assert channel_poll(channel_id=reviews.pk) is None

    channel_resume(channel=reviews)
    assert reviews.pk in selectors.channels_due_for_poll(now=timezone.now())
    assert channel_poll(channel_id=reviews.pk).recorded.ingested.stored == 2
    reviews.refresh_from_db()
    assert reviews.polling_stopped_at is None


def test_unreadable_items_are_kept_once_as_dead_letters_and_the_rest_is_ingested(reviews, fake_api):
    fake_api.route("GET", "/acme-air/reviews.rss", feed(extra=UNDATED_ITEM))

    outcome = channel_poll(channel_id=reviews.pk)
    channel_poll(channel_id=reviews.pk, force=True)  # the same feed again

    assert outcome.recorded.ingested.stored == 2 and len(outcome.recorded.rejected) == 1
    (dead,) = RawEvent.objects.filter(channel=reviews)
    assert (dead.status, dead.source) == (RawEventStatus.DEAD, "rss.poll.item")
    assert dead.error == outcome.recorded.rejected[0]
    assert json.loads(bytes(dead.body))["title"] == "No date, no link"


def test_a_failure_after_some_pages_keeps_them_and_the_next_poll_resumes_from_the_cursor(fake_api, x_channel):
    channel = x_channel
    pages = [json.loads((ADAPTER_DATA / f"x_mentions_page{number}.json").read_text()) for number in (1, 2, 3)]
    mentions = "/2/users/1111111111/mentions"
    fake_api.route("GET", mentions, Reply(json=pages[0]), Reply(status=500, json={"title": "Internal Error"}))

    first = channel_poll(channel_id=channel.pk)

    assert first.pages == 1 and "HTTP 500" in first.error
    stored_after_page_one = SocialPost.objects.filter(channel=channel).count()
    assert stored_after_page_one == first.recorded.ingested.stored > 0
    channel.refresh_from_db()
    assert channel.cursor["mentions"]["next_token"] == pages[0]["meta"]["next_token"]

    fake_api.route("GET", mentions, Reply(json=pages[1]), Reply(json=pages[2]))
    second = channel_poll(channel_id=channel.pk, force=True)

    assert second.error == "" and second.pages == 2
    assert fake_api.calls("GET", mentions)[-2].param("pagination_token") == pages[0]["meta"]["next_token"]
    expected = {tweet["id"] for page in pages for tweet in page.get("data", [])}
    assert set(SocialPost.objects.filter(channel=channel).values_list("external_id", flat=True)) == expected
    channel.refresh_from_db()
    assert channel.cursor["mentions"]["since_id"] == pages[0]["meta"]["newest_id"]


def test_beat_enqueues_only_active_due_polled_channels(reviews, monkeypatch):
    now = timezone.now()
    later = ChannelFactory(kind=ChannelKind.RSS, name="Later", next_poll_at=now + dt.timedelta(hours=1))
    ChannelFactory(kind=ChannelKind.RSS, name="Off", is_active=False)
    ChannelFactory(kind=ChannelKind.WEBHOOK, name="Push only")
    ChannelFactory(kind=ChannelKind.IMPORT, name="Files")
    queued = []
    monkeypatch.setattr(poll_channel_task, "delay", lambda channel_id: queued.append(channel_id))

    assert poll_due_channels_task() == 1

    assert queued == [reviews.pk]
    assert later.pk not in queued


def test_test_connection_says_what_the_channel_answered(reviews, fake_api):
    fake_api.route("GET", "/acme-air/reviews.rss", feed(), Reply(status=404, body="gone"))
    assert channel_test_connection(channel=reviews) == (True, "RSS 2.0 feed FlyerTalk-ish: Acme Air reviews: 2 items")
    ok, said = channel_test_connection(channel=reviews)
    assert not ok and "HTTP 404" in said


def test_a_polled_post_too_big_for_its_columns_is_a_dead_letter_and_its_neighbour_is_stored(fake_api, x_channel):
    channel = x_channel

    def tweet(tweet_id, author_id, text):
        return {
            "id": tweet_id,
            "text": text,
            "created_at": "2026-11-29T21:04:51.000Z",
            "author_id": author_id,
            "conversation_id": tweet_id,
            "lang": "en",
            "public_metrics": {"retweet_count": 0, "reply_count": 0, "like_count": 1, "quote_count": 0},
        }

    page = {
        "data": [
            tweet("1862001000000000001", "7700112233", "@AcmeAirCare my bag never made it to Denver, ref DEN44120"),
            tweet("1862001000000000002", "7700445566", "@AcmeAirCare refund for AA2210 still not in my account"),
        ],
        "includes": {
            "users": [
                {
                    "id": "7700112233",
                    "name": "Rosa",
                    "username": "rosa_trips",
                    "public_metrics": {"followers_count": 21},
                },
                # A count no real account has (a broken proxy or a forged page): the insert would fail.
                {"id": "7700445566", "name": "Bot", "username": "bot", "public_metrics": {"followers_count": 10**20}},
            ]
        },
        "meta": {"newest_id": "1862001000000000002", "oldest_id": "1862001000000000001", "result_count": 2},
    }
    fake_api.route("GET", "/2/users/1111111111/mentions", Reply(json=page))

    outcome = channel_poll(channel_id=channel.pk)

    assert outcome.error == ""
    assert list(SocialPost.objects.filter(channel=channel).values_list("external_id", flat=True)) == [
        "1862001000000000001"
    ]
    (dead,) = RawEvent.objects.filter(channel=channel, status=RawEventStatus.DEAD)
    assert "author_followers" in dead.error and "beyond any real account" in dead.error
    assert json.loads(bytes(dead.body))["id"] == "1862001000000000002"
