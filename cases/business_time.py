"""Business time for SLA clocks.

Owns add_business_minutes() and business_minutes_between(), and the
CalendarSpec value they read (time zone, weekly opening intervals, holidays,
24/7 flag); everything that needs opening hours calls these two. Loading a
spec from the database is cases.selectors.calendar_spec()'s job, not this
module's. Pure functions: no database, no Django.

Exact across DST and holidays: a wall time becomes a UTC instant with
fold=0, business time is real elapsed time inside open spans, and the
arithmetic runs in integer microseconds, so counting back an integer number
of minutes just added gives that number exactly. Cost grows with the number
of calendar intervals crossed, never with the minutes: each CalendarSpec
lazily builds and caches a table of merged UTC open segments (holidays
taken out) with cumulative totals over a window of local dates, doubling the
window when a query falls outside; a call is then a couple of bisections.
"""

import datetime as dt
import math
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_ONE_US = dt.timedelta(microseconds=1)
_US_PER_MINUTE = 60_000_000
_DAY = dt.timedelta(days=1)
_MARGIN = dt.timedelta(days=2)  # more than any UTC offset or DST jump, so date windows cover instants
_FIRST_WINDOW = dt.timedelta(days=366)  # each side of the first query
_HORIZON_US = 7305 * 86_400 * 1_000_000  # 20 years of 365.25 days
_MIDNIGHT = dt.time(0)


class NoOpeningHours(ValueError):
    """The calendar never opens within the search horizon."""


@dataclass(frozen=True, slots=True)
class WeeklyInterval:
    """Open every `weekday` (0 = Monday) from `opens` to `closes`, local wall
    time. `closes <= opens` runs past midnight into the next day."""

    weekday: int
    opens: dt.time
    closes: dt.time

    def __post_init__(self) -> None:
        if not 0 <= self.weekday <= 6:
            raise ValueError(f"weekday must be 0 (Monday) to 6, not {self.weekday!r}")


@dataclass(frozen=True, slots=True)
class HolidaySpec:
    """Closed on local `date`: all day, or over [starts, ends) when both are given."""

    date: dt.date
    starts: dt.time | None = None
    ends: dt.time | None = None

    def __post_init__(self) -> None:
        if (self.starts is None) != (self.ends is None):
            raise ValueError("a holiday gives both starts and ends, or neither (the whole day)")
        if self.starts is not None and self.ends <= self.starts:
            raise ValueError(f"holiday on {self.date} ends ({self.ends}) before it starts ({self.starts})")


@dataclass(frozen=True, slots=True)
class _Table:
    """Open segments [starts[i], ends[i]) in UTC microseconds, sorted and
    disjoint, exact over [lo, hi) (the local dates [first, last)); cum[i] is
    the business time before segment i, cum_end[i] the time at its end."""

    first: dt.date
    last: dt.date
    lo: int
    hi: int
    starts: list[int]
    ends: list[int]
    cum: list[int]
    cum_end: list[int]


