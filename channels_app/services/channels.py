"""What polling and webhooks share: a channel's adapter, and recording what an adapter read.

Owns channel_config() and channel_adapter() (the only place a Channel row
becomes the plain ChannelConfig an adapter sees, secrets read from the
environment at call time, terms widened by the channel's active listening
rules: pipeline.ingest.channel_listening_terms()), channel_record_items() (valid items to the
pipeline, unreadable ones kept as dead letters, edits and deletions
applied) and the post edit and deletion services.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.utils import timezone

from channels_app.adapters.base import ChannelAdapter, ChannelConfig, get_adapter, storable
from channels_app.choices import Direction, RawEventStatus
from channels_app.models import Channel, RawEvent, SocialPost
from channels_app.pipeline import Ingestor, IngestResult, InvalidPost, NormalizedPost
from channels_app.pipeline.bulk import any_of
from channels_app.pipeline.classify import ListeningTerms
from channels_app.pipeline.ingest import channel_listening_terms
from channels_app.understand import analyze_sentiment, classify_intent, detect_language

# A dead letter's body: enough to read and fix any single item.
DEAD_LETTER_MAX_BYTES = 256 * 1024


def channel_config(channel: Channel, *, listening_rules: bool = True) -> ChannelConfig:
    """The adapter's view of the channel: its own terms widened by its active listening rules.

    With a rule naming terms, `filter_by_terms` defaults to true (the RSS
    adapter then keeps only the items that name a term); the channel's own
    options may set it to false. `listening_rules=False` skips reading the
    rules (one query) where no term is used: verifying and storing a webhook
    delivery, which must stay cheap at hundreds a second.
    """
    credentials = {}
    for name in channel.credential_env:
        value = channel.credential(name)
        if value:
            credentials[name] = value
    listening = channel_listening_terms(channel) if listening_rules else ListeningTerms()
    # The Facebook adapter paces itself against the channel's own interval.
    options = {"poll_interval_seconds": channel.poll_interval_seconds}
    if listening.any:
        options["filter_by_terms"] = True
    return ChannelConfig(
        kind=channel.kind,
        name=channel.name,
        base_url=channel.api_base_url,
        credentials=credentials,
        options={**options, **(channel.options or {})},
        brand_handles=tuple(channel.brand_handles),
        brand_terms=_unique(*channel.brand_terms, *listening.brand_terms, *listening.product_terms),
        competitor_terms=_unique(*channel.competitor_terms, *listening.competitor_terms),
        exclusions=listening.exclusions,
        languages=listening.languages,
        timeout=settings.CHANNEL_HTTP_TIMEOUT,
    )


def _unique(*terms: str) -> tuple[str, ...]:
    """Terms in order, each once ignoring case."""
    seen: dict[str, str] = {}
    for term in terms:
        seen.setdefault(term.casefold(), term)
    return tuple(seen.values())


def channel_adapter(channel: Channel, *, listening_rules: bool = True) -> ChannelAdapter:
    """The channel's adapter; raises a permanent ChannelError for kinds without one (imports, phone).
    `listening_rules`: see channel_config()."""
    return get_adapter(channel_config(channel, listening_rules=listening_rules))


@dataclass
class RecordedItems:
    ingested: IngestResult = field(default_factory=IngestResult)
    rejected: list[str] = field(default_factory=list)  # reasons of the items kept as dead letters
    edited: int = 0
    deleted: int = 0

    def summary(self) -> str:
        text = f"{self.ingested.stored} stored, {self.ingested.duplicates} duplicates"
        if self.edited:
            text += f", {self.edited} edited"
        if self.deleted:
            text += f", {self.deleted} deleted"
        if self.rejected:
            text += f", {len(self.rejected)} rejected ({'; '.join(self.rejected[:5])})"
        return text


def channel_record_items(
    *,
    channel: Channel,
    items: Sequence[NormalizedPost | InvalidPost],
    source: str,
    edited: Sequence[NormalizedPost] = (),
    deleted_ids: Sequence[str] = (),
    ingestor: Ingestor | None = None,
) -> RecordedItems:
    """Record what an adapter read, in the caller's transaction.

    Valid posts go through the pipeline; each unreadable item, and each post
    with a value its columns cannot hold (`storable()`), is kept as a
    dead-letter RawEvent (source `<source>.item`) with its reason and the
    item as the channel gave it, once however often it is read again.
    """
    recorded = RecordedItems()
    posts: list[NormalizedPost] = []
    invalid: list[InvalidPost] = []
    for item in items:
        if isinstance(item, InvalidPost):
            invalid.append(item)
            continue
        # Checked here, not in each adapter, so no live channel can send a value
        # that fails the batch's insert and holds back the good posts beside it.
        try:
            posts.append(storable(item))
        except InvalidPost as error:
            invalid.append(error)
    if posts:
        recorded.ingested = (ingestor or Ingestor(channel)).ingest(posts)
    if invalid:
        dead_letters_keep(channel=channel, source=f"{source}.item", invalid=invalid)
        recorded.rejected = [str(item) for item in invalid]
    if edited:
        recorded.edited = posts_apply_edits(channel=channel, posts=edited, ingestor=ingestor)
    if deleted_ids:
        recorded.deleted = posts_mark_deleted(channel=channel, external_ids=deleted_ids)
    return recorded


def dead_letters_keep(*, channel: Channel, source: str, invalid: Iterable[InvalidPost]) -> None:
    now = timezone.now()
    rows = []
    for item in invalid:
        body = json.dumps(item.raw, default=str, ensure_ascii=False).encode()[:DEAD_LETTER_MAX_BYTES]
        rows.append(
            RawEvent(
                channel=channel,
                source=source,
                # The same bad item read on every poll is kept once.
                delivery_id="item:" + hashlib.sha256(body + str(item).encode()).hexdigest(),
                body=body,
                status=RawEventStatus.DEAD,
                attempts=1,
                error=str(item),
                received_at=now,
            )
        )
    RawEvent.objects.bulk_create(rows, ignore_conflicts=True)


def posts_apply_edits(*, channel: Channel, posts: Sequence[NormalizedPost], ingestor: Ingestor | None = None) -> int:
    """New text for stored posts (an author edited them on the channel): the inbound ones are understood again.
    An edit of a post never stored is ingested as a new post. Returns how many stored posts changed."""
    by_id = {post.external_id: post for post in posts}
    stored = {
        row.external_id: row
        for row in SocialPost.objects.filter(any_of(SocialPost, "external_id", list(by_id)), channel=channel).only(
            "id", "external_id", "direction", "text", "language"
        )
    }
    changed = []
    for external_id, row in stored.items():
        post = by_id[external_id]
        if post.text == row.text:
            continue
        row.text = post.text
        row.language = detect_language(post.text, post.language)
        if row.direction == Direction.INBOUND:
            sentiment = analyze_sentiment(post.text)
            row.sentiment_polarity, row.sentiment_subjectivity = sentiment.polarity, sentiment.subjectivity
            row.sentiment_label = sentiment.label
            row.intent = classify_intent(post.text, sentiment.label)
        changed.append(row)
    SocialPost.objects.bulk_update(
        changed,
        ["text", "language", "sentiment_polarity", "sentiment_subjectivity", "sentiment_label", "intent"],
    )
    unseen = [post for external_id, post in by_id.items() if external_id not in stored]
    if unseen:
        (ingestor or Ingestor(channel)).ingest(unseen)
    return len(changed)


def posts_mark_deleted(*, channel: Channel, external_ids: Sequence[str]) -> int:
    """Posts their authors deleted on the channel: marked deleted and redacted (text and raw
    emptied), kept so the case's timeline and clocks stay whole. Returns how many were marked."""
    ids = sorted({str(external_id) for external_id in external_ids if external_id})
    if not ids:
        return 0
    return SocialPost.objects.filter(any_of(SocialPost, "external_id", ids), channel=channel, deleted_at=None).update(
        deleted_at=timezone.now(), text="", raw={}
    )
