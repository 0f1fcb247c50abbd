"""X (Twitter): the live adapter over API v2 and the Account Activity webhook.

Owns XAdapter (polling the mentions timeline and recent search, publishing
replies and DMs, crash-recovery lookup of a published reply, and the
Account Activity webhook: CRC, signature, payloads), build_search_query(),
and the HTTP, rate-limit and webhook helpers behind them. Tweets become
NormalizedPost in channels_app.adapters.x.normalize. No database.

Invariants of polling: since_id only advances once a poll's last page is
read, so a crash while paging re-reads at most one page and never skips a
tweet (ingestion dedupes re-read tweets by external id).
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import hmac
import html
import json
import logging
import re
import time
from collections.abc import Iterable, Mapping
from typing import Any

import requests

from channels_app.adapters.base import (
    ChannelAdapter,
    ChannelConfig,
    ChannelError,
    FetchResult,
    InvalidPayload,
    OutgoingReply,
    Published,
    RateLimited,
    WebhookBatch,
    WebhookRejected,
    WebhookResponse,
)
from channels_app.adapters.http import HttpClient, read_json, status_error
from channels_app.adapters.x.normalize import STATUS_URL, _count, _id, normalize_v1_tweet, normalize_v2_page
from channels_app.pipeline.normalized import InvalidPost, NormalizedPost, parse_datetime

logger = logging.getLogger(__name__)

DEFAULT_BASE_URL = "https://api.x.com"

TWEET_FIELDS = "created_at,author_id,conversation_id,in_reply_to_user_id,referenced_tweets,public_metrics,lang,entities"
EXPANSIONS = "author_id,referenced_tweets.id,in_reply_to_user_id"
USER_FIELDS = "username,name,verified,public_metrics,profile_image_url"
PAGE_SIZE = 100
# Basic/Pro tiers accept 512 characters of search query (4096 on Enterprise);
# the built query keeps to the smallest so it works on every tier.
SEARCH_QUERY_LIMIT = 512
SEARCH_SUFFIX = " -is:retweet"
# A monthly post cap resets with the billing cycle, not with the 15-minute
# window; checking once a day is often enough and keeps the alert visible.
USAGE_CAP_RETRY = 24 * 3600.0
RECENT_TWEETS_CHECKED = 20

MENTIONS, SEARCH = "mentions", "search"


# -- search query -------------------------------------------------------------------------------


def build_search_query(
    terms: Iterable[str],
    *,
    exclusions: Iterable[str] = (),
    languages: Iterable[str] = (),
    limit: int = SEARCH_QUERY_LIMIT,
) -> tuple[str, list[str]]:
    """A recent-search query matching any of `terms`, without retweets, within `limit` characters.

    Returns (query, dropped terms and exclusions, the latter as "-term"). Terms
    keep their order, which is their priority: a term that would push the
    query over the limit is dropped and later, shorter terms may still fit.
    Terms other than a bare word, @handle, #tag or $cashtag are quoted as exact
    phrases (inner double quotes removed). Repeated terms (ignoring case) are
    used once. '' when no term fits.

    `languages` (ISO 639-1 codes) become `lang:xx` (several ORed), always kept:
    they are short and say what the channel listens to. `exclusions` become
    `-term` and are placed before the terms: each is kept as long as the first
    term still fits beside it, so over the limit the terms are dropped first.
    Ingestion applies the exclusions again, so an exclusion dropped here only
    costs reads, never a wrong match.
    """
    suffix = SEARCH_SUFFIX
    codes = list(dict.fromkeys(code.strip().lower() for code in languages if code.strip()))
    if codes:
        lang = " OR ".join(f"lang:{code}" for code in codes)
        suffix += f" ({lang})" if len(codes) > 1 else f" {lang}"
    parts = _query_parts(terms)
    dropped: list[str] = []
    first = len(parts[0][1]) if parts else 0
    for term, part in _query_parts(exclusions):
        if first + len(suffix) + 2 + len(part) <= limit:
            suffix += f" -{part}"
        else:
            dropped.append(f"-{term}")
    kept: list[str] = []
    for term, part in parts:
        if len(_or_query([*kept, part], suffix)) <= limit:
            kept.append(part)
        else:
            dropped.append(term)
    return (_or_query(kept, suffix) if kept else ""), dropped


def _query_parts(terms: Iterable[str]) -> list[tuple[str, str]]:
    """(term, query part) of each distinct term, in order."""
    parts: list[tuple[str, str]] = []
    seen: set[str] = set()
    for term in terms:
        term = " ".join(str(term).replace('"', " ").split())
        if not term or term.casefold() in seen:
            continue
        seen.add(term.casefold())
        parts.append((term, term if re.fullmatch(r"[@#$]?\w+", term) else f'"{term}"'))
    return parts


def _or_query(parts: list[str], suffix: str = SEARCH_SUFFIX) -> str:
    body = parts[0] if len(parts) == 1 else "(" + " OR ".join(parts) + ")"
    return body + suffix


# -- the adapter --------------------------------------------------------------------------------


class XAdapter(ChannelAdapter):
    """An X account: its mentions and the brand's search terms, replies and DMs as that account.

    Options: `user_id` (the account's numeric id, a string), `username`
    (without @), optional `search_query` (used as is instead of the query
    built from the listening terms, exclusions and languages). Credentials: `bearer_token` (app-only,
    reads), `user_access_token` (OAuth 2.0 user context: posts and DMs),
    `consumer_secret` (webhook CRC and signatures).

    Cursor: {"stream": "mentions"|"search", "mentions": {...}, "search": {...}}
    where each stream holds `since_id` (newest id of its last finished
    poll), and while paging `next_token` and `newest_id` (the poll's newest
    id, which becomes since_id after the last page); the search stream also
    holds the `query` its ids belong to, so a changed query starts afresh.
    One fetch reads one page; a poll reads mentions to the end, then search.
    """

    kind = "x"
    supports_polling = True
    supports_webhooks = True
    supports_publishing = True

    def __init__(self, config: ChannelConfig) -> None:
        if not config.base_url:
            config = dataclasses.replace(config, base_url=DEFAULT_BASE_URL)
        super().__init__(config)
        self._http: HttpClient | None = None

    @property
    def http(self) -> HttpClient:
        if self._http is None:
            self._http = HttpClient(self.config)
        return self._http

    @property
    def user_id(self) -> str:
        value = str(self.config.options.get("user_id") or "").strip()
        if not value.isdigit():
            raise ChannelError("option user_id must be the account's numeric X id", permanent=True)
        return value

    @property
    def username(self) -> str:
        return str(self.config.options.get("username") or "").strip().lstrip("@")

    def search_query(self) -> tuple[str, list[str]]:
        """The recent-search query and the listening terms it had to drop; ('', []) when nothing to search."""
        explicit = str(self.config.options.get("search_query") or "").strip()
        if explicit:
            return explicit, []
        own = self.username.casefold()
        # The account's own mentions come from the mentions timeline; other
        # brand handles (a main account beside a care account) are searched.
        handles = ["@" + h.lstrip("@") for h in self.config.brand_handles if h.lstrip("@").casefold() != own]
        terms = [*self.config.brand_terms, *handles, *self.config.competitor_terms]
        query, dropped = build_search_query(terms, exclusions=self.config.exclusions, languages=self.config.languages)
        if dropped:
            logger.warning(
                "X channel %r: search query over %d characters, dropped %s",
                self.config.name,
                SEARCH_QUERY_LIMIT,
                dropped,
            )
        return query, dropped

    # -- pull -----------------------------------------------------------------------------------

    def fetch(self, cursor: Mapping[str, Any]) -> FetchResult:
        """One page of the current stream. See the class docstring for the cursor."""
        cursor = cursor if isinstance(cursor, Mapping) else {}
        query, _ = self.search_query()
        states = {
            name: dict(cursor.get(name) or {}) if isinstance(cursor.get(name), Mapping) else {}
            for name in (MENTIONS, SEARCH)
        }
        if states[SEARCH].get("query") != query:
            states[SEARCH] = {"query": query} if query else {}
        stream = cursor.get("stream") if cursor.get("stream") == SEARCH and query else MENTIONS
        state = states[stream]

        params: dict[str, Any] = {
            "max_results": PAGE_SIZE,
            "tweet.fields": TWEET_FIELDS,
            "expansions": EXPANSIONS,
            "user.fields": USER_FIELDS,
        }
        if state.get("since_id"):
            params["since_id"] = state["since_id"]
        if stream == MENTIONS:
            path = f"/2/users/{self.user_id}/mentions"
            token_param = "pagination_token"
        else:
            path = "/2/tweets/search/recent"
            params["query"] = query
            token_param = "next_token"
        if state.get("next_token"):
            params[token_param] = state["next_token"]

        response = self.http.get(path, params=params, headers=self._bearer())
        if response.status_code == 400 and (restart := _restartable(response, token_param, state)):
            # An expired paging token, or a since_id older than search's
            # 7-day window (polling was off a long time): start the stream's
            # poll again without it. Nothing is skipped; re-read tweets dedupe.
            logger.warning("X channel %r: %s rejected, restarting the %s poll", self.config.name, restart, stream)
            state.pop("next_token", None)
            state.pop("newest_id", None)
            if restart == "since_id":
                state.pop("since_id", None)
            return FetchResult(cursor=_cursor(stream, states), more=True)
        page = self._json(response)
        if not isinstance(page, dict):
            raise ChannelError(f"GET {path}: HTTP 200 with a body that is not a JSON object")
        if page.get("errors") and "data" not in page and "meta" not in page:
            # A request-level failure dressed as 200 (an unknown user id).
            raise ChannelError(f"GET {path}: {_error_detail(page)}", permanent=True)
        if page.get("errors"):
            # Partial errors name referenced tweets or users we cannot see
            # (deleted, protected); the tweets in `data` are still good.
            logger.info("X channel %r: partial errors on %s: %s", self.config.name, path, _error_detail(page))

        items = [self._own(item) for item in normalize_v2_page(page)]
        meta = page.get("meta") if isinstance(page.get("meta"), dict) else {}
        if not state.get("next_token"):  # the first page of a poll holds its newest tweet
            newest = _id_or_blank(meta.get("newest_id")) or _max_id(page.get("data"))
            if newest:
                state["newest_id"] = newest
        next_token = meta.get("next_token")
        if isinstance(next_token, str) and next_token:
            state["next_token"] = next_token
            more = True
        else:
            state.pop("next_token", None)
            if state.get("newest_id"):
                state["since_id"] = state.pop("newest_id")
            if stream == MENTIONS and query:
                stream, more = SEARCH, True
            else:
                stream, more = MENTIONS, False
        return FetchResult(items=items, cursor=_cursor(stream, states), more=more, wait_seconds=_pacing(response))

    def test_connection(self) -> str:
        user_id = self.user_id
        response = self.http.get(f"/2/users/{user_id}", params={"user.fields": "username,name"}, headers=self._bearer())
        body = self._json(response)
        user = body.get("data") if isinstance(body, dict) else None
        if not isinstance(user, dict):
            raise ChannelError(f"X user {user_id}: {_error_detail(body) or 'not found'}", permanent=True)
        found = str(user.get("username") or "")
        text = f"X user @{found} ({user.get('id') or user_id})"
        if self.username and found.casefold() != self.username.casefold():
            text += f"; option username says @{self.username}: fix it, reply links use it"
        return text

    # -- publish --------------------------------------------------------------------------------

    def publish(self, reply: OutgoingReply) -> Published:
        """Post a public reply (or a standalone post) or, when `reply.is_direct`, a DM to `recipient_id`."""
        if not reply.text.strip():
            raise ChannelError("an X post needs text", permanent=True)
        headers = {**self._user_auth(), "Idempotency-Key": reply.idempotency_key}
        if reply.is_direct:
            recipient = reply.recipient_id.strip()
            if not recipient.isdigit():
                raise ChannelError(f"DM recipient {recipient!r} is not an X user id", permanent=True)
            response = self.http.post(
                f"/2/dm_conversations/with/{recipient}/messages", json={"text": reply.text}, headers=headers
            )
            event_id = _id_or_blank(self._data(response).get("dm_event_id"))
            if not event_id:
                raise ChannelError("X accepted the DM but returned no dm_event_id")
            return Published(external_id="dm-" + event_id)
        body: dict[str, Any] = {"text": reply.text}
        if reply.in_reply_to_id:
            body["reply"] = {"in_reply_to_tweet_id": reply.in_reply_to_id}
        response = self.http.post("/2/tweets", json=body, headers=headers)
        tweet_id = _id_or_blank(self._data(response).get("id"))
        if not tweet_id:
            raise ChannelError("X accepted the post but returned no id")
        return Published(external_id=tweet_id, url=self._status_url(tweet_id))

    def find_published(self, reply: OutgoingReply) -> Published | None:
        """The account's post answering `reply.in_reply_to_id` with the same text, among its latest 20.

        Texts are compared with whitespace collapsed, HTML entities decoded
        (X returns `&amp;`), links replaced by a placeholder (X rewrites them
        to t.co) and leading @mentions X adds to a reply ignored. Limits: a
        reply older than the account's 20 latest posts is not found, and two
        identical answers to one tweet cannot be told apart (X refuses
        duplicates anyway). DMs: None, because reading DM events needs the
        dm.read scope a posting token may lack, and DM texts repeat (a
        canned answer); a crash mid-send may at worst repeat one DM.
        """
        if reply.is_direct:
            return None
        params = {"max_results": RECENT_TWEETS_CHECKED, "tweet.fields": "created_at,referenced_tweets"}
        response = self.http.get(f"/2/users/{self.user_id}/tweets", params=params, headers=self._bearer())
        body = self._json(response)
        tweets = body.get("data") if isinstance(body, dict) else None
        wanted = _comparable(reply.text, strip_mentions=bool(reply.in_reply_to_id))
        for tweet in tweets if isinstance(tweets, list) else []:
            if not isinstance(tweet, dict) or not _id_or_blank(tweet.get("id")):
                continue
            parents = [
                str(ref.get("id"))
                for ref in tweet.get("referenced_tweets") or []
                if isinstance(ref, dict) and ref.get("type") == "replied_to"
            ]
            if parents != ([reply.in_reply_to_id] if reply.in_reply_to_id else []):
                continue
            if _comparable(str(tweet.get("text") or ""), strip_mentions=bool(parents)) != wanted:
                continue
            try:
                posted_at = parse_datetime(tweet.get("created_at"))
            except InvalidPost:
                posted_at = None
            return Published(external_id=str(tweet["id"]), url=self._status_url(str(tweet["id"])), posted_at=posted_at)
        return None

    # -- push -----------------------------------------------------------------------------------

    def handshake(self, query: Mapping[str, str]) -> WebhookResponse:
        token = query.get("crc_token") or ""
        if not token:
            raise WebhookRejected("X webhook GET without crc_token")
        digest = _sign(self.config.secret("consumer_secret"), token.encode())
        return WebhookResponse(body=json.dumps({"response_token": digest}), content_type="application/json")

    def verify_webhook(self, headers: Mapping[str, str], body: bytes) -> None:
        signature = headers.get("x-twitter-webhooks-signature") or ""
        if not signature:
            raise WebhookRejected("X webhook without x-twitter-webhooks-signature")
        expected = _sign(self.config.secret("consumer_secret"), body)
        if not hmac.compare_digest(signature.encode(), expected.encode()):
            raise WebhookRejected("X webhook signature does not match the body")

    def parse_webhook(self, body: bytes) -> WebhookBatch:
        """An Account Activity delivery: tweets, DMs and deletions; other event kinds give an empty batch."""
        try:
            payload = json.loads(body)
        except (UnicodeDecodeError, ValueError, RecursionError) as error:  # RecursionError: nested too deeply
            raise InvalidPayload(f"X webhook body is not JSON: {error}") from None
        if not isinstance(payload, dict):
            raise InvalidPayload("X webhook body must be a JSON object")
        account = _id_or_blank(payload.get("for_user_id")) or str(self.config.options.get("user_id") or "")
        batch = WebhookBatch()
        for event in _events(payload, "tweet_create_events"):
            if isinstance(event, dict) and "retweeted_status" in event:
                continue  # a retweet repeats a post; it is not a message to answer
            try:
                post = normalize_v1_tweet(event)
            except InvalidPost as error:
                batch.items.append(InvalidPost(str(error), raw=event))
                continue
            if account and post.author_id == account:
                post.is_outbound = True
            batch.items.append(post)
        users = payload.get("users") if isinstance(payload.get("users"), dict) else {}
        for event in _events(payload, "direct_message_events"):
            if isinstance(event, dict) and event.get("type") not in (None, "message_create"):
                continue
            try:
                batch.items.append(self._dm(event, account=account, users=users))
            except InvalidPost as error:
                batch.items.append(InvalidPost(str(error), raw=event))
        for event in _events(payload, "tweet_delete_events"):
            status = event.get("status") if isinstance(event, dict) else None
            deleted = _id_or_blank(status.get("id")) if isinstance(status, dict) else ""
            if deleted:
                batch.deleted_ids.append(deleted)
            else:
                batch.items.append(InvalidPost("a delete event needs status.id", raw=event))
        return batch

    def _dm(self, event: Any, *, account: str, users: Mapping[str, Any]) -> NormalizedPost:
        if not isinstance(event, dict):
            raise InvalidPost("a DM event must be a JSON object")
        create = event.get("message_create")
        if not isinstance(create, dict):
            raise InvalidPost("a DM event needs message_create")
        event_id = _id(event.get("id"), "id")
        sender = _id(create.get("sender_id"), "message_create.sender_id")
        target = create.get("target") if isinstance(create.get("target"), dict) else {}
        recipient = _id(target.get("recipient_id"), "message_create.target.recipient_id")
        stamp = event.get("created_timestamp")
        if not isinstance(stamp, str | int) or isinstance(stamp, bool) or not str(stamp).isdigit():
            raise InvalidPost(f"unreadable created_timestamp {stamp!r}")
        outbound = sender == account
        customer = recipient if outbound else sender
        author, customer_user, brand_user = (
            users[key] if isinstance(users.get(key), dict) else {} for key in (sender, customer, account)
        )
        brand = self.username or str(brand_user.get("screen_name") or "")
        data = create.get("message_data") or {}
        return NormalizedPost(
            external_id="dm-" + event_id,
            posted_at=parse_datetime(int(stamp) / 1000),
            text=str(data.get("text") or "") if isinstance(data, dict) else "",
            author_id=sender,
            author_handle=str(author.get("screen_name") or ""),
            author_name=str(author.get("name") or ""),
            author_followers=_count(author.get("followers_count"), default=None),
            author_verified=bool(author["verified"]) if "verified" in author else None,
            in_reply_to_handle=str(customer_user.get("screen_name") or "") if outbound else brand,
            conversation_id="dm-" + customer,
            is_direct=True,
            is_outbound=outbound,
            raw=event,
        )

    # -- HTTP -----------------------------------------------------------------------------------

    def _bearer(self) -> dict[str, str]:
        return {"Authorization": "Bearer " + self.config.secret("bearer_token")}

    def _user_auth(self) -> dict[str, str]:
        return {"Authorization": "Bearer " + self.config.secret("user_access_token")}

    def _json(self, response: requests.Response) -> Any:
        """The body of a 2xx answer; raises the ChannelError an error status means."""
        if response.status_code >= 300:
            raise _error_for(response)
        return read_json(response)

    def _data(self, response: requests.Response) -> dict[str, Any]:
        body = self._json(response)
        data = body.get("data") if isinstance(body, dict) else None
        if not isinstance(data, dict):
            raise ChannelError(f"{response.request.method} {response.url}: answer without `data`")
        return data

    def _own(self, item: NormalizedPost | InvalidPost) -> NormalizedPost | InvalidPost:
        # The account's own posts found by search are agent replies; others
        # are left to the brand handles (a sister brand account may answer).
        if isinstance(item, NormalizedPost) and item.author_id == self.user_id:
            item.is_outbound = True
        return item

    def _status_url(self, tweet_id: str) -> str:
        return STATUS_URL.format(username=self.username or "i/web", id=tweet_id)


def _cursor(stream: str, states: Mapping[str, dict[str, Any]]) -> dict[str, Any]:
    return {"stream": stream, **{name: state for name, state in states.items() if state}}


def _error_for(response: requests.Response) -> ChannelError:
    try:
        body = response.json()
    except ValueError:
        body = None
    detail = _error_detail(body) or response.text[:200].strip()
    if response.status_code == 429:
        lowered = (detail + " " + response.text[:2000]).casefold()
        if "usagecapexceeded" in lowered or "usage cap" in lowered or "usage-capped" in lowered:
            return RateLimited(
                f"{response.request.method} {response.url}: the project's monthly X usage cap was hit ({detail}); "
                "polling and posting pause until the cap resets or the plan is raised",
                retry_after=USAGE_CAP_RETRY,
            )
        return status_error(response, detail, retry_after=_until_reset(response))
    return status_error(response, detail)


def _error_detail(body: Any) -> str:
    """The readable part of an X error body: a v2 problem, v2 `errors` or v1.1 `errors[{code, message}]`."""
    if not isinstance(body, dict):
        return ""
    parts = [str(body[key]) for key in ("title", "detail") if body.get(key)]
    for error in body.get("errors") or [] if isinstance(body.get("errors"), list) else []:
        if isinstance(error, dict):
            text = error.get("detail") or error.get("message") or error.get("title") or ""
            parts.append(f"{text} (code {error['code']})" if error.get("code") else str(text))
    return "; ".join(part for part in parts if part)[:500]


def _restartable(response: requests.Response, token_param: str, state: Mapping[str, Any]) -> str:
    """Which stored paging value a 400 rejects: token_param, 'since_id', or '' (a real error)."""
    text = response.text[:4000]
    if state.get("next_token") and token_param in text:
        return token_param
    if state.get("since_id") and "since_id" in text:
        return "since_id"
    return ""


def _until_reset(response: requests.Response) -> float | None:
    try:
        reset = float(response.headers["x-rate-limit-reset"])
    except (KeyError, ValueError):
        return None
    return max(reset - time.time() + 1, 1.0)


def _pacing(response: requests.Response) -> float | None:
    """Seconds to wait before calling this endpoint again, when its window is used up."""
    if response.headers.get("x-rate-limit-remaining", "").strip() != "0":
        return None
    return _until_reset(response)


def _sign(secret: str, message: bytes) -> str:
    digest = hmac.new(secret.encode(), message, hashlib.sha256).digest()
    return "sha256=" + base64.b64encode(digest).decode()


def _events(payload: Mapping[str, Any], name: str) -> list[Any]:
    events = payload.get(name)
    if events is None:
        return []
    if not isinstance(events, list):
        raise InvalidPayload(f"X webhook `{name}` must be a list")
    return events


_URL = re.compile(r"https?://\S+")
_LEADING_MENTIONS = re.compile(r"^(?:@\w+\s+)+")


def _comparable(text: str, *, strip_mentions: bool = False) -> str:
    text = " ".join(_URL.sub("<link>", html.unescape(text)).split())
    if strip_mentions:
        text = _LEADING_MENTIONS.sub("", text)
    return text


def _id_or_blank(value: Any) -> str:
    try:
        return _id(value, "id", required=False)
    except InvalidPost:
        return ""


def _max_id(tweets: Any) -> str:
    ids = [_id_or_blank(t.get("id")) for t in tweets or [] if isinstance(t, dict)] if isinstance(tweets, list) else []
    ids = [i for i in ids if i]
    return max(ids, key=int) if ids else ""
