"""KPI benchmark: the dashboard of a period from daily rollups, beside the same period computed raw.

Usage (run by bench.run in a child process, after bench.pages, on the world `generate_data`
made): DATABASE_URL=... python -m bench.kpis [--days 30] [--repeats 5]

The period: the --days local days (in the brand's zone, kpis.scope.brand_zone) ending at the
data's newest day (the local day of the newest inbound post or new case: generate_data dates
its world before an anchor, not the clock), so the window covers data whatever today is.

Measured, in this process:
- rollups: kpis_rollup_day for each day of the period and of the previous --days days (the
  dashboard compares with the previous period), oldest first; seconds per day and rows;
- the dashboard from rollups: kpi_dashboard(scope, now=<end of the period>) with its tables,
  every day read from rollups (checked); median and p95 over --repeats calls after a warm-up
  call, and the SQL queries of one call;
- raw: operations_figures(scope) | outcomes_figures(scope), and churn_figures(scope), over the
  same period from raw rows (what the rollups save); median and p95 as above, each part's
  median too, and its queries.
Prints one JSON object.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import time
from collections.abc import Callable

WARM_UP = 1


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]


def _timed(call: Callable[[], object]) -> tuple[float, object]:
    started = time.perf_counter()
    result = call()
    return (time.perf_counter() - started) * 1000, result


def _queries(call: Callable[[], object]) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        call()
    return len(queries.captured_queries)


def newest_day(zone) -> dt.date:
    """The brand-zone day of the newest inbound post or new case."""
    from django.db.models import Max

    from cases.models import Case
    from channels_app.choices import Direction
    from channels_app.models import SocialPost

    newest = [
        SocialPost.objects.filter(direction=Direction.INBOUND).aggregate(at=Max("posted_at"))["at"],
        Case.objects.aggregate(at=Max("created_at"))["at"],
    ]
    newest = [at for at in newest if at is not None]
    if not newest:
        raise SystemExit("bench.kpis: no posts or cases; run generate_data first")
    return max(newest).astimezone(zone).date()


def roll_up(days: list[dt.date], zone) -> dict:
    """kpis_rollup_day for each day, oldest first: seconds per day and rows written."""
    from kpis.services.rollups import kpis_rollup_day

    seconds, rows = [], 0
    for day in days:
        ms, written = _timed(lambda day=day: kpis_rollup_day(day=day, zone=zone))
        seconds.append(ms / 1000)
        rows += written
    return {
        "days": len(days),
        "first_day": days[0].isoformat(),
        "last_day": days[-1].isoformat(),
        "rows": rows,
        "seconds": round(sum(seconds), 1),
        "seconds_per_day_median": round(statistics.median(seconds), 2),
        "seconds_per_day_p95": round(_p95(seconds), 2),
        "seconds_per_day_max": round(max(seconds), 2),
    }


def _measure(call: Callable[[], object], repeats: int) -> tuple[dict, object]:
    """Median and p95 milliseconds of `call` over `repeats` calls after WARM_UP, its queries, its last result."""
    for _ in range(WARM_UP):
        call()
    queries = _queries(call)
    times, result = [], None
    for _ in range(repeats):
        ms, result = _timed(call)
        times.append(ms)
    figures = {
        "repeats": repeats,
        "median_ms": round(statistics.median(times), 1),
        "p95_ms": round(_p95(times), 1),
        "ms": [round(ms, 1) for ms in times],
        "queries": queries,
    }
    return figures, result


def measure(days: int, repeats: int, *, reuse_rollups: bool = False) -> dict:
    from kpis.scope import KpiScope, brand_zone
    from kpis.selectors.dashboard import kpi_dashboard
    from kpis.selectors.operations import operations_figures
    from kpis.selectors.outcomes import churn_figures, outcomes_figures

    zone = brand_zone()
    last = newest_day(zone)
    first = last - dt.timedelta(days=days - 1)
    scope = KpiScope.for_days(first, last, zone)
    now = scope.end
    period = [first - dt.timedelta(days=days - offset) for offset in range(2 * days)]
    if reuse_rollups:
        from kpis.models import KpiRollup

        marked = set(KpiRollup.objects.filter(metric="_rolled_up", day__in=period).values_list("day", flat=True))
        period = [day for day in period if day not in marked] or period[-1:]
    rolled = roll_up(period, zone)

    dashboard, board = _measure(lambda: kpi_dashboard(scope, now=now), repeats)
    assert board.rolled_up_days == days and board.live_days == 0, (board.rolled_up_days, board.live_days)
    dashboard.update(rolled_up_days=board.rolled_up_days, live_days=board.live_days)

    def raw():
        return operations_figures(scope) | outcomes_figures(scope), churn_figures(scope)

    raw_figures, (figures, _churn) = _measure(raw, repeats)
    # Each part alone, to find where the raw time goes (medians, same repeats).
    raw_figures["parts"] = {
        name: _measure(lambda call=call: call(scope), repeats)[0]
        for name, call in (
            ("operations_figures", operations_figures),
            ("outcomes_figures", outcomes_figures),
            ("churn_figures", churn_figures),
        )
    }
    # The same numbers either way: the rollups hold the raw period (a mismatch is a bug, not a timing).
    same = (
        board.figures["volume"]["inbound_posts"] == figures["volume"]["inbound_posts"]
        and board.figures["resolution"]["count"] == figures["resolution"]["count"]
    )
    return {
        "zone": str(zone),
        "days": days,
        "first_day": first.isoformat(),
        "last_day": last.isoformat(),
        "now": now.isoformat(),
        "inbound_posts": figures["volume"]["inbound_posts"],
        "new_cases": figures["volume"]["new_cases"],
        "resolutions": figures["resolution"]["count"],
        "rollups_agree_with_raw": same,
        "rollup": rolled,
        "dashboard": dashboard,
        "raw": raw_figures,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=30, help="local days of the period")
    parser.add_argument("--repeats", type=int, default=5, help="measured calls of each (after a warm-up call)")
    parser.add_argument(
        "--reuse-rollups", action="store_true", help="roll up only days without rollups (re-measuring the reads)"
    )
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "socialcrm.settings")
    import django

    django.setup()
    print(json.dumps(measure(args.days, args.repeats, reuse_rollups=args.reuse_rollups)))


if __name__ == "__main__":
    main()
