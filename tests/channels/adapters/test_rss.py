"""RssAdapter against a local fake site serving the RSS and Atom feeds in data/rss_*."""

from __future__ import annotations

import datetime as dt
import email.utils
import json
from pathlib import Path

import pytest

from channels_app.adapters.base import ChannelConfig, ChannelError, OutgoingReply, RateLimited, get_adapter
from channels_app.adapters.rss import RssAdapter
from channels_app.pipeline.normalized import InvalidPost, NormalizedPost
from tests.fakeapi import Reply

DATA = Path(__file__).parent / "data"
RSS = "application/rss+xml; charset=utf-8"
ATOM = "application/atom+xml; charset=utf-8"
FORUM_TOPIC = "https://forum.wanderboard.example/t/skyline-air-cancelled-my-lisbon-flight-refund/48213"


def feed(name: str) -> bytes:
    return (DATA / name).read_bytes()


def adapter_for(fake_api, path: str = "/feed.xml", **config) -> RssAdapter:
    config.setdefault("timeout", 2.0)
    return RssAdapter(ChannelConfig(kind="rss", name="Feeds", base_url=fake_api.base_url + path, **config))


def posts_of(items) -> list[NormalizedPost]:
    return [item for item in items if isinstance(item, NormalizedPost)]


def utc(*parts: int) -> dt.datetime:
    return dt.datetime(*parts, tzinfo=dt.UTC)


def test_registry_builds_the_rss_adapter_for_rss_channels():
    adapter = get_adapter(ChannelConfig(kind="rss", base_url="https://blog.example/feed/"))

    assert isinstance(adapter, RssAdapter)
    assert adapter.supports_polling and not adapter.supports_webhooks and not adapter.supports_publishing


def test_rss_forum_items_become_posts_oldest_first_with_link_identity_plain_text_and_utc_times(fake_api):
    fake_api.route("GET", "/t/48213.rss", Reply(body=feed("rss_travel_forum.xml"), content_type=RSS))

    result = adapter_for(fake_api, "/t/48213.rss").fetch({})

    assert result.more is False
    assert [item.external_id for item in result.items] == [
        f"{FORUM_TOPIC}/1",
        f"{FORUM_TOPIC}/2",
        "wanderboard-post-48213-3",  # no <link>: the guid is its identity
        f"{FORUM_TOPIC}/4",
    ]
    opening = result.items[0]
    assert opening.posted_at == utc(2024, 11, 4, 13, 27, 9)
    assert opening.text == (
        "Skyline Air cancelled my Lisbon flight, refund?\n\n"
        "My flight SK 1482 LHR\u2192LIS on 3 Nov was cancelled 2 hours before boarding.\n"
        "No rebooking offered\n"
        "Hotel & taxi: \u00a3214\n"
        "I\u2019ve been on hold for 90 minutes. Has anyone got a refund from them?"
    )
    assert (opening.author_id, opening.author_handle, opening.author_name) == ("marta_rb", "marta_rb", "marta_rb")
    assert opening.url == f"{FORUM_TOPIC}/1"
    assert opening.language == "en-gb"
    assert opening.conversation_id == FORUM_TOPIC
    assert opening.raw["tags"] == ["Airlines & Airports", "Refunds"]
    linkless = result.items[2]
    assert linkless.posted_at == utc(2024, 11, 4, 23, 40, 11)  # 18:40:11 -0500
    assert linkless.url == ""
    assert linkless.text.endswith("Try the EU261 form, it worked for me within 3 weeks.")
    brand_reply = result.items[3]
    assert brand_reply.author_handle == "SkylineAir_Care"
    assert "Could you send us your booking reference via our contact form? We\u2019ll look" in brand_reply.text


