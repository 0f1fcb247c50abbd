"""Finding knowledge gaps: recent customer questions that no article answers, grouped by topic.

gaps_find() reads the inbound posts classified as questions of the last
GAP_DAYS days (the newest SAMPLE_SIZE of them: a bounded cost, whatever
the traffic), ranks each against the published articles
(knowledge.ranking), keeps those whose best normalized score is below
KnowledgeSettings.match_threshold, clusters them (knowledge.clustering)
and stores the clusters of at least MIN_QUESTIONS questions as
KnowledgeGap rows, replacing the previous set in one transaction. Running it
twice gives the same rows. Three queries to read, two to write.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from cases.choices import Intent
from channels_app.choices import Direction
from channels_app.models import SocialPost
from knowledge.clustering import cluster_texts
from knowledge.models import KnowledgeGap
from knowledge.selectors import article_index, knowledge_settings

GAP_DAYS = 30
SAMPLE_SIZE = 5000
MIN_QUESTIONS = 3
EXAMPLES_KEPT = 10


def gaps_find(*, now: dt.datetime | None = None) -> list[KnowledgeGap]:
    """Recompute the knowledge gaps; returns the stored rows, largest first."""
    now = now or timezone.now()
    threshold = knowledge_settings().match_threshold
    index = article_index()
    questions = list(
        SocialPost.objects.filter(
            direction=Direction.INBOUND,
            intent=Intent.QUESTION,
            posted_at__gte=now - dt.timedelta(days=GAP_DAYS),
            posted_at__lte=now,
            deleted_at__isnull=True,
        )
        .order_by("-posted_at", "-id")
        .values_list("id", "text")[:SAMPLE_SIZE]
    )
    unanswered = []  # (post id, text, best match or None), newest first
    for post_id, text in questions:
        best = index.best(text)
        if best is None or best.score < threshold:
            unanswered.append((post_id, text, best))
    # Oldest first, so a topic's first question leads its cluster and the result is stable.
    unanswered.reverse()
    clusters = cluster_texts([text for _, text, _ in unanswered], min_size=MIN_QUESTIONS)
    gaps = []
    for cluster in clusters:
        members = [unanswered[index] for index in cluster.members]
        best = max((match for _, _, match in members if match), key=lambda match: match.score, default=None)
        gaps.append(
            KnowledgeGap(
                label=", ".join(cluster.terms)[:200],
                terms=list(cluster.terms),
                question_count=len(members),
                example_post_ids=[post_id for post_id, _, _ in reversed(members)][:EXAMPLES_KEPT],
                best_article_id=best.article_id if best else None,
                best_article_score=round(best.score, 4) if best else 0.0,
                computed_at=now,
            )
        )
    with transaction.atomic():
        KnowledgeGap.objects.all().delete()
        KnowledgeGap.objects.bulk_create(gaps)
    return gaps
