"""The X adapter against a fake X API: polling, rate limits, publishing, crash recovery and webhooks."""

import json
import time
from pathlib import Path

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
from channels_app.adapters.x import XAdapter, build_search_query
from channels_app.pipeline.normalized import InvalidPost, NormalizedPost
from tests.fakeapi import Reply

DATA = Path(__file__).parent / "data"
BRAND_ID = "1111111111"
MENTIONS = f"/2/users/{BRAND_ID}/mentions"
SEARCH = "/2/tweets/search/recent"
CREDENTIALS = {
    "bearer_token": "app-bearer",
    "user_access_token": "user-token",
    "consumer_secret": "test_consumer_secret",
}
EMPTY = {"meta": {"result_count": 0}}


def load(name):
    return json.loads((DATA / name).read_text())


def adapter(fake_api=None, *, terms=(), competitors=(), handles=("AcmeAirCare",), timeout=5.0, **options):
    config = ChannelConfig(
        kind="x",
        name="Acme Air on X",
        base_url=fake_api.base_url if fake_api else "",
        credentials=CREDENTIALS,
        options={"user_id": BRAND_ID, "username": "AcmeAirCare", **options},
        brand_handles=handles,
        brand_terms=tuple(terms),
        competitor_terms=tuple(competitors),
        timeout=timeout,
    )
    return get_adapter(config)


def posts(items):
    return [item for item in items if isinstance(item, NormalizedPost)]


def ids(items):
    return [post.external_id for post in posts(items)]


# -- polling ----------------------------------------------------------------------------------------


def test_registry_builds_the_x_adapter_for_x_channels():
    x = adapter()
    assert isinstance(x, XAdapter)
    assert (x.supports_polling, x.supports_webhooks, x.supports_publishing) == (True, True, True)


def test_mentions_are_paged_with_pagination_token_and_since_id_advances_only_after_the_last_page(fake_api):
    pages = [load("x_mentions_page1.json"), load("x_mentions_page2.json"), load("x_mentions_page3.json")]
    fake_api.route("GET", MENTIONS, *(Reply(json=page) for page in pages))
    x = adapter(fake_api)

    first = x.fetch({})
    assert ids(first.items) == ["1852104411223344556", "1852103377001122334"]
    assert first.more is True
    # Mid-poll: the old since_id (none yet) stays; the poll's newest id waits.
    assert first.cursor["mentions"] == {
        "newest_id": "1852104411223344556",
        "next_token": "7140dibdnow9c7btw3z2vnjf7zmz8a0cizvb0yhkq0b2s",
    }

    second = x.fetch(first.cursor)
    assert ids(second.items) == ["1852101122334455667", "1852100099887766554"]
    assert second.more is True
    assert second.cursor["mentions"]["newest_id"] == "1852104411223344556"
    assert "since_id" not in second.cursor["mentions"]

    third = x.fetch(second.cursor)
    assert ids(third.items) == ["1852098765432109876"]
    assert third.more is False
    assert third.cursor["mentions"] == {"since_id": "1852104411223344556"}

    requests_seen = fake_api.calls("GET", MENTIONS)
    assert [r.param("pagination_token") for r in requests_seen] == [
        None,
        "7140dibdnow9c7btw3z2vnjf7zmz8a0cizvb0yhkq0b2s",
        "7140dibdnow9c7btw3z2vnjf7zmz8a0cizvb0yhkq0b2t",
    ]
    assert all(r.param("since_id") is None for r in requests_seen)
    first_request = requests_seen[0]
    assert first_request.headers["authorization"] == "Bearer app-bearer"
    assert first_request.param("max_results") == "100"
    assert "conversation_id" in first_request.param("tweet.fields").split(",")
    assert "referenced_tweets" in first_request.param("tweet.fields").split(",")
    assert first_request.param("expansions") == "author_id,referenced_tweets.id,in_reply_to_user_id"
    assert "public_metrics" in first_request.param("user.fields").split(",")