def test_atom_times_with_offsets_become_utc_and_thread_replies_point_at_their_parent(fake_api):
    fake_api.route("GET", "/topic/90211.atom", Reply(body=feed("rss_atom_forum_offsets.xml"), content_type=ATOM))

    items = adapter_for(fake_api, "/topic/90211.atom").fetch({}).items

    opening, tomasz, nordlicht = items
    topic = "https://forum.bahnreise.example/topic/90211"
    assert opening.external_id == f"{topic}#p554002"
    assert opening.posted_at == utc(2024, 11, 17, 20, 0, 0)  # 21:00+01:00
    assert opening.text == (
        "Nachtzug Berlin\u2013Wien, Kabine doppelt verkauft\n\n"
        "Unsere gebuchte 3er-Kabine (Wagen 24, Platz 61\u201363) war bei Abfahrt schon belegt.\n"
        "Wer hat Erfahrung mit der Erstattung?"
    )
    assert (opening.author_id, opening.author_email, opening.author_name) == (
        "jana.k@posteo.example",
        "jana.k@posteo.example",
        "Jana K.",
    )
    assert opening.in_reply_to_id == ""
    assert opening.conversation_id == f"{topic}.atom"  # its rel="replies" feed
    assert opening.language == "de-DE"
    # Only <updated>, at -04:00, and no link: the Atom id is the identity, and there is no web page.
    assert tomasz.posted_at == utc(2024, 11, 18, 3, 59, 30)
    assert tomasz.external_id == "tag:forum.bahnreise.example,2024:post-554019"
    assert tomasz.url == ""
    assert tomasz.in_reply_to_id == "tag:forum.bahnreise.example,2024:post-554002"  # ref only
    assert tomasz.author_id == "RailFan Tomasz"
    assert nordlicht.posted_at == utc(2024, 11, 18, 7, 5, 44)  # published wins over updated
    assert nordlicht.in_reply_to_id == opening.external_id  # the parent's link, our identity for it
    assert nordlicht.conversation_id == opening.external_id
    assert nordlicht.author_id == "https://forum.bahnreise.example/member/31877"  # profile link, no e-mail
    assert nordlicht.text.endswith("in ein Liegewagen-Abteil gesetzt & die Differenz wurde erstattet.")


def test_blog_content_encoded_is_preferred_over_the_description_teaser(fake_api):
    fake_api.route("GET", "/feed/", Reply(body=feed("rss_blog_content_encoded.xml"), content_type=RSS))

    older, newer = adapter_for(fake_api, "/feed/").fetch({}).items

    assert newer.external_id == "https://gadgetgrumbles.example/2024/11/13/day-21-without-my-voltix-router/"
    assert newer.text == (
        "Day 21 without my Voltix router: a timeline\n\n"
        "Three weeks ago my Voltix X6 router died. Here\u2019s everything that happened since:\n"
        "Oct 23 \u2013 chat agent confirms the unit is faulty, promises a replacement \u201cwithin 48h\u201d.\n"
        "Oct 30 \u2013 replacement ships\u2026 to my old address.\n"
        "Nov 12 \u2013 ticket #VX-77120 closed as \u201cresolved\u201d.\n"
        "@VoltixHelp, if you\u2019re reading this: I still have no internet."
    )
    assert "[\u2026]" not in newer.text and "trackPageview" not in newer.text
    assert newer.conversation_id == newer.url + "#comments"
    assert newer.posted_at == utc(2024, 11, 13, 7, 45, 10)
    assert older.text == (
        "Five tips for getting through to a human at your ISP\n\n"
        "1. Call early\nQueues at 8:01 are <5 minutes.\n"
        "2. Say \u201ccancel\u201d\nIt routes you to retention, who can actually fix things."
    )
    assert older.author_name == "Sam Okafor"


