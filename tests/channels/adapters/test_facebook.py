"""FacebookAdapter against a fake Graph API over real sockets: feed polling and its cursor,
rate-limit headers and error codes, publishing comments, and `feed` webhooks."""

import datetime as dt
import hashlib
import hmac
import json
import pathlib
import socket
import time
from urllib.parse import parse_qs

import pytest

from channels_app.adapters.base import (
    ChannelConfig,
    ChannelError,
    InvalidPayload,
    OutgoingReply,
    RateLimited,
    WebhookRejected,
    get_adapter,
)
from channels_app.adapters.facebook import FacebookAdapter
from channels_app.pipeline.normalized import InvalidPost, NormalizedPost
from tests.fakeapi import Reply

PAGE_ID = "104857600112233"
TOKEN = "EAAGm0PX4ZCpsBAPageTokenForTests"
FEED = f"/v19.0/{PAGE_ID}/feed"
PAGES = json.loads((pathlib.Path(__file__).parent / "data" / "facebook_feed_pages.json").read_text())
SINCE = 1793700000  # an earlier poll's `since`
NEWEST_POST = 1793868012  # 2026-11-05T08:40:12Z, the newest post of the three pages


def adapter(base_url="", **options) -> FacebookAdapter:
    config = ChannelConfig(
        kind="facebook",
        name="Acme Air Page",
        base_url=base_url,
        credentials={"page_access_token": TOKEN, "app_secret": "test_app_secret", "verify_token": "meatyhamhock"},
        options={"page_id": PAGE_ID, **options},
        timeout=0.5,
    )
    result = get_adapter(config)
    assert isinstance(result, FacebookAdapter)
    return result


def graph_error(code, message, *, subcode=None, status=400, headers=None) -> Reply:
    error = {"message": message, "type": "OAuthException", "code": code, "fbtrace_id": "AzW1x3kPq9"}
    if subcode:
        error["error_subcode"] = subcode
    return Reply(status=status, json={"error": error}, headers=headers or {})


def feed_by_after(request) -> Reply:
    """Graph's feed: the page is chosen by the `after` cursor, as the real one does."""
    pages = {None: PAGES[0], "QVFIUnR3dk5fMDI": PAGES[1], "QVFIUkt6ZA_04": PAGES[2]}
    return Reply(json=pages[request.param("after")])


def ids(items):
    return [item.external_id for item in items if isinstance(item, NormalizedPost)]


# -- polling ----------------------------------------------------------------------


def test_feed_is_paged_by_after_cursor_until_paging_next_is_absent_and_since_moves_only_at_the_end(fake_api):
    fake_api.route("GET", FEED, handler=feed_by_after)
    facebook = adapter(fake_api.base_url)

    first = facebook.fetch({"since": SINCE})
    second = facebook.fetch(first.cursor)  # a one-item page that still has paging.next
    third = facebook.fetch(second.cursor)

    assert (first.more, second.more, third.more) == (True, True, False)
    assert first.cursor == {"since": SINCE, "after": "QVFIUnR3dk5fMDI", "poll_newest": NEWEST_POST}
    assert second.cursor == {"since": SINCE, "after": "QVFIUkt6ZA_04", "poll_newest": NEWEST_POST}
    assert third.cursor == {"since": NEWEST_POST - 60}
    assert ids(second.items) == ["104857600112233_912000000000254"]
    requests = fake_api.calls("GET", FEED)
    assert [request.param("after") for request in requests] == [None, "QVFIUnR3dk5fMDI", "QVFIUkt6ZA_04"]
    assert {request.param("since") for request in requests} == {str(SINCE)}
    assert requests[0].param("limit") == "25"
    assert requests[0].param("access_token") == TOKEN
    assert requests[0].param("fields") == (
        "id,message,created_time,from,permalink_url,comments.limit(50){id,message,created_time,from,parent}"
    )