def test_a_crash_mid_paging_re_reads_the_page_and_skips_no_tweet(fake_api):
    # Given page 1 was ingested and its cursor stored, then the worker died while reading page 2
    fake_api.route("GET", MENTIONS, Reply(json=load("x_mentions_page1.json")))
    stored = adapter(fake_api).fetch({}).cursor

    # When a new worker resumes from the stored cursor
    fake_api.route(
        "GET", MENTIONS, Reply(json=load("x_mentions_page2.json")), Reply(json=load("x_mentions_page3.json"))
    )
    resumed = adapter(fake_api).fetch(stored)
    last = adapter(fake_api).fetch(resumed.cursor)

    # Then it asks again for page 2 with the same token, and nothing between the pages is lost
    assert fake_api.calls("GET", MENTIONS)[1].param("pagination_token") == stored["mentions"]["next_token"]
    assert ids(resumed.items) + ids(last.items) == [
        "1852101122334455667",
        "1852100099887766554",
        "1852098765432109876",
    ]
    assert last.cursor["mentions"]["since_id"] == "1852104411223344556"


def test_next_poll_sends_since_id_of_the_previous_polls_newest_tweet(fake_api):
    fake_api.route("GET", MENTIONS, Reply(json=EMPTY))
    result = adapter(fake_api).fetch({"stream": "mentions", "mentions": {"since_id": "1852104411223344556"}})

    request = fake_api.calls("GET", MENTIONS)[0]
    assert request.param("since_id") == "1852104411223344556"
    assert request.param("pagination_token") is None
    # An empty poll keeps the since_id it had.
    assert result.items == [] and result.more is False
    assert result.cursor["mentions"] == {"since_id": "1852104411223344556"}


def test_includes_users_give_followers_verified_and_reply_threading(fake_api):
    fake_api.route(
        "GET", MENTIONS, Reply(json=load("x_mentions_page1.json")), Reply(json=load("x_mentions_page2.json"))
    )
    x = adapter(fake_api)
    first = x.fetch({})
    second = x.fetch(first.cursor)

    tom = posts(first.items)[0]
    assert (tom.author_handle, tom.author_followers, tom.author_verified) == ("tomwhite", 120400, True)
    assert tom.in_reply_to_handle == "AcmeAirCare"
    assert tom.url == "https://x.com/tomwhite/status/1852104411223344556"
    assert posts(first.items)[1].language == "fr"
    dana = posts(second.items)[0]
    assert (dana.author_id, dana.author_followers) == ("2244994945", 5821)
    assert dana.in_reply_to_id == "1852018500000000001"
    assert dana.conversation_id == "1852017720541925392"
    assert isinstance(dana.external_id, str)


def test_partial_errors_in_a_200_body_keep_the_tweets(fake_api):
    fake_api.route("GET", MENTIONS, Reply(json=load("x_mentions_page3.json")))
    result = adapter(fake_api).fetch({})
    assert ids(result.items) == ["1852098765432109876"]


def test_an_unreadable_tweet_becomes_an_invalid_post_with_its_raw_item_and_the_rest_go_on(fake_api):
    page = load("x_mentions_page3.json")
    broken = {
        "id": 1.852e18,
        "text": "float id from a spreadsheet round-trip",
        "created_at": "2024-11-01T07:10:00.000Z",
    }
    page["data"].append(broken)
    fake_api.route("GET", MENTIONS, Reply(json=page))
    items = adapter(fake_api).fetch({}).items
    assert ids(items) == ["1852098765432109876"]
    invalid = [item for item in items if isinstance(item, InvalidPost)]
    assert len(invalid) == 1 and invalid[0].raw == broken


def test_after_mentions_the_same_poll_runs_recent_search_with_the_listening_terms(fake_api):
    fake_api.route("GET", MENTIONS, Reply(json=load("x_mentions_page3.json")))
    fake_api.route("GET", SEARCH, Reply(json=load("x_search_page.json")))
    x = adapter(fake_api, terms=("Acme Air", "AcmeAir"), competitors=("Globex",), handles=("AcmeAirCare", "@acme_air"))

    mentions = x.fetch({})
    assert mentions.more is True and mentions.cursor["stream"] == "search"
    search = x.fetch(mentions.cursor)

    request = fake_api.calls("GET", SEARCH)[0]
    assert request.param("query") == '("Acme Air" OR AcmeAir OR @acme_air OR Globex) -is:retweet'
    assert request.param("next_token") is None and request.param("since_id") is None
    assert request.param("max_results") == "100"
    assert ids(search.items) == ["1852106600112233445", "1852106000000000042"]
    # The account's own reply found by search is an agent's answer.
    assert [p.is_outbound for p in posts(search.items)] == [None, True]
    assert search.more is False
    assert search.cursor["stream"] == "mentions"
    assert search.cursor["search"]["since_id"] == "1852106600112233445"
    assert search.cursor["mentions"] == {"since_id": "1852098765432109876"}

    # The next poll of search is incremental.
    fake_api.route("GET", SEARCH, Reply(json=EMPTY))
    x.fetch({**search.cursor, "stream": "search"})
    assert fake_api.calls("GET", SEARCH)[-1].param("since_id") == "1852106600112233445"


