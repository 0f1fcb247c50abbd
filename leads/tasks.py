"""Celery tasks of sales leads: thin wrappers over leads.services that take ids."""

from celery import shared_task

from leads import services


@shared_task(
    name="leads.capture_leads", acks_late=True, reject_on_worker_lost=True, soft_time_limit=120, time_limit=180
)
def capture_leads_task(post_ids: list[int]) -> int:
    """Make leads of one ingestion batch's candidate posts; returns how many were new.

    Safe to run twice: a post is a lead once, and posts already leads are skipped."""
    return services.leads_capture(post_ids=post_ids)
