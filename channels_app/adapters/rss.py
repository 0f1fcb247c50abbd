"""RSS and Atom feeds (blogs, forums, review sites) as a polled channel.

Owns RssAdapter and html_to_text(). `config.base_url`
is the feed URL. One poll is one conditional GET (If-None-Match /
If-Modified-Since from the cursor) made with our HttpClient, so timeouts and
transport errors behave as on every other channel; feedparser only parses
the bytes, with the response headers so a declared charset is honoured.
feedparser never fetches a URL here: the body is handed over as a stream,
because a bare string that looks like a URL or a path would make it open one.

Cursor: {"etag": str, "modified": str}, the validators of the last answer
("" when the site gave none). A feed is a window of recent items, so a
poll re-reads items already ingested and ingestion dedupes them by
external id; storing the cursor after ingestion therefore loses nothing.

Listening: with the option `filter_by_terms` (channel_config sets it when
a listening rule applies to the channel) only the items naming one of the
channel's terms and none of its exclusions are returned; the others are
counted as ignored. A feed is mostly about other things.

Identity: an item's link (its permalink), else its RSS guid / Atom id. A
reply is made on the site itself, so publishing keeps the base class's
permanent error. Forum threading comes from Atom threading (RFC 4685,
`thr:in-reply-to`); conversation_id is the item's thread or comments link
when the feed gives one, kept for search, not used to thread.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import io
import logging
import re
from collections.abc import Mapping
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlsplit

import feedparser
import requests

from channels_app.adapters.base import ChannelAdapter, ChannelError, FetchResult
from channels_app.adapters.http import HttpClient, retry_after_seconds, status_error
from channels_app.pipeline.normalized import InvalidPost, NormalizedPost

logger = logging.getLogger(__name__)

ACCEPT = "application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"
MAX_ID_LENGTH = 255  # NormalizedPost's limit on external ids
Item = NormalizedPost | InvalidPost

VERSION_NAMES = {
    "rss090": "RSS 0.90",
    "rss091n": "RSS 0.91 (Netscape)",
    "rss091u": "RSS 0.91 (Userland)",
    "rss092": "RSS 0.92",
    "rss093": "RSS 0.93",
    "rss094": "RSS 0.94",
    "rss20": "RSS 2.0",
    "rss10": "RSS 1.0",
    "rss": "RSS",
    "atom01": "Atom 0.1",
    "atom02": "Atom 0.2",
    "atom03": "Atom 0.3",
    "atom10": "Atom 1.0",
    "atom": "Atom",
    "cdf": "CDF",
    "json1": "JSON Feed 1.0",
    "json11": "JSON Feed 1.1",
}


class RssAdapter(ChannelAdapter):
    """Polls one feed. Errors: 5xx, timeouts, truncated bodies and a body that is not a feed are
    transient; 401/403/404/410 (and other 4xx) permanent; 429 is RateLimited with Retry-After."""

    kind = "rss"
    supports_polling = True

    def fetch(self, cursor: Mapping[str, Any]) -> FetchResult:
        """The feed's items, oldest first (unreadable ones last, as InvalidPost). `more` is always False."""
        etag = str(cursor.get("etag") or "")
        modified = str(cursor.get("modified") or "")
        response = self._get(etag=etag, modified=modified)
        new_cursor = {
            "etag": response.headers.get("ETag") or etag,
            "modified": response.headers.get("Last-Modified") or modified,
        }
        if response.status_code == 304:
            return FetchResult(items=[], cursor=new_cursor)
        parsed = self._parse(response)
        items, ignored = self._listened(self._items(parsed))
        return FetchResult(items=items, cursor=new_cursor, ignored=ignored)

    def test_connection(self) -> str:
        response = self._get(etag="", modified="")
        parsed = self._parse(response)
        version = VERSION_NAMES.get(parsed.get("version") or "", "unknown-format")
        title = _text(parsed.feed.get("title_detail"), parsed.feed.get("title")) or "(untitled)"
        count = len(parsed.entries)
        return f"{version} feed {title}: {count} item{'' if count == 1 else 's'}"

    # -- HTTP ---------------------------------------------------------------------
    def _get(self, *, etag: str, modified: str) -> requests.Response:
        headers = {"Accept": ACCEPT}
        if etag:
            headers["If-None-Match"] = etag
        if modified:
            headers["If-Modified-Since"] = modified
        # base_url is the whole feed URL (query string included); an absolute URL passes through
        # HttpClient.url() unchanged, where a path would gain a trailing slash.
        response = HttpClient(self.config).get(self.config.base_url, headers=headers)
        if response.status_code == 304 or 200 <= response.status_code < 300:
            return response
        retry_after = retry_after_seconds(response.headers.get("Retry-After"))
        raise status_error(response, retry_after=retry_after)

    def _parse(self, response: requests.Response) -> feedparser.FeedParserDict:
        # feedparser reads lower-cased header names; Content-Location makes relative links absolute.
        headers = {name.lower(): value for name, value in response.headers.items()}
        headers.setdefault("content-location", response.url)
        parsed = feedparser.parse(io.BytesIO(response.content), response_headers=headers)
        if not parsed.get("version") and not parsed.entries:
            # An HTML error or login page served with 200, a captive portal, an empty body: the
            # URL may well serve the feed again later, so this is not permanent.
            reason = parsed.get("bozo_exception") or "no RSS or Atom root element"
            content_type = response.headers.get("Content-Type", "no content type")
            raise ChannelError(
                f"not an RSS/Atom feed: GET {response.url} gave {len(response.content)} bytes of {content_type} "
                f"({_short(reason)})"
            )
        if parsed.bozo:
            # A lenient parse that still found entries is worth ingesting; sites with a stray
            # unescaped "&" stay that way for years.
            reason = _short(parsed.bozo_exception)
            logger.info("feed %s is malformed (%s); kept %d entries", response.url, reason, len(parsed.entries))
        return parsed

    # -- listening filter -----------------------------------------------------------
    def _listened(self, items: list[Item]) -> tuple[list[Item], list[str]]:
        """With the option `filter_by_terms`, only the posts naming a term (brand, handle,
        competitor) and no exclusion; the others are ignored, each with why. Unreadable items stay."""
        if not self.config.options.get("filter_by_terms"):
            return items, []
        terms = _terms_pattern([*self.config.brand_terms, *self.config.brand_handles, *self.config.competitor_terms])
        if terms is None:
            return items, []
        exclusions = _terms_pattern(self.config.exclusions)
        kept: list[Item] = []
        ignored: list[str] = []
        for item in items:
            if isinstance(item, InvalidPost):
                kept.append(item)
            elif not terms.search(item.text):
                ignored.append(f"names no listening term: {item.external_id}")
            elif exclusions and exclusions.search(item.text):
                ignored.append(f"contains a listening exclusion: {item.external_id}")
            else:
                kept.append(item)
        return kept, ignored

    # -- entries ------------------------------------------------------------------
    def _items(self, parsed: feedparser.FeedParserDict) -> list[NormalizedPost | InvalidPost]:
        feed = parsed.feed
        feed_time = feed.get("updated_parsed") or feed.get("published_parsed")
        site_host = urlsplit(feed.get("link") or "").hostname or urlsplit(self.config.base_url).hostname or ""
        language = str(feed.get("language") or "")
        posts: list[NormalizedPost] = []
        invalid: list[InvalidPost] = []
        for entry in parsed.entries:
            try:
                posts.append(_entry_post(entry, feed_time=feed_time, site_host=site_host, language=language))
            except InvalidPost as error:
                invalid.append(error)
        # Feeds list newest first, mostly; sorted() is stable, so equal times keep the feed's order.
        return [*sorted(posts, key=lambda post: post.posted_at), *invalid]