def test_crash_mid_poll_refetches_the_unstored_page_and_loses_nothing(fake_api):
    fake_api.route("GET", FEED, handler=feed_by_after)
    facebook = adapter(fake_api.base_url)
    stored = facebook.fetch({"since": SINCE}).cursor

    # Given page 2 was fetched but the worker died before its cursor was stored
    lost = facebook.fetch(stored)
    # When the next run starts again from the stored cursor
    again = facebook.fetch(stored)
    last = facebook.fetch(again.cursor)

    # Then page 2 comes again (ingestion dedupes it) and the poll still ends where it should
    assert ids(again.items) == ids(lost.items) == ["104857600112233_912000000000254"]
    assert "104857600112233_912000000000190" in ids(last.items)
    assert last.cursor == {"since": NEWEST_POST - 60}


def test_short_last_page_without_next_ends_the_poll_even_when_a_previous_short_page_did_not(fake_api):
    fake_api.route("GET", FEED, Reply(json=PAGES[2]))

    result = adapter(fake_api.base_url).fetch({"since": SINCE, "after": "QVFIUkt6ZA_04", "poll_newest": NEWEST_POST})

    assert result.more is False
    assert result.cursor == {"since": NEWEST_POST - 60}


def test_poll_with_nothing_new_keeps_since(fake_api):
    fake_api.route("GET", FEED, Reply(json={"data": []}))

    result = adapter(fake_api.base_url).fetch({"since": SINCE})

    assert (result.items, result.more, result.cursor) == ([], False, {"since": SINCE})


def test_since_never_moves_back_when_only_the_overlap_is_read_again(fake_api):
    fake_api.route("GET", FEED, Reply(json={"data": [PAGES[0]["data"][0]]}))

    result = adapter(fake_api.base_url).fetch({"since": NEWEST_POST - 30})

    assert result.cursor == {"since": NEWEST_POST - 30}


def test_first_poll_reads_back_backfill_days_only(fake_api):
    fake_api.route("GET", FEED, Reply(json={"data": []}))

    adapter(fake_api.base_url, backfill_days=2).fetch({})

    since = int(fake_api.calls("GET", FEED)[0].param("since"))
    assert abs(since - (time.time() - 2 * 86400)) < 60


def test_nested_comments_thread_under_their_post_and_the_pages_own_comment_is_outbound(fake_api):
    fake_api.route("GET", FEED, Reply(json=PAGES[0]))

    items = {item.external_id: item for item in adapter(fake_api.base_url).fetch({"since": SINCE}).items}

    post, page_reply = items["104857600112233_912000000000301"], items["912000000000301_912000000000310"]
    answer, other = items["912000000000301_912000000000322"], items["912000000000301_912000000000330"]
    assert (post.is_outbound, post.author_name, post.in_reply_to_id) == (False, "Tomás Ferreira", "")
    assert post.posted_at == dt.datetime(2026, 11, 5, 8, 40, 12, tzinfo=dt.UTC)
    assert (page_reply.is_outbound, page_reply.in_reply_to_id) == (True, "104857600112233_912000000000301")
    assert (answer.is_outbound, answer.in_reply_to_id) == (False, "912000000000301_912000000000310")
    assert (other.is_outbound, other.text) == (False, "Same here on AC312, also waiting 2h for bags 😤")
    assert items["104857600112233_912000000000288"].is_outbound is True  # the Page's announcement


def test_an_unreadable_feed_item_is_an_invalid_post_and_the_rest_go_on(fake_api):
    fake_api.route("GET", FEED, Reply(json=PAGES[2]))

    items = adapter(fake_api.base_url).fetch({"since": SINCE}).items

    (invalid,) = [item for item in items if isinstance(item, InvalidPost)]
    assert "missing time" in str(invalid)
    assert ids(items) == ["104857600112233_912000000000190", "912000000000190_912000000000195"]