def test_second_poll_sends_the_validators_and_a_304_gives_no_items_and_keeps_the_cursor(fake_api):
    etag = 'W/"5f2a-18c9b1e0"'
    last_modified = "Sat, 09 Nov 2024 16:05:00 GMT"
    fake_api.route(
        "GET",
        "/reviews.rss",
        Reply(
            body=feed("rss_review_site.xml"),
            content_type=RSS,
            headers={"ETag": etag, "Last-Modified": last_modified},
        ),
        Reply(status=304),
    )
    adapter = adapter_for(fake_api, "/reviews.rss")

    first = adapter.fetch({})
    second = adapter.fetch(first.cursor)

    assert first.cursor == {"etag": etag, "modified": last_modified}
    assert len(first.items) == 4
    first_request, second_request = fake_api.calls("GET", "/reviews.rss")
    assert "if-none-match" not in first_request.headers and "if-modified-since" not in first_request.headers
    assert second_request.headers["if-none-match"] == etag
    assert second_request.headers["if-modified-since"] == last_modified
    assert second.items == [] and second.more is False
    assert second.cursor == first.cursor
    json.dumps(second.cursor)


def test_cursor_keeps_the_stored_validators_when_the_site_sends_none(fake_api):
    fake_api.route("GET", "/feed/", Reply(body=feed("rss_blog_content_encoded.xml"), content_type=RSS))
    cursor = {"etag": '"abc123"', "modified": "Wed, 13 Nov 2024 07:45:10 GMT"}

    result = adapter_for(fake_api, "/feed/").fetch(cursor)

    assert len(result.items) == 2
    assert result.cursor == cursor


def test_review_items_use_rss_author_emails_and_the_feed_time_and_a_linkless_idless_item_is_invalid(fake_api):
    fake_api.route("GET", "/reviews.rss", Reply(body=feed("rss_review_site.xml"), content_type=RSS))

    items = adapter_for(fake_api, "/reviews.rss").fetch({}).items

    posts = posts_of(items)
    review_ids = [post.external_id.rsplit("/", 1)[1] for post in posts]
    assert review_ids == ["6730a7d2c18f07", "6731c2f0a9e4b1", "672f55e901bb3c"]
    anika, kieran, undated = posts
    assert kieran.text == (
        "1 star: Parcel marked delivered, never arrived\n\n"
        "Ordered the Trailhead 45L backpack (order #NW-552190). Tracking says delivered on Friday & left "
        '"in a safe place". It isn\u2019t anywhere.\n'
        "Three e-mails, no answer."
    )
    assert (kieran.author_id, kieran.author_email, kieran.author_name) == (
        "k.obrien@mailbox.example",
        "k.obrien@mailbox.example",
        "Kieran O'Brien",
    )
    assert kieran.posted_at == utc(2024, 11, 9, 15, 48, 31)
    assert anika.language == "en-us"
    # No pubDate: the feed's lastBuildDate; no author: the reviewed site's host stands in.
    assert undated.posted_at == utc(2024, 11, 9, 16, 5, 0)
    assert undated.author_id == "www.ratemyshop.example"
    assert undated.author_name == ""
    (invalid,) = [item for item in items if isinstance(item, InvalidPost)]
    assert items[-1] is invalid
    assert "neither a link nor an id" in str(invalid)
    assert invalid.raw["title"] == "2 stars: Discount code rejected at checkout"


@pytest.mark.parametrize(
    "content_type",
    ["application/rss+xml", "application/xml; charset=ISO-8859-1"],
    ids=["charset-from-xml-declaration", "charset-from-http-header"],
)
def test_iso_8859_1_feed_is_decoded_and_an_item_with_no_time_anywhere_is_invalid(fake_api, content_type):
    fake_api.route("GET", "/forum/livraisons.rss", Reply(body=feed("rss_latin1_retail.xml"), content_type=content_type))

    post, invalid = adapter_for(fake_api, "/forum/livraisons.rss").fetch({}).items

    assert post.text == (
        "Colis jamais re\u00e7u, commande n\u00b0 31-77842\n\n"
        "Tr\u00e8s d\u00e9\u00e7ue : le transporteur indique \u00ab livr\u00e9 \u00bb mais je n'ai rien re\u00e7u. "
        "D\u00e9lai de r\u00e9ponse du SAV : 8 jours !"
    )
    assert post.author_name == "H\u00e9l\u00e8ne Dupr\u00e9"
    assert post.posted_at == utc(2024, 11, 12, 18, 22, 5)
    assert post.language == "fr-FR"
    assert isinstance(invalid, InvalidPost)
    assert "no published or updated time" in str(invalid)
    assert invalid.raw["author"] == "Fran\u00e7ois Lemaître"


