"""Writes of listening: an agent's verdict on a post of the stream.

Owns feedback_mark_not_relevant(). Opening a case from a post is a case
write and lives in cases.services.outreach.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction

from channels_app.models import SocialPost
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
