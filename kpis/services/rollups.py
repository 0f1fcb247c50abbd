"""Daily KPI rollups: store each closed local day's parts, per dimension, so the pages read them.

Owns kpis_rollup_day(), kpis_rollup_closed_days() and
kpis_refresh_churn_risk() (the churn-risk list, into the cache the pages read). A day is rolled up
by computing its parts live (kpis.selectors.dashboard.live_parts) for the
whole brand and per channel, team and agent, plus the backlog at its end,
the customers churned in it and those active at its start (churn), and
replacing that day's KpiRollup rows in one transaction, ending with a
`_rolled_up` mark row the pages look for. Running it twice, or on two
workers at once, leaves the same rows: on PostgreSQL a transaction-level
advisory lock per day serialises writers, and the unique (day, metric,
dimension, key) constraint refuses doubles anywhere.

Late data (a survey answered next week, a post imported late) changes a
past day's raw rows, not its rollup: the beat task rolls up the last
REROLL_DAYS closed days again every run, and `manage.py rollup_kpis
--days N` re-rolls further back.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django.core.cache import cache
from django.db import connection, transaction
from django.utils import timezone

from kpis.models import KpiRollup, RollupDimension
from kpis.parts import Part, pack_parts, pack_values
from kpis.scope import KpiScope, brand_zone
from kpis.selectors.dashboard import (
    BACKLOG,
    CHURN_ACTIVE,
    CHURN_RISK_CACHE_KEY,
    CHURN_RISK_TTL_SECONDS,
    CHURN_SOCIAL_ACTIVE,
    ROLLED_UP_MARK,
    TABLE_DIMENSIONS,
    TABLE_METRICS,
    TABLE_ROW,
    live_parts,
)
from kpis.selectors.operations import backlog_series
from kpis.selectors.outcomes import churn_parts, churn_risk_list, churn_snapshot

REROLL_DAYS = 3
_LOCK_NAMESPACE = 4343


def _figure(part: Part) -> float:
    """The day's own figure shown in admin: the median of a distribution, else the count."""
    return part.percentile(0.5) if part.runs else float(part.count)


def kpis_rollup_day(*, day: dt.date, zone: zoneinfo.ZoneInfo | None = None) -> int:
    """Replace the rollup rows of one local day; returns how many rows it wrote."""
    zone = zone or brand_zone()
    scope = KpiScope.for_days(day, day, zone)
    rows: list[KpiRollup] = []
    for dimension in RollupDimension.values:
        for (_day, key), parts in live_parts(scope, dimension=dimension).items():
            if dimension in TABLE_DIMENSIONS:
                # What the per-agent, team and channel tables read, packed in one row per key.
                rows.append(
                    KpiRollup(
                        day=day,
                        metric=TABLE_ROW,
                        dimension=dimension,
                        dimension_key=key,
                        value=0,
                        packed_values=pack_parts(parts, TABLE_METRICS),
                    )
                )
            rows += [
                KpiRollup(
                    day=day,
                    metric=name,
                    dimension=dimension,
                    dimension_key=key,
                    value=_figure(part),
                    sample_size=part.count,
                    total=part.total,
                    packed_values=pack_values(part),
                )
                for name, part in parts.items()
            ]
    (_day, open_cases), *_ = backlog_series(scope)
    snapshot = churn_snapshot(scope.start)
    brand = {
        BACKLOG: open_cases,
        CHURN_ACTIVE: snapshot["active"],
        CHURN_SOCIAL_ACTIVE: snapshot["social_active"],
        **{name: part.count for parts in churn_parts(scope).values() for name, part in parts.items()},
        ROLLED_UP_MARK: 1,
    }
    rows += [KpiRollup(day=day, metric=name, value=n, sample_size=n, total=n) for name, n in brand.items()]
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [_LOCK_NAMESPACE, day.toordinal()])
        KpiRollup.objects.filter(day=day).delete()
        KpiRollup.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


def kpis_rollup_closed_days(*, now: dt.datetime | None = None, reroll_days: int = REROLL_DAYS) -> list[dt.date]:
    """Roll up the last `reroll_days` closed local days (yesterday first); returns them."""
    zone = brand_zone()
    today = (now or timezone.now()).astimezone(zone).date()
    days = [today - dt.timedelta(days=offset) for offset in range(1, reroll_days + 1)]
    for day in days:
        kpis_rollup_day(day=day, zone=zone)
    return days


def kpis_refresh_churn_risk(*, now: dt.datetime | None = None) -> int:
    """Recompute the churn-risk list into the cache the KPI pages read; returns its length."""
    rows = churn_risk_list(now=now or timezone.now())
    cache.set(CHURN_RISK_CACHE_KEY, rows, CHURN_RISK_TTL_SECONDS)
    return len(rows)
