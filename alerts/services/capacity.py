"""Capacity alerts: warn managers when a team's agents on shift cannot answer its due-soon cases in time.

Owns alerts_check_capacity(), run by the beat task alerts.check_capacity.
For each team on shift now (its calendar open, or no calendar), it reads:
- the agents on shift: members whose AgentProfile is available and whose
  user is active;
- the backlog: open cases of the team (status new or open: pending and
  on-hold cases wait on the customer, their clocks paused), not merged,
  waiting for a response whose due time is within the horizon or passed:
  the first response due while none was sent, else the next response due.
alerts.capacity forecasts the predicted breaches (its docstring has the
formula). A team with any gets one CapacityAlert per UTC hour: created
once, its figures refreshed by later runs of the hour, its status never;
managers get one Notification (kind capacity) per alert.
Teams off shift are skipped: who will be there when they open is not known
here, and their due times, in business time, fall after the opening.

Five queries plus three for the calendars, plus at most four when a team
is short: constant in the number of teams, agents and cases. Safe to run
twice: an upsert per (team, hour) and per-recipient dedupe keys.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db import transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from alerts.capacity import CapacityForecast, forecast_breaches
from alerts.models import AlertStatus, CapacityAlert
from alerts.selectors import alert_settings
from alerts.services.notify import alerts_notify_managers
from alerts.services.spikes import hour_floor
from cases.choices import CaseStatus, NotificationKind
from cases.models import AgentProfile, Case
from cases.selectors import active_manager_ids, team_calendars_on_shift
from socialcrm.db import upsert_rows

WAITING_STATUSES = (CaseStatus.NEW, CaseStatus.OPEN)
Membership = AgentProfile.teams.through


def alerts_check_capacity(*, now: dt.datetime | None = None) -> dict[int, CapacityForecast]:
    """Forecast every team on shift and alert managers of those short of agents.
    Returns the forecast of each team on shift, by team id."""
    now = now or timezone.now()
    settings = alert_settings()
    horizon = dt.timedelta(hours=settings.capacity_horizon_hours)
    on_shift = team_calendars_on_shift(now)
    if not on_shift:
        return {}
    agents = dict(
        Membership.objects.filter(
            team_id__in=on_shift, agentprofile__is_available=True, agentprofile__user__is_active=True
        )
        .values_list("team_id")
        .annotate(n=Count("agentprofile_id", distinct=True))
        .values_list("team_id", "n")
    )
    due: dict[int, list[tuple[int, dt.datetime]]] = defaultdict(list)
    until = now + horizon
    waiting = Case.objects.filter(team_id__in=on_shift, status__in=WAITING_STATUSES, merged_into__isnull=True).filter(
        Q(first_responded_at__isnull=True, first_response_due_at__lte=until)
        | Q(first_responded_at__isnull=False, next_response_due_at__lte=until)
    )
    for case_id, team_id, responded_at, first_due, next_due in waiting.values_list(
        "id", "team_id", "first_responded_at", "first_response_due_at", "next_response_due_at"
    ):
        due[team_id].append((case_id, next_due if responded_at else first_due))
    forecasts = {
        team_id: forecast_breaches(
            now=now,
            due=due.get(team_id, []),
            agents=agents.get(team_id, 0),
            replies_per_agent_hour=settings.replies_per_agent_hour,
            calendar=calendar,
        )
        for team_id, calendar in on_shift.items()
    }
    short = {team_id: forecast for team_id, forecast in forecasts.items() if forecast.predicted_breaches}
    if short:
        _alert(short, window_start=hour_floor(now), horizon_hours=settings.capacity_horizon_hours, now=now)
    return forecasts


def _alert(short: dict[int, CapacityForecast], *, window_start: dt.datetime, horizon_hours: int, now) -> None:
    with transaction.atomic():
        upsert_rows(
            CapacityAlert,
            [
                "team_id",
                "window_start",
                "horizon_hours",
                "backlog",
                "agents_on_shift",
                "predicted_breaches",
                "status",
                "created_at",
                "updated_at",
            ],
            [
                (team_id, window_start, horizon_hours, *_figures(forecast), AlertStatus.OPEN, now, now)
                for team_id, forecast in sorted(short.items())
            ],
            unique_fields=["team", "window_start"],
            update_fields=["horizon_hours", "backlog", "agents_on_shift", "predicted_breaches", "updated_at"],
        )
        pending = list(
            CapacityAlert.objects.select_related("team").filter(
                team_id__in=list(short), window_start=window_start, notified_at__isnull=True
            )
        )
        if not pending:
            return
        alerts_notify_managers(
            pending,
            managers=active_manager_ids(),
            kind=NotificationKind.CAPACITY,
            message=_message,
            link=lambda alert: f"{reverse('alerts:list')}#capacity-{alert.pk}",
            dedupe_key=lambda alert: f"alert:capacity:{alert.pk}",
            now=now,
        )


def _figures(forecast: CapacityForecast) -> tuple[int, int, int]:
    return forecast.backlog, forecast.agents, forecast.predicted_breaches


def _message(alert: CapacityAlert) -> str:
    agents = f"{alert.agents_on_shift} agent{'s' if alert.agents_on_shift != 1 else ''}"
    return (
        f"Capacity: {alert.team.name} has {alert.backlog} cases due within {alert.horizon_hours} h and "
        f"{agents} on shift; {alert.predicted_breaches} predicted to breach their SLA."
    )
