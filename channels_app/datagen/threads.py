"""Conversations of the generated world: who writes, what, on which channel, and when.

Owns Planner, which turns one random.Random(seed) into chunks of whole
threads: a customer's first post, the brand's replies and the customer's
follow-ups (1 to 10 posts), with their texts, languages, intents,
sentiments and times, and the case each thread became (casework.py). Pure:
no database. Ids come from counters the caller starts (the next free id
of each table), so the same seed, anchor and starting ids give the same
rows, ids and external ids included.

What is denormalised on posts is what the pipeline would store: direction,
engagement type (by the channel's own ChannelVocabulary, on the same text
and fields the adapter would hand over), language, intent and sentiment
(the template's, with noise: no classifier runs here), case, reply-to and
conversation ids. A thread opens a case exactly when the pipeline would:
its first post is actionable for the channel, or the brand replied.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
import random
from dataclasses import dataclass, field

from cases.choices import CaseStatus, ChannelKind, EngagementType, Intent
from channels_app.choices import Direction
from channels_app.datagen import casework, people, texts
from channels_app.datagen.world import (
    BRANDS,
    KIND_WEIGHTS,
    GenChannel,
    World,
    post_external_id,
    post_url,
    reply_handle,
)

STATUS_WEIGHTS = {
    CaseStatus.NEW: 8,
    CaseStatus.OPEN: 14,
    CaseStatus.PENDING: 8,
    CaseStatus.ON_HOLD: 4,
    CaseStatus.RESOLVED: 22,
    CaseStatus.CLOSED: 44,
}
# How long before the anchor a thread in each final status starts, in hours:
# new cases are recent, closed ones up to half a year old. None: no case.
AGE_HOURS = {
    CaseStatus.NEW: (0.1, 48),
    CaseStatus.OPEN: (1, 168),
    CaseStatus.PENDING: (2, 240),
    CaseStatus.ON_HOLD: (24, 336),
    CaseStatus.RESOLVED: (6, 720),
    CaseStatus.CLOSED: (96, 4320),
    None: (1, 4320),
}
LENGTH_WEIGHTS = {2: 30, 3: 22, 4: 16, 5: 10, 6: 8, 7: 5, 8: 4, 9: 3, 10: 2}
NEW_LENGTH_WEIGHTS = {1: 70, 2: 22, 3: 8}
# Posting volume by hour of day (UTC): quiet at night.
HOURLY_WEIGHTS = [1, 1, 1, 1, 1, 2, 4, 7, 9, 9, 8, 8, 8, 8, 8, 8, 8, 9, 9, 9, 8, 6, 4, 2]
REPEAT_SHARE = 0.3  # threads by a customer already seen in the chunk
FOLLOW_UP_INTENT = {"nudge": Intent.COMPLAINT, "details": Intent.OTHER, "more": Intent.OTHER, "thanks": Intent.PRAISE}
# "more": details the customer adds right away, before anyone answered.
FOLLOW_UPS = {"nudge": texts.NUDGES, "details": texts.DETAILS, "more": texts.DETAILS, "thanks": texts.THANKS}
POLARITY = {"negative": (-0.85, -0.1), "neutral": (-0.08, 0.12), "positive": (0.15, 0.9)}
NOISY_LABEL = {"negative": ("neutral",), "neutral": ("negative", "positive"), "positive": ("neutral",)}


def _cum(weights) -> list[float]:
    return list(itertools.accumulate(weights))


def minutes(rng: random.Random, median: float, sigma: float, low: float, high: float) -> int:
    """A lognormal delay in whole seconds, clipped to [low, high] minutes."""
    return int(60 * min(high, max(low, rng.lognormvariate(math.log(median), sigma))))


def first_reply_delay(rng: random.Random) -> int:
    """Seconds to the brand's first reply: 72% within the hour, 18% within 12 hours, 10% up to 5 days."""
    draw = rng.random()
    if draw < 0.72:
        return minutes(rng, 14, 0.9, 1, 59)
    if draw < 0.90:
        return minutes(rng, 150, 0.7, 61, 720)
    return int(rng.uniform(12 * 3600, 5 * 86400))


@dataclass(slots=True, eq=False)
class GenPost:
    id: int
    channel: GenChannel
    external_id: str
    author: people.GenProfile | None  # None: the brand
    direction: str
    text: str
    language: str
    posted_at: dt.datetime
    in_reply_to: str
    in_reply_to_handle: str
    conversation_id: str
    is_direct: bool
    url: str
    engagement: str
    intent: str
    polarity: float | None
    subjectivity: float | None
    label: str
    likes: int
    shares: int
    case_id: int | None = None


