"""SLA scan benchmark: one pass of cases.services.sla_scan over a world of open cases, on PostgreSQL.

Usage: python -m bench.sla [--open-cases 200000] [--passes 30] [--url postgres://...]
The database (--url, else BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/socialcrm_bench)
is dropped and re-created, whatever `make bench`'s SIZE: the goal is stated for 200,000 open cases.

The world: the demo's configuration (calendars, teams, SLA policies), three channels,
customers, and --open-cases open cases (new, open, pending, on hold) whose clocks are
planned by cases.sla.plan_clocks from a short synthetic timeline (first message, replies,
a follow-up, a status change), as ingestion plans them; case ages are skewed recent over the
last 7 days, as open cases are. Alerts due before the anchor are recorded, as the scan would
have by then, so each minute after it brings the alerts that come due in that minute. Written
with COPY (channels_app.pipeline.bulk.insert_rows), then VACUUM ANALYZE.

Measured, in this process: `sla_scan(now=T)` for T the anchor plus 1, 2, ... minutes (WARM_UP
passes, then --passes measured): wall time, alerts recorded and SQL queries per pass; a pass
with nothing due; a backlog pass where BACKLOG cases are due at once (the scan was down for a
few minutes); and EXPLAIN (ANALYZE, BUFFERS) of the scan's selecting query, reported as plan
nodes and index names (whether it is an index scan on case_open_next_alert_idx). Prints one
JSON object.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import random
import statistics
import sys
import time

from bench.ingest import DEFAULT_URL, _django, _reset_database

WARM_UP = 3
IDLE_PASSES = 10
BACKLOG = 2000
BATCH_SIZE = 500
CHUNK = 20_000
SEED = 20261125
ALERT_INDEX = "case_open_next_alert_idx"
MAX_AGE_MINUTES = 7 * 24 * 60
# Mean age of an open case in each status, in hours: untouched cases are recent.
STATUS_AGE_HOURS = {"new": 4, "open": 30, "pending": 48, "on_hold": 60}
# Few untouched cases: with their short ages, a larger share would mean more new cases a day
# than the rest of the world could have come from.
STATUS_WEIGHTS = {"new": 8, "open": 50, "pending": 28, "on_hold": 14}
PRIORITY_WEIGHTS = {"low": 22, "normal": 60, "high": 15, "urgent": 3}
TIER_WEIGHTS = {"standard": 88, "premium": 10, "vip": 2}
KIND_WEIGHTS = {"x": 55, "facebook": 27, "email": 18}
FOLLOW_UP_SHARE = 0.35  # replied cases where the customer wrote again

CASE_COLUMNS = (
    "id",
    "customer_id",
    "origin_channel_id",
    "subject",
    "status",
    "priority",
    "priority_score",
    "engagement_type",
    "team_id",
    "assignee_id",
    "first_message_at",
    "last_customer_message_at",
    "first_responded_at",
    "last_responded_at",
    "sla_policy_id",
    "first_response_due_at",
    "next_response_due_at",
    "resolution_due_at",
    "sla_next_due_at",
    "sla_next_alert_at",
    "sla_warned",
    "first_response_breached",
    "next_response_breached",
    "resolution_breached",
    "created_at",
    "updated_at",
)
EVENT_COLUMNS = ("case_id", "kind", "payload", "occurred_at", "created_at")


def default_anchor(today: dt.datetime) -> dt.datetime:
    """The last Wednesday, 14:00 UTC, at least a day before `today`: the business calendar
    is open then, so its clocks come due during the measured minutes as the 24/7 ones do."""
    day = (today - dt.timedelta(days=1)).date()
    day -= dt.timedelta(days=(day.weekday() - 2) % 7)
    return dt.datetime.combine(day, dt.time(14), tzinfo=dt.UTC)


def _pick(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


class World:
    """The configuration the cases refer to, loaded once."""

    def __init__(self, *, anchor: dt.datetime, rng: random.Random) -> None:
        from django.contrib.auth import get_user_model
        from django.contrib.auth.models import Group

        from cases.demo import demo_configure
        from cases.models import SLAPolicy, Team
        from cases.selectors import calendar_specs
        from channels_app.models import Channel

        teams, _tags = demo_configure(now=anchor)
        users = get_user_model()
        managers = users.objects.bulk_create(users(username=f"bench-manager-{n}") for n in range(3))
        Group.objects.get(name="Managers").user_set.add(*managers)
        agents = users.objects.bulk_create(users(username=f"bench-agent-{n}") for n in range(60))
        Group.objects.get(name="Agents").user_set.add(*agents)
        Team.objects.filter(pk__in=[teams["social-care"].pk, teams["escalations"].pk]).update(lead=managers[0])
        self.team_agents = {
            team.pk: [agent.pk for agent in agents[index::4]] for index, team in enumerate(teams.values())
        }
        self.team_weights = {teams["social-care"].pk: 70, teams["billing"].pk: 15, teams["sales"].pk: 5}
        self.team_weights[teams["escalations"].pk] = 10
        self.channels = {kind: Channel.objects.create(kind=kind, name=f"Bench {kind}").pk for kind in KIND_WEIGHTS}
        self.policies = list(SLAPolicy.objects.filter(is_active=True).order_by("position", "id"))
        self.calendars = calendar_specs(calendar_ids={p.calendar_id for p in self.policies if p.calendar_id})
        self.anchor, self.rng = anchor, rng


def _timeline(world: World, status: str, start: dt.datetime, first_target: int):
    """A case's clock facts: first message, (reply, follow-up, reply), status change."""
    from cases.sla import CUSTOMER, REPLY, STATUS, TimelineEntry

    rng, anchor = world.rng, world.anchor
    entries = [TimelineEntry(start, CUSTOMER)]
    if status == "new":
        return entries
    age = (anchor - start).total_seconds() / 60
    after = rng.lognormvariate(math.log(0.5 * first_target), 1.0)
    if after >= age:
        after = age * rng.uniform(0.05, 0.9)
    at = start + dt.timedelta(minutes=after)
    entries += [TimelineEntry(at, REPLY), TimelineEntry(at, STATUS, status="open")]
    if rng.random() < FOLLOW_UP_SHARE:
        at += (anchor - at) * rng.uniform(0.1, 0.8)
        entries.append(TimelineEntry(at, CUSTOMER))
        # Waiting on the customer or on hold: the follow-up was answered first.
        if status != "open" or rng.random() < 0.5:
            at += (anchor - at) * rng.uniform(0.05, 0.6)
            entries.append(TimelineEntry(at, REPLY))
    if status in ("pending", "on_hold"):
        at += (anchor - at) * rng.uniform(0.05, 0.9)
        entries.append(TimelineEntry(at, STATUS, status=status))
    return entries