def _terms_pattern(terms) -> re.Pattern | None:
    """Any of `terms` as a whole word or phrase, ignoring case (as the classifier matches them)."""
    cleaned = sorted({term.strip().lstrip("@#").lower() for term in terms if term and term.strip()}, key=len)
    if not cleaned:
        return None
    alternatives = "|".join(re.escape(term) for term in reversed(cleaned))
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)


def _entry_post(entry: Mapping[str, Any], *, feed_time: Any, site_host: str, language: str) -> NormalizedPost:
    raw = _raw(entry)
    external_id = _identity(entry)
    if not external_id:
        raise InvalidPost("entry has neither a link nor an id", raw=raw)
    parsed_time = entry.get("published_parsed") or entry.get("updated_parsed") or feed_time
    if not parsed_time:
        raise InvalidPost("entry has no published or updated time, nor has its feed", raw=raw)
    author_name, email_address = _author(entry)
    profile = str((entry.get("author_detail") or {}).get("href") or "")
    title = _text(entry.get("title_detail"), entry.get("title"))
    content = entry.get("content") or []
    body = _text(content[0], content[0].get("value")) if content else ""
    body = body or _text(entry.get("summary_detail"), entry.get("summary"))
    reply_to = entry.get("thr_in-reply-to") or {}
    try:
        return NormalizedPost(
            external_id=external_id,
            # feedparser's *_parsed are UTC tuples; mktime would read them as local time.
            posted_at=dt.datetime(*parsed_time[:6], tzinfo=dt.UTC),
            text="\n\n".join(part for part in (title, body) if part),
            # Commenters rarely have stable ids: a profile link or e-mail is the best a feed offers,
            # then the display name; anonymous items are the site's.
            author_id=email_address or profile or author_name or site_host,
            author_handle=author_name,
            author_name=author_name,
            author_email=email_address,
            url=_web_link(entry),
            language=language,
            in_reply_to_id=str(reply_to.get("href") or reply_to.get("ref") or "")[:MAX_ID_LENGTH],
            conversation_id=_thread_link(entry)[:MAX_ID_LENGTH],
            raw=raw,
        )
    except InvalidPost as error:
        raise InvalidPost(str(error), raw=raw) from None


