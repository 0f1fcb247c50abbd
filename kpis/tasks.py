"""Celery tasks of the kpis app: thin wrappers over kpis.services that take ids.

- send_survey (kpis.send_survey): the satisfaction survey of a case just
  resolved, enqueued on commit by cases.services.console.case_resolve().
  Safe to run twice or redelivered (acks_late): survey_send() locks the
  case and sends one survey per resolution. A dropped database connection
  or a mail server that does not answer makes the task retry with backoff
  (at most MAX_RETRIES times); in the embedded mode (eager Celery) and when
  called directly the error is raised instead, since a retry would run at
  once, in the caller.
- rollup_closed_days (kpis.rollup_closed_days, beat, hourly): the last
  closed local days' KPI rollups, replaced whole; safe to run twice or on
  two workers at once (kpis.services.rollups).
- refresh_churn_risk (kpis.refresh_churn_risk, beat, every 5 minutes): the
  churn-risk list into the cache the KPI pages read.
"""

from __future__ import annotations

from celery import shared_task
from django.contrib.auth import get_user_model
from django.db import InterfaceError, OperationalError

from channels_app.backoff import backoff_seconds
from kpis import services

MAX_RETRIES = 6
RETRY_BASE_SECONDS = 30
RETRY_CAP_SECONDS = 1800
# Transient: the database went away, or the mail server refused or timed out
# (smtplib's errors and socket errors are OSErrors).
TRANSIENT_ERRORS = (OperationalError, InterfaceError, OSError)


@shared_task(
    name="kpis.send_survey",
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=MAX_RETRIES,
    soft_time_limit=60,
    time_limit=120,
)
def send_survey_task(self, case_id: int, actor_id: int | None = None) -> int | None:
    """Send the survey of a resolved case; returns the survey's id, or None when none was sent."""
    actor = get_user_model()._default_manager.filter(pk=actor_id).first() if actor_id else None
    try:
        survey = services.survey_send(case_id=case_id, actor=actor)
    except TRANSIENT_ERRORS as error:
        if self.request.is_eager or self.request.called_directly:
            raise
        delay = backoff_seconds(self.request.retries + 1, base=RETRY_BASE_SECONDS, cap=RETRY_CAP_SECONDS)
        raise self.retry(exc=error, countdown=delay) from error
    return survey.pk if survey else None


@shared_task(
    name="kpis.rollup_closed_days", acks_late=True, reject_on_worker_lost=True, soft_time_limit=900, time_limit=960
)
def rollup_closed_days_task() -> list[str]:
    """Roll up the last closed days in the brand's time zone; returns the days (ISO dates)."""
    return [day.isoformat() for day in services.kpis_rollup_closed_days()]


@shared_task(name="kpis.refresh_churn_risk", acks_late=True, soft_time_limit=240, time_limit=280)
def refresh_churn_risk_task() -> int:
    """Recompute the churn-risk list into the cache; returns its length. Idempotent."""
    return services.kpis_refresh_churn_risk()