@dataclass
class Chunk:
    customers: list[people.GenCustomer] = field(default_factory=list)
    profiles: list[people.GenProfile] = field(default_factory=list)
    cases: list[tuple] = field(default_factory=list)
    posts: list[GenPost] = field(default_factory=list)
    events: list[tuple] = field(default_factory=list)
    surveys: list[tuple] = field(default_factory=list)
    clocks: list[tuple] = field(default_factory=list)


class Planner:
    """Plans the world's threads chunk by chunk; one instance per run, so the random stream continues."""

    def __init__(self, world: World, *, seed: int, anchor: dt.datetime, next_ids: dict[str, int]) -> None:
        self.world, self.anchor = world, anchor
        self.rng = random.Random(seed)
        self.next_ids = dict(next_ids)  # "customer", "profile", "case", "post"
        self.openings = texts.openings_by_key()
        self.brand_cum = _cum(brand.weight for brand in BRANDS)
        self.channel_cum = {
            key: _cum(KIND_WEIGHTS[channel.kind] for channel in channels) for key, channels in world.by_brand.items()
        }
        self.channels = world.by_brand
        self.intents, self.intent_cum = list(texts.INTENT_WEIGHTS), _cum(texts.INTENT_WEIGHTS.values())
        self.statuses, self.status_cum = list(STATUS_WEIGHTS), _cum(STATUS_WEIGHTS.values())
        self.lengths, self.length_cum = list(LENGTH_WEIGHTS), _cum(LENGTH_WEIGHTS.values())
        self.new_lengths, self.new_length_cum = list(NEW_LENGTH_WEIGHTS), _cum(NEW_LENGTH_WEIGHTS.values())
        self.hour_cum = _cum(HOURLY_WEIGHTS)
        self.casework = casework.CaseWork(world=world, anchor=anchor, rng=self.rng, take_id=self.take_id)

    def take_id(self, table: str) -> int:
        value = self.next_ids[table]
        self.next_ids[table] = value + 1
        return value

    def chunk(self, posts: int) -> Chunk:
        """Whole threads holding exactly `posts` posts (the last thread is cut to fit)."""
        chunk = Chunk()
        remaining = posts
        while remaining > 0:
            remaining -= self._thread(chunk, remaining)
        return chunk

    # -- one thread ---------------------------------------------------------------
    def _thread(self, chunk: Chunk, budget: int) -> int:
        rng = self.rng
        brand = rng.choices(BRANDS, cum_weights=self.brand_cum)[0]
        channel = rng.choices(self.channels[brand.key], cum_weights=self.channel_cum[brand.key])[0]
        kind = channel.kind
        customer = self._customer(chunk)
        profile = customer.profiles.get(kind) or self._profile(chunk, customer, kind)
        intent = rng.choices(self.intents, cum_weights=self.intent_cum)[0]
        status = rng.choices(self.statuses, cum_weights=self.status_cum)[0]
        style = "addressed"  # to the brand: an @mention, a Page post, an e-mail, a chat
        if kind == ChannelKind.RSS:
            style = "review"
            status = CaseStatus.OPEN if status == CaseStatus.PENDING else status
        elif kind == ChannelKind.X and intent in (Intent.PRAISE, Intent.OTHER) and rng.random() < 0.5:
            style, status = "hashtag", None  # names the brand in passing: nobody answers
        elif kind == ChannelKind.X and intent in (Intent.SALES_LEAD, Intent.CHURN_THREAT) and rng.random() < 0.4:
            style = "competitor"  # names only a competitor: progressive
        if intent in (Intent.PRAISE, Intent.OTHER) and status in (CaseStatus.PENDING, CaseStatus.ON_HOLD):
            status = CaseStatus.CLOSED
        status, roles = self._roles(status, kind, intent, budget)
        offsets = self._offsets(roles)
        language = customer.language
        slots = texts.Slots(rng, kind=kind, language=language, brand=brand, first=customer.first, agent="")
        work = self.casework.begin(status=status, intent=intent, customer=customer, roles=roles, offsets=offsets)
        slots["agent"] = work.initials
        start = self._start(status, work.span)
        customer.created_at = min(customer.created_at, start)
        profile.created_at = min(profile.created_at, start)

        posts: list[GenPost] = []
        root, previous = "", None
        for (direction, role), offset in zip(roles, offsets, strict=True):
            post_id = self.take_id("post")
            inbound = direction == "in"
            external_id = post_external_id(channel, post_id, customer, inbound)
            root = root or external_id
            at = start + dt.timedelta(seconds=offset)
            if inbound:
                text, label, post_intent = self._customer_text(channel, role, intent, style, slots, customer, profile)
            else:
                text, label, post_intent = self._brand_text(channel, role, slots, customer, profile), "neutral", ""
            post = GenPost(
                id=post_id,
                channel=channel,
                external_id=external_id,
                author=profile if inbound else None,
                direction=Direction.INBOUND if inbound else Direction.OUTBOUND,
                text=text,
                language=language,
                posted_at=at,
                in_reply_to=previous.external_id if previous else "",
                in_reply_to_handle=reply_handle(channel, previous, profile),
                conversation_id=root,
                is_direct=inbound and kind in (ChannelKind.EMAIL, ChannelKind.WEBHOOK),
                url=post_url(channel, external_id, profile if inbound else None),
                engagement=EngagementType.NONE,
                intent=post_intent or Intent.OTHER,
                polarity=None,
                subjectivity=None,
                label="neutral",
                likes=0,
                shares=0,
            )
            if inbound:
                self._understand(post, label, previous)
            elif kind in (ChannelKind.X, ChannelKind.FACEBOOK):
                post.likes = rng.choice((0, 0, 0, 1, 2))
            posts.append(post)
            previous = post

        opener = self._opener(posts)
        if status is not None and opener is not None:
            self.casework.finish(
                work, chunk, customer=customer, profile=profile, posts=posts, opener=opener, start=start
            )
        chunk.posts += posts
        return len(posts)

    @staticmethod
    def _opener(posts: list[GenPost]) -> int | None:
        """The post that makes the pipeline open the thread's case: the first actionable
        customer post, or the first brand reply (to a post without a case); None: no case."""
        for index, post in enumerate(posts):
            if post.author is None:
                return index
            vocabulary = post.channel.vocabulary
            if vocabulary.is_actionable(
                engagement_type=post.engagement, sentiment_label=post.label, intent=post.intent
            ):
                return index
        return None

    def _customer(self, chunk: Chunk) -> people.GenCustomer:
        rng = self.rng
        if chunk.customers and rng.random() < REPEAT_SHARE:
            # Half the repeats come from the chunk's first fifth: a few people write a lot.
            pool = chunk.customers if rng.random() < 0.5 else chunk.customers[: max(1, len(chunk.customers) // 5)]
            return rng.choice(pool)
        customer = people.new_customer(rng, self.take_id("customer"), at=self.anchor)
        chunk.customers.append(customer)
        return customer

    def _profile(self, chunk: Chunk, customer: people.GenCustomer, kind: str) -> people.GenProfile:
        profile = people.new_profile(self.rng, customer, kind, self.take_id("profile"), at=self.anchor)
        chunk.profiles.append(profile)
        return profile

    def _roles(self, status, kind: str, intent: str, budget: int) -> tuple[str | None, list[tuple[str, str]]]:
        """The shape of the conversation, (direction, role) pairs, and the status it supports."""
        rng = self.rng
        opening = [("in", "open")]
        if status is None:
            return None, opening
        chatter = intent in (Intent.PRAISE, Intent.OTHER)  # nothing to chase or fix
        if kind == ChannelKind.RSS or status == CaseStatus.NEW:
            count = rng.choices(self.new_lengths, cum_weights=self.new_length_cum)[0]
            count = min(count, 1 if chatter else 2 if kind == ChannelKind.RSS else 3, budget)
            return status, opening + [("in", "nudge")] * (count - 1)
        count = min(rng.choices(self.lengths, cum_weights=self.length_cum)[0], budget)
        if count < 2:
            return CaseStatus.NEW, opening
        if chatter:
            return status, opening + [("out", "praise")] + ([("in", "thanks")] if count >= 3 else [])
        if status == CaseStatus.PENDING:
            tail = [("out", "ask")]
        elif status == CaseStatus.ON_HOLD:
            tail = [("out", "hold")]
        elif status == CaseStatus.OPEN:
            tail = [("out", "ask"), ("in", "details")] if count >= 3 and rng.random() < 0.5 else [("out", "ack")]
        else:
            tail = [("out", "resolve")] + ([("in", "thanks")] if count >= 3 and rng.random() < 0.4 else [])
        middle = count - 1 - len(tail)
        # An odd middle starts with a second customer post: added details, or a nudge when nobody answers.
        extra = [("in", "nudge" if rng.random() < 0.25 else "more")] * (middle % 2)
        roles = opening + extra + [("out", "ask"), ("in", "details")] * (middle // 2)
        return status, roles + tail

    def _offsets(self, roles: list[tuple[str, str]]) -> list[int]:
        """Seconds from the thread's start to each post."""
        rng = self.rng
        offsets, at, replied = [0], 0, False
        for direction, role in roles[1:]:
            if direction == "in":
                at += {
                    "nudge": lambda: minutes(rng, 90, 0.6, 20, 600),
                    "details": lambda: minutes(rng, 25, 1.1, 2, 600),
                    "more": lambda: minutes(rng, 4, 0.6, 1, 15),
                    "thanks": lambda: minutes(rng, 20, 1.0, 2, 240),
                }[role]()
            elif not replied:
                at, replied = at + first_reply_delay(rng), True
            else:
                at += minutes(rng, 18, 1.2, 1, 2880)
            offsets.append(at)
        return offsets

    def _start(self, status, span: int) -> dt.datetime:
        """When the thread starts: its age for its status, at a plausible hour, ending before the anchor."""
        rng = self.rng
        low, high = AGE_HOURS[status]
        age = int(rng.uniform(low, high) * 3600)
        hour = rng.choices(range(24), cum_weights=self.hour_cum)[0]
        minute, second = rng.randrange(60), rng.randrange(60)
        latest = self.anchor - dt.timedelta(seconds=span + 60)
        start = min(self.anchor - dt.timedelta(seconds=age), latest)
        if age > 86400:
            start = start.replace(hour=hour, minute=minute, second=second)
            while start > latest:
                start -= dt.timedelta(days=1)
        return start

    # -- texts ------------------------------------------------------------------------
    def _customer_text(self, channel, role, intent, style, slots, customer, profile) -> tuple[str, str, str]:
        rng, kind, language = self.rng, channel.kind, customer.language
        if role == "open":
            template = rng.choice(self.openings[channel.brand.sector, language, intent])
            label, post_intent = texts.INTENT_LABEL[intent], intent
        else:
            label, template = rng.choice(FOLLOW_UPS[role][language])
            post_intent = FOLLOW_UP_INTENT[role]
        body = template.format_map(slots)
        brand = channel.brand
        if kind == ChannelKind.X:
            if style == "hashtag":
                return f"{body} #{brand.name.split()[0]}", label, post_intent
            if style == "competitor" and role == "open":
                return body, label, post_intent
            return f"@{brand.handle} {body}", label, post_intent
        if kind == ChannelKind.EMAIL:
            hello, signoff = texts.EMAIL_WRAP[language]
            return f"{hello}\n\n{body}\n\n{signoff}\n{customer.first}", label, post_intent
        if kind == ChannelKind.RSS:
            return (f"{brand.name}: {body}" if role == "open" else body), label, post_intent
        return body, label, post_intent

    def _brand_text(self, channel, role, slots, customer, profile) -> str:
        language = customer.language
        template = self.rng.choice(texts.REPLIES[language][role])
        if channel.kind == ChannelKind.X:
            return f"@{profile.handle} {template.format_map(slots)}"[:280]
        text = template.removesuffix(" ^{agent}").format_map(slots)
        if channel.kind == ChannelKind.EMAIL:
            hello, _ = texts.EMAIL_WRAP[language]
            return f"{hello}\n\n{text}\n\n{channel.brand.name}"
        return text

    def _understand(self, post: GenPost, label: str, previous: GenPost | None) -> None:
        """What the pipeline's understanding step would store, from the template's label with noise."""
        rng = self.rng
        if rng.random() < 0.07:
            label = rng.choice(NOISY_LABEL[label])
        low, high = POLARITY[label]
        post.label = label
        post.polarity = round(rng.uniform(low, high), 3)
        post.subjectivity = round(rng.uniform(0.1, 0.9), 3)
        post.engagement = post.channel.vocabulary.engagement_type(
            text=post.text,
            is_direct=post.is_direct,
            in_reply_to_handle=post.in_reply_to_handle,
            replies_to_brand_post=previous is not None and previous.author is None,
        )
        if post.channel.kind in (ChannelKind.X, ChannelKind.FACEBOOK):
            # Reach drives likes; angry posts get shared more.
            followers = post.author.followers
            post.likes = int(followers * rng.uniform(0.0005, 0.01)) + rng.choice((0, 0, 1, 2))
            post.shares = int(post.likes * rng.uniform(0.05, 0.3 if label == "negative" else 0.1))
