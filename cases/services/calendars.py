"""Writes about business calendars: holidays imported from iCalendar files,
and the overlap check opening hours must pass before they are saved.

Owns calendar_import_holidays() and calendar_check_intervals(). Does not
own the arithmetic over calendars (cases.business_time) nor loading them
(cases.selectors.calendar_spec()); it only writes the rows those read.

Invariants:
- A Holiday row is a whole local day (no times) or a part of one
  (starts_at < ends_at, local wall time of the calendar). A part that runs
  to the end of its day ends at 23:59:59 (END_OF_DAY): the model cannot say
  "24:00", and its constraint forbids ends_at <= starts_at. The last second
  of that day then counts as open, which no SLA notices; a whole second
  rather than time.max's microsecond so that the value survives the admin's
  time inputs (which drop microseconds) and re-imports still match it.
- Importing a file is idempotent: a holiday is identified by calendar,
  date, starts_at and ends_at; importing the same file twice creates
  nothing the second time. A changed SUMMARY renames the row in place.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

import icalendar
from dateutil.relativedelta import relativedelta
from dateutil.rrule import rrulestr
from django.db import transaction

from cases.choices import Weekday
from cases.models import BusinessCalendar, Holiday

# Recurring events are expanded over at most this many years from their
# start, end excluded (or to their UNTIL or COUNT, if sooner): a holiday feed is refreshed
# long before then, and an endless rule must not write endless rows.
RECURRENCE_YEARS = 10
# An event that expands to more days than this is refused: a "holiday" every
# day for years is a mistake in the file, not a calendar.
MAX_DAYS_PER_EVENT = 1000
# The whole import; a 1 MB file of sane events stays far below it.
MAX_DAYS_PER_IMPORT = 20_000
NAME_LENGTH = Holiday._meta.get_field("name").max_length
DEFAULT_NAME = "Holiday"
# Properties whose breakage makes an event unusable; a broken DESCRIPTION does not.
_ESSENTIAL = {"DTSTART", "DTEND", "DURATION", "RRULE", "RDATE", "EXDATE", "RECURRENCE-ID"}
_DAY = dt.timedelta(days=1)
_MIDNIGHT = dt.time(0)
END_OF_DAY = dt.time(23, 59, 59)


class HolidayImportError(ValueError):
    """The file as a whole cannot be imported (not iCalendar, no events, too large)."""


@dataclass(slots=True)
class HolidayImport:
    """What an import did. `errors` names each event that was left out, and why."""

    created: int = 0
    updated: int = 0  # the same day and times already there, under another name: renamed
    unchanged: int = 0  # already there as imported (a re-import), or repeated within the file
    removed: int = 0  # replace_years: rows of the file's years that the file no longer has
    errors: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class _Row:
    date: dt.date
    starts_at: dt.time | None
    ends_at: dt.time | None
    name: str

    @property
    def key(self) -> tuple[dt.date, dt.time | None, dt.time | None]:
        return self.date, self.starts_at, self.ends_at


class _BadEvent(ValueError):
    pass


def calendar_import_holidays(*, calendar: BusinessCalendar, ics: bytes, replace_years: bool = False) -> HolidayImport:
    """Add the events of an iCalendar file to `calendar` as holidays.

    All-day events close whole days (DTEND exclusive; one day if absent);
    timed events close the parts of the calendar's local days they cover,
    converted to the calendar's time zone (floating times are taken as
    local already). RRULE, RDATE and EXDATE are honoured, and an instance
    moved by a RECURRENCE-ID event replaces the one it overrides. Cancelled
    events are left out. SUMMARY names the rows.

    With `replace_years`, holidays of the calendar in the years the file
    covers that the file does not contain are deleted: a new year's feed
    replaces last year's edit of the same year.

    Raises HolidayImportError when the file is unusable as a whole; an
    unusable event is reported in the result's `errors` and the others are
    imported. Runs in one transaction with the calendar row locked, so two
    imports into one calendar cannot both create a row. Touches the
    calendar's updated_at when anything changed, so caches keyed on it
    reload.
    """
    rows, errors = parse_holidays(ics, ZoneInfo(calendar.time_zone))
    result = HolidayImport(errors=errors)
    wanted: dict[tuple, _Row] = {}
    for row in rows:
        if row.key in wanted:
            result.unchanged += 1  # two events of the file close the same time
        else:
            wanted[row.key] = row
    if not wanted:
        return result

    dates = [row.date for row in wanted.values()]
    with transaction.atomic():
        locked = BusinessCalendar.objects.select_for_update().get(pk=calendar.pk)
        existing = {
            (holiday.date, holiday.starts_at, holiday.ends_at): holiday
            for holiday in Holiday.objects.filter(calendar=locked, date__range=(min(dates), max(dates)))
        }
        to_create, to_rename = [], []
        for key, row in wanted.items():
            holiday = existing.get(key)
            if holiday is None:
                to_create.append(
                    Holiday(calendar=locked, date=row.date, starts_at=row.starts_at, ends_at=row.ends_at, name=row.name)
                )
            elif holiday.name != row.name:
                holiday.name = row.name
                to_rename.append(holiday)
            else:
                result.unchanged += 1
        Holiday.objects.bulk_create(to_create)
        Holiday.objects.bulk_update(to_rename, ["name"])
        result.created, result.updated = len(to_create), len(to_rename)
        if replace_years:
            kept = [existing[key].pk for key in wanted if key in existing]
            result.removed, _ = (
                Holiday.objects.filter(calendar=locked, date__year__in={date.year for date in dates})
                .exclude(pk__in=kept)
                .exclude(pk__in=[holiday.pk for holiday in to_create])
                .delete()
            )
        if result.created or result.updated or result.removed:
            locked.save(update_fields=["updated_at"])
            calendar.updated_at = locked.updated_at
    return result


def parse_holidays(ics: bytes, zone: ZoneInfo) -> tuple[list[_Row], list[str]]:
    """The holiday rows of an iCalendar file in `zone`, in file order, and the
    events left out with the reason. Pure: no database."""
    try:
        # Third-party parsing of an uploaded file: any failure means "not iCalendar".
        parsed = icalendar.Calendar.from_ical(ics.removeprefix(b"\xef\xbb\xbf"))
    except Exception as error:
        raise HolidayImportError(f"This is not an iCalendar (.ics) file: {error}") from None
    if getattr(parsed, "name", None) != "VCALENDAR":
        raise HolidayImportError("This is not an iCalendar (.ics) file: it has no BEGIN:VCALENDAR.")
    events = parsed.walk("VEVENT")
    if not events:
        raise HolidayImportError("The file has no events (VEVENT): nothing to import.")

    # Instances moved or cancelled one by one: the master's rule must skip them.
    overridden: dict[str, list] = {}
    for event in events:
        if "RECURRENCE-ID" in event and "UID" in event and not _broken(event):
            overridden.setdefault(str(event["UID"]), []).append(event.decoded("RECURRENCE-ID"))

    rows: list[_Row] = []
    errors: list[str] = []
    for number, event in enumerate(events, start=1):
        if str(event.get("STATUS", "")).upper() == "CANCELLED":
            continue
        try:
            event_rows = _event_rows(event, zone, overridden.get(str(event.get("UID", ""))) or [])
        except (_BadEvent, ValueError, TypeError, OverflowError) as error:
            errors.append(f"{_describe(event, number)}: {error}")
            continue
        rows.extend(event_rows)
        if len(rows) > MAX_DAYS_PER_IMPORT:
            raise HolidayImportError(
                f"The file closes more than {MAX_DAYS_PER_IMPORT} days: split it, or check its recurring events."
            )
    return rows, errors


def _describe(event, number: int) -> str:
    summary = str(event.get("SUMMARY", "")).strip()
    return f"Event {number}" + (f" ({summary[:60]!r})" if summary else "")


def _broken(event) -> list[str]:
    return [f"{name}: {message}" for name, message in event.errors if name in _ESSENTIAL]


def _name(event) -> str:
    return str(event.get("SUMMARY", "")).strip()[:NAME_LENGTH] or DEFAULT_NAME


def _event_rows(event, zone: ZoneInfo, overridden: list) -> list[_Row]:
    broken = _broken(event)
    if broken:
        raise _BadEvent("; ".join(broken))
    if "DTSTART" not in event:
        raise _BadEvent("no DTSTART")
    start = event.decoded("DTSTART")
    all_day = not isinstance(start, dt.datetime)
    if not all_day and start.tzinfo is None and "TZID" in event["DTSTART"].params:
        raise _BadEvent(f"unknown time zone {event['DTSTART'].params['TZID']!r}")

    if "DTEND" in event:
        end = event.decoded("DTEND")
        if isinstance(end, dt.datetime) == all_day:
            raise _BadEvent("DTSTART and DTEND must both be dates or both date-times")
        if not all_day and (end.tzinfo is None) != (start.tzinfo is None):
            raise _BadEvent("DTSTART and DTEND mix a floating and a zoned time")
        length = end - start if all_day else _utc(end, zone) - _utc(start, zone)
    elif "DURATION" in event:
        length = event.decoded("DURATION")
    elif all_day:
        length = _DAY
    else:
        raise _BadEvent("a timed event needs DTEND or DURATION")
    if length <= dt.timedelta(0):
        raise _BadEvent("it ends before it starts")

    name = _name(event)
    rows: list[_Row] = []
    # Timed events recur in the wall time of their own zone (RFC 5545), so
    # a 09:00 meeting stays at 09:00 across daylight-saving changes.
    event_zone = start.tzinfo if not all_day and start.tzinfo is not None else zone
    for occurrence in _occurrences(event, start, all_day, event_zone, overridden):
        if all_day:
            days = max(1, length.days)
            rows.extend(_Row(occurrence + n * _DAY, None, None, name) for n in range(days))
        else:
            begins = _utc(occurrence.replace(tzinfo=event_zone), zone)
            rows.extend(_split(begins, begins + length, zone, name))
        if len(rows) > MAX_DAYS_PER_EVENT:
            raise _BadEvent(f"it closes more than {MAX_DAYS_PER_EVENT} days; left out")
    return rows


def _occurrences(event, start, all_day: bool, zone, overridden: list) -> list:
    """Start of each instance: dates for all-day events, naive wall times in `zone` otherwise."""
    first = _wall(start, zone)
    anchor = dt.datetime.combine(first, _MIDNIGHT) if all_day else first
    horizon = anchor + relativedelta(years=RECURRENCE_YEARS)
    starts = [anchor]
    for recur in _as_list(event.get("RRULE")):
        text = ";".join(part for part in recur.to_ical().decode().split(";") if not part.upper().startswith("UNTIL="))
        rule = rrulestr(text, dtstart=anchor)
        if recur.get("UNTIL"):
            until = _wall(recur["UNTIL"][0], zone)
            if not isinstance(until, dt.datetime):
                until = dt.datetime.combine(until, _MIDNIGHT if all_day else dt.time.max)
            rule = rule.replace(until=until)
        for instance in rule:
            if instance >= horizon:
                break
            starts.append(instance)
            if len(starts) > MAX_DAYS_PER_EVENT:
                raise _BadEvent(f"it recurs more than {MAX_DAYS_PER_EVENT} times; left out")
    for values in _as_list(event.get("RDATE")):
        for value in values.dts:
            if isinstance(value.dt, tuple):  # a PERIOD: its own length is not supported
                raise _BadEvent("RDATE periods are not supported")
            moment = _wall(value.dt, zone)
            if not isinstance(moment, dt.datetime):
                moment = dt.datetime.combine(moment, first.time() if not all_day else _MIDNIGHT)
            starts.append(dt.datetime.combine(moment.date(), _MIDNIGHT) if all_day else moment)

    excluded = [_wall(value.dt, zone) for values in _as_list(event.get("EXDATE")) for value in values.dts]
    if "RECURRENCE-ID" not in event:
        excluded += [_wall(value, zone) for value in overridden]
    excluded_days = {value for value in excluded if not isinstance(value, dt.datetime)}
    excluded_times = {value for value in excluded if isinstance(value, dt.datetime)}

    result = []
    for instance in sorted(set(starts)):
        if instance.date() in excluded_days or instance in excluded_times:
            continue
        if all_day and any(value.date() == instance.date() for value in excluded_times):
            continue
        result.append(instance.date() if all_day else instance)
    return result


def _as_list(value) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _wall(value, zone):
    """A date as is; a date-time as naive wall time in `zone` (floating times are already)."""
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value.astimezone(zone).replace(tzinfo=None)
    return value


def _utc(moment: dt.datetime, zone: ZoneInfo) -> dt.datetime:
    """An aware UTC instant; a floating time is read in the calendar's zone."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone)
    return moment.astimezone(dt.UTC)


