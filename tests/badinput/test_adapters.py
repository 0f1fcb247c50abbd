"""Every adapter's parse and normalize entry points under malformed input.

Pins the adapters' error contract for bad data: a body that cannot be read at
all raises the adapter's documented error (InvalidPayload, ChannelError), an
unreadable item becomes an InvalidPost, and the good items of the same page,
delivery or file still come out. Nothing else escapes (no KeyError,
AttributeError, TypeError, RecursionError). Hypothesis spoils one field of a
realistic item at a time; hand-written cases cover deep nesting, invalid
UTF-8, NUL and huge texts.
"""

from __future__ import annotations

import io
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from channels_app.adapters.base import ChannelConfig, ChannelError, InvalidPayload, WebhookBatch
from channels_app.adapters.email.parse import normalize_email
from channels_app.adapters.facebook import FacebookAdapter
from channels_app.adapters.facebook.normalize import normalize_graph_page
from channels_app.adapters.imports import READERS
from channels_app.adapters.rss import RssAdapter
from channels_app.adapters.webhook import GenericWebhookAdapter
from channels_app.adapters.x import XAdapter
from channels_app.adapters.x.normalize import normalize_v2_page
from channels_app.pipeline.normalized import InvalidPost, NormalizedPost
from tests.badinput.strategies import BOUNDED, json_values, spoiled
from tests.fakeapi import Reply

BRAND_X_ID = "783214"
PAGE_ID = "104512339821"

FORUM_POST = {
    "external_id": "thread-311/post-2",
    "posted_at": "2026-11-28T09:14:00+00:00",
    "text": "Acme Air moved my flight to Porto twice and the refund form errors out",
    "author_id": "kestrel_77",
    "author_handle": "kestrel_77",
    "in_reply_to_id": "thread-311/post-1",
    "like_count": 3,
}
V1_TWEET = {
    "id_str": "1862001122334455667",
    "created_at": "Sat Nov 28 09:14:00 +0000 2026",
    "text": "@AcmeAirCare my bag never arrived at LIS, file ref LIS-88213",
    "user": {"id_str": "99120033", "screen_name": "mira_s", "name": "Mira S", "followers_count": 412},
    "in_reply_to_status_id_str": None,
    "favorite_count": 2,
    "lang": "en",
}
DM_EVENT = {
    "type": "message_create",
    "id": "1862001122334455999",
    "created_timestamp": "1795857240000",
    "message_create": {
        "target": {"recipient_id": BRAND_X_ID},
        "sender_id": "99120033",
        "message_data": {"text": "Booking ref QX7P2L, can you rebook me on the 18:40?"},
    },
}
V2_TWEET = {
    "id": "1862001122334455700",
    "author_id": "99120033",
    "created_at": "2026-11-28T09:20:00.000Z",
    "text": "@AcmeAirCare still waiting on that refund for AC481",
    "conversation_id": "1862001122334455700",
    "public_metrics": {"like_count": 1, "retweet_count": 0, "quote_count": 0},
    "lang": "en",
}
V2_USER = {"id": "99120033", "username": "mira_s", "name": "Mira S", "public_metrics": {"followers_count": 412}}
FB_VALUE = {
    "item": "comment",
    "verb": "add",
    "comment_id": "9911_4410",
    "post_id": f"{PAGE_ID}_9911",
    "parent_id": f"{PAGE_ID}_9911",
    "created_time": 1795857240,
    "message": "Two hours on hold with Acme Air support and nobody picks up",
    "from": {"id": "5581230", "name": "Jonas Weber"},
}
GRAPH_ITEM = {
    "id": f"{PAGE_ID}_9911",
    "created_time": "2026-11-28T09:14:00+0000",
    "message": "Is the Lisbon lounge open during the strike?",
    "from": {"id": "5581230", "name": "Jonas Weber"},
    "permalink_url": "https://www.facebook.com/104512339821/posts/9911",
}


def webhook_adapter() -> GenericWebhookAdapter:
    return GenericWebhookAdapter(ChannelConfig(kind="webhook", name="Forum bridge"))


def x_adapter() -> XAdapter:
    return XAdapter(ChannelConfig(kind="x", name="X", options={"user_id": BRAND_X_ID, "username": "AcmeAirCare"}))


def facebook_adapter() -> FacebookAdapter:
    return FacebookAdapter(ChannelConfig(kind="facebook", name="Page", options={"page_id": PAGE_ID}))