class CalendarSpec:
    """Immutable value (hashable is not required). Built once, queried many times."""

    __slots__ = ("_by_weekday", "_table", "_zone", "always_open", "holidays", "intervals", "name", "time_zone")

    def __init__(
        self,
        *,
        time_zone: str = "UTC",
        intervals: Iterable[WeeklyInterval] = (),
        holidays: Iterable[HolidaySpec] = (),
        always_open: bool = False,
        name: str = "",
    ) -> None:
        intervals = tuple(intervals)
        by_weekday: tuple[list[WeeklyInterval], ...] = tuple([] for _ in range(7))
        for interval in intervals:
            by_weekday[interval.weekday].append(interval)
        for attribute, value in (
            ("time_zone", time_zone),
            ("intervals", intervals),
            ("holidays", tuple(holidays)),
            ("always_open", bool(always_open)),
            ("name", name),
            ("_zone", ZoneInfo(time_zone)),
            ("_by_weekday", by_weekday),
            ("_table", None),
        ):
            object.__setattr__(self, attribute, value)

    def __setattr__(self, attribute: str, value: object) -> None:
        raise AttributeError(f"CalendarSpec is immutable: cannot set {attribute}")

    def _key(self) -> tuple:
        return (self.time_zone, self.intervals, self.holidays, self.always_open, self.name)

    def __eq__(self, other: object) -> bool:
        return self._key() == other._key() if isinstance(other, CalendarSpec) else NotImplemented

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        hours = "24/7" if self.always_open else f"{len(self.intervals)} intervals, {len(self.holidays)} holidays"
        return f"<CalendarSpec {self.name!r} {self.time_zone} {hours}>"

    @property
    def has_opening_hours(self) -> bool:
        # Every interval is open for a positive wall-clock time: closes <= opens runs into the next day.
        return self.always_open or bool(self.intervals)

    def is_open(self, at: dt.datetime) -> bool:
        t = _to_us(at)
        if self.always_open or not self.has_opening_hours:
            return self.always_open
        table = self._covering(t, t)
        i = bisect_right(table.starts, t)
        return bool(i) and t < table.ends[i - 1]

    def next_opening(self, at: dt.datetime) -> dt.datetime:
        """`at` (in UTC) when open at `at`, else the next instant the calendar opens."""
        return _from_us(self._next_opening(_to_us(at)))

    def _next_opening(self, t: int) -> int:
        if self.always_open:
            return t
        table = self._covering(t, t)
        while True:
            i = bisect_right(table.starts, t)
            if i and t < table.ends[i - 1]:
                return t
            if i < len(table.starts):
                if table.starts[i] - t <= _HORIZON_US:
                    return table.starts[i]
                break
            if table.hi - t > _HORIZON_US:
                break
            table = self._covering(t, table.hi)
        raise NoOpeningHours(f"{self!r} does not open within 20 years of {_from_us(t)}")

    def _add(self, t: int, amount: int) -> int:
        if self.always_open:
            return t + amount
        if amount == 0:
            return self._next_opening(t)
        table = self._covering(t, t)
        while True:
            target = _cum(table, t) + amount
            # The first segment whose end reaches the target: a target met exactly at a
            # closing time stays there rather than moving to the next opening.
            i = bisect_left(table.cum_end, target)
            if i < len(table.starts):
                due = table.starts[i] + target - table.cum[i]
                if due - t <= _HORIZON_US:
                    return due
                break
            if table.hi - t > _HORIZON_US:
                break
            table = self._covering(t, table.hi)
        raise NoOpeningHours(f"{self!r} does not reach the target within 20 years of {_from_us(t)}")

    def _between(self, start: int, end: int) -> int:
        if end <= start:
            return 0
        if self.always_open:
            return end - start
        table = self._covering(start, end)
        return _cum(table, end) - _cum(table, start)

    def _covering(self, lo: int, hi: int) -> _Table:
        """The cached table when it covers [lo, hi]; else one built over a
        window doubled on the side that falls short, which replaces it."""
        if not self.has_opening_hours:
            raise NoOpeningHours(f"{self!r} has no opening hours")
        table = self._table
        if table is not None and table.lo <= lo and hi < table.hi:
            return table
        need_first, need_last = self._local_date(lo) - _MARGIN, self._local_date(hi) + _MARGIN
        if table is None:
            first, last = need_first - _FIRST_WINDOW, need_first + _FIRST_WINDOW
        else:
            first, last = table.first, table.last
        while need_first < first or need_last > last:
            width = last - first
            if need_first < first:
                first -= width
            if need_last > last:
                last += width
        table = _build(self, first, last)
        # Replaced whole, never mutated: a concurrent reader keeps a consistent table.
        object.__setattr__(self, "_table", table)
        return table

    def _local_date(self, t: int) -> dt.date:
        return _from_us(t).astimezone(self._zone).date()


