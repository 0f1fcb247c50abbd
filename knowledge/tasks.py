"""Celery tasks of the knowledge base: thin wrappers over knowledge.services.

- count_deflections (knowledge.count_deflections, beat, hourly): judge the
  solved answers older than a day; idempotent and safe on two workers
  (answers claimed with SKIP LOCKED, judged by a conditional update).
- find_gaps (knowledge.find_gaps, beat, daily): recompute the knowledge
  gaps, replacing the stored set in one transaction; running it twice gives
  the same rows.
"""

from __future__ import annotations

from celery import shared_task

from knowledge import services


@shared_task(
    name="knowledge.count_deflections", acks_late=True, reject_on_worker_lost=True, soft_time_limit=300, time_limit=360
)
def count_deflections_task() -> dict[str, int]:
    """Count the knowledge base's self-service resolutions; returns what was judged."""
    result = services.deflections_count()
    return {"deflected": result.deflected, "followed_by_case": result.followed_by_case, "duplicates": result.duplicates}


@shared_task(
    name="knowledge.find_gaps", acks_late=True, reject_on_worker_lost=True, soft_time_limit=600, time_limit=660
)
def find_gaps_task() -> int:
    """Recompute the knowledge gaps; returns how many were found."""
    return len(services.gaps_find())
