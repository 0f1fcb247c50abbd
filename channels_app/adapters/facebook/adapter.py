"""Facebook Pages: the Graph API live adapter.

Owns FacebookAdapter (polls `/{page-id}/feed`, publishes replies as
comments, answers the `hub.challenge` handshake, checks X-Hub-Signature-256
and reads `feed` deliveries), the reading of Graph usage headers (polling
slows, then pauses, near the rate limit) and of Graph error codes. Graph
items and webhook changes become NormalizedPost in
channels_app.adapters.facebook.normalize. No database; the access token
never appears in an error message.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import parse_qs, urlsplit

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
from channels_app.adapters.facebook.normalize import _feed_events, normalize_graph_page
from channels_app.adapters.http import HttpClient, read_json, status_error
from channels_app.pipeline.normalized import InvalidPost, NormalizedPost, parse_datetime

API_BASE_URL = "https://graph.facebook.com"
DEFAULT_API_VERSION = "v19.0"
FEED_FIELDS = "id,message,created_time,from,permalink_url,comments.limit(50){id,message,created_time,from,parent}"
FEED_PAGE_SIZE = 25
# `since` is set this far behind the newest post seen, so a post that becomes visible a little
# late (Graph is eventually consistent) is still caught; ingestion dedupes the re-read ones.
SINCE_OVERLAP_SECONDS = 60
DEFAULT_BACKFILL_DAYS = 7
DEFAULT_POLL_SECONDS = 300
# Usage percentages (max of call_count, total_time, total_cputime) at which polling slows, then pauses.
SLOW_PERCENT = 75
PAUSE_PERCENT = 90
PAUSE_SECONDS = 15 * 60

THROTTLED_CODES = frozenset({4, 17, 32, 613, 80001})
TRANSIENT_CODES = frozenset({1, 2})
# 190 bad/expired token, 102 session, 10 and 200-299 permissions: a person must act.
AUTH_CODES = frozenset({10, 102, 190, *range(200, 300)})
INVALID_PARAMETER = 100
USAGE_FIELDS = ("call_count", "total_time", "total_cputime")


class FacebookAdapter(ChannelAdapter):
    """A Facebook Page over the Graph API: polls its feed, answers in its comments, takes `feed` webhooks.

    Options: `page_id` (required for every Graph call), `api_version` (default v19.0),
    `backfill_days` (how far back the very first poll reads; 0: the whole feed),
    `poll_interval_seconds` (the channel's normal pace, for slowing down near the rate limit).
    Credentials: `page_access_token` (Graph calls), `app_secret` (webhook signatures; also
    sent as appsecret_proof when set), `verify_token` (the webhook subscription handshake).

    Cursor between polls: {"since": unix seconds} = newest post's created_time seen minus
    SINCE_OVERLAP_SECONDS. During a poll it also holds {"after": Graph cursor, "poll_newest":
    unix seconds}; `since` moves only when the last page of a poll is read, so a crash mid-poll
    re-reads pages (deduped) and loses none. Graph cursors die when items are deleted, so none
    outlives its poll; a cursor Graph refuses (code 100) restarts the poll from `since`.

    Limits of polling, covered by the `feed` webhook: `since` filters posts by their creation,
    so a comment on a post older than `since` is not seen by polling, and only the first 50
    comments of each post are read.
    """

    kind = "facebook"
    supports_polling = True
    supports_webhooks = True
    supports_publishing = True

    def __init__(self, config: ChannelConfig) -> None:
        super().__init__(config)
        self.page_id = str(config.options.get("page_id") or "").strip()
        self.api_version = str(config.options.get("api_version") or DEFAULT_API_VERSION).strip("/")
        self._http: HttpClient | None = None

    # -- pull ---------------------------------------------------------------------
    def fetch(self, cursor: Mapping[str, Any]) -> FetchResult:
        page_id = self._require_page_id()
        since = _whole_seconds(cursor.get("since"))
        if since is None:
            since = self._backfill_since()
        after = str(cursor.get("after") or "")
        poll_newest = _whole_seconds(cursor.get("poll_newest")) or 0
        params: dict[str, Any] = {"fields": FEED_FIELDS, "limit": FEED_PAGE_SIZE}
        if since:
            params["since"] = since
        if after:
            params["after"] = after
        try:
            body, usage = self._call("GET", f"{page_id}/feed", params=params)
        except ChannelError as error:
            if after and getattr(error, "graph_code", None) == INVALID_PARAMETER:
                # The cursor died (an item was deleted mid-poll): read this poll again from `since`.
                return self.fetch({key: value for key, value in cursor.items() if key != "after"})
            raise
        if not isinstance(body, dict) or not isinstance(body.get("data"), list):
            raise ChannelError(f"GET {page_id}/feed: Graph answered without a `data` list")
        items = list(normalize_graph_page(body, page_id=page_id))
        for item in items:
            # Top-level posts only: `since` filters posts, and a comment is newer than its post.
            if isinstance(item, NormalizedPost) and not item.in_reply_to_id:
                poll_newest = max(poll_newest, int(item.posted_at.timestamp()))
        next_after = _next_after(body.get("paging"), where=f"GET {page_id}/feed")
        wait = usage.wait_seconds(self._poll_seconds())
        if next_after:
            cursor_out: dict[str, Any] = {"after": next_after, "poll_newest": poll_newest}
            if since:
                cursor_out["since"] = since
            return FetchResult(items=items, cursor=cursor_out, more=True, wait_seconds=wait)
        new_since = max(since or 0, poll_newest - SINCE_OVERLAP_SECONDS) if poll_newest else since
        return FetchResult(items=items, cursor={"since": new_since} if new_since else {}, wait_seconds=wait)

    def test_connection(self) -> str:
        page_id = self._require_page_id()
        body, _ = self._call("GET", page_id, params={"fields": "id,name"})
        if not isinstance(body, dict) or not body.get("id"):
            raise ChannelError(f"GET {page_id}: Graph answered without the Page's id")
        return f"Facebook Page {body.get('name') or '(no name)'} ({body['id']})"

    # -- publish ------------------------------------------------------------------
    def publish(self, reply: OutgoingReply) -> Published:
        target = reply.in_reply_to_id.strip()
        if not target:
            raise ChannelError("a Page reply must answer a post or a comment (no in_reply_to_id)", permanent=True)
        if reply.is_direct:
            # A comment is public: never post there what the agent meant to say privately.
            raise ChannelError("private replies (Messenger) are not supported on Facebook channels", permanent=True)
        if not reply.text.strip():
            raise ChannelError("a Facebook comment cannot be empty", permanent=True)
        body, _ = self._call("POST", f"{target}/comments", data={"message": reply.text})
        comment_id = body.get("id") if isinstance(body, dict) else None
        if not comment_id:
            # It may have been posted: the caller's find_published() decides before any retry.
            raise ChannelError(f"POST {target}/comments: Graph answered without the comment's id")
        return Published(external_id=str(comment_id))

    def find_published(self, reply: OutgoingReply) -> Published | None:
        """The Page's comment with the same text among the 50 newest under the post or comment answered."""
        target = reply.in_reply_to_id.strip()
        if not target or not self.page_id:
            return None
        params = {"fields": "id,message,from,created_time", "order": "reverse_chronological", "limit": 50}
        body, _ = self._call("GET", f"{target}/comments", params=params)
        wanted = _collapsed(reply.text)
        for comment in (body.get("data") if isinstance(body, dict) else None) or []:
            if not isinstance(comment, dict) or not comment.get("id"):
                continue
            author = comment.get("from") if isinstance(comment.get("from"), dict) else {}
            if str(author.get("id") or "") == self.page_id and _collapsed(comment.get("message")) == wanted:
                try:
                    posted_at = parse_datetime(comment.get("created_time"))
                except InvalidPost:
                    posted_at = None
                return Published(external_id=str(comment["id"]), posted_at=posted_at)
        return None

    # -- push ---------------------------------------------------------------------
    def handshake(self, query: Mapping[str, str]) -> WebhookResponse:
        expected = self.config.secret("verify_token")
        token = str(query.get("hub.verify_token") or "")
        challenge = str(query.get("hub.challenge") or "")
        if query.get("hub.mode") != "subscribe" or not hmac.compare_digest(token.encode(), expected.encode()):
            raise WebhookRejected("Facebook subscription check: wrong hub.mode or hub.verify_token")
        if not challenge:
            raise WebhookRejected("Facebook subscription check without hub.challenge")
        return WebhookResponse(body=challenge, content_type="text/plain")

    def verify_webhook(self, headers: Mapping[str, str], body: bytes) -> None:
        secret = self.config.secret("app_secret")
        given = str(headers.get("x-hub-signature-256") or "")
        if not given:
            raise WebhookRejected("Facebook webhook without an X-Hub-Signature-256 header")
        expected = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
        if not hmac.compare_digest(given.encode(), expected.encode()):
            raise WebhookRejected("Facebook webhook signature does not match the body")

    def parse_webhook(self, body: bytes) -> WebhookBatch:
        try:
            payload = json.loads(body)
        except (ValueError, UnicodeDecodeError, RecursionError):  # RecursionError: nested too deeply
            raise InvalidPayload("Facebook webhook body is not JSON") from None
        if not isinstance(payload, dict) or payload.get("object") != "page":
            raise InvalidPayload('Facebook webhook body is not a JSON object with "object": "page"')
        if not isinstance(payload.get("entry") or [], list):
            raise InvalidPayload("Facebook webhook `entry` is not a list")
        batch = WebhookBatch()
        for event in _feed_events(payload):
            if isinstance(event, InvalidPost):
                batch.items.append(event)
            elif event[0] == "add":
                batch.items.append(event[1])
            elif event[0] == "edited":
                batch.edited.append(event[1])
            else:
                batch.deleted_ids.append(event[1])
        return batch

    # -- Graph calls --------------------------------------------------------------
    @property
    def http(self) -> HttpClient:
        if self._http is None:
            config = self.config if self.config.base_url else replace(self.config, base_url=API_BASE_URL)
            self._http = HttpClient(config)
        return self._http

    def _call(
        self, method: str, path: str, *, params: dict[str, Any] | None = None, data: dict[str, Any] | None = None
    ) -> tuple[Any, _Usage]:
        """One Graph call with the Page token; its JSON body and the usage its headers report.
        Raises ChannelError (see _graph_error) for anything but a 2xx with a readable body."""
        token = self.config.secret("page_access_token")
        auth = {"access_token": token}
        app_secret = self.config.credentials.get("app_secret")
        if app_secret:
            auth["appsecret_proof"] = hmac.new(app_secret.encode(), token.encode(), hashlib.sha256).hexdigest()
        if method == "GET":
            params = {**(params or {}), **auth}
        else:
            data = {**(data or {}), **auth}
        # The token rides in the query string: keep it out of every error message built from the URL
        # (a refused connection's message quotes the whole URL).
        try:
            response = self.http.request(method, f"{self.api_version}/{path}", params=params, data=data)
        except ChannelError as error:
            text = str(error)
            for secret in auth.values():
                text = text.replace(secret, "***")
            raise ChannelError(text, permanent=error.permanent, retry_after=error.retry_after) from None
        response.url = urlsplit(response.url)._replace(query="", fragment="").geturl()
        usage = _Usage.from_headers(response.headers)
        if response.status_code >= 300:
            raise _graph_error(response, usage)
        return read_json(response), usage

    def _require_page_id(self) -> str:
        if not self.page_id:
            raise ChannelError("option page_id is not configured for this Facebook channel", permanent=True)
        return self.page_id

    def _backfill_since(self) -> int | None:
        days = self.config.options.get("backfill_days", DEFAULT_BACKFILL_DAYS)
        if not days:
            return None
        return int(time.time() - float(days) * 86400)

    def _poll_seconds(self) -> float:
        return float(self.config.options.get("poll_interval_seconds") or DEFAULT_POLL_SECONDS)


@dataclass(frozen=True)
class _Usage:
    """What the usage headers say: the highest percentage of any limit, and Meta's estimate of
    when a throttled Page gets access back (minutes; 0 when not throttled)."""

    percent: float = 0.0
    regain_minutes: float = 0.0

    @classmethod
    def from_headers(cls, headers: Mapping[str, str]) -> _Usage:
        percent = regain = 0.0
        for name in ("x-app-usage", "x-page-usage"):
            percent = max([percent, *_percentages(_header_json(headers, name))])
        business = _header_json(headers, "x-business-use-case-usage")
        for usages in business.values() if isinstance(business, dict) else ():
            for usage in usages if isinstance(usages, list) else ():
                if isinstance(usage, dict):
                    percent = max([percent, *_percentages(usage)])
                    regain = max(regain, _number(usage.get("estimated_time_to_regain_access")))
        return cls(percent=percent, regain_minutes=regain)

    @property
    def retry_after(self) -> float | None:
        return self.regain_minutes * 60 if self.regain_minutes > 0 else None

    def wait_seconds(self, poll_seconds: float) -> float | None:
        """Pause at PAUSE_PERCENT (for Meta's estimate, else 15 min); at SLOW_PERCENT poll at half
        the normal pace (wait twice the poll interval), so usage drifts down before throttling."""
        if self.percent >= PAUSE_PERCENT:
            return self.retry_after or PAUSE_SECONDS
        if self.percent >= SLOW_PERCENT:
            return max(2 * poll_seconds, self.retry_after or 0)
        return None


def _graph_error(response: requests.Response, usage: _Usage) -> ChannelError:
    """Graph's error body {"error": {"code", "error_subcode", "message", "type"}} read by its code;
    without one, the HTTP status decides (5xx transient)."""
    try:
        error = response.json().get("error")
    except (ValueError, AttributeError):
        error = None
    if not isinstance(error, dict):
        return status_error(response, retry_after=usage.retry_after)
    code = int(_number(error.get("code")))
    subcode = error.get("error_subcode")
    text = f"{response.request.method} {response.url}: HTTP {response.status_code}, Graph error {code}"
    text += (f"/{subcode}" if subcode else "") + f": {error.get('message') or error.get('type') or 'no message'}"
    if code in THROTTLED_CODES:
        result: ChannelError = RateLimited(text, retry_after=usage.retry_after)
    elif code in TRANSIENT_CODES or error.get("is_transient") is True:
        result = ChannelError(text)
    elif code in AUTH_CODES:
        result = ChannelError(f"{text} (re-authorise the Page token or grant its permissions)", permanent=True)
    else:
        result = ChannelError(text, permanent=response.status_code < 500)
    result.graph_code = code  # type: ignore[attr-defined]
    return result


def _next_after(paging: Any, *, where: str) -> str:
    """The `after` cursor of the next page; '' on the last page (no `paging.next`; a short page is not the end)."""
    if not isinstance(paging, dict) or not paging.get("next"):
        return ""
    after = (paging.get("cursors") or {}).get("after") if isinstance(paging.get("cursors"), dict) else None
    if not after:
        after = (parse_qs(urlsplit(str(paging["next"])).query).get("after") or [""])[0]
    if not after:
        # Ending the poll here would move `since` past the pages not read.
        raise ChannelError(f"{where}: paging.next without an `after` cursor")
    return str(after)


def _header_json(headers: Mapping[str, str], name: str) -> Any:
    value = headers.get(name)
    if not value:
        return {}
    try:
        return json.loads(value)
    except ValueError:
        return {}


def _percentages(usage: Any) -> list[float]:
    if not isinstance(usage, dict):
        return []
    return [_number(usage.get(name)) for name in USAGE_FIELDS]


def _number(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return 0.0
    try:
        return float(value)
    except ValueError:
        return 0.0


def _whole_seconds(value: Any) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
        return None
    return int(value)


def _collapsed(text: Any) -> str:
    return " ".join(str(text or "").split())
