"""Celery tasks of listening: thin wrappers over listening.services that take ids."""

from __future__ import annotations

import datetime as dt

from celery import shared_task
from django.utils import timezone

from listening import services


@shared_task(
    name="listening.reclassify_posts", acks_late=True, reject_on_worker_lost=True, soft_time_limit=300, time_limit=360
)
def reclassify_posts_task(channel_ids: list[int], days: int) -> int:
    """Classify the last `days` of the channels' stored posts again after a listening rule changed.

    Safe to run twice: the second run finds nothing left to change."""
    return services.posts_reclassify(channel_ids=channel_ids, since=timezone.now() - dt.timedelta(days=days))