def test_no_terms_means_no_search_and_an_explicit_search_query_is_used_as_given(fake_api):
    fake_api.route("GET", MENTIONS, Reply(json=EMPTY))
    fake_api.route("GET", SEARCH, Reply(json=EMPTY))
    assert adapter(fake_api).fetch({}).more is False
    assert fake_api.calls("GET", SEARCH) == []

    x = adapter(fake_api, search_query="(acme OR @acme_air) lang:en -is:retweet")
    x.fetch(x.fetch({}).cursor)
    assert fake_api.calls("GET", SEARCH)[0].param("query") == "(acme OR @acme_air) lang:en -is:retweet"


def test_a_changed_search_query_forgets_the_old_querys_since_id(fake_api):
    fake_api.route("GET", SEARCH, Reply(json=EMPTY))
    cursor = {"stream": "search", "search": {"query": "acme -is:retweet", "since_id": "1852000000000000000"}}
    result = adapter(fake_api, terms=("globex",)).fetch(cursor)
    assert fake_api.calls("GET", SEARCH)[0].param("since_id") is None
    assert result.cursor["search"] == {"query": "globex -is:retweet"}


def test_search_query_keeps_within_512_characters_by_dropping_terms_that_do_not_fit():
    terms = [f"delayed flight {n:03d} compensation claim" for n in range(40)] + ["refund"]
    query, dropped = build_search_query(terms)
    assert len(query) <= 512
    assert query.startswith('("delayed flight 000 compensation claim" OR ')
    assert query.endswith(" OR refund) -is:retweet")  # a short later term still fits
    assert dropped and all(term not in query for term in dropped)
    assert len(query) + len(' OR "delayed flight 039 compensation claim"') > 512


def test_search_query_quotes_phrases_drops_inner_quotes_and_repeats():
    query, dropped = build_search_query(['Acme "Air"', "acme", "ACME", "#AcmeFail", "e-bike"])
    assert query == '("Acme Air" OR acme OR #AcmeFail OR "e-bike") -is:retweet'
    assert dropped == []
    assert build_search_query([]) == ("", [])
    assert build_search_query(["x" * 600]) == ("", ["x" * 600])


def test_an_expired_pagination_token_restarts_the_poll_from_since_id(fake_api):
    problem = {
        "errors": [
            {"parameters": {"pagination_token": ["stale"]}, "message": "The `pagination_token` value is not valid"}
        ],
        "title": "Invalid Request",
        "type": "https://api.twitter.com/2/problems/invalid-request",
    }
    fake_api.route("GET", MENTIONS, Reply(status=400, json=problem))
    cursor = {
        "stream": "mentions",
        "mentions": {"since_id": "1852000000000000000", "next_token": "stale", "newest_id": "1852100000000000000"},
    }
    result = adapter(fake_api).fetch(cursor)
    assert result.more is True
    assert result.cursor["mentions"] == {"since_id": "1852000000000000000"}


def test_a_since_id_older_than_the_search_window_restarts_search_without_it(fake_api):
    # Polling was off for more than the 7 days recent search covers.
    problem = {
        "errors": [
            {
                "parameters": {"since_id": ["1840000000000000000"]},
                "message": "Invalid 'since_id':'1840000000000000000'. 'since_id' must be a tweet id created after"
                " 2024-10-25T08:00:00Z.",
            }
        ],
        "title": "Invalid Request",
        "detail": "One or more parameters to your request was invalid.",
        "type": "https://api.twitter.com/2/problems/invalid-request",
    }
    fake_api.route("GET", SEARCH, Reply(status=400, json=problem), Reply(json=load("x_search_page.json")))
    cursor = {"stream": "search", "search": {"query": "globex -is:retweet", "since_id": "1840000000000000000"}}
    x = adapter(fake_api, terms=("globex",))

    restarted = x.fetch(cursor)
    assert restarted.more is True and restarted.cursor["search"] == {"query": "globex -is:retweet"}
    result = x.fetch(restarted.cursor)
    assert fake_api.calls("GET", SEARCH)[1].param("since_id") is None
    assert result.cursor["search"]["since_id"] == "1852106600112233445"


