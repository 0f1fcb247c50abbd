"""What the KPI pages read: a period's figures from daily rollups for closed days and live parts for the rest.

Owns period_parts(), live_parts(), kpi_dashboard() and the Dashboard it
returns. A closed day that the rollup task has stored (its `_rolled_up`
mark row exists) is read from KpiRollup; any other day (today, or a day
the task has not reached yet) is computed live from raw rows by the same
parts functions (kpis.selectors.operations, kpis.selectors.outcomes). The
figures come from the merged parts either way (kpis.parts), so a page
reads the same numbers whichever path each day took.

A scope filtered by a channel, team or agent reads that dimension's rollup
rows; at most one filter applies. Keys: "" for the whole brand, the id as a
string, "none" for items without one (a case nobody is assigned to).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count
from django.db.models.functions import TruncDate
from django.utils import timezone

from cases.models import Customer
from kpis.models import KpiRollup, RollupDimension
from kpis.parts import Part, Parts, merge_parts
from kpis.scope import KpiScope, day_start, kpi_settings
from kpis.selectors.operations import backlog_series, operations_figures_from_parts, operations_parts
from kpis.selectors.outcomes import (
    churn_figures,
    churn_risk_list,
    contact_costs,
    outcomes_figures_from_parts,
    outcomes_parts,
)

ROLLED_UP_MARK = "_rolled_up"
BACKLOG = "backlog"
PARTS_FUNCTIONS = (operations_parts, outcomes_parts)
NO_KEY = "none"

Key = tuple[dt.date, str]


def scope_dimension(scope: KpiScope) -> tuple[str, str]:
    """The rollup dimension and key a scope's filter reads."""
    for dimension, value in (
        (RollupDimension.AGENT, scope.agent_id),
        (RollupDimension.TEAM, scope.team_id),
        (RollupDimension.CHANNEL, scope.channel_id),
    ):
        if value is not None:
            return dimension, str(value)
    return RollupDimension.ALL, ""


def rollup_key(dimension: str, key: str) -> str:
    return "" if dimension == RollupDimension.ALL else (key or NO_KEY)


def live_parts(scope: KpiScope, *, dimension: str = RollupDimension.ALL) -> dict[Key, Parts]:
    """Parts of every rolled-up family from raw rows, per (local day, key)."""
    result: dict[Key, Parts] = defaultdict(dict)
    for parts_of in PARTS_FUNCTIONS:
        for (day, key), parts in parts_of(scope, dimension=dimension).items():
            slot = (day, rollup_key(dimension, key))
            result[slot] = merge_parts([result[slot], parts])
    return dict(result)


def _stored(days: list[dt.date], dimension: str, key: str | None) -> tuple[dict[Key, Parts], set[dt.date], dict]:
    """Rollup parts of these days (one query), the days marked rolled up, and stored backlog values."""
    rows = KpiRollup.objects.filter(day__gte=days[0], day__lte=days[-1], dimension__in={dimension, "all"})
    if key is not None and dimension != RollupDimension.ALL:
        rows = rows.filter(dimension_key__in=[key, ""])
    parts: dict[Key, Parts] = defaultdict(dict)
    rolled, backlog = set(), {}
    for day, row_dimension, row_key, metric, count, total, values in rows.values_list(
        "day", "dimension", "dimension_key", "metric", "sample_size", "total", "values"
    ):
        if metric == ROLLED_UP_MARK:
            rolled.add(day)
        elif metric == BACKLOG:
            backlog[(day, row_dimension, row_key)] = count
        elif row_dimension == dimension:
            parts[(day, row_key)][metric] = Part(count=count, total=total, values=values or [])
    return parts, rolled, backlog


def period_parts(scope: KpiScope, *, dimension: str | None = None) -> tuple[dict[Key, Parts], set[dt.date]]:
    """Parts per (day, key) over the scope, rolled-up days from KpiRollup and the others live;
    also the days that were read from rollups. `dimension` None reads the scope's own filter
    (its one key); a dimension reads every key of it (the per-agent and per-team tables)."""
    days = scope.days
    if dimension is None:
        dimension, key = scope_dimension(scope)
    else:
        key = None
    stored, rolled, _backlog = _stored(days, dimension, key)
    # A partial day (today, or a range ending mid-day) is never read from a rollup.
    rolled = {day for day in rolled if scope.start <= day_start(day, scope.zone) and _day_end(day, scope) <= scope.end}
    parts = {slot: named for slot, named in stored.items() if slot[0] in rolled}
    missing = [day for day in days if day not in rolled]
    if missing:
        start = max(scope.start, day_start(missing[0], scope.zone))
        end = min(scope.end, day_start(missing[-1] + dt.timedelta(days=1), scope.zone))
        live_dimension = dimension if key is None else RollupDimension.ALL
        for (day, live_key), named in live_parts(scope.with_period(start, end), dimension=live_dimension).items():
            if day in missing:
                parts[(day, key if key is not None else live_key)] = named
    return parts, rolled