def test_a_cursor_graph_refuses_mid_poll_restarts_the_poll_from_since(fake_api):
    def feed_refusing_the_cursor(request):
        if request.param("after") == "QVFIUmRlbGV0ZWQ":
            return graph_error(100, "Invalid parameter: the cursor is invalid")
        return Reply(json=PAGES[2])

    fake_api.route("GET", FEED, handler=feed_refusing_the_cursor)

    result = adapter(fake_api.base_url).fetch({"since": SINCE, "after": "QVFIUmRlbGV0ZWQ", "poll_newest": NEWEST_POST})

    assert [request.param("after") for request in fake_api.calls("GET", FEED)] == ["QVFIUmRlbGV0ZWQ", None]
    assert result.cursor == {"since": NEWEST_POST - 60}  # the newest seen before the restart is kept


# -- rate limits ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("headers", "options", "wait"),
    [
        ({"X-App-Usage": '{"call_count":28,"total_time":25,"total_cputime":25}'}, {}, None),
        ({"X-App-Usage": '{"call_count":12,"total_time":91,"total_cputime":40}'}, {}, 15 * 60),
        ({"X-App-Usage": '{"call_count":80,"total_time":10,"total_cputime":10}'}, {}, 2 * 300),
        ({"X-App-Usage": '{"call_count":76,"total_time":10,"total_cputime":10}'}, {"poll_interval_seconds": 120}, 240),
        (
            {
                "X-App-Usage": '{"call_count":5,"total_time":5,"total_cputime":5}',
                "X-Business-Use-Case-Usage": json.dumps(
                    {
                        PAGE_ID: [
                            {
                                "type": "pages",
                                "call_count": 95,
                                "total_cputime": 20,
                                "total_time": 20,
                                "estimated_time_to_regain_access": 12,
                            }
                        ]
                    }
                ),
            },
            {},
            12 * 60,
        ),
        ({"X-App-Usage": "not json"}, {}, None),
        (
            {"X-App-Usage": "[90]", "X-Business-Use-Case-Usage": '{"1": ["pages", 95], "2": {"call_count": 99}}'},
            {},
            None,
        ),
    ],
    ids=["low", "pause-15-min", "slow-2x-pace", "slow-2x-own-pace", "buc-regain-estimate", "garbled", "odd-shapes"],
)
def test_usage_headers_set_wait_seconds(fake_api, headers, options, wait):
    fake_api.route("GET", FEED, Reply(json={"data": []}, headers=headers))

    assert adapter(fake_api.base_url, **options).fetch({"since": SINCE}).wait_seconds == wait


@pytest.mark.parametrize(
    ("code", "message"),
    [
        (4, "Application request limit reached"),
        (17, "User request limit reached"),
        (32, "Page request limit reached"),
        (613, "Calls to this api have exceeded the rate limit."),
        (80001, "There have been too many calls to this Page account. Wait a bit and try again."),
    ],
)
def test_throttling_codes_are_rate_limited_without_a_known_wait(fake_api, code, message):
    fake_api.route("GET", FEED, graph_error(code, message, status=403 if code == 32 else 400))

    with pytest.raises(RateLimited) as raised:
        adapter(fake_api.base_url).fetch({"since": SINCE})

    assert raised.value.retry_after is None  # the caller backs off from 5 min
    assert str(code) in str(raised.value)


def test_pages_rate_limit_waits_for_metas_estimate_from_the_buc_header(fake_api):
    buc = {
        PAGE_ID: [
            {
                "type": "pages",
                "call_count": 100,
                "total_cputime": 31,
                "total_time": 40,
                "estimated_time_to_regain_access": 30,
            }
        ]
    }
    fake_api.route(
        "GET",
        FEED,
        graph_error(
            80001,
            "There have been too many calls to this Page account.",
            subcode=2446079,
            headers={"X-Business-Use-Case-Usage": json.dumps(buc)},
        ),
    )

    with pytest.raises(RateLimited) as raised:
        adapter(fake_api.base_url).fetch({"since": SINCE})

    assert raised.value.retry_after == 30 * 60


