"""Writes of listening: an agent's verdict on a post of the stream, and stored posts
re-classified after a rule changed.

Owns feedback_mark_not_relevant() and posts_reclassify(). Opening a case from
a post is a case write and lives in cases.services.outreach.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.db.models import Q

from cases.choices import EngagementType
from channels_app.choices import Direction
from channels_app.models import Channel, SocialPost
from channels_app.pipeline.ingest import channel_vocabulary
from listening.matching import RuleTerms
from listening.models import ListeningFeedback, ListeningRule, Verdict


class FeedbackError(Exception):
    """The verdict does not apply (the rule does not listen on the post's channel)."""


def feedback_mark_not_relevant(*, post_id: int, rule_id: int, user) -> tuple[ListeningFeedback, bool]:
    """Record that the post is not relevant to the rule, once per post and rule, with the terms it
    named then (the rule's terms may change later). Returns (feedback, created now)."""
    post = SocialPost.objects.only("id", "text", "channel_id").get(pk=post_id)
    rule = ListeningRule.objects.get(pk=rule_id)
    if not rule.channels.filter(pk=post.channel_id).exists():
        raise FeedbackError(f"{rule} does not listen on this post's channel.")
    existing = ListeningFeedback.objects.filter(post_id=post.pk, rule=rule).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            feedback = ListeningFeedback.objects.create(
                post=post,
                rule=rule,
                user=user,
                verdict=Verdict.NOT_RELEVANT,
                matched_terms=RuleTerms.of_rule(rule).matched_terms(post.text),
            )
    except IntegrityError:  # a colleague marked it a moment before
        return ListeningFeedback.objects.get(post_id=post.pk, rule=rule), False
    return feedback, True


RECLASSIFY_BATCH = 2_000


def posts_reclassify(*, channel_ids: Iterable[int], since: dt.datetime) -> int:
    """Classify again, with each channel's current terms and active rules, its stored inbound posts
    posted since `since`; returns how many changed engagement type.

    Reactive posts are left alone: whether a post addresses the brand (a DM, a
    reply to it, a mention of its handle) does not depend on listening rules.
    Only the engagement type changes: a post now proactive or progressive shows
    in the stream and the rules report, and opens no case (an agent can open
    one from the stream); a post now excluded leaves them, and its case, if
    any, stays. Batches of RECLASSIFY_BATCH newest first, each its own
    transaction of at most four UPDATEs, so it can run beside ingestion and
    twice safely."""
    changed = 0
    for channel in Channel.objects.filter(pk__in=list(channel_ids)).order_by("pk"):
        vocabulary = channel_vocabulary(channel)
        posts = (
            SocialPost.objects.filter(channel=channel, direction=Direction.INBOUND, posted_at__gte=since)
            .exclude(engagement_type=EngagementType.REACTIVE)
            .order_by("-posted_at", "-pk")
            .only("pk", "posted_at", "text", "language", "engagement_type")
        )
        after = Q()
        while batch := list(posts.filter(after)[:RECLASSIFY_BATCH]):
            last = batch[-1]
            after = Q(posted_at__lt=last.posted_at) | Q(posted_at=last.posted_at, pk__lt=last.pk)
            moves: dict[str, list[int]] = defaultdict(list)
            for post in batch:
                engagement = vocabulary.engagement_type(
                    text=post.text,
                    is_direct=False,
                    in_reply_to_handle="",
                    replies_to_brand_post=False,
                    language=post.language,
                )
                if engagement != post.engagement_type:
                    moves[engagement].append(post.pk)
            with transaction.atomic():
                for engagement, ids in moves.items():
                    changed += SocialPost.objects.filter(pk__in=ids).update(engagement_type=engagement)
    return changed