def _case_rows(world: World, case_id: int, customer: tuple[int, str]):
    """The case row, its clock rows and its timeline's event rows."""
    from cases.choices import SLATarget
    from cases.services.sla import clock_row
    from cases.sla import CUSTOMER, REPLY, PolicyFacts, plan_clocks, select_policy

    rng, anchor = world.rng, world.anchor
    status = _pick(rng, STATUS_WEIGHTS)
    age = min(rng.expovariate(1 / (STATUS_AGE_HOURS[status] * 60)), rng.uniform(0.9, 1) * MAX_AGE_MINUTES)
    start = anchor - dt.timedelta(minutes=max(age, 0.5))
    kind, priority = _pick(rng, KIND_WEIGHTS), _pick(rng, PRIORITY_WEIGHTS)
    policy = select_policy(world.policies, PolicyFacts(priority, kind, customer[1], "reactive"))
    calendar = world.calendars.get(policy.calendar_id) if policy.calendar_id else None
    timeline = _timeline(world, status, start, policy.first_response_minutes or 60)
    plan = plan_clocks(policy=policy, calendar=calendar, timeline=timeline, now=anchor)
    clocks = []
    for clock in plan.clocks:
        clock.record_alerts_until(anchor)  # as the scan would have by the anchor
        clocks.append(clock_row(case_id, policy.pk, clock, min(clock.stopped_at or anchor, anchor)))
    customer_times = [entry.at for entry in timeline if entry.kind == CUSTOMER]
    reply_times = [entry.at for entry in timeline if entry.kind == REPLY]
    team_id, assignee_id = None, None
    if status != "new":
        team_id = rng.choices(list(world.team_weights), weights=list(world.team_weights.values()))[0]
        assignee_id = rng.choice(world.team_agents[team_id])
    case = (
        case_id,
        customer[0],
        world.channels[kind],
        f"Bench case {case_id}",
        status,
        priority,
        round(rng.uniform(0, 100), 1),
        "reactive",
        team_id,
        assignee_id,
        start,
        customer_times[-1],
        reply_times[0] if reply_times else None,
        reply_times[-1] if reply_times else None,
        policy.pk,
        plan.first_response_due_at,
        plan.next_response_due_at,
        plan.resolution_due_at,
        plan.next_due_at,
        plan.next_alert_at,
        any(clock.warned_at for clock in plan.clocks),
        plan.breached(SLATarget.FIRST_RESPONSE),
        plan.breached(SLATarget.NEXT_RESPONSE),
        plan.breached(SLATarget.RESOLUTION),
        start + dt.timedelta(seconds=15),
        max(entry.at for entry in timeline),
    )
    events = [
        (case_id, {"customer": "inbound_post", "reply": "outbound_reply"}.get(entry.kind, "status_change"),
         {"to": entry.status} if entry.status else {}, entry.at, entry.at)
        for entry in timeline
    ]  # fmt: skip
    return case, clocks, events