def test_expired_token_is_permanent_asks_for_reauthorisation_and_never_shows_the_token(fake_api):
    fake_api.route(
        "GET",
        FEED,
        graph_error(190, "Error validating access token: Session has expired on Tuesday, 03-Nov-26.", subcode=463),
    )

    with pytest.raises(ChannelError) as raised:
        adapter(fake_api.base_url).fetch({"since": SINCE})

    assert raised.value.permanent is True and not isinstance(raised.value, RateLimited)
    assert "re-authorise" in str(raised.value) and "190/463" in str(raised.value)
    assert TOKEN not in str(raised.value)


@pytest.mark.parametrize("code", [10, 102, 200, 283])
def test_permission_and_session_errors_are_permanent(fake_api, code):
    fake_api.route("GET", FEED, graph_error(code, "Requires pages_read_engagement permission", status=403))

    with pytest.raises(ChannelError) as raised:
        adapter(fake_api.base_url).fetch({"since": SINCE})

    assert raised.value.permanent is True and "re-authorise" in str(raised.value)


@pytest.mark.parametrize(
    ("code", "status"), [(2, 500), (1, 500), (2, 400)], ids=["service-500", "unknown-500", "service-400"]
)
def test_unknown_and_service_errors_are_transient(fake_api, code, status):
    fake_api.route("GET", FEED, graph_error(code, "An unexpected error has occurred.", status=status))

    with pytest.raises(ChannelError) as raised:
        adapter(fake_api.base_url).fetch({"since": SINCE})

    assert raised.value.permanent is False and not isinstance(raised.value, RateLimited)


@pytest.mark.parametrize(
    "reply",
    [
        Reply(status=500, body=b""),
        Reply(status=502, body="<html>Bad Gateway</html>", content_type="text/html"),
        Reply(json=PAGES[0], truncate=True),
        Reply(json=PAGES[0], delay=0.8),
    ],
    ids=["500-empty", "502-html", "truncated", "timeout"],
)
def test_transport_failures_are_transient(fake_api, reply):
    fake_api.route("GET", FEED, reply)

    with pytest.raises(ChannelError) as raised:
        adapter(fake_api.base_url).fetch({"since": SINCE})

    assert raised.value.permanent is False and not isinstance(raised.value, RateLimited)
    assert TOKEN not in str(raised.value)


def test_refused_connection_is_transient_and_never_shows_the_token():
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]

    with pytest.raises(ChannelError) as raised:
        adapter(f"http://127.0.0.1:{port}").fetch({"since": SINCE})

    assert raised.value.permanent is False
    assert "connection failed" in str(raised.value) and TOKEN not in str(raised.value)


def test_missing_page_token_is_permanent(fake_api):
    config = ChannelConfig(kind="facebook", base_url=fake_api.base_url, options={"page_id": PAGE_ID})

    with pytest.raises(ChannelError) as raised:
        FacebookAdapter(config).fetch({})

    assert raised.value.permanent is True and "page_access_token" in str(raised.value)
    assert fake_api.calls() == []


# -- connection, publishing ---------------------------------------------------------


def test_connection_names_the_page(fake_api):
    fake_api.route("GET", f"/v19.0/{PAGE_ID}", Reply(json={"id": PAGE_ID, "name": "Acme Air"}))

    assert adapter(fake_api.base_url).test_connection() == f"Facebook Page Acme Air ({PAGE_ID})"
    assert fake_api.calls()[0].param("fields") == "id,name"


def test_api_version_option_chooses_the_path(fake_api):
    fake_api.route("GET", f"/v21.0/{PAGE_ID}", Reply(json={"id": PAGE_ID, "name": "Acme Air"}))

    assert adapter(fake_api.base_url, api_version="v21.0").test_connection().endswith(f"({PAGE_ID})")


def reply_to(target, text="Hi Ines, we're sorry about the wait. Please DM us your booking reference.", **fields):
    return OutgoingReply(text=text, idempotency_key="outbox-4412", in_reply_to_id=target, **fields)


