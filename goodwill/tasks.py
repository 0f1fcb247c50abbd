"""Celery tasks of goodwill compensation: thin wrappers over goodwill.services.

- check_praise (goodwill.check_praise, beat, hourly): given requests whose
  customer praised the requester by name soon after the grant are flagged
  for review and managers notified. Safe to run twice or on two workers:
  each request is locked and flagged for praise once.
"""

from celery import shared_task

from goodwill import services


@shared_task(
    name="goodwill.check_praise", acks_late=True, reject_on_worker_lost=True, soft_time_limit=300, time_limit=360
)
def check_praise_task() -> int:
    """Flag grants followed by praise naming the agent; returns how many were flagged."""
    return services.compensations_check_praise()