def good_ids(items) -> list[str]:
    return [item.external_id for item in items if isinstance(item, NormalizedPost)]


def assert_only_posts_or_invalid(items) -> None:
    assert all(isinstance(item, NormalizedPost | InvalidPost) for item in items)


def nested(depth: int) -> bytes:
    return b'{"posts": ' + b"[" * depth + b"]" * depth + b"}"


# -- the generic signed JSON webhook ------------------------------------------------------------


@BOUNDED
@given(bad=spoiled(FORUM_POST))
def test_generic_webhook_a_spoiled_post_is_invalid_and_its_neighbours_still_come_out(bad):
    before = {**FORUM_POST, "external_id": "thread-311/post-1"}
    after = {**FORUM_POST, "external_id": "thread-311/post-3"}
    batch = webhook_adapter().parse_webhook(json.dumps({"posts": [before, bad, after]}).encode())

    assert len(batch.items) == 3
    assert_only_posts_or_invalid(batch.items)
    assert batch.items[0].external_id == "thread-311/post-1"
    assert batch.items[2].external_id == "thread-311/post-3"


@BOUNDED
@given(body=st.binary(max_size=300) | json_values.map(lambda value: json.dumps(value).encode()))
def test_generic_webhook_any_body_is_a_batch_or_invalid_payload(body):
    try:
        batch = webhook_adapter().parse_webhook(body)
    except InvalidPayload:
        return
    assert isinstance(batch, WebhookBatch)
    assert_only_posts_or_invalid(batch.items)


@pytest.mark.parametrize(
    "body",
    [
        pytest.param(b"\xff\xfe\x00{not json", id="invalid-utf8"),
        pytest.param(nested(10_000), id="nested-10000-deep"),
        pytest.param(b'{"posts": [' + b"{" * 5_000 + b"}", id="unclosed-deep"),
        pytest.param(b"", id="empty"),
        pytest.param(b"null", id="null"),
        pytest.param(b'{"posts": 7, "deleted": "all"}', id="wrong-types"),
    ],
)
def test_generic_webhook_an_unreadable_body_is_invalid_payload(body):
    with pytest.raises(InvalidPayload):
        webhook_adapter().parse_webhook(body)


def test_generic_webhook_keeps_huge_nul_and_script_texts_as_text():
    huge = "Acme Air " + "lost my luggage again. " * 230_000  # about 5 MB
    posts = [
        {**FORUM_POST, "external_id": "p-huge", "text": huge},
        {**FORUM_POST, "external_id": "p-nul", "text": "refund\x00 please\x1b[0m"},
        {**FORUM_POST, "external_id": "p-script", "text": "<script>alert('x')</script> where is my bag"},
    ]
    batch = webhook_adapter().parse_webhook(json.dumps(posts).encode())

    assert good_ids(batch.items) == ["p-huge", "p-nul", "p-script"]
    assert batch.items[1].text == "refund please\x1b[0m"  # NUL dropped: databases refuse it
    assert batch.items[2].text == "<script>alert('x')</script> where is my bag"  # escaping is the template's job


# -- X ------------------------------------------------------------------------------------------


@BOUNDED
@given(bad_tweet=spoiled(V1_TWEET), bad_dm=spoiled(DM_EVENT))
def test_x_webhook_a_spoiled_tweet_or_dm_is_invalid_and_the_others_still_come_out(bad_tweet, bad_dm):
    good_tweet = {**V1_TWEET, "id_str": "1862001122334455001"}
    good_dm = {**DM_EVENT, "id": "1862001122334455002"}
    payload = {
        "for_user_id": BRAND_X_ID,
        "tweet_create_events": [good_tweet, bad_tweet],
        "direct_message_events": [bad_dm, good_dm],
    }
    batch = x_adapter().parse_webhook(json.dumps(payload).encode())

    assert_only_posts_or_invalid(batch.items)
    assert {"1862001122334455001", "dm-1862001122334455002"} <= set(good_ids(batch.items))