ALWAYS_OPEN = CalendarSpec(always_open=True, name="24/7")


def add_business_minutes(calendar: CalendarSpec | None, start: dt.datetime, minutes: float) -> dt.datetime:
    """The instant (UTC) when `minutes` business minutes have elapsed from
    `start`. A clock started while closed starts at the next opening; zero
    minutes gives next_opening(start). Raises NoOpeningHours when the target
    is not reached within 20 years; `calendar=None` is 24/7."""
    if not (math.isfinite(minutes) and minutes >= 0):
        raise ValueError(f"minutes must be a finite number >= 0, not {minutes!r}")
    spec = ALWAYS_OPEN if calendar is None else calendar
    return _from_us(spec._add(_to_us(start), round(minutes * _US_PER_MINUTE)))


def business_minutes_between(calendar: CalendarSpec | None, start: dt.datetime, end: dt.datetime) -> float:
    """Business minutes in [start, end); 0.0 when end <= start. `calendar=None` is 24/7."""
    spec = ALWAYS_OPEN if calendar is None else calendar
    start_us, end_us = _to_us(start), _to_us(end)
    if not spec.has_opening_hours:
        return 0.0
    return spec._between(start_us, end_us) / _US_PER_MINUTE


def _to_us(moment: dt.datetime) -> int:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"business time needs timezone-aware datetimes, not {moment!r}")
    return (moment - _EPOCH) // _ONE_US


def _from_us(t: int) -> dt.datetime:
    return _EPOCH + dt.timedelta(microseconds=t)


def _cum(table: _Table, t: int) -> int:
    """Business microseconds from table.lo to t."""
    i = bisect_right(table.starts, t) - 1
    return table.cum[i] + min(t, table.ends[i]) - table.starts[i] if i >= 0 else 0


def _build(spec: CalendarSpec, first: dt.date, last: dt.date) -> _Table:
    zone = spec._zone

    def utc(day: dt.date, time: dt.time) -> int:
        # Subtracting across time zones goes through utcoffset(), which honours fold=0.
        return (dt.datetime.combine(day, time, tzinfo=zone) - _EPOCH) // _ONE_US

    lo, hi = utc(first, _MIDNIGHT), utc(last, _MIDNIGHT)
    spans = []
    day = first - _MARGIN  # a night shift begun before `first` may still be open on it
    while day < last:
        for interval in spec._by_weekday[day.weekday()]:
            closes_on = day + _DAY if interval.closes <= interval.opens else day
            spans.append((utc(day, interval.opens), utc(closes_on, interval.closes)))
        day += _DAY
    closed = [
        (utc(h.date, _MIDNIGHT), utc(h.date + _DAY, _MIDNIGHT))
        if h.starts is None
        else (utc(h.date, h.starts), utc(h.date, h.ends))
        for h in spec.holidays
        if first - _MARGIN <= h.date <= last
    ]
    starts, ends, cum, cum_end = [], [], [], []
    total = 0
    for start, end in _subtract(_merge(spans), _merge(closed)):
        start, end = max(start, lo), min(end, hi)
        if start < end:
            starts.append(start)
            ends.append(end)
            cum.append(total)
            total += end - start
            cum_end.append(total)
    return _Table(first, last, lo, hi, starts, ends, cum, cum_end)


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sorted, disjoint spans; empty ones dropped (a wall interval inside a
    DST gap can map to end <= start), overlapping and touching ones joined."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if end <= start:
            continue
        if merged and start <= merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def _subtract(spans: list[tuple[int, int]], holes: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """`spans` minus `holes`, both sorted and disjoint."""
    out = []
    j = 0
    for start, end in spans:
        while j < len(holes) and holes[j][1] <= start:
            j += 1
        k = j
        while k < len(holes) and holes[k][0] < end and start < end:
            if holes[k][0] > start:
                out.append((start, holes[k][0]))
            start = max(start, holes[k][1])
            k += 1
        if start < end:
            out.append((start, end))
    return out
