"""The one small interface every live channel implements, its errors and its registry.

Owns ChannelAdapter (fetch from a cursor, publish a reply, find a reply
already published, and for push channels the webhook handshake, signature
check and payload parsing), the plain values that cross it (ChannelConfig,
FetchResult, WebhookBatch, OutgoingReply, Published) and the errors
(ChannelError and its kinds). Adapters speak HTTP and formats only: they
never import models or touch the database; channels_app.services builds a
ChannelConfig from a Channel row and records what adapters return.

Error contract, as healthchecks' transports have it: an adapter raises
ChannelError on failure and returns normally on success. `permanent=True`
means retrying cannot help (bad credentials, a rejected reply) and polling
of that channel stops until a person acts; otherwise the caller retries
with backoff, no sooner than `retry_after` seconds when the channel said so
(rate limits).
"""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

from channels_app.pipeline.normalized import InvalidPost, NormalizedPost


class ChannelError(Exception):
    """A channel call failed. `permanent`: retrying will not help.
    `retry_after`: seconds the channel asked us to wait (rate limits)."""

    def __init__(self, message: str, *, permanent: bool = False, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.permanent = permanent
        self.retry_after = retry_after


class RateLimited(ChannelError):
    """The channel throttled us; wait `retry_after` seconds (or back off when unknown)."""


class WebhookRejected(ChannelError):
    """A webhook request that is not from the channel: bad signature, wrong verify token."""

    def __init__(self, message: str) -> None:
        super().__init__(message, permanent=True)


class InvalidPayload(ChannelError):
    """A verified webhook body we cannot read at all: kept as a dead letter, never retried blindly."""

    def __init__(self, message: str) -> None:
        super().__init__(message, permanent=True)


@dataclass(frozen=True)
class ChannelConfig:
    """What an adapter knows of its channel: plain values, secrets already read from the environment."""

    kind: str
    name: str = ""
    base_url: str = ""
    credentials: Mapping[str, str] = field(default_factory=dict)
    options: Mapping[str, Any] = field(default_factory=dict)
    brand_handles: tuple[str, ...] = ()
    # The channel's terms widened by its active listening rules (their product terms count as brand terms).
    brand_terms: tuple[str, ...] = ()
    competitor_terms: tuple[str, ...] = ()
    # From the listening rules: what a matching post must not contain, and the
    # ISO 639-1 languages listened in (empty: every language).
    exclusions: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    timeout: float = 10.0

    def secret(self, name: str) -> str:
        """The credential `name`; a missing one is a permanent error (polling stops until configured)."""
        value = self.credentials.get(name)
        if not value:
            raise ChannelError(f"credential {name!r} is not configured (set the environment variable)", permanent=True)
        return value


@dataclass
class FetchResult:
    """One page (or one poll) of new items, and the cursor to store once they are ingested.

    `more`: another page is waiting now (call fetch again with `cursor`).
    `deleted_ids`: external ids the channel reports removed.
    `wait_seconds`: pacing advice from the channel's rate-limit headers.
    `ignored`: items read but deliberately not ingested, each with why
    (an auto-reply, a bounce), for the operator's tally.
    """

    items: list[NormalizedPost | InvalidPost] = field(default_factory=list)
    cursor: dict[str, Any] = field(default_factory=dict)
    more: bool = False
    deleted_ids: list[str] = field(default_factory=list)
    wait_seconds: float | None = None
    ignored: list[str] = field(default_factory=list)


@dataclass
class WebhookBatch:
    """What one verified webhook delivery says: posts to ingest (or why an item is unreadable),
    posts edited (same id, new text) and posts removed on the channel."""

    items: list[NormalizedPost | InvalidPost] = field(default_factory=list)
    edited: list[NormalizedPost] = field(default_factory=list)
    deleted_ids: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class WebhookResponse:
    """The answer to a webhook handshake (X's CRC, Facebook's hub.challenge)."""

    body: str
    content_type: str = "text/plain"
    status: int = 200


@dataclass(frozen=True)
class OutgoingReply:
    """A reply to publish. `idempotency_key` is stable across retries of the same outbox message."""

    text: str
    idempotency_key: str
    in_reply_to_id: str = ""  # the channel's id of the post answered
    conversation_id: str = ""
    recipient_handle: str = ""
    recipient_id: str = ""  # e.g. an e-mail address or a DM recipient
    subject: str = ""
    references: tuple[str, ...] = ()
    is_direct: bool = False  # answer privately (DM, e-mail) rather than in public


@dataclass(frozen=True)
class Published:
    """A reply the channel accepted."""

    external_id: str
    url: str = ""
    posted_at: dt.datetime | None = None


class ChannelAdapter:
    """Base of every channel adapter. Subclasses set `kind` and implement what their channel supports.

    Every method may raise ChannelError; none touches the database.
    """

    kind: ClassVar[str] = ""
    # Push channels answer webhooks; pull channels are polled by beat.
    supports_webhooks: ClassVar[bool] = False
    supports_polling: ClassVar[bool] = False
    supports_publishing: ClassVar[bool] = False

    def __init__(self, config: ChannelConfig) -> None:
        self.config = config

    # -- pull ---------------------------------------------------------------------
    def fetch(self, cursor: Mapping[str, Any]) -> FetchResult:
        """New items after `cursor` (the channel's opaque position; {} on the first poll)."""
        raise ChannelError(f"{self.kind} channels are not polled", permanent=True)

    def test_connection(self) -> str:
        """One cheap authenticated call; returns what it saw (e.g. the account's name)."""
        raise ChannelError(f"{self.kind} channels have no connection to test", permanent=True)

    # -- publish ------------------------------------------------------------------
    def publish(self, reply: OutgoingReply) -> Published:
        raise ChannelError(f"{self.kind} channels cannot publish replies", permanent=True)

    def find_published(self, reply: OutgoingReply) -> Published | None:
        """A reply with this idempotency key the channel already has, or None.

        Called before publishing again an outbox message whose earlier
        attempt may have reached the channel (its worker died mid-call).
        The default cannot tell, and says None.
        """
        return None

    # -- push ---------------------------------------------------------------------
    def handshake(self, query: Mapping[str, str]) -> WebhookResponse:
        """Answer the channel's GET verification; raise WebhookRejected when it is not the channel's."""
        raise WebhookRejected(f"{self.kind} channels take no webhooks")

    def verify_webhook(self, headers: Mapping[str, str], body: bytes) -> None:
        """Raise WebhookRejected unless the raw body is signed by the channel. `headers` are lower-cased."""
        raise WebhookRejected(f"{self.kind} channels take no webhooks")

    def delivery_id(self, headers: Mapping[str, str], body: bytes) -> str:
        """The channel's id of this delivery, when it gives one; '' lets the caller use a digest of the body."""
        return ""

    def parse_webhook(self, body: bytes) -> WebhookBatch:
        """What a verified delivery says; raise InvalidPayload when the body cannot be read at all."""
        raise InvalidPayload(f"{self.kind} channels take no webhooks")


# What the stored columns hold (SocialPost counts are 32-bit, SocialProfile ids,
# handles and names 255 characters, followers 64-bit). A value past these
# would fail the whole batch's insert, costing the good posts beside it.
_MAX_COUNT = 2**31 - 1
_MAX_FOLLOWERS = 2**63 - 1
_MAX_AUTHOR_TEXT = 255


def storable(post: NormalizedPost) -> NormalizedPost:
    """`post` when every value fits its column, with an over-long author name clipped (it is
    only shown); raises InvalidPost for an author id or handle too long to be stored (clipping
    could merge two people) and for counts no real post has."""
    for name in ("author_id", "author_handle", "author_email"):
        if len(getattr(post, name)) > _MAX_AUTHOR_TEXT:
            raise InvalidPost(f"{name} longer than {_MAX_AUTHOR_TEXT} characters", raw=post.raw)
    post.author_name = post.author_name[:_MAX_AUTHOR_TEXT]
    for name in ("like_count", "share_count"):
        if getattr(post, name) > _MAX_COUNT:
            raise InvalidPost(f"{name} {getattr(post, name)} is beyond any real post's", raw=post.raw)
    if post.author_followers is not None and post.author_followers > _MAX_FOLLOWERS:
        raise InvalidPost(f"author_followers {post.author_followers} is beyond any real account's", raw=post.raw)
    return post


# Kind -> dotted path, imported on first use so a channel's dependencies
# (feedparser, imaplib) load only where that channel is used.
ADAPTERS: dict[str, str] = {
    "x": "channels_app.adapters.x.XAdapter",
    "facebook": "channels_app.adapters.facebook.FacebookAdapter",
    "rss": "channels_app.adapters.rss.RssAdapter",
    "email": "channels_app.adapters.email.EmailAdapter",
    "webhook": "channels_app.adapters.webhook.GenericWebhookAdapter",
}


def adapter_class(kind: str) -> type[ChannelAdapter]:
    try:
        dotted = ADAPTERS[kind]
    except KeyError:
        raise ChannelError(f"no live adapter for {kind!r} channels", permanent=True) from None
    module_name, _, class_name = dotted.rpartition(".")
    return getattr(importlib.import_module(module_name), class_name)


def get_adapter(config: ChannelConfig) -> ChannelAdapter:
    return adapter_class(config.kind)(config)
