"""Recording a visitor's "Did this solve your problem?" answer on an article."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from knowledge.models import Article, ArticleFeedback, FeedbackOutcome

# A second answer by the same visitor on the same article within this time
# replaces the first (a changed mind), instead of counting twice.
ANSWER_WINDOW = dt.timedelta(hours=24)


def feedback_record(
    *, article: Article, visitor_key: str, solved: bool, now: dt.datetime | None = None
) -> ArticleFeedback:
    """Record the answer; returns the feedback row that holds it.

    Within ANSWER_WINDOW of the visitor's last answer on this article, a
    pending answer is changed in place (its time kept: the visit it belongs
    to), and an answer already counted is left alone, so clicking Yes three
    times counts once."""
    now = now or timezone.now()
    with transaction.atomic():
        latest = (
            ArticleFeedback.objects.select_for_update()
            .filter(article=article, visitor_key=visitor_key, created_at__gte=now - ANSWER_WINDOW)
            .order_by("-created_at", "-id")
            .first()
        )
        if latest is None:
            return ArticleFeedback.objects.create(
                article=article, visitor_key=visitor_key, solved=solved, created_at=now
            )
        if latest.outcome == FeedbackOutcome.PENDING and latest.solved != solved:
            latest.solved = solved
            latest.save(update_fields=["solved"])
        return latest