@BOUNDED
@given(bad=spoiled(V2_TWEET), includes=json_values)
def test_x_v2_page_a_spoiled_tweet_is_invalid_and_the_others_still_come_out(bad, includes):
    first = {**V2_TWEET, "id": "1862001122334455701"}
    last = {**V2_TWEET, "id": "1862001122334455703"}
    items = list(normalize_v2_page({"data": [first, bad, last], "includes": {"users": [V2_USER]}}))

    assert len(items) == 3
    assert_only_posts_or_invalid(items)
    assert good_ids([items[0], items[2]]) == ["1862001122334455701", "1862001122334455703"]
    # A malformed `includes` loses the authors' details, never the tweets.
    assert good_ids(normalize_v2_page({"data": [first], "includes": includes})) == ["1862001122334455701"]


@BOUNDED
@given(bad_user=spoiled(V2_USER))
def test_x_v2_page_a_spoiled_author_gives_the_tweet_or_its_invalid_post_with_the_tweet_kept(bad_user):
    items = list(normalize_v2_page({"data": [V2_TWEET], "includes": {"users": [bad_user]}}))

    assert len(items) == 1
    assert items[0].external_id == V2_TWEET["id"] if isinstance(items[0], NormalizedPost) else items[0].raw == V2_TWEET


@pytest.mark.parametrize("body", [b"\xc3\x28", nested(10_000), b"[]", b'{"tweet_create_events": {"id": 1}}'])
def test_x_webhook_an_unreadable_body_is_invalid_payload(body):
    with pytest.raises(InvalidPayload):
        x_adapter().parse_webhook(body)


# -- Facebook -----------------------------------------------------------------------------------


@BOUNDED
@given(bad=spoiled(FB_VALUE), bad_author=spoiled(FB_VALUE["from"]))
def test_facebook_webhook_a_spoiled_change_is_invalid_and_the_others_still_come_out(bad, bad_author):
    good = {"field": "feed", "value": {**FB_VALUE, "comment_id": "9911_4411"}}
    payload = {
        "object": "page",
        "entry": [
            {
                "id": PAGE_ID,
                "time": 1795857240,
                "changes": [
                    {"field": "feed", "value": bad},
                    good,
                    {"field": "feed", "value": {**FB_VALUE, "comment_id": "9911_4412", "from": bad_author}},
                ],
            }
        ],
    }
    batch = facebook_adapter().parse_webhook(json.dumps(payload).encode())

    assert_only_posts_or_invalid([*batch.items, *batch.edited])
    assert "9911_4411" in good_ids(batch.items)


@BOUNDED
@given(bad=spoiled(GRAPH_ITEM), comments=json_values)
def test_facebook_graph_page_a_spoiled_item_is_invalid_and_the_others_still_come_out(bad, comments):
    last = {**GRAPH_ITEM, "id": f"{PAGE_ID}_9912", "comments": comments}
    items = list(normalize_graph_page({"data": [GRAPH_ITEM, bad, last]}, page_id=PAGE_ID))

    assert_only_posts_or_invalid(items)
    assert {GRAPH_ITEM["id"], f"{PAGE_ID}_9912"} <= set(good_ids(items))


@pytest.mark.parametrize("body", [b"\x80\x81", nested(10_000), b'{"object": "page", "entry": "all"}'])
def test_facebook_webhook_an_unreadable_body_is_invalid_payload(body):
    with pytest.raises(InvalidPayload):
        facebook_adapter().parse_webhook(body)


# -- e-mail -------------------------------------------------------------------------------------

MAIL = (
    b"From: Mira Santos <mira@example.org>\r\n"
    b"To: care@acmeair.example\r\n"
    b"Subject: Refund for AC481\r\n"
    b"Date: Sat, 28 Nov 2026 09:14:00 +0000\r\n"
    b"Message-ID: <c1@mail.example.org>\r\n"
    b"\r\n"
    b"My flight was cancelled, please refund the fare.\r\n"
)


@BOUNDED
@given(noise=st.binary(max_size=200), at=st.integers(min_value=0, max_value=len(MAIL)))
def test_email_a_mangled_message_is_a_post_or_invalid_post(noise, at):
    try:
        post = normalize_email(MAIL[:at] + noise + MAIL[at:], brand_address="care@acmeair.example", fallback_id="u-1")
    except InvalidPost:
        return
    assert isinstance(post, NormalizedPost) and "\x00" not in post.text


# -- RSS ----------------------------------------------------------------------------------------

GOOD_ENTRY = (
    "<item><title>Lounge closed</title><link>https://forum.example/t/1/{n}</link>"
    "<pubDate>Sat, 28 Nov 2026 09:{n:02d}:00 +0000</pubDate><description>{text}</description></item>"
)