def test_publish_posts_a_form_encoded_comment_under_the_post_answered(fake_api):
    target = "912000000000301_912000000000330"
    fake_api.route("POST", f"/v19.0/{target}/comments", Reply(json={"id": "912000000000301_912000000000341"}))

    published = adapter(fake_api.base_url).publish(reply_to(target))

    assert published.external_id == "912000000000301_912000000000341"
    (request,) = fake_api.calls("POST")
    assert request.headers["content-type"] == "application/x-www-form-urlencoded"
    form = {key: values[0] for key, values in parse_qs(request.body.decode()).items()}
    assert form == {
        "message": "Hi Ines, we're sorry about the wait. Please DM us your booking reference.",
        "access_token": TOKEN,
        "appsecret_proof": hmac.new(b"test_app_secret", TOKEN.encode(), hashlib.sha256).hexdigest(),
    }
    assert request.query == {}  # the token does not ride in the URL of a POST


@pytest.mark.parametrize(
    "reply",
    [reply_to(""), reply_to("   "), reply_to("912000000000301", is_direct=True), reply_to("912000000000301", text=" ")],
    ids=["no-target", "blank-target", "private", "empty-text"],
)
def test_publish_refuses_what_a_page_comment_cannot_be_and_sends_nothing(fake_api, reply):
    with pytest.raises(ChannelError) as raised:
        adapter(fake_api.base_url).publish(reply)

    assert raised.value.permanent is True
    assert fake_api.calls() == []


def test_publish_refused_by_graph_for_a_deleted_post_is_permanent(fake_api):
    fake_api.route(
        "POST",
        "/v19.0/912000000000999/comments",
        graph_error(100, "Unsupported post request. Object with ID '912000000000999' does not exist", subcode=33),
    )

    with pytest.raises(ChannelError) as raised:
        adapter(fake_api.base_url).publish(reply_to("912000000000999"))

    assert raised.value.permanent is True


def test_find_published_returns_the_pages_comment_with_the_same_text(fake_api):
    target = "912000000000301_912000000000330"
    comments = {
        "data": [
            {
                "id": "912000000000301_912000000000360",
                "message": "Hi Ines, we're sorry about the wait.",
                "from": {"id": "7001007788", "name": "Ines Carvalho"},
                "created_time": "2026-11-05T09:20:00+0000",
            },
            {
                "id": "912000000000301_912000000000352",
                "message": "Hi Ines,  we're sorry about the wait.\nPlease DM us your booking reference.",
                "from": {"id": PAGE_ID, "name": "Acme Air"},
                "created_time": "2026-11-05T09:12:31+0000",
            },
            {
                "id": "912000000000301_912000000000349",
                "message": "Thanks for your patience!",
                "from": {"id": PAGE_ID, "name": "Acme Air"},
                "created_time": "2026-11-05T09:10:00+0000",
            },
        ]
    }
    fake_api.route("GET", f"/v19.0/{target}/comments", Reply(json=comments))

    found = adapter(fake_api.base_url).find_published(reply_to(target))

    assert found.external_id == "912000000000301_912000000000352"
    assert found.posted_at == dt.datetime(2026, 11, 5, 9, 12, 31, tzinfo=dt.UTC)
    request = fake_api.calls()[0]
    assert (request.param("order"), request.param("limit"), request.param("fields")) == (
        "reverse_chronological",
        "50",
        "id,message,from,created_time",
    )


def test_find_published_is_none_when_only_a_customer_wrote_that_text(fake_api):
    target = "912000000000301_912000000000330"
    same_text_by_customer = {
        "data": [
            {
                "id": "912000000000301_912000000000360",
                "message": reply_to(target).text,
                "from": {"id": "7001007788", "name": "Ines Carvalho"},
                "created_time": "2026-11-05T09:20:00+0000",
            }
        ]
    }
    fake_api.route("GET", f"/v19.0/{target}/comments", Reply(json=same_text_by_customer))

    assert adapter(fake_api.base_url).find_published(reply_to(target)) is None