def test_any_other_400_is_permanent(fake_api):
    problem = {"errors": [{"message": "There were errors processing your request: Reference to invalid field 'foo'"}]}
    fake_api.route("GET", SEARCH, Reply(status=400, json=problem))
    with pytest.raises(ChannelError, match="invalid field") as raised:
        adapter(fake_api, terms=("globex",)).fetch({"stream": "search"})
    assert raised.value.permanent


# -- errors and rate limits -------------------------------------------------------------------------


def test_429_with_reset_header_is_rate_limited_until_the_reset(fake_api):
    reset = int(time.time()) + 120
    fake_api.route(
        "GET",
        MENTIONS,
        Reply(
            status=429,
            json={"title": "Too Many Requests", "detail": "Too Many Requests", "type": "about:blank", "status": 429},
            headers={"x-rate-limit-limit": "450", "x-rate-limit-remaining": "0", "x-rate-limit-reset": str(reset)},
        ),
    )
    with pytest.raises(RateLimited) as raised:
        adapter(fake_api).fetch({})
    assert 118 <= raised.value.retry_after <= 122
    assert not raised.value.permanent


def test_429_without_headers_is_rate_limited_with_no_retry_hint(fake_api):
    fake_api.route(
        "GET", MENTIONS, Reply(status=429, json={"errors": [{"code": 88, "message": "Rate limit exceeded"}]})
    )
    with pytest.raises(RateLimited) as raised:
        adapter(fake_api).fetch({})
    assert raised.value.retry_after is None
    assert "Rate limit exceeded" in str(raised.value)


def test_monthly_usage_cap_is_rate_limited_for_a_day_and_says_so(fake_api):
    body = {
        "title": "UsageCapExceeded",
        "detail": "Usage cap exceeded: Monthly product cap",
        "type": "https://api.twitter.com/2/problems/usage-capped",
        "period": "Monthly",
        "scope": "Product",
    }
    fake_api.route(
        "GET", MENTIONS, Reply(status=429, json=body, headers={"x-rate-limit-reset": str(int(time.time()) + 60)})
    )
    with pytest.raises(RateLimited) as raised:
        adapter(fake_api).fetch({})
    assert raised.value.retry_after == 24 * 3600
    assert "usage cap" in str(raised.value)


def test_used_up_window_on_a_success_advises_waiting_until_reset(fake_api):
    headers = {
        "x-rate-limit-limit": "450",
        "x-rate-limit-remaining": "0",
        "x-rate-limit-reset": str(int(time.time()) + 300),
    }
    fake_api.route("GET", MENTIONS, Reply(json=load("x_mentions_page3.json"), headers=headers))
    result = adapter(fake_api).fetch({})
    assert len(posts(result.items)) == 1
    assert 298 <= result.wait_seconds <= 302


def test_remaining_calls_left_means_no_wait(fake_api):
    headers = {"x-rate-limit-remaining": "449", "x-rate-limit-reset": str(int(time.time()) + 300)}
    fake_api.route("GET", MENTIONS, Reply(json=EMPTY, headers=headers))
    assert adapter(fake_api).fetch({}).wait_seconds is None


@pytest.mark.parametrize(
    "reply",
    [
        Reply(status=500, json={"title": "Internal Server Error"}),
        Reply(status=503, body="Service Unavailable"),
        Reply(json=load("x_mentions_page1.json"), truncate=True),
        Reply(json=EMPTY, delay=1.5),
    ],
    ids=["500", "503", "truncated body", "timeout"],
)
def test_server_errors_cut_bodies_and_timeouts_are_transient(fake_api, reply):
    fake_api.route("GET", MENTIONS, reply)
    with pytest.raises(ChannelError) as raised:
        adapter(fake_api, timeout=0.5).fetch({"stream": "mentions", "mentions": {"since_id": "1"}})
    assert not raised.value.permanent
    assert not isinstance(raised.value, RateLimited)