@BOUNDED
@given(text=st.text(max_size=60), garbage=st.binary(max_size=60))
def test_rss_a_feed_with_hostile_entries_gives_posts_or_invalid_posts_and_keeps_the_good_ones(fake_api, text, garbage):
    from xml.sax.saxutils import escape

    body = (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Forum</title>'
        + GOOD_ENTRY.format(n=1, text="Acme Air lounge at LIS closed")
        + GOOD_ENTRY.format(n=2, text=escape(text))
        + "<item><title>no link, no date</title></item>"
    ).encode() + garbage
    fake_api.route("GET", "/feed.xml", Reply(body=body, content_type="application/rss+xml"))

    try:
        result = RssAdapter(ChannelConfig(kind="rss", base_url=fake_api.base_url + "/feed.xml", timeout=2.0)).fetch({})
    except ChannelError:
        return
    assert_only_posts_or_invalid(result.items)
    assert "https://forum.example/t/1/1" in good_ids(result.items)


# -- file imports -------------------------------------------------------------------------------


@BOUNDED
@given(kind=st.sampled_from(sorted(READERS)), text=st.text(max_size=300))
def test_every_import_reader_gives_where_and_item_for_any_text(kind, text):
    items = list(READERS[kind](io.StringIO(text)))

    assert all(isinstance(where, str) for where, _item in items)
    assert_only_posts_or_invalid([item for _where, item in items])


@pytest.mark.parametrize("kind", ["jsonl", "x-v2", "facebook"])
def test_a_deeply_nested_import_line_is_an_invalid_item_and_the_next_line_still_reads(kind):
    good = {
        "jsonl": json.dumps(FORUM_POST),
        "x-v2": json.dumps({"data": [V2_TWEET]}),
        "facebook": json.dumps({"data": [GRAPH_ITEM]}),
    }[kind]
    text = good + "\n" + "[" * 10_000 + "]" * 10_000 + "\n" + good + "\n"

    items = [item for _where, item in READERS[kind](io.StringIO(text))]

    assert sum(isinstance(item, InvalidPost) for item in items) == 1
    assert sum(isinstance(item, NormalizedPost) for item in items) == 2


def test_email_an_over_long_display_name_is_clipped_and_an_over_long_address_is_invalid():
    long_name = MAIL.replace(b"Mira Santos", b"Mira " + b"S" * 400)
    long_address = MAIL.replace(b"mira@example.org", b"m" * 300 + b"@example.org")

    post = normalize_email(long_name, brand_address="care@acmeair.example", fallback_id="u-2")
    assert post.author_name == "Mira " + "S" * 250
    with pytest.raises(InvalidPost, match="author_id longer than 255 characters"):
        normalize_email(long_address, brand_address="care@acmeair.example", fallback_id="u-3")


def test_a_twcs_row_csv_cannot_read_is_an_invalid_item_and_the_next_row_still_reads():
    # open_text() splits lines at a bare CR, so the command never meets this; a handle
    # without universal newlines (an upload decoded in memory) hands csv the CR mid-field.
    text = (
        "tweet_id,author_id,inbound,created_at,text,response_tweet_id,in_response_to_tweet_id\n"
        "1001,115712,True,Tue Oct 31 22:10:47 +0000 2017,@sprintcare my bill doubled\rno reason,,\n"
        "1002,sprintcare,False,Tue Oct 31 22:12:01 +0000 2017,@115712 Sorry! Please DM us.,,1001\n"
    )

    items = [item for _where, item in READERS["twcs"](io.StringIO(text))]

    assert isinstance(items[0], InvalidPost) and "unreadable CSV row" in str(items[0])
    assert good_ids(items) == ["1002"]


def test_an_imported_post_too_big_for_its_columns_is_an_invalid_line_and_the_rest_still_read():
    lines = [
        json.dumps({**FORUM_POST, "external_id": "imp-1"}),
        json.dumps({**FORUM_POST, "external_id": "imp-2", "like_count": 2**40}),
        json.dumps({**FORUM_POST, "external_id": "imp-3", "author_handle": "h" * 300}),
        json.dumps({**FORUM_POST, "external_id": "imp-4"}),
    ]
    items = [item for _where, item in READERS["jsonl"](io.StringIO("\n".join(lines)))]

    assert good_ids(items) == ["imp-1", "imp-4"]
    assert "like_count" in str(items[1]) and "author_handle longer than 255" in str(items[2])
