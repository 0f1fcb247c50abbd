"""What the KPI pages read: a period's figures from daily rollups for closed days and live parts for the rest.

Owns period_parts(), live_parts(), kpi_dashboard() and the Dashboard it
returns, and churn_risk_cached(). A closed day that the rollup task has stored (its `_rolled_up`
mark row exists) is read from KpiRollup; any other day (today, or a day
the task has not reached yet) is computed live from raw rows by the same
parts functions (kpis.selectors.operations, kpis.selectors.outcomes). The
figures come from the summed parts either way (kpis.parts), so a page
reads the same numbers whichever path each day took.

Reading is built for a million posts: one query reads every rollup row the
page needs (the scope's own key with every metric, one packed `_table` row
per day and agent, team or channel key with what the tables show, and the
brand-wide backlog and churn rows); distributions stay packed until a percentile is
found across the days' sorted runs (kpis.parts), never merged.

Sales leads are read live (scope_lead_figures: one aggregate query per
period, leads.selectors.lead_figures), not rolled up.

A scope filtered by a channel, team or agent reads that dimension's rollup
rows; at most one filter applies. Keys: "" for the whole brand, the id as a
string, "none" for items without one (a case nobody is assigned to).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.cache import cache
from django.db.models import Q
from django.utils import timezone

from kpis.models import KpiRollup, RollupDimension
from kpis.parts import Part, Parts, merge_parts, unpack_parts, unpack_values
from kpis.scope import KpiScope, day_start, kpi_settings
from kpis.selectors.operations import backlog_series, operations_figures_from_parts, operations_parts
from kpis.selectors.outcomes import (
    churn_from_parts,
    churn_parts,
    churn_risk_list,
    churn_snapshot,
    contact_costs,
    outcomes_figures_from_parts,
    outcomes_parts,
)
from leads.models import Lead
from leads.selectors import lead_figures

ROLLED_UP_MARK = "_rolled_up"
BACKLOG = "backlog"
CHURN_ACTIVE = "churn_active_at_start"
CHURN_SOCIAL_ACTIVE = "churn_social_active_at_start"
CHURNED = ("churned", "churned_social")
BRAND_METRICS = (ROLLED_UP_MARK, BACKLOG, CHURN_ACTIVE, CHURN_SOCIAL_ACTIVE, *CHURNED)
PARTS_FUNCTIONS = (operations_parts, outcomes_parts)
NO_KEY = "none"
TABLE_DIMENSIONS = (RollupDimension.AGENT, RollupDimension.TEAM, RollupDimension.CHANNEL)
TABLE_ROW = "_table"
# What the per-agent, team and channel tables show (kpis.views._row), so only these are read for them.
TABLE_METRICS = (
    "first_response_minutes",
    "resolutions",
    "resolution_minutes",
    "surveys_answered",
    "surveys_satisfied",
    "sla:first_response:achieved",
    "sla:first_response:breached",
    "sla:resolution:achieved",
    "sla:resolution:breached",
)

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


@dataclass
class _Stored:
    """What one read of the rollups found for some days."""

    parts: dict[tuple[str, dt.date, str], Parts] = field(default_factory=lambda: defaultdict(dict))
    brand: dict[dt.date, dict[str, int]] = field(default_factory=lambda: defaultdict(dict))

    def rolled(self) -> set[dt.date]:
        return {day for day, metrics in self.brand.items() if ROLLED_UP_MARK in metrics}


def _read(days: list[dt.date], wanted: list[tuple[str, str | None, tuple[str, ...] | None]]) -> _Stored:
    """One query: rollup rows of these days for each (dimension, key or every key, metrics or
    all of them), plus the brand-wide marks, backlog and churn rows."""
    condition = Q(dimension=RollupDimension.ALL, metric__in=BRAND_METRICS)
    for dimension, key, metrics in wanted:
        part = Q(dimension=dimension)
        if key is not None:
            part &= Q(dimension_key=key)
        if metrics is not None:
            part &= Q(metric__in=metrics)
        condition |= part
    stored = _Stored()
    rows = KpiRollup.objects.filter(condition, day__gte=days[0], day__lte=days[-1]).values_list(
        "day", "dimension", "dimension_key", "metric", "sample_size", "total", "packed_values"
    )
    for day, dimension, key, metric, count, total, packed in rows:
        if metric == TABLE_ROW:
            stored.parts[(dimension, day, key)] = unpack_parts(packed, TABLE_METRICS)
            continue
        if dimension == RollupDimension.ALL and metric in BRAND_METRICS:
            stored.brand[day][metric] = count
            if metric not in CHURNED:
                continue
        values = unpack_values(packed)
        stored.parts[(dimension, day, key)][metric] = Part(count=count, total=total, runs=[values] if values else [])
    return stored


def _complete_days(scope: KpiScope, rolled: set[dt.date]) -> set[dt.date]:
    """Rolled-up days wholly inside the scope: a partial day (today) is never read from a rollup."""
    return {
        day
        for day in rolled
        if scope.start <= day_start(day, scope.zone) and day_start(day + dt.timedelta(days=1), scope.zone) <= scope.end
    }


def _live_range(scope: KpiScope, missing: list[dt.date]) -> KpiScope:
    start = max(scope.start, day_start(missing[0], scope.zone))
    end = min(scope.end, day_start(missing[-1] + dt.timedelta(days=1), scope.zone))
    return scope.with_period(start, end)


def period_parts(
    scope: KpiScope, *, dimension: str | None = None, stored: _Stored | None = None
) -> tuple[dict[Key, Parts], set[dt.date]]:
    """Parts per (day, key) over the scope, rolled-up days from KpiRollup and the others live;
    also the days read from rollups. `dimension` None reads the scope's own filter (its one
    key); a dimension reads every key of it (the tables). `stored` is a read already made."""
    days = scope.days
    key: str | None
    if dimension is None:
        dimension, key = scope_dimension(scope)
    else:
        key = None
    if stored is None:
        stored = _read(days, [(dimension, key, None)])
    rolled = _complete_days(scope, stored.rolled())
    parts = {
        (day, row_key): named
        for (row_dimension, day, row_key), named in stored.parts.items()
        if row_dimension == dimension and day in rolled and (key is None or row_key == key)
    }
    missing = [day for day in days if day not in rolled]
    if missing:
        live_dimension = dimension if key is None else RollupDimension.ALL
        for (day, live_key), named in live_parts(_live_range(scope, missing), dimension=live_dimension).items():
            if day in missing:
                parts[(day, key if key is not None else live_key)] = named
    return parts, rolled


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
    leads: dict = field(default_factory=dict)  # leads.selectors.lead_figures of the period, live
    previous_leads: dict = field(default_factory=dict)


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
    dimension, key = scope_dimension(scope)
    wanted = [(dimension, key, None)]
    if tables:
        wanted += [(table, None, (TABLE_ROW,)) for table in TABLE_DIMENSIONS]
    stored = _read(scope.days, wanted)
    by_day, rolled = period_parts(scope, stored=stored)
    previous = previous_period(scope)
    previous_by_day, _ = period_parts(previous)

    def figures_of(parts: Parts) -> dict:
        return figures_from_parts(parts, costs=costs, settings=settings)

    board = Dashboard(
        scope=scope,
        previous=previous,
        figures=figures_of(merge_parts(by_day.values())),
        previous_figures=figures_of(merge_parts(previous_by_day.values())),
        rolled_up_days=len(rolled),
        live_days=len(scope.days) - len(rolled),
    )
    churned = _churned_by_day(scope, stored, rolled)
    backlog = _backlog_by_day(scope, stored, rolled)
    for day in scope.days:
        day_parts = merge_parts(named for (slot_day, _key), named in by_day.items() if slot_day == day)
        board.series.append(
            {"day": day, "backlog": backlog.get(day), "churned": churned[day]["churned"].count if day in churned else 0}
            | figures_of(day_parts)
        )
    board.leads = scope_lead_figures(scope)
    board.previous_leads = scope_lead_figures(previous)
    board.churn = churn_from_parts(_churn_snapshot(scope, stored, rolled), merge_parts(churned.values()))
    board.churn_risk = churn_risk_cached(now=now)
    if tables:
        unfiltered = KpiScope(start=scope.start, end=scope.end, zone=scope.zone)
        for table, target in zip(TABLE_DIMENSIONS, (board.agents, board.teams, board.channels), strict=True):
            per_key, _ = period_parts(unfiltered, dimension=table, stored=stored)
            grouped: dict[str, list[Parts]] = defaultdict(list)
            for (_day, row_key), named in per_key.items():
                grouped[row_key].append(named)
            for row_key, many in grouped.items():
                target[row_key] = figures_of(merge_parts(many))
    return board


def scope_lead_figures(scope: KpiScope) -> dict:
    """Sales leads of the scope's period, live from Lead (one aggregate query on its created_at and
    closed_at indexes; no rollup: leads are few). A channel filter reads the post's channel; a team
    or agent filter (and an agent's own numbers) the leads of that team's or agent's cases, so a
    lead without a case counts only for the brand and its channel."""
    leads = Lead.objects.all()
    if scope.channel_id is not None:
        leads = leads.filter(channel_id=scope.channel_id)
    if scope.team_id is not None:
        leads = leads.filter(case__team_id=scope.team_id)
    if scope.agent_id is not None:
        leads = leads.filter(case__assignee_id=scope.agent_id)
    return lead_figures(start=scope.start, end=scope.end, leads=leads)


# The churn-risk list reads every customer with an open case or a bad month (5 s at a million
# posts): the beat task kpis.refresh_churn_risk recomputes it every few minutes into the cache,
# and a page that finds nothing there computes it once for the others.
CHURN_RISK_CACHE_KEY = "kpis:churn-risk:v1"
CHURN_RISK_TTL_SECONDS = 15 * 60


def churn_risk_cached(*, now: dt.datetime | None = None) -> list[dict]:
    rows = cache.get(CHURN_RISK_CACHE_KEY)
    if rows is None:
        rows = churn_risk_list(now=now or timezone.now())
        cache.set(CHURN_RISK_CACHE_KEY, rows, CHURN_RISK_TTL_SECONDS)
    return rows


def _churned_by_day(scope: KpiScope, stored: _Stored, rolled: set[dt.date]) -> dict[dt.date, Parts]:
    """Customers churned per day (the brand's, whatever the filter): stored, or live for the other days."""
    churned = {}
    for day in rolled:
        brand = stored.parts.get((RollupDimension.ALL, day, ""), {})
        if CHURNED[0] in brand:
            churned[day] = {name: brand[name] for name in CHURNED if name in brand}
    missing = [day for day in scope.days if day not in rolled]
    if missing:
        churned |= {day: parts for day, parts in churn_parts(_live_range(scope, missing)).items() if day in missing}
    return churned


def _churn_snapshot(scope: KpiScope, stored: _Stored, rolled: set[dt.date]) -> dict[str, int]:
    """Customers active at the scope's start: the first day's stored snapshot, else counted now."""
    first = scope.days[0]
    metrics = stored.brand.get(first, {})
    if first in rolled and CHURN_ACTIVE in metrics:
        return {"active": metrics[CHURN_ACTIVE], "social_active": metrics.get(CHURN_SOCIAL_ACTIVE, 0)}
    return churn_snapshot(scope.start)


def _backlog_by_day(scope: KpiScope, stored: _Stored, rolled: set[dt.date]) -> dict[dt.date, int]:
    """Open cases at the end of each day: stored for rolled-up days of the whole brand, else live (one query)."""
    dimension, _key = scope_dimension(scope)
    if dimension == RollupDimension.ALL:
        found = {day: stored.brand[day][BACKLOG] for day in rolled if BACKLOG in stored.brand.get(day, {})}
        if len(found) == len(scope.days):
            return found
        return dict(backlog_series(scope)) | found
    return dict(backlog_series(scope))