@pytest.mark.parametrize("status", [401, 403])
def test_refused_credentials_are_permanent(fake_api, status):
    body = {"title": "Unauthorized", "type": "about:blank", "status": status, "detail": "Unauthorized"}
    fake_api.route("GET", MENTIONS, Reply(status=status, json=body))
    with pytest.raises(ChannelError) as raised:
        adapter(fake_api).fetch({})
    assert raised.value.permanent


def test_unknown_user_id_answered_with_200_errors_is_permanent(fake_api):
    body = {
        "errors": [
            {"value": BRAND_ID, "detail": f"Could not find user with id: [{BRAND_ID}].", "title": "Not Found Error"}
        ]
    }
    fake_api.route("GET", MENTIONS, Reply(json=body))
    with pytest.raises(ChannelError, match="Could not find user") as raised:
        adapter(fake_api).fetch({})
    assert raised.value.permanent


def test_missing_bearer_token_is_permanent(fake_api):
    x = get_adapter(ChannelConfig(kind="x", base_url=fake_api.base_url, options={"user_id": BRAND_ID}))
    with pytest.raises(ChannelError, match="bearer_token") as raised:
        x.fetch({})
    assert raised.value.permanent


def test_connection_test_reads_the_account_with_the_app_token(fake_api):
    fake_api.route(
        "GET",
        f"/2/users/{BRAND_ID}",
        Reply(json={"data": {"id": BRAND_ID, "name": "Acme Air Care", "username": "AcmeAirCare"}}),
    )
    assert adapter(fake_api).test_connection() == f"X user @AcmeAirCare ({BRAND_ID})"
    assert fake_api.calls()[0].headers["authorization"] == "Bearer app-bearer"


# -- publishing -------------------------------------------------------------------------------------


def test_publish_reply_posts_with_the_user_token_and_idempotency_key(fake_api):
    created = {
        "data": {
            "id": "1852120000000000001",
            "text": "@danar Refund released today. ^MK",
            "edit_history_tweet_ids": ["1852120000000000001"],
        }
    }
    fake_api.route("POST", "/2/tweets", Reply(status=201, json=created))
    reply = OutgoingReply(
        text="@danar Refund released today. ^MK", idempotency_key="outbox-41", in_reply_to_id="1852109900112233445"
    )

    published = adapter(fake_api).publish(reply)

    assert published.external_id == "1852120000000000001"
    assert published.url == "https://x.com/AcmeAirCare/status/1852120000000000001"
    request = fake_api.calls("POST", "/2/tweets")[0]
    assert request.json() == {
        "text": "@danar Refund released today. ^MK",
        "reply": {"in_reply_to_tweet_id": "1852109900112233445"},
    }
    assert request.headers["authorization"] == "Bearer user-token"
    assert request.headers["idempotency-key"] == "outbox-41"
    assert request.headers["content-type"] == "application/json"


def test_publish_without_a_parent_posts_no_reply_object(fake_api):
    fake_api.route(
        "POST", "/2/tweets", Reply(status=201, json={"data": {"id": "1852120000000000002", "text": "Update"}})
    )
    adapter(fake_api).publish(OutgoingReply(text="Update: delays at LHR this morning", idempotency_key="k"))
    assert fake_api.calls("POST", "/2/tweets")[0].json() == {"text": "Update: delays at LHR this morning"}


def test_publish_dm_posts_to_the_recipients_conversation(fake_api):
    path = "/2/dm_conversations/with/2244994945/messages"
    fake_api.route(
        "POST",
        path,
        Reply(
            status=201,
            json={"data": {"dm_conversation_id": "1111111111-2244994945", "dm_event_id": "1852121111111111111"}},
        ),
    )
    reply = OutgoingReply(
        text="Hi Dana, your refund is on its way.",
        idempotency_key="outbox-42",
        recipient_id="2244994945",
        is_direct=True,
    )

    published = adapter(fake_api).publish(reply)

    assert published.external_id == "dm-1852121111111111111"
    request = fake_api.calls("POST", path)[0]
    assert request.json() == {"text": "Hi Dana, your refund is on its way."}
    assert request.headers["authorization"] == "Bearer user-token"
    assert request.headers["idempotency-key"] == "outbox-42"


def test_publish_refused_with_403_is_permanent(fake_api):
    body = {
        "detail": "You are not allowed to reply to this Tweet because it has been restricted.",
        "type": "about:blank",
        "title": "Forbidden",
        "status": 403,
    }
    fake_api.route("POST", "/2/tweets", Reply(status=403, json=body))
    with pytest.raises(ChannelError, match="not allowed to reply") as raised:
        adapter(fake_api).publish(OutgoingReply(text="Hi", idempotency_key="k", in_reply_to_id="1852100099887766554"))
    assert raised.value.permanent


