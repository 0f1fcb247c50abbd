"""Operations KPIs: response and resolution times, response rate, reopens, volume, SLA compliance, backlog.

Owns the read layer of these families, in two shapes that must agree:
operations_figures(scope) computes every figure from raw rows in the
database (a constant number of queries, whatever the data size), and
operations_parts(scope) returns the same items as additive parts per local
day and dimension key, which operations_figures_from_parts() turns back
into the same figures after kpis.parts.merge_parts(). backlog_series(scope)
gives the open cases at the end of each day. Reads only; the rollup task
and the pages are built on top of these functions elsewhere.

Definitions (an item is attributed to the local day, in scope.zone, of the
instant named below, and to a dimension key: channel = the case's
origin_channel_id (for posts, the post's channel_id), team = case.team_id,
agent = case.assignee_id, as strings; "" for RollupDimension.ALL and for an
item with no channel, team or agent). Merged cases (merged_into set) are
left out everywhere, with their posts, events and clocks; posts without a
case count where a case is not needed (volume).

1. First response, at first_responded_at: cases whose first_responded_at is
   in the scope (and first_message_at is set). Calendar minutes =
   first_responded_at - first_message_at. Business minutes = business_minutes
   of the case's SLAClock (first_response, cycle 1) when stopped; cases without
   such a clock, or without business_minutes, are left out of the business
   figures only. Figures: count, median, p90, mean; buckets by calendar
   minutes, lower bound inclusive: <15 min, 15-60 min, 1-4 h, 4-24 h, >=24 h.
2. Response rate, at posted_at: actionable posts = inbound SocialPost with a
   case, not deleted, posted in the scope; answered = its case's
   last_responded_at >= the post's posted_at. rate = answered / actionable.
3. Resolution, at resolved_at: cases whose resolved_at is in the scope and
   status is resolved or closed (count = resolutions). Calendar minutes =
   resolved_at - first_message_at (cases without first_message_at count as
   resolutions but have no minutes); business minutes = the stopped
   resolution clock's (cycle 1) business_minutes.
4. Reopen rate, at occurred_at: reopens = status_change CaseEvents whose
   payload goes from a done status to an open one, in the scope;
   rate = reopens / resolutions of item 3.
5. Volume: inbound posts posted in the scope, not deleted, by channel_id,
   engagement_type and intent; new cases by created_at, by origin channel,
   engagement_type and intent.
6. SLA compliance per target (first_response, next_response, resolution),
   over clocks with a target: a due_at, or (a resolution clock stopped
   before its target was used up, which cases.sla leaves without a due
   time) a policy with a resolution target. A clock is decided when it stopped (at
   stopped_at: achieved if not breached, breached if breached) or, not
   stopped (running or paused), when it breached (at due_at, if breached).
   compliance = achieved / (achieved + breached). Breaches (all targets) are
   also counted by case.team_id and by clock.policy_id.
7. Backlog: open cases at the end of a local day (capped at scope.end for a
   partial last day) = cases created before that instant and not (resolved_at
   before it and status resolved or closed). Approximation: only the current
   row is read, not the status history. Reopening clears resolved_at, so a
   case resolved on Monday and reopened on Friday counts as open on Monday to
   Thursday too; a case resolved, reopened and resolved again counts as open
   until its last resolution. The past backlog is therefore slightly
   overstated around reopens; never understated by them.

Percentiles are kpis.scope.percentile's (linear interpolation at
p*(n-1), PostgreSQL's percentile_cont). In the database they are computed
with window functions (ROW_NUMBER and COUNT over the values) that run on
PostgreSQL and SQLite, since SQLite has no percentile_cont: the rows at
positions floor(p*(n-1)) and the next are interpolated, with the position
in exact integer arithmetic (p is a fraction num/den).

Part names (kpis.parts.Part; values parts hold every value, count parts a count):
  first_response_minutes, first_response_business_minutes (values);
  actionable_posts, answered_posts (counts);
  resolutions (count), resolution_minutes, resolution_business_minutes (values);
  reopens (count);
  inbound_posts, inbound_posts:channel:<id>, inbound_posts:engagement:<value>,
  inbound_posts:intent:<value> (counts);
  new_cases, new_cases:channel:<id>, new_cases:engagement:<value>,
  new_cases:intent:<value> (counts);
  sla:<target>:achieved, sla:<target>:breached,
  sla_breaches:team:<id>, sla_breaches:policy:<id> (counts).
<id> is "" when the item has none (a case without a team, a clock without a policy).
A (day, key) holds only the names it has items for.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db import connections
from django.db.models import Case as SqlCase
from django.db.models import Count, F, FilteredRelation, FloatField, Func, Q, QuerySet, Window
from django.db.models import When as SqlWhen
from django.db.models.functions import RowNumber, TruncDate
from django.db.models.lookups import IsNull

from cases.choices import DONE_STATUSES, OPEN_STATUSES, CaseEventKind, ClockState, SLATarget
from cases.models import Case, CaseEvent, SLAClock
from channels_app.choices import Direction
from channels_app.models import SocialPost
from kpis.models import RollupDimension
from kpis.parts import Part, Parts, share
from kpis.scope import KpiScope, day_start

# (name, lower bound in minutes), ascending; a bucket runs to the next bound.
FIRST_RESPONSE_BUCKETS = (("lt_15m", 0), ("15m_1h", 15), ("1h_4h", 60), ("4h_24h", 240), ("gte_24h", 1440))

# Percentiles as exact fractions num/den, so the database finds the position with integer arithmetic.
_MEDIAN = (1, 2)
_P90 = (9, 10)

SLA_TARGETS = tuple(SLATarget.values)


# --- expressions --------------------------------------------------------------


class MinutesBetween(Func):
    """(later - earlier) in calendar minutes, as a float, to the microsecond; NULL if either is NULL."""

    arity = 2
    output_field = FloatField()

    def as_sql(self, compiler, connection, **extra_context):
        return super().as_sql(
            compiler,
            connection,
            template="CAST(EXTRACT(EPOCH FROM (%(expressions)s)) AS DOUBLE PRECISION) / 60",
            arg_joiner=" - ",
            **extra_context,
        )

    def as_sqlite(self, compiler, connection, **extra_context):
        # Django's own SQLite function for datetime subtraction: microseconds, exact.
        return super().as_sql(
            compiler,
            connection,
            template="django_timestamp_diff(%(expressions)s) / 60000000.0",
            arg_joiner=", ",
            **extra_context,
        )


@dataclass(frozen=True, slots=True)
class _Paths:
    """Where a model finds the channel, team, agent and merge mark of the case it is about."""

    channel: str
    team: str
    agent: str
    merged: str

    def key(self, dimension: str) -> str | None:
        return {
            RollupDimension.CHANNEL: self.channel,
            RollupDimension.TEAM: self.team,
            RollupDimension.AGENT: self.agent,
        }.get(dimension)


_CASE = _Paths("origin_channel_id", "team_id", "assignee_id", "merged_into")
_POST = _Paths("channel_id", "case__team_id", "case__assignee_id", "case__merged_into")
_VIA_CASE = _Paths("case__origin_channel_id", "case__team_id", "case__assignee_id", "case__merged_into")


def _scoped(queryset: QuerySet, scope: KpiScope, paths: _Paths) -> QuerySet:
    # For posts, case__merged_into IS NULL also holds when the post has no case
    # (LEFT JOIN): caseless posts stay, posts of merged cases go.
    queryset = queryset.filter(**{f"{paths.merged}__isnull": True})
    for path, wanted in ((paths.channel, scope.channel_id), (paths.team, scope.team_id), (paths.agent, scope.agent_id)):
        if wanted is not None:
            queryset = queryset.filter(**{path: wanted})
    return queryset.order_by()


def _during(field: str, scope: KpiScope) -> Q:
    return Q(**{f"{field}__gte": scope.start, f"{field}__lt": scope.end})


def _key(value) -> str:
    return "" if value is None else str(value)


# --- the items of each family, as querysets -----------------------------------


def _first_response_cases(scope: KpiScope) -> QuerySet:
    cases = Case.objects.filter(_during("first_responded_at", scope), first_message_at__isnull=False)
    # One clock per (case, target, cycle): the join adds no rows.
    return (
        _scoped(cases, scope, _CASE)
        .annotate(
            fr_clock=FilteredRelation(
                "sla_clocks",
                condition=Q(
                    sla_clocks__target=SLATarget.FIRST_RESPONSE,
                    sla_clocks__cycle=1,
                    sla_clocks__state=ClockState.STOPPED,
                ),
            )
        )
        .annotate(
            minutes=MinutesBetween("first_responded_at", "first_message_at"),
            business=F("fr_clock__business_minutes"),
        )
    )


def _resolved_cases(scope: KpiScope) -> QuerySet:
    cases = Case.objects.filter(_during("resolved_at", scope), status__in=DONE_STATUSES)
    return (
        _scoped(cases, scope, _CASE)
        .annotate(
            res_clock=FilteredRelation(
                "sla_clocks",
                condition=Q(
                    sla_clocks__target=SLATarget.RESOLUTION,
                    sla_clocks__cycle=1,
                    sla_clocks__state=ClockState.STOPPED,
                ),
            )
        )
        .annotate(
            minutes=MinutesBetween("resolved_at", "first_message_at"),
            business=F("res_clock__business_minutes"),
        )
    )


def _actionable_posts(scope: KpiScope) -> QuerySet:
    posts = SocialPost.objects.filter(
        _during("posted_at", scope), direction=Direction.INBOUND, case__isnull=False, deleted_at__isnull=True
    )
    return _scoped(posts, scope, _POST)


_ANSWERED = Q(case__last_responded_at__gte=F("posted_at"))


def _reopen_events(scope: KpiScope) -> QuerySet:
    events = CaseEvent.objects.filter(
        _during("occurred_at", scope),
        kind=CaseEventKind.STATUS_CHANGE,
        payload__from__in=list(DONE_STATUSES),
        payload__to__in=list(OPEN_STATUSES),
    )
    return _scoped(events, scope, _VIA_CASE)


def _inbound_posts(scope: KpiScope) -> QuerySet:
    posts = SocialPost.objects.filter(_during("posted_at", scope), direction=Direction.INBOUND, deleted_at__isnull=True)
    return _scoped(posts, scope, _POST)


def _new_cases(scope: KpiScope) -> QuerySet:
    return _scoped(Case.objects.filter(_during("created_at", scope)), scope, _CASE)


def _decided_clocks(scope: KpiScope) -> QuerySet:
    stopped = Q(state=ClockState.STOPPED)
    # A resolution clock stopped before its target was used up has no due time (cases.sla
    # finds none in its windows): its policy's target says it had one, and it was met.
    has_target = Q(due_at__isnull=False) | Q(
        target=SLATarget.RESOLUTION, state=ClockState.STOPPED, policy__resolution_minutes__isnull=False
    )
    clocks = SLAClock.objects.filter(has_target).filter(
        (stopped & _during("stopped_at", scope)) | (~stopped & Q(breached=True) & _during("due_at", scope))
    )
    return _scoped(clocks, scope, _VIA_CASE)


_CLOCK_DECIDED_AT = SqlCase(SqlWhen(state=ClockState.STOPPED, then=F("stopped_at")), default=F("due_at"))
_ACHIEVED = Count("id", filter=Q(state=ClockState.STOPPED, breached=False))
_BREACHED = Count("id", filter=Q(breached=True))


# --- figures from raw rows ----------------------------------------------------


def operations_figures(scope: KpiScope) -> dict:
    """Every operations figure over the whole scope, from raw rows, in seven queries.

    Filtered by the scope's channel, team or agent when set. Numbers are
    plain ints and floats; None where a figure has no data.
    """
    first = _distribution(
        _first_response_cases(scope),
        ("minutes", "business"),
        buckets={name: bound for name, bound in FIRST_RESPONSE_BUCKETS},
    )
    resolution = _distribution(_resolved_cases(scope), ("minutes", "business"), count_rows=True)
    rate = _actionable_posts(scope).aggregate(actionable=Count("id"), answered=Count("id", filter=_ANSWERED))
    reopens = _reopen_events(scope).count()

    posts = _inbound_posts(scope).values("channel_id", "engagement_type", "intent").annotate(n=Count("id"))
    cases = _new_cases(scope).values("origin_channel_id", "engagement_type", "intent").annotate(n=Count("id"))
    clocks = (
        _decided_clocks(scope)
        .values("target", "case__team_id", "policy_id")
        .annotate(achieved=_ACHIEVED, breached=_BREACHED)
    )

    volume = {
        "inbound_posts": 0,
        "new_cases": 0,
        "posts_by_channel": defaultdict(int),
        "posts_by_engagement": defaultdict(int),
        "posts_by_intent": defaultdict(int),
        "cases_by_channel": defaultdict(int),
        "cases_by_engagement": defaultdict(int),
        "cases_by_intent": defaultdict(int),
    }
    # Grouped in the database; the groups are few (channels x engagement types x intents).
    for row in posts:
        volume["inbound_posts"] += row["n"]
        volume["posts_by_channel"][_key(row["channel_id"])] += row["n"]
        volume["posts_by_engagement"][row["engagement_type"]] += row["n"]
        volume["posts_by_intent"][row["intent"]] += row["n"]
    for row in cases:
        volume["new_cases"] += row["n"]
        volume["cases_by_channel"][_key(row["origin_channel_id"])] += row["n"]
        volume["cases_by_engagement"][row["engagement_type"]] += row["n"]
        volume["cases_by_intent"][row["intent"]] += row["n"]

    achieved = defaultdict(int)
    breached = defaultdict(int)
    by_team = defaultdict(int)
    by_policy = defaultdict(int)
    for row in clocks:
        achieved[row["target"]] += row["achieved"]
        breached[row["target"]] += row["breached"]
        if row["breached"]:
            by_team[_key(row["case__team_id"])] += row["breached"]
            by_policy[_key(row["policy_id"])] += row["breached"]

    resolutions = resolution.pop("rows")
    return {
        "first_response": {
            **_times(first["minutes"], first["business"]),
            "buckets": {name: first["buckets"][name] for name, _ in FIRST_RESPONSE_BUCKETS},
        },
        "response_rate": {
            "actionable": rate["actionable"],
            "answered": rate["answered"],
            "rate": rate["answered"] / rate["actionable"] if rate["actionable"] else None,
        },
        "resolution": {**_times(resolution["minutes"], resolution["business"]), "count": resolutions},
        "reopen": {
            "reopens": reopens,
            "resolutions": resolutions,
            "rate": reopens / resolutions if resolutions else None,
        },
        "volume": {name: dict(value) if isinstance(value, dict) else value for name, value in volume.items()},
        "sla": _sla(achieved, breached, by_team, by_policy),
    }


def _times(minutes: dict, business: dict) -> dict:
    return {
        "count": minutes["count"],
        "median": minutes["median"],
        "p90": minutes["p90"],
        "mean": minutes["mean"],
        "business_count": business["count"],
        "business_median": business["median"],
        "business_p90": business["p90"],
        "business_mean": business["mean"],
    }


def _sla(achieved, breached, by_team, by_policy) -> dict:
    figures: dict = {}
    for target in SLA_TARGETS:
        decided = achieved[target] + breached[target]
        figures[target] = {
            "achieved": achieved[target],
            "breached": breached[target],
            "compliance": achieved[target] / decided if decided else None,
        }
    figures["breaches_by_team"] = {key: n for key, n in by_team.items() if n}
    figures["breaches_by_policy"] = {key: n for key, n in by_policy.items() if n}
    return figures


def _distribution(
    queryset: QuerySet,
    columns: tuple[str, ...],
    *,
    buckets: dict[str, float] | None = None,
    count_rows: bool = False,
) -> dict:
    """count, mean, median and p90 of each annotated column (NULLs left out), in one query.

    The annotated queryset is numbered by window functions, then one
    aggregate over it picks the rows around each percentile position.
    `buckets` (name: lower bound, ascending) count the first column's values;
    `count_rows` adds the number of rows, NULLs included, as "rows".
    """
    windows = {}
    for column in columns:
        # NULLs get their own partition, so the numbering of values is the same
        # whichever end a backend sorts NULLs to.
        windows[f"{column}_rn"] = Window(RowNumber(), partition_by=[IsNull(F(column), True)], order_by=F(column).asc())
        windows[f"{column}_n"] = Window(Count(column))
    numbered = queryset.annotate(**windows).values(*columns, *windows)
    connection = connections[numbered.db]
    inner_sql, params = numbered.query.get_compiler(using=numbered.db).as_sql()
    quote = connection.ops.quote_name

    select: list[str] = []
    for column in columns:
        value, rn, n = quote(column), quote(f"{column}_rn"), quote(f"{column}_n")
        select += [f"COUNT({value})", f"AVG({value})"]
        select += [_percentile_sql(value, rn, n, num, den) for num, den in (_MEDIAN, _P90)]
    if buckets:
        value = quote(columns[0])
        bounds = list(buckets.values())
        for index, low in enumerate(bounds):
            condition = f"{value} >= {float(low)!r}"
            if index + 1 < len(bounds):
                condition += f" AND {value} < {float(bounds[index + 1])!r}"
            select.append(f"COUNT(CASE WHEN {condition} THEN 1 END)")
    if count_rows:
        select.append("COUNT(*)")

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(select)} FROM ({inner_sql}) AS numbered", params)
        row = list(cursor.fetchone())

    result: dict = {}
    for column in columns:
        count, mean, median, p90 = row[:4]
        del row[:4]
        result[column] = {"count": count, "mean": _float(mean), "median": _float(median), "p90": _float(p90)}
    if buckets:
        result["buckets"] = dict(zip(buckets, row[: len(buckets)], strict=True))
        del row[: len(buckets)]
    if count_rows:
        result["rows"] = row.pop(0)
    return result


def _percentile_sql(value: str, rn: str, n: str, num: int, den: int) -> str:
    """SQL for the num/den percentile of `value`, given its row number `rn` (from 1) and count `n`.

    Position p*(n-1) = num*(n-1)/den: its floor by integer division, its
    fraction exactly; the rows at floor+1 and floor+2 are interpolated (the
    upper one is missing only when the fraction is 0).
    """
    low = f"(({num} * ({n} - 1)) / {den})"
    fraction = f"(CAST({num} * ({n} - 1) - {den} * {low} AS DOUBLE PRECISION) / {den})"
    at_low = f"MAX(CASE WHEN {value} IS NOT NULL AND {rn} = {low} + 1 THEN {value} END)"
    at_high = f"MAX(CASE WHEN {value} IS NOT NULL AND {rn} = {low} + 2 THEN {value} END)"
    weight = f"MAX(CASE WHEN {value} IS NOT NULL AND {rn} = {low} + 1 THEN {fraction} END)"
    return f"({at_low} + (COALESCE({at_high}, {at_low}) - {at_low}) * {weight})"


def _float(value) -> float | None:
    return None if value is None else float(value)


# --- parts per day and dimension ----------------------------------------------


def operations_parts(scope: KpiScope, *, dimension: str = RollupDimension.ALL) -> dict[tuple[dt.date, str], Parts]:
    """The items of every family as Parts per (local day, dimension key), one query per family.

    Keys are "" for RollupDimension.ALL, else the channel, team or agent id
    as a string ("" when the item has none). Honours the scope's filter.
    """
    if dimension not in RollupDimension.values:
        raise ValueError(f"Unknown dimension {dimension!r}.")
    parts: dict[tuple[dt.date, str], dict[str, list | int]] = defaultdict(dict)

    def grouped(queryset: QuerySet, at, paths: _Paths, *fields: str, **aggregates):
        """Rows of (day, key, *fields) with their aggregates, keyed by (day, key)."""
        key_path = paths.key(dimension)
        queryset = queryset.annotate(kpi_day=TruncDate(at, tzinfo=scope.zone))
        names = ["kpi_day", *([key_path] if key_path else []), *fields]
        rows = queryset.values(*names).annotate(**aggregates) if aggregates else queryset.values(*names)
        for row in rows:
            yield (row["kpi_day"], _key(row[key_path]) if key_path else ""), row

    def add_values(slot: tuple, name: str, value) -> None:
        if value is not None:
            parts[slot].setdefault(name, []).append(value)

    def add_count(slot: tuple, name: str, count: int) -> None:
        if count:
            parts[slot][name] = parts[slot].get(name, 0) + count

    for slot, row in grouped(_first_response_cases(scope), "first_responded_at", _CASE, "minutes", "business"):
        add_values(slot, "first_response_minutes", row["minutes"])
        add_values(slot, "first_response_business_minutes", row["business"])

    rate = {"actionable": Count("id"), "answered": Count("id", filter=_ANSWERED)}
    for slot, row in grouped(_actionable_posts(scope), "posted_at", _POST, **rate):
        add_count(slot, "actionable_posts", row["actionable"])
        add_count(slot, "answered_posts", row["answered"])

    for slot, row in grouped(_resolved_cases(scope), "resolved_at", _CASE, "minutes", "business"):
        add_count(slot, "resolutions", 1)
        add_values(slot, "resolution_minutes", row["minutes"])
        add_values(slot, "resolution_business_minutes", row["business"])

    for slot, row in grouped(_reopen_events(scope), "occurred_at", _VIA_CASE, n=Count("id")):
        add_count(slot, "reopens", row["n"])

    post_fields = ("channel_id", "engagement_type", "intent")
    for slot, row in grouped(_inbound_posts(scope), "posted_at", _POST, *post_fields, n=Count("id")):
        add_count(slot, "inbound_posts", row["n"])
        add_count(slot, f"inbound_posts:channel:{_key(row['channel_id'])}", row["n"])
        add_count(slot, f"inbound_posts:engagement:{row['engagement_type']}", row["n"])
        add_count(slot, f"inbound_posts:intent:{row['intent']}", row["n"])

    case_fields = ("origin_channel_id", "engagement_type", "intent")
    for slot, row in grouped(_new_cases(scope), "created_at", _CASE, *case_fields, n=Count("id")):
        add_count(slot, "new_cases", row["n"])
        add_count(slot, f"new_cases:channel:{_key(row['origin_channel_id'])}", row["n"])
        add_count(slot, f"new_cases:engagement:{row['engagement_type']}", row["n"])
        add_count(slot, f"new_cases:intent:{row['intent']}", row["n"])

    clock_fields = ("target", "case__team_id", "policy_id")
    for slot, row in grouped(
        _decided_clocks(scope), _CLOCK_DECIDED_AT, _VIA_CASE, *clock_fields, achieved=_ACHIEVED, breached=_BREACHED
    ):
        add_count(slot, f"sla:{row['target']}:achieved", row["achieved"])
        add_count(slot, f"sla:{row['target']}:breached", row["breached"])
        add_count(slot, f"sla_breaches:team:{_key(row['case__team_id'])}", row["breached"])
        add_count(slot, f"sla_breaches:policy:{_key(row['policy_id'])}", row["breached"])

    return {
        slot: {
            name: Part.of_values(content) if isinstance(content, list) else Part.of_count(content)
            for name, content in named.items()
        }
        for slot, named in parts.items()
        if named
    }


# --- figures from parts -------------------------------------------------------


def operations_figures_from_parts(parts: Parts) -> dict:
    """The figures of operations_figures() from (merged) parts. Pure: no database."""

    def count(name: str) -> int:
        return parts[name].count if name in parts else 0

    def values(name: str) -> Part:
        return parts.get(name) or Part()

    def by(prefix: str) -> dict[str, int]:
        return {
            name[len(prefix) :]: part.count for name, part in parts.items() if name.startswith(prefix) and part.count
        }

    first = values("first_response_minutes")
    buckets = {}
    bounds = [bound for _, bound in FIRST_RESPONSE_BUCKETS]
    for index, (name, low) in enumerate(FIRST_RESPONSE_BUCKETS):
        high = bounds[index + 1] if index + 1 < len(bounds) else None
        buckets[name] = first.count_between(low, high)

    resolutions = count("resolutions")
    reopens = count("reopens")
    achieved = {target: count(f"sla:{target}:achieved") for target in SLA_TARGETS}
    breached = {target: count(f"sla:{target}:breached") for target in SLA_TARGETS}
    return {
        "first_response": {
            **_times(_summary(first), _summary(values("first_response_business_minutes"))),
            "buckets": buckets,
        },
        "response_rate": {
            "actionable": count("actionable_posts"),
            "answered": count("answered_posts"),
            "rate": share(parts.get("answered_posts"), parts.get("actionable_posts")),
        },
        "resolution": {
            **_times(_summary(values("resolution_minutes")), _summary(values("resolution_business_minutes"))),
            "count": resolutions,
        },
        "reopen": {
            "reopens": reopens,
            "resolutions": resolutions,
            "rate": reopens / resolutions if resolutions else None,
        },
        "volume": {
            "inbound_posts": count("inbound_posts"),
            "new_cases": count("new_cases"),
            "posts_by_channel": by("inbound_posts:channel:"),
            "posts_by_engagement": by("inbound_posts:engagement:"),
            "posts_by_intent": by("inbound_posts:intent:"),
            "cases_by_channel": by("new_cases:channel:"),
            "cases_by_engagement": by("new_cases:engagement:"),
            "cases_by_intent": by("new_cases:intent:"),
        },
        "sla": _sla(achieved, breached, by("sla_breaches:team:"), by("sla_breaches:policy:")),
    }


def _summary(part: Part) -> dict:
    """Count, mean and percentiles of a distribution part, found across its sorted runs (kpis.parts)."""
    size = part.size
    return {
        "count": size,
        "mean": part.total / size if size else None,
        "median": part.percentile(0.5),
        "p90": part.percentile(0.9),
    }


# --- backlog ------------------------------------------------------------------


def backlog_series(scope: KpiScope) -> list[tuple[dt.date, int]]:
    """Open cases at the end of each local day of the scope (see 7. above), in one query."""
    days = scope.days
    ends = [min(day_start(day + dt.timedelta(days=1), scope.zone), scope.end) for day in days]
    cases = _scoped(Case.objects.filter(created_at__lt=scope.end), scope, _CASE)
    counts = cases.aggregate(
        **{
            f"day_{index}": Count(
                "id", filter=Q(created_at__lt=end) & ~Q(resolved_at__lt=end, status__in=DONE_STATUSES)
            )
            for index, end in enumerate(ends)
        }
    )
    return [(day, counts[f"day_{index}"]) for index, day in enumerate(days)]
