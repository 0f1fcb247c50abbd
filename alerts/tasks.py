"""Celery tasks of the alerts app: thin beat wrappers over alerts.services.

- count_and_detect_spikes (alerts.count_and_detect_spikes, beat, every 10
  minutes): recount the current and previous hour of every active
  listening rule's terms, test them for spikes, alert managers.
- check_capacity (alerts.check_capacity, beat, every 15 minutes): forecast
  each team on shift, alert managers of predicted SLA breaches.
Both are safe to run twice or on two workers at once (upserts, unique
alerts, per-recipient notification keys), hence acks_late.
"""

from celery import shared_task

from alerts import services


@shared_task(
    name="alerts.count_and_detect_spikes",
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=240,
    time_limit=300,
)
def count_and_detect_spikes_task() -> dict[str, int]:
    """Count, test and alert; returns the rules, posts read, hours tested and alerts flagged."""
    result = services.alerts_count_and_detect_spikes()
    return {
        "rules": result.rules,
        "posts": result.posts,
        "hours_tested": result.hours_tested,
        "alerts": len(result.alerts),
        "notified": result.notified,
    }


@shared_task(
    name="alerts.check_capacity", acks_late=True, reject_on_worker_lost=True, soft_time_limit=120, time_limit=180
)
def check_capacity_task() -> dict[str, int]:
    """Forecast every team on shift; returns the predicted breaches of each (by team id, as text for JSON)."""
    return {str(team_id): forecast.predicted_breaches for team_id, forecast in services.alerts_check_capacity().items()}