def test_publish_on_a_5xx_is_transient_and_a_429_is_rate_limited(fake_api):
    fake_api.route(
        "POST",
        "/2/tweets",
        Reply(status=503, body="over capacity"),
        Reply(status=429, headers={"x-rate-limit-reset": str(int(time.time()) + 30)}),
    )
    reply = OutgoingReply(text="Hi", idempotency_key="k", in_reply_to_id="1852100099887766554")
    with pytest.raises(ChannelError) as raised:
        adapter(fake_api).publish(reply)
    assert not raised.value.permanent
    with pytest.raises(RateLimited) as limited:
        adapter(fake_api).publish(reply)
    assert 28 <= limited.value.retry_after <= 32


def timeline(*tweets):
    return {"data": list(tweets), "meta": {"result_count": len(tweets)}}


def test_find_published_returns_the_reply_to_the_same_tweet_with_the_same_text(fake_api):
    fake_api.route(
        "GET",
        f"/2/users/{BRAND_ID}/tweets",
        Reply(
            json=timeline(
                {
                    "id": "1852120000000000009",
                    "text": "@danar Refund released today. ^MK",
                    "created_at": "2024-11-01T09:00:00.000Z",
                    "referenced_tweets": [{"type": "replied_to", "id": "1852000000000000000"}],
                },
                {
                    "id": "1852120000000000001",
                    "text": "@danar Refund  released today &amp; receipt sent:\nhttps://t.co/AbC123xyz ^MK",
                    "created_at": "2024-11-01T08:59:00.000Z",
                    "referenced_tweets": [{"type": "replied_to", "id": "1852109900112233445"}],
                },
            )
        ),
    )
    reply = OutgoingReply(
        text="Refund released today & receipt sent: https://acme.example/r/QX7RT2 ^MK",
        idempotency_key="outbox-41",
        in_reply_to_id="1852109900112233445",
    )

    found = adapter(fake_api).find_published(reply)

    assert found.external_id == "1852120000000000001"
    assert found.url == "https://x.com/AcmeAirCare/status/1852120000000000001"
    assert found.posted_at.isoformat() == "2024-11-01T08:59:00+00:00"
    request = fake_api.calls("GET", f"/2/users/{BRAND_ID}/tweets")[0]
    assert request.param("max_results") == "20"
    assert request.headers["authorization"] == "Bearer app-bearer"


def test_find_published_is_none_when_no_recent_post_matches(fake_api):
    fake_api.route(
        "GET",
        f"/2/users/{BRAND_ID}/tweets",
        Reply(
            json=timeline(
                {
                    "id": "1852120000000000001",
                    "text": "@danar A different answer",
                    "referenced_tweets": [{"type": "replied_to", "id": "1852109900112233445"}],
                }
            )
        ),
    )
    reply = OutgoingReply(
        text="@danar Refund released today. ^MK", idempotency_key="k", in_reply_to_id="1852109900112233445"
    )
    assert adapter(fake_api).find_published(reply) is None
    fake_api.route("GET", f"/2/users/{BRAND_ID}/tweets", Reply(json={"meta": {"result_count": 0}}))
    assert adapter(fake_api).find_published(reply) is None


def test_find_published_does_not_look_for_dms(fake_api):
    reply = OutgoingReply(text="Hi", idempotency_key="k", recipient_id="2244994945", is_direct=True)
    assert adapter(fake_api).find_published(reply) is None
    assert fake_api.calls() == []


# -- webhooks ---------------------------------------------------------------------------------------


def test_crc_answers_with_the_base64_hmac_of_the_token():
    response = adapter().handshake({"crc_token": "abc123"})
    assert json.loads(response.body) == {"response_token": "sha256=NRSmW12qpe3CEF8MYyBrEyg562XPUUrrQ1iu+H6dKZs="}
    assert response.content_type == "application/json"
    assert response.status == 200


def test_crc_without_token_is_rejected():
    with pytest.raises(WebhookRejected):
        adapter().handshake({})