def _author(entry: Mapping[str, Any]) -> tuple[str, str]:
    """(name, e-mail address) of the entry's author, either may be ""."""
    detail = entry.get("author_detail") or {}
    name, address = str(detail.get("name") or ""), str(detail.get("email") or "")
    written = str(entry.get("author") or "")
    # RSS <author> is one string, "jane@shop.example (Jane Doe)". feedparser splits it with a pattern
    # that knows only 2-4 letter top-level domains (".online" loses letters), so read it again. When
    # feedparser composed `author` from separate parts (Atom <name>/<email>), its detail is right.
    if "@" in written and written not in (name, address, f"{name} ({address})"):
        parsed_name, parsed_address = email.utils.parseaddr(written)
        if "@" in parsed_address:
            return parsed_name.strip(), parsed_address
    return name, address


def _identity(entry: Mapping[str, Any]) -> str:
    """The link, else the guid/id. A link too long for an id falls back to the id, deterministically."""
    link = str(entry.get("link") or "").strip()
    entry_id = str(entry.get("id") or "").strip()
    if link and (len(link) <= MAX_ID_LENGTH or not entry_id):
        return link
    return entry_id


def _web_link(entry: Mapping[str, Any]) -> str:
    # feedparser copies an Atom id (a tag: or urn: URI) into `link` when the entry has none.
    link = str(entry.get("link") or "")
    return link if urlsplit(link).scheme in ("http", "https") else ""


def _thread_link(entry: Mapping[str, Any]) -> str:
    """The item's thread: its comments page or replies feed, else the post it answers."""
    for link in entry.get("links") or []:
        if link.get("rel") == "replies" and link.get("href"):
            return str(link["href"])
    for key in ("comments", "wfw_commentrss"):
        if entry.get(key):
            return str(entry[key])
    return str((entry.get("thr_in-reply-to") or {}).get("href") or "")


def _raw(entry: Mapping[str, Any]) -> dict[str, Any]:
    """A small, JSON-safe picture of the entry (feedparser values include struct_time)."""
    tags = [str(tag.get("term")) for tag in entry.get("tags") or [] if tag.get("term")]
    return {
        "title": str(entry.get("title") or ""),
        "link": str(entry.get("link") or ""),
        "id": str(entry.get("id") or ""),
        "published": str(entry.get("published") or entry.get("updated") or ""),
        "author": str(entry.get("author") or ""),
        "tags": tags,
    }


def _text(detail: Mapping[str, Any] | None, value: Any) -> str:
    """Plain text of a feedparser text construct: HTML when its type says so, else as given."""
    text = str(value or "")
    content_type = str((detail or {}).get("type") or "text/html")
    if "html" in content_type:
        return html_to_text(text)
    return _collapse(text)


# Elements that end a line of text when flattened.
_BLOCK_TAG_NAMES = (
    "address article aside blockquote br dd div dl dt figcaption figure footer h1 h2 h3 h4 h5 h6 header hr "
    "li main nav ol p pre section table td th tr ul"
)
_BLOCK_TAGS = frozenset(_BLOCK_TAG_NAMES.split())
_SKIPPED_TAGS = frozenset(("script", "style", "template"))


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag in _SKIPPED_TAGS:
            self.skipping += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED_TAGS:
            self.skipping = max(self.skipping - 1, 0)
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(data)


def html_to_text(html: str) -> str:
    """Tags stripped, entities unescaped, whitespace collapsed: spaces within a line, and
    block elements (paragraphs, list items, line breaks) as line breaks."""
    parser = _TextExtractor()
    parser.feed(html)
    parser.close()
    return _collapse("".join(parser.parts))


def _collapse(text: str) -> str:
    lines = (re.sub(r"[^\S\n]+", " ", line).strip() for line in text.replace("\xa0", " ").split("\n"))
    return "\n".join(line for line in lines if line)


def _short(reason: object) -> str:
    text = str(reason)
    return text if len(text) < 200 else text[:200] + "..."