def test_malformed_feed_still_yields_its_readable_entry(fake_api):
    fake_api.route("GET", "/c/batteries.rss", Reply(body=feed("rss_malformed.xml"), content_type=RSS))

    items = adapter_for(fake_api, "/c/batteries.rss").fetch({}).items

    (post,) = posts_of(items)
    assert post.external_id == "https://community.phonefix.example/t/replacement-battery-swelling/7781"
    assert post.text == (
        "Replacement battery swelling after 2 weeks\n\n"
        "The battery you fitted at the Leeds store is bulging & the screen is lifting. Ticket PF-20931."
    )
    assert post.author_name == "Devon Price"
    # What is left of the cut-off item has no identity: a dead letter, not a crash.
    assert all(isinstance(item, InvalidPost) for item in items if item is not post)


def test_html_page_served_with_200_is_a_transient_not_a_feed_error(fake_api):
    fake_api.route("GET", "/feed.xml", Reply(body=feed("rss_error_page.html"), content_type="text/html; charset=utf-8"))

    with pytest.raises(ChannelError, match="not an RSS/Atom feed") as caught:
        adapter_for(fake_api).fetch({})

    assert caught.value.permanent is False
    assert "text/html" in str(caught.value)


@pytest.mark.parametrize(
    "reply",
    [
        Reply(status=500, body="Internal Server Error"),
        Reply(status=503, body="upstream timed out", headers={"Retry-After": "30"}),
        Reply(body=feed("rss_travel_forum.xml"), content_type=RSS, truncate=True),
        Reply(delay=1.5, body="<rss version='2.0'><channel/></rss>", content_type=RSS),
    ],
    ids=["500", "503", "truncated", "timeout"],
)
def test_server_errors_truncated_bodies_and_timeouts_are_transient(fake_api, reply):
    fake_api.route("GET", "/feed.xml", reply)

    with pytest.raises(ChannelError) as caught:
        adapter_for(fake_api, timeout=0.5).fetch({"etag": '"v1"', "modified": ""})

    assert caught.value.permanent is False
    assert not isinstance(caught.value, RateLimited)


@pytest.mark.parametrize("status", [401, 403, 404, 410])
def test_missing_gone_or_forbidden_feed_is_permanent(fake_api, status):
    fake_api.route("GET", "/feed.xml", Reply(status=status, body="<html><body>No such page</body></html>"))

    with pytest.raises(ChannelError, match=f"HTTP {status}") as caught:
        adapter_for(fake_api).fetch({})

    assert caught.value.permanent is True


def test_429_is_rate_limited_for_retry_after_seconds(fake_api):
    fake_api.route("GET", "/feed.xml", Reply(status=429, body="slow down", headers={"Retry-After": "120"}))

    with pytest.raises(RateLimited) as caught:
        adapter_for(fake_api).fetch({})

    assert caught.value.retry_after == 120
    assert caught.value.permanent is False


def test_429_is_rate_limited_until_a_retry_after_http_date(fake_api):
    later = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=300)
    header = email.utils.format_datetime(later, usegmt=True)
    fake_api.route("GET", "/feed.xml", Reply(status=429, headers={"Retry-After": header}))

    with pytest.raises(RateLimited) as caught:
        adapter_for(fake_api).fetch({})

    assert 290 <= caught.value.retry_after <= 300