def _split(begins: dt.datetime, ends: dt.datetime, zone: ZoneInfo, name: str) -> list[_Row]:
    """[begins, ends) (UTC) as rows of the calendar's local days, split at local midnights."""
    rows = []
    day = begins.astimezone(zone).date()
    while True:
        day_starts = dt.datetime.combine(day, _MIDNIGHT, tzinfo=zone).astimezone(dt.UTC)
        if day_starts >= ends:
            break
        day_ends = dt.datetime.combine(day + _DAY, _MIDNIGHT, tzinfo=zone).astimezone(dt.UTC)
        row = _part_of_day(day, max(begins, day_starts), min(ends, day_ends), day_starts, day_ends, zone, name)
        if row is not None:
            rows.append(row)
        day += _DAY
    return rows


def _part_of_day(day, starts, ends, day_starts, day_ends, zone: ZoneInfo, name: str) -> _Row | None:
    """The row closing [starts, ends) of local `day` ([day_starts, day_ends) in UTC), or None if empty."""
    if starts >= ends:
        return None
    if starts == day_starts and ends == day_ends:
        return _Row(day, None, None, name)
    opens = starts.astimezone(zone).time()
    if ends == day_ends:
        if opens >= END_OF_DAY:
            return None  # the last second before midnight: not a row the model can hold, nor worth one
        return _Row(day, opens, END_OF_DAY, name)
    closes = ends.astimezone(zone).time()
    if closes <= opens:
        # Only inside a daylight-saving fold (01:30 BST to 01:10 GMT): the
        # wall times cannot say it, and the row would break the model's check.
        raise _BadEvent(f"its part on {day} falls inside a daylight-saving change")
    return _Row(day, opens, closes, name)


