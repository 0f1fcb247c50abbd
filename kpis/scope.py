"""What a KPI figure is computed over, and the arithmetic every path shares.

Owns KpiScope (a half-open period cut in the brand's time zone, and an
optional channel, team or agent), kpi_settings() and percentile(). The live
computation (kpis.selectors, in SQL) and the merge of daily rollups (in
Python) must agree to the last digit, so both use the definition here:
the p-th percentile of n sorted values is the value at position p*(n-1),
interpolated linearly between its two neighbours (PostgreSQL's
percentile_cont).
"""

from __future__ import annotations

import datetime as dt
import math
import zoneinfo
from collections.abc import Sequence
from dataclasses import dataclass, replace

from django.utils import timezone


@dataclass(frozen=True, slots=True)
class KpiScope:
    """[start, end) in UTC, the brand's zone, and at most one of channel, team, agent."""

    start: dt.datetime
    end: dt.datetime
    zone: zoneinfo.ZoneInfo
    channel_id: int | None = None
    team_id: int | None = None
    agent_id: int | None = None

    def __post_init__(self) -> None:
        if timezone.is_naive(self.start) or timezone.is_naive(self.end):
            raise ValueError("a KPI scope needs aware datetimes")
        if self.end < self.start:
            raise ValueError("a KPI scope ends after it starts")

    @classmethod
    def for_days(
        cls,
        first: dt.date,
        last: dt.date,
        zone: zoneinfo.ZoneInfo,
        *,
        channel_id: int | None = None,
        team_id: int | None = None,
        agent_id: int | None = None,
    ) -> KpiScope:
        """Midnight of `first` to midnight after `last`, in the brand's zone (a DST day is 23 or 25 hours)."""
        return cls(
            start=day_start(first, zone),
            end=day_start(last + dt.timedelta(days=1), zone),
            zone=zone,
            channel_id=channel_id,
            team_id=team_id,
            agent_id=agent_id,
        )

    def with_period(self, start: dt.datetime, end: dt.datetime) -> KpiScope:
        return replace(self, start=start, end=end)

    @property
    def days(self) -> list[dt.date]:
        """The local days the scope covers (a partial last day included)."""
        first = self.start.astimezone(self.zone).date()
        last = (self.end - dt.timedelta(microseconds=1)).astimezone(self.zone).date()
        return [first + dt.timedelta(days=offset) for offset in range((last - first).days + 1)]


def day_start(day: dt.date, zone: zoneinfo.ZoneInfo) -> dt.datetime:
    """Local midnight of `day` in UTC. Where midnight does not exist (a DST jump at 00:00) it is the
    first instant of the day: fold=0 then normalised through UTC."""
    local = dt.datetime.combine(day, dt.time.min, tzinfo=zone)
    return local.astimezone(dt.UTC).astimezone(zone).astimezone(dt.UTC)


def kpi_settings():
    """The brand's KpiSettings row, or an unsaved one with the defaults."""
    from kpis.models import KpiSettings

    return KpiSettings.objects.filter(pk=1).first() or KpiSettings()


def brand_zone() -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(kpi_settings().time_zone)


def percentile(sorted_values: Sequence[float], p: float) -> float | None:
    """Linear interpolation at position p*(n-1) of sorted values (percentile_cont); None when empty."""
    if not sorted_values:
        return None
    if not 0 <= p <= 1:
        raise ValueError("p is a fraction from 0 to 1")
    position = p * (len(sorted_values) - 1)
    low = math.floor(position)
    high = min(low + 1, len(sorted_values) - 1)
    fraction = position - low
    return sorted_values[low] + (sorted_values[high] - sorted_values[low]) * fraction