def _day_end(day: dt.date, scope: KpiScope) -> dt.datetime:
    return day_start(day + dt.timedelta(days=1), scope.zone)


def figures_from_parts(parts: Parts, *, costs: dict[str, Decimal], settings) -> dict:
    return operations_figures_from_parts(parts) | outcomes_figures_from_parts(
        parts, costs=costs, cost_per_call=settings.cost_per_call, currency=settings.currency
    )


@dataclass
class Dashboard:
    scope: KpiScope
    previous: KpiScope
    figures: dict
    previous_figures: dict
    series: list[dict] = field(default_factory=list)  # one per local day, oldest first
    churn: dict = field(default_factory=dict)
    churn_risk: list[dict] = field(default_factory=list)
    agents: dict[str, dict] = field(default_factory=dict)  # by key: the agent's figures
    teams: dict[str, dict] = field(default_factory=dict)
    channels: dict[str, dict] = field(default_factory=dict)
    rolled_up_days: int = 0
    live_days: int = 0


def previous_period(scope: KpiScope) -> KpiScope:
    """As many whole local days just before, for the cards' change (whole days, so they are
    read from rollups even when the current period ends now, mid-day)."""
    days = scope.days
    first = days[0] - dt.timedelta(days=len(days))
    return scope.with_period(day_start(first, scope.zone), day_start(days[0], scope.zone))


def kpi_dashboard(scope: KpiScope, *, now: dt.datetime | None = None, tables: bool = True) -> Dashboard:
    """Everything /kpis/ shows for a scope: headline figures and the previous period's, a series
    per day, churn, the churn-risk list and the per-agent, per-team and per-channel tables."""
    now = now or timezone.now()
    settings, costs = kpi_settings(), contact_costs()
    by_day, rolled = period_parts(scope)
    previous = previous_period(scope)
    previous_by_day, _ = period_parts(previous)
    figures = figures_from_parts(merge_parts(by_day.values()), costs=costs, settings=settings)
    board = Dashboard(
        scope=scope,
        previous=previous,
        figures=figures,
        previous_figures=figures_from_parts(merge_parts(previous_by_day.values()), costs=costs, settings=settings),
        rolled_up_days=len(rolled),
        live_days=len(scope.days) - len(rolled),
    )
    backlog = dict(_backlog_by_day(scope, rolled))
    for day in scope.days:
        day_parts = merge_parts(named for (slot_day, _key), named in by_day.items() if slot_day == day)
        board.series.append(
            {"day": day, "backlog": backlog.get(day)} | figures_from_parts(day_parts, costs=costs, settings=settings)
        )
    churned = churned_by_day(scope)
    for row in board.series:
        row["churned"] = churned.get(row["day"], 0)
    board.churn = churn_figures(scope)
    board.churn_risk = churn_risk_list(now=now)
    if tables:
        for dimension, target in (
            (RollupDimension.AGENT, board.agents),
            (RollupDimension.TEAM, board.teams),
            (RollupDimension.CHANNEL, board.channels),
        ):
            unfiltered = KpiScope(start=scope.start, end=scope.end, zone=scope.zone)
            per_key, _ = period_parts(unfiltered, dimension=dimension)
            grouped: dict[str, list[Parts]] = defaultdict(list)
            for (_day, key), named in per_key.items():
                grouped[key].append(named)
            for key, many in grouped.items():
                target[key] = figures_from_parts(merge_parts(many), costs=costs, settings=settings)
    return board


def churned_by_day(scope: KpiScope) -> dict[dt.date, int]:
    """Customers marked churned on each local day of the scope (one query); the brand's, whatever the filter."""
    rows = (
        Customer.objects.filter(churned_at__gte=scope.start, churned_at__lt=scope.end, merged_into__isnull=True)
        .annotate(day=TruncDate("churned_at", tzinfo=scope.zone))
        .values("day")
        .annotate(count=Count("id"))
        .values_list("day", "count")
    )
    return dict(rows)


def _backlog_by_day(scope: KpiScope, rolled: set[dt.date]) -> list[tuple[dt.date, int]]:
    """Open cases at the end of each day: stored for rolled-up days of the whole brand, else live (one query)."""
    dimension, key = scope_dimension(scope)
    if dimension == RollupDimension.ALL and rolled:
        _parts, _rolled, stored = _stored(scope.days, dimension, key)
        found = {day: stored[(day, "all", "")] for day in rolled if (day, "all", "") in stored}
        if len(found) == len(scope.days):
            return sorted(found.items())
        live = dict(backlog_series(scope))
        return sorted((live | found).items())
    return backlog_series(scope)