def build_world(open_cases: int, anchor: dt.datetime) -> dict:
    """Configuration, customers and open cases with their clocks, then VACUUM ANALYZE. Counts and seconds."""
    from django.db import connection, transaction

    from cases.models import Case, CaseEvent, Customer, SLAClock
    from cases.services.sla import CLOCK_COLUMNS
    from channels_app.pipeline.bulk import insert_rows

    started = time.perf_counter()
    rng = random.Random(SEED)
    world = World(anchor=anchor, rng=rng)
    customers = [(n, _pick(rng, TIER_WEIGHTS)) for n in range(1, max(2, open_cases // 4) + 1)]
    with transaction.atomic():
        insert_rows(
            Customer, ("id", "name", "tier"), [(n, f"Customer {n}", tier) for n, tier in customers], returning=False
        )
    counts = {"open_cases": 0, "clocks": 0, "events": 0}
    for first in range(1, open_cases + 1, CHUNK):
        cases, clocks, events = [], [], []
        for case_id in range(first, min(first + CHUNK, open_cases + 1)):
            case, case_clocks, case_events = _case_rows(world, case_id, rng.choice(customers))
            cases.append(case)
            clocks += case_clocks
            events += case_events
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit TO off")
            insert_rows(Case, CASE_COLUMNS, cases, returning=False)
            insert_rows(SLAClock, CLOCK_COLUMNS, clocks, returning=False)
            insert_rows(CaseEvent, EVENT_COLUMNS, events, returning=False)
        counts["open_cases"] += len(cases)
        counts["clocks"] += len(clocks)
        counts["events"] += len(events)
    with connection.cursor() as cursor:
        for model in (Customer, Case):
            table = model._meta.db_table
            cursor.execute(f"SELECT setval(pg_get_serial_sequence(%s, 'id'), (SELECT max(id) FROM {table}))", [table])
        loaded = time.perf_counter()
        cursor.execute("VACUUM ANALYZE")
    counts["customers"] = len(customers)
    counts["cases_with_pending_alert"] = Case.objects.filter(sla_next_alert_at__isnull=False).count()
    counts["status_mix"] = _status_mix()
    counts["load_seconds"] = round(loaded - started, 1)
    counts["build_seconds"] = round(time.perf_counter() - started, 1)
    return counts


def _status_mix() -> dict[str, int]:
    from django.db.models import Count

    from cases.models import Case

    return dict(Case.objects.order_by().values_list("status").annotate(n=Count("id")).values_list("status", "n"))


def _pass(now: dt.datetime) -> tuple[float, object, int]:
    """One sla_scan pass at `now`: (wall milliseconds, ScanResult, SQL queries)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from cases.services.sla_scan import sla_scan

    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        result = sla_scan(now=now, batch_size=BATCH_SIZE)
        elapsed = (time.perf_counter() - started) * 1000
    return elapsed, result, len(queries.captured_queries)


def _plan_nodes(node: dict, depth: int = 0):
    yield depth, node
    for child in node.get("Plans", []):
        yield from _plan_nodes(child, depth + 1)


def explain_scan(now: dt.datetime) -> dict:
    """EXPLAIN (ANALYZE, BUFFERS) of the scan's selecting query at `now`, as sla_scan builds it
    (rolled back: ANALYZE runs the query, which takes its row locks)."""
    from django.db import transaction

    from cases.choices import OPEN_STATUSES
    from cases.models import Case

    query = (
        Case.objects.select_for_update(skip_locked=True, of=("self",))
        .select_related("sla_policy", "team")
        .filter(status__in=OPEN_STATUSES, sla_next_alert_at__lte=now)
        .order_by("sla_next_alert_at")[:BATCH_SIZE]
    )
    with transaction.atomic():
        (explained,) = json.loads(query.explain(format="json", analyze=True, buffers=True))
        transaction.set_rollback(True)
    nodes = list(_plan_nodes(explained["Plan"]))
    alert_nodes = [node["Node Type"] for _depth, node in nodes if node.get("Index Name") == ALERT_INDEX]
    top = explained["Plan"]
    return {
        "now": now.isoformat(),
        "rows": top["Actual Rows"],
        "uses_alert_index": bool(alert_nodes),
        "alert_index_node": alert_nodes[0] if alert_nodes else None,
        "indexes": sorted({node["Index Name"] for _depth, node in nodes if "Index Name" in node}),
        "seq_scans": sorted({node["Relation Name"] for _depth, node in nodes if node["Node Type"] == "Seq Scan"}),
        "nodes": [
            "  " * depth
            + node["Node Type"]
            + (f" on {node['Relation Name']}" if "Relation Name" in node else "")
            + (f" using {node['Index Name']}" if "Index Name" in node else "")
            + f" (rows {node['Actual Rows']}, {node['Actual Total Time']:.2f} ms)"
            for depth, node in nodes
        ],
        "planning_ms": round(explained["Planning Time"], 2),
        "execution_ms": round(explained["Execution Time"], 2),
        "shared_hit_blocks": top.get("Shared Hit Blocks", 0),
        "shared_read_blocks": top.get("Shared Read Blocks", 0),
    }


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]


def measure(anchor: dt.datetime, passes: int) -> dict:
    """The minute passes, the idle pass, the plan, then the backlog pass (see the module docstring)."""
    from cases.choices import OPEN_STATUSES
    from cases.models import Case

    minutes = [anchor + dt.timedelta(minutes=n) for n in range(1, WARM_UP + passes + 1)]
    runs = [_pass(now) for now in minutes]
    measured = runs[WARM_UP:]
    times = [ms for ms, _result, _queries in measured]
    alerts = [result.warnings + result.breaches for _ms, result, _queries in measured]
    queries = [count for _ms, _result, count in measured]
    last = minutes[-1]
    # Planned on the next minute's alerts, not yet scanned: what a pass's query finds.
    plan = explain_scan(last + dt.timedelta(minutes=1))
    idle = [_pass(last) for _ in range(IDLE_PASSES)]
    assert all(result.cases == 0 for _ms, result, _queries in idle)
    # A backlog: the scan stopped after `last` until BACKLOG cases had come due.
    due = Case.objects.filter(status__in=OPEN_STATUSES, sla_next_alert_at__gt=last).order_by("sla_next_alert_at")
    # (In a small world, every case still to alert.)
    backlog_now = list(due.values_list("sla_next_alert_at", flat=True)[:BACKLOG])[-1]
    backlog_due = due.filter(sla_next_alert_at__lte=backlog_now).count()
    backlog_plan = explain_scan(backlog_now)
    backlog_ms, backlog, backlog_queries = _pass(backlog_now)
    return {
        "passes": passes,
        "warm_up": WARM_UP,
        "batch_size": BATCH_SIZE,
        "pass_median_ms": round(statistics.median(times), 1),
        "pass_p95_ms": round(_p95(times), 1),
        "pass_max_ms": round(max(times), 1),
        "pass_max_alerts": alerts[times.index(max(times))],
        "pass_ms": [round(ms, 1) for ms in times],
        "pass_alerts": alerts,
        "ms_per_alert_median": round(statistics.median(ms / n for ms, n in zip(times, alerts, strict=True) if n), 2),
        "alerts_per_pass_median": statistics.median(alerts),
        "alerts_per_pass_min": min(alerts),
        "alerts_per_pass_max": max(alerts),
        "cases_per_pass_median": statistics.median(result.cases for _ms, result, _queries in measured),
        "escalations_per_pass_median": statistics.median(result.escalations for _ms, result, _queries in measured),
        "queries_per_pass_median": statistics.median(queries),
        "queries_per_pass_max": max(queries),
        "idle_pass_median_ms": round(statistics.median(ms for ms, _result, _queries in idle), 2),
        "idle_pass_queries": idle[0][2],
        "plan": plan,
        "backlog": {
            "due_cases": backlog_due,
            "minutes_behind": round((backlog_now - last).total_seconds() / 60, 1),
            "ms": round(backlog_ms, 1),
            "cases": backlog.cases,
            "alerts": backlog.warnings + backlog.breaches,
            "escalations": backlog.escalations,
            "queries": backlog_queries,
            "batches": math.ceil((backlog.cases + 1) / BATCH_SIZE),
            "plan": backlog_plan,
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--open-cases", type=int, default=200_000)
    parser.add_argument("--passes", type=int, default=30, help="measured passes, one a minute after the anchor")
    parser.add_argument("--url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--keep", action="store_true", help="leave the database in place afterwards")
    args = parser.parse_args()
    _reset_database(args.url)
    _django(["migrate", "--noinput", "-v", "0"], args.url)

    os.environ.update(DATABASE_URL=args.url, DEBUG="0", SECRET_KEY="bench-only-secret-key-" + "x" * 40)
    os.environ.pop("REDIS_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "socialcrm.settings")
    import django

    django.setup()
    from django.db import connection

    anchor = default_anchor(dt.datetime.now(dt.UTC))
    world = build_world(args.open_cases, anchor)
    result = {"anchor": anchor.isoformat(), **world, **measure(anchor, args.passes)}
    connection.close()
    json.dump(result, sys.stdout, indent=2)
    print()
    if not args.keep:
        _reset_database(args.url, create=False)


if __name__ == "__main__":
    main()