# --- Opening hours -----------------------------------------------------------------------

_WEEK = 7 * _DAY


def calendar_check_intervals(intervals: list[tuple[int, dt.time, dt.time]]) -> list[str]:
    """The problems of a calendar's weekly opening intervals, as messages; empty when none.

    Each interval is (weekday 0 = Monday, opens, closes) in local wall time.
    Intervals are half-open, so 09:00-12:00 and 12:00-17:00 on one day (a
    split shift meeting at noon) do not overlap. An interval that closes
    before it opens runs past midnight into the next weekday (Sunday into
    Monday), and must not overlap that day's intervals either.

    Opening and closing at the same time: 00:00-00:00 is the whole day
    (midnight to midnight). Any other equal pair (09:00-09:00) is refused:
    cases.business_time would read it as 24 hours to 09:00 the next day, but
    it is far more often a typo than a 24-hour shift, and a typo that opens
    a team round the clock silently corrupts every SLA. A 24-hour shift is
    written as two intervals (Mon 09:00-00:00, Tue 00:00-09:00).
    Pure: no database.
    """
    problems = []
    spans = []
    for weekday, opens, closes in sorted(intervals, key=lambda interval: (interval[0], interval[1], interval[2])):
        if weekday not in Weekday.values:
            problems.append(f"{weekday!r} is not a weekday (0 = Monday to 6 = Sunday).")
            continue
        if opens == closes and opens != _MIDNIGHT:
            problems.append(
                f"{Weekday(weekday).label} {_clock(opens)}-{_clock(closes)} opens and closes at the same time. "
                "Use 00:00-00:00 for the whole day, or two intervals for a 24-hour shift."
            )
            continue
        spans.append((weekday, opens, closes, _week_pieces(weekday, opens, closes)))

    for index, (weekday, opens, closes, pieces) in enumerate(spans):
        for other_weekday, other_opens, other_closes, other_pieces in spans[index + 1 :]:
            if any(a < d and c < b for a, b in pieces for c, d in other_pieces):
                problems.append(
                    f"{_interval_label(weekday, opens, closes)} overlaps "
                    f"{_interval_label(other_weekday, other_opens, other_closes)}."
                )
    return problems