# -- webhooks ---------------------------------------------------------------------

# restfb's feed-comment-add-211.json, the vector of CHANNEL_FORMATS.md.
RESTFB_COMMENT = {
    "object": "page",
    "entry": [
        {
            "id": "1234567890321",
            "time": 1449135003,
            "changes": [
                {
                    "field": "feed",
                    "value": {
                        "item": "comment",
                        "verb": "add",
                        "comment_id": "901097836652708_903438993085259",
                        "post_id": "1234567890321_901097836652708",
                        "parent_id": "1234567890321_901097836652708",
                        "from": {"id": "1234567890321", "name": "Tester"},
                        "created_time": 1449135003,
                        "message": "and the next one",
                    },
                }
            ],
        }
    ],
}
VECTOR_SIGNATURE = "sha256=44adaa4af5999fc6ffb1ed3ae6276b4152cbe1e47d46f29145630d06918e3acf"


def test_handshake_echoes_the_challenge_for_the_right_verify_token():
    query = {"hub.mode": "subscribe", "hub.challenge": "1158201444", "hub.verify_token": "meatyhamhock"}

    response = adapter().handshake(query)

    assert (response.body, response.content_type, response.status) == ("1158201444", "text/plain", 200)


@pytest.mark.parametrize(
    "query",
    [
        {"hub.mode": "subscribe", "hub.challenge": "1158201444", "hub.verify_token": "guessed"},
        {"hub.mode": "unsubscribe", "hub.challenge": "1158201444", "hub.verify_token": "meatyhamhock"},
        {"hub.challenge": "1158201444"},
        {"hub_mode": "subscribe", "hub_challenge": "1158201444", "hub_verify_token": "meatyhamhock"},
    ],
    ids=["wrong-token", "wrong-mode", "no-token", "underscored-keys"],
)
def test_handshake_is_rejected_without_subscribe_and_the_verify_token(query):
    with pytest.raises(WebhookRejected):
        adapter().handshake(query)


def test_signature_vector_of_the_compact_restfb_body_verifies():
    body = json.dumps(RESTFB_COMMENT, separators=(",", ":")).encode()
    assert len(body) == 371

    adapter().verify_webhook({"x-hub-signature-256": VECTOR_SIGNATURE}, body)


@pytest.mark.parametrize(
    ("headers", "body"),
    [
        ({"x-hub-signature-256": VECTOR_SIGNATURE}, json.dumps(RESTFB_COMMENT).encode()),  # re-serialised, spaced
        ({"x-hub-signature-256": VECTOR_SIGNATURE.replace("44ad", "44ae")}, None),
        ({"x-hub-signature-256": VECTOR_SIGNATURE.removeprefix("sha256=")}, None),
        ({"x-hub-signature": "sha1=0bd1a3e3f0f3a1d5e4ad3c4e2f1a0b9c8d7e6f50"}, None),
        ({}, None),
    ],
    ids=["other-bytes", "wrong-digest", "no-prefix", "sha1-only", "missing"],
)
def test_signature_is_rejected_when_wrong_or_missing(headers, body):
    body = body or json.dumps(RESTFB_COMMENT, separators=(",", ":")).encode()

    with pytest.raises(WebhookRejected):
        adapter().verify_webhook(headers, body)


def delivery(*changes, entry_time=1793868100) -> bytes:
    entry = {"id": PAGE_ID, "time": entry_time, "changes": list(changes)}
    return json.dumps({"object": "page", "entry": [entry]}).encode()


def feed(**value) -> dict:
    return {"field": "feed", "value": value}