SIGNED_BODY = b'{"for_user_id":"2244994945","tweet_create_events":[]}'
GOOD_SIGNATURE = "sha256=Lss4bxd6weR99So6MmhnJFpNn8h7oFFhZH5um9Z5oF4="


def test_signature_of_the_raw_body_is_accepted():
    adapter().verify_webhook({"x-twitter-webhooks-signature": GOOD_SIGNATURE}, SIGNED_BODY)


@pytest.mark.parametrize(
    "headers, body",
    [
        ({"x-twitter-webhooks-signature": GOOD_SIGNATURE}, SIGNED_BODY.replace(b"[]", b"[ ]")),
        ({"x-twitter-webhooks-signature": "sha256=Lss4bxd6weR99So6MmhnJFpNn8h7oFFhZH5um9Z5oF4"}, SIGNED_BODY),
        ({}, SIGNED_BODY),
    ],
    ids=["body changed", "wrong signature", "missing header"],
)
def test_bad_or_missing_signature_is_rejected(headers, body):
    with pytest.raises(WebhookRejected):
        adapter().verify_webhook(headers, body)


def webhook(name):
    return adapter().parse_webhook((DATA / name).read_bytes())


def test_tweet_create_events_give_mentions_and_the_brands_own_replies_and_skip_retweets():
    batch = webhook("x_aaa_tweet_events.json")

    assert ids(batch.items) == ["1852109900112233445", "1852110777000111222", "1852111170000333444"]
    mention, own_reply, long_tweet = posts(batch.items)
    assert (mention.author_handle, mention.author_followers, mention.is_outbound) == ("danar", 5821, None)
    assert mention.posted_at.isoformat() == "2024-11-01T08:02:11+00:00"
    assert own_reply.is_outbound is True
    assert own_reply.in_reply_to_id == "1852109900112233445"
    assert long_tweet.text.endswith("Please fix your ground handling at YUL.")
    invalid = [item for item in batch.items if isinstance(item, InvalidPost)]
    assert len(invalid) == 1 and invalid[0].raw["id_str"] == "1852111200000444555"
    assert batch.deleted_ids == []


def test_direct_message_events_are_private_posts_threaded_by_customer():
    batch = webhook("x_aaa_dm_events.json")

    inbound, outbound = posts(batch.items)
    assert inbound.external_id == "dm-1852112233445566778"
    assert (inbound.is_direct, inbound.is_outbound) == (True, False)
    assert (inbound.author_id, inbound.author_handle, inbound.author_followers) == ("2244994945", "danar", 5821)
    assert inbound.text == "Booking ref QX7RT2, refund of 412.80 EUR. Thanks!"
    assert inbound.conversation_id == "dm-2244994945"
    assert inbound.in_reply_to_handle == "AcmeAirCare"
    assert inbound.posted_at.isoformat() == "2024-11-01T08:10:00.123000+00:00"
    assert (outbound.is_direct, outbound.is_outbound, outbound.author_handle) == (True, True, "AcmeAirCare")
    assert outbound.conversation_id == "dm-2244994945"
    invalid = [item for item in batch.items if isinstance(item, InvalidPost)]
    assert len(invalid) == 1 and invalid[0].raw["id"] == "1852112600000222333"


def test_delete_events_list_the_removed_ids():
    batch = webhook("x_aaa_delete_events.json")
    assert batch.deleted_ids == ["1852109900112233445", "1852100099887766554"]
    assert batch.items == []


@pytest.mark.parametrize(
    "payload",
    [
        {"for_user_id": BRAND_ID, "favorite_events": [{"id": "a1", "favorited_status": {"id_str": "1"}}]},
        {"for_user_id": BRAND_ID, "follow_events": [{"type": "follow"}]},
        {"for_user_id": BRAND_ID, "direct_message_indicate_typing_events": [{"sender_id": "2244994945"}]},
    ],
    ids=["favorite", "follow", "typing"],
)
def test_other_event_kinds_give_an_empty_batch(payload):
    batch = adapter().parse_webhook(json.dumps(payload).encode())
    assert (batch.items, batch.deleted_ids) == ([], [])


@pytest.mark.parametrize(
    "body", [b"<html>502 Bad Gateway</html>", b"[1, 2]", b"\xff\xfe", b'{"tweet_create_events": 5}']
)
def test_unreadable_webhook_body_is_an_invalid_payload(body):
    with pytest.raises(InvalidPayload):
        adapter().parse_webhook(body)