def _week_pieces(weekday: int, opens: dt.time, closes: dt.time) -> list[tuple[dt.timedelta, dt.timedelta]]:
    """The interval as spans of the week from Monday 00:00; one past Sunday midnight wraps to Monday."""
    starts = weekday * _DAY + _since_midnight(opens)
    if closes <= opens:  # past midnight; 00:00-00:00 is the whole day
        ends = (weekday + 1) * _DAY + _since_midnight(closes)
    else:
        ends = weekday * _DAY + _since_midnight(closes)
    if ends <= _WEEK:
        return [(starts, ends)]
    return [(starts, _WEEK), (dt.timedelta(0), ends - _WEEK)]


def _since_midnight(moment: dt.time) -> dt.timedelta:
    return dt.timedelta(
        hours=moment.hour, minutes=moment.minute, seconds=moment.second, microseconds=moment.microsecond
    )


def _interval_label(weekday: int, opens: dt.time, closes: dt.time) -> str:
    day = Weekday(weekday).label
    text = f"{day} {_clock(opens)}-{_clock(closes)}"
    if opens == closes == _MIDNIGHT:
        return f"{text} (the whole day)"
    if closes <= opens:
        return f"{text} (into {Weekday((weekday + 1) % 7).label})"
    return text


def _clock(moment: dt.time) -> str:
    return moment.strftime("%H:%M:%S" if moment.second or moment.microsecond else "%H:%M")