def test_webhook_visitor_post_is_added_with_the_entry_time():
    body = delivery(
        feed(
            item="status",
            verb="add",
            post_id=f"{PAGE_ID}_912000000000402",
            is_hidden=False,
            sender_id=7001008811,
            **{"from": {"id": "7001008811", "name": "Mehmet Yilmaz"}},
            message="Booked seat 14C and it disappeared from my booking after the schedule change. Help?",
        ),
    )

    batch = adapter().parse_webhook(body)

    (post,) = batch.items
    assert (post.external_id, post.author_name, post.is_outbound) == (
        f"{PAGE_ID}_912000000000402",
        "Mehmet Yilmaz",
        False,
    )
    assert post.posted_at == dt.datetime.fromtimestamp(1793868100, tz=dt.UTC)
    assert (batch.edited, batch.deleted_ids) == ([], [])


def test_webhook_comment_replies_to_its_parent_and_the_pages_comment_is_outbound():
    body = delivery(
        feed(
            item="comment",
            verb="add",
            comment_id="912000000000301_912000000000372",
            post_id=f"{PAGE_ID}_912000000000301",
            parent_id="912000000000301_912000000000330",
            created_time=1793869322,
            message="Still nothing on the bags?",
            **{"from": {"id": "7001007788", "name": "Ines Carvalho"}},
        ),
        feed(
            item="comment",
            verb="add",
            comment_id="912000000000301_912000000000375",
            post_id=f"{PAGE_ID}_912000000000301",
            parent_id="912000000000301_912000000000372",
            created_time=1793869500,
            message="Ines, your bags are on the 11:40 from Lisbon.",
            **{"from": {"id": PAGE_ID, "name": "Acme Air"}},
        ),
    )

    customer, page = adapter().parse_webhook(body).items

    assert (customer.in_reply_to_id, customer.conversation_id, customer.is_outbound) == (
        "912000000000301_912000000000330",
        f"{PAGE_ID}_912000000000301",
        False,
    )
    assert customer.posted_at == dt.datetime.fromtimestamp(1793869322, tz=dt.UTC)
    assert (page.in_reply_to_id, page.is_outbound) == ("912000000000301_912000000000372", True)


def test_webhook_edit_is_reported_with_the_new_text():
    body = delivery(
        feed(
            item="comment",
            verb="edited",
            comment_id="912000000000301_912000000000372",
            post_id=f"{PAGE_ID}_912000000000301",
            parent_id="912000000000301_912000000000330",
            created_time=1793869322,
            message="Still nothing on the bags? Update: one arrived, one missing.",
            **{"from": {"id": "7001007788", "name": "Ines Carvalho"}},
        ),
    )

    batch = adapter().parse_webhook(body)

    (edited,) = batch.edited
    assert (edited.external_id, edited.text) == (
        "912000000000301_912000000000372",
        "Still nothing on the bags? Update: one arrived, one missing.",
    )
    assert batch.items == []


def test_webhook_removals_report_the_comment_or_post_id():
    body = delivery(
        feed(
            item="comment",
            verb="remove",
            comment_id="912000000000301_912000000000330",
            post_id=f"{PAGE_ID}_912000000000301",
            parent_id=f"{PAGE_ID}_912000000000301",
            created_time=1793870000,
            **{"from": {"id": "7001007788"}},
        ),
        feed(item="status", verb="remove", post_id=f"{PAGE_ID}_912000000000254", created_time=1793870010),
    )

    batch = adapter().parse_webhook(body)

    assert batch.deleted_ids == ["912000000000301_912000000000330", f"{PAGE_ID}_912000000000254"]
    assert batch.items == []


def test_webhook_reactions_likes_and_other_fields_are_ignored_without_error():
    body = delivery(
        feed(
            item="reaction",
            verb="add",
            post_id=f"{PAGE_ID}_912000000000190",
            reaction_type="love",
            created_time=1793870100,
            **{"from": {"id": "7001005566", "name": "Priya Natarajan"}},
        ),
        feed(item="like", verb="add", post_id=f"{PAGE_ID}_912000000000190", created_time=1793870101),
        feed(item="comment", verb="hide", comment_id="912000000000301_912000000000330", created_time=1793870102),
        {"field": "ratings", "value": {"item": "rating", "verb": "add", "review_text": "Lost my bag"}},
    )

    batch = adapter().parse_webhook(body)

    assert (batch.items, batch.edited, batch.deleted_ids) == ([], [], [])