def test_429_without_retry_after_leaves_the_wait_to_the_caller(fake_api):
    fake_api.route("GET", "/feed.xml", Reply(status=429))

    with pytest.raises(RateLimited) as caught:
        adapter_for(fake_api).fetch({})

    assert caught.value.retry_after is None


@pytest.mark.parametrize(
    "name",
    [
        "rss_travel_forum.xml",
        "rss_review_site.xml",
        "rss_blog_content_encoded.xml",
        "rss_atom_forum_offsets.xml",
        "rss_latin1_retail.xml",
        "rss_malformed.xml",
    ],
)
def test_raw_of_every_item_is_json_serialisable(fake_api, name):
    fake_api.route("GET", "/feed.xml", Reply(body=feed(name), content_type="application/xml"))

    items = adapter_for(fake_api).fetch({}).items

    assert items
    for item in items:
        assert json.loads(json.dumps(item.raw))["title"] == item.raw["title"]
        assert set(item.raw) == {"title", "link", "id", "published", "author", "tags"}


def test_connection_names_the_format_the_title_and_the_item_count(fake_api):
    fake_api.route("GET", "/feed/", Reply(body=feed("rss_blog_content_encoded.xml"), content_type=RSS))
    fake_api.route("GET", "/topic/90211.atom", Reply(body=feed("rss_atom_forum_offsets.xml"), content_type=ATOM))

    assert adapter_for(fake_api, "/feed/").test_connection() == "RSS 2.0 feed Gadget Grumbles: 2 items"
    assert adapter_for(fake_api, "/topic/90211.atom").test_connection() == (
        "Atom 1.0 feed Bahnreise-Forum: Nachtzug Berlin\u2013Wien, Kabine doppelt verkauft: 3 items"
    )


def test_connection_to_a_page_that_is_not_a_feed_fails(fake_api):
    fake_api.route("GET", "/feed.xml", Reply(body=feed("rss_error_page.html"), content_type="text/html"))

    with pytest.raises(ChannelError, match="not an RSS/Atom feed"):
        adapter_for(fake_api).test_connection()


def test_feed_url_query_string_is_kept(fake_api):
    fake_api.route("GET", "/syndication.php", Reply(body=feed("rss_travel_forum.xml"), content_type=RSS))

    adapter_for(fake_api, "/syndication.php?fid=12&type=rss2&limit=15").fetch({})

    (request,) = fake_api.calls("GET", "/syndication.php")
    assert request.query == {"fid": ["12"], "type": ["rss2"], "limit": ["15"]}


def test_publishing_a_reply_is_refused_permanently():
    adapter = RssAdapter(ChannelConfig(kind="rss", base_url="https://gadgetgrumbles.example/feed/"))

    with pytest.raises(ChannelError) as caught:
        adapter.publish(OutgoingReply(text="Sorry to hear that, Sam", idempotency_key="outbox-1"))

    assert caught.value.permanent is True


def test_relative_item_links_become_absolute_against_the_feed_url(fake_api):
    # Some forum software writes site-relative links; an id must not depend on who reads the feed.
    body = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Rail Riders: Refunds</title><link>/f/refunds</link>
<item><title>Delay Repay claim rejected twice</title><link>/f/refunds/t/3310</link>
<guid isPermaLink="false">t3310</guid><pubDate>Fri, 15 Nov 2024 17:40:00 GMT</pubDate>
<description>Claim DR-88102 was rejected as &quot;duplicate&quot;.</description></item>
</channel></rss>"""
    fake_api.route("GET", "/f/refunds/feed.rss", Reply(body=body, content_type=RSS))

    (post,) = adapter_for(fake_api, "/f/refunds/feed.rss").fetch({}).items

    assert post.external_id == post.url == f"{fake_api.base_url}/f/refunds/t/3310"
    assert post.text == 'Delay Repay claim rejected twice\n\nClaim DR-88102 was rejected as "duplicate".'