def test_webhook_batched_entries_and_changes_are_all_read():
    payload = {
        "object": "page",
        "entry": [
            {
                "id": PAGE_ID,
                "time": 1793870200,
                "changes": [
                    feed(
                        item="post",
                        verb="add",
                        post_id=f"{PAGE_ID}_912000000000411",
                        created_time=1793870190,
                        message="Is the Faro lounge open during the renovation?",
                        **{"from": {"id": "7001001122", "name": "Grace Liu"}},
                    ),
                    feed(item="comment", verb="remove", comment_id="912000000000190_912000000000195"),
                ],
            },
            {
                "id": PAGE_ID,
                "time": 1793870260,
                "changes": [
                    feed(
                        item="comment",
                        verb="add",
                        comment_id="912000000000411_912000000000415",
                        post_id=f"{PAGE_ID}_912000000000411",
                        parent_id=f"{PAGE_ID}_912000000000411",
                        created_time=1793870255,
                        message="Yes Grace, gate 4 side.",
                        **{"from": {"id": PAGE_ID, "name": "Acme Air"}},
                    ),
                    feed(
                        item="post",
                        verb="edited",
                        post_id=f"{PAGE_ID}_912000000000411",
                        created_time=1793870190,
                        message="Is the Faro lounge open during the renovation? (flying Sunday)",
                        **{"from": {"id": "7001001122", "name": "Grace Liu"}},
                    ),
                ],
            },
        ],
    }

    batch = adapter().parse_webhook(json.dumps(payload).encode())

    assert ids(batch.items) == [f"{PAGE_ID}_912000000000411", "912000000000411_912000000000415"]
    assert ids(batch.edited) == [f"{PAGE_ID}_912000000000411"]
    assert batch.deleted_ids == ["912000000000190_912000000000195"]


def test_webhook_malformed_changes_become_invalid_posts_and_the_good_ones_go_on():
    good = feed(
        item="post",
        verb="add",
        post_id=f"{PAGE_ID}_912000000000420",
        created_time=1793870300,
        message="Can I bring a guitar as cabin baggage?",
        **{"from": {"id": "7001006677", "name": "Sam Reid"}},
    )
    no_id = feed(
        item="comment",
        verb="add",
        post_id=f"{PAGE_ID}_912000000000420",
        created_time=1793870310,
        message="comment without its id",
    )
    bad_time = feed(item="post", verb="add", post_id=f"{PAGE_ID}_912000000000421", created_time="yesterday")
    body = delivery(no_id, "not a change", {"field": "feed", "value": ["not", "an", "object"]}, good, bad_time)

    items = adapter().parse_webhook(body).items

    assert ids(items) == [f"{PAGE_ID}_912000000000420"]
    invalid = [item for item in items if isinstance(item, InvalidPost)]
    assert [item.raw for item in invalid] == [
        no_id,
        "not a change",
        {"field": "feed", "value": ["not", "an", "object"]},
        bad_time,
    ]
    assert "missing comment_id or post_id" in str(invalid[0])
    assert "unreadable time" in str(invalid[3])


@pytest.mark.parametrize(
    "body",
    [
        b"<html>502 Bad Gateway</html>",
        b'{"object": "page", "entry": [',
        b"\xff\xfe",
        b"[]",
        b'{"object": "instagram", "entry": []}',
        b'{"object": "page", "entry": {"id": "1"}}',
    ],
    ids=["html", "truncated", "not-utf8", "array", "other-object", "entry-not-list"],
)
def test_webhook_body_that_is_not_a_page_delivery_is_an_invalid_payload(body):
    with pytest.raises(InvalidPayload):
        adapter().parse_webhook(body)
