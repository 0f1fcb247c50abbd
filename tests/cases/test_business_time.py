"""Business time: add_business_minutes() and business_minutes_between().

Random calendars are checked against a brute-force reference written here
on its own terms: it walks UTC minutes one by one and asks, for each, whether
it lies in the real span of an interval of its local date or the date before
and outside every holiday. Named cases pin what a reader would check by hand:
weekends, holidays, night shifts and DST in London and New York.
"""

import datetime as dt
import functools
from zoneinfo import ZoneInfo

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from cases.business_time import (
    ALWAYS_OPEN,
    CalendarSpec,
    HolidaySpec,
    NoOpeningHours,
    WeeklyInterval,
    add_business_minutes,
    business_minutes_between,
)
from cases.selectors import calendar_spec, calendar_specs
from tests.factories import BusinessCalendarFactory, HolidayFactory, OpeningIntervalFactory

UTC = dt.UTC
EPOCH = dt.datetime(1970, 1, 1, tzinfo=UTC)
MINUTE = dt.timedelta(minutes=1)
WALK = 3 * 7 * 24 * 60  # how far the reference walks: three weeks of minutes

ZONES = ["UTC", "America/New_York", "Europe/London", "Australia/Lord_Howe", "Asia/Kolkata", "America/Sao_Paulo"]
DST_CHANGES = {
    "America/New_York": [dt.datetime(2026, 3, 8, 7, tzinfo=UTC), dt.datetime(2026, 11, 1, 6, tzinfo=UTC)],
    "Europe/London": [dt.datetime(2026, 3, 29, 1, tzinfo=UTC), dt.datetime(2026, 10, 25, 1, tzinfo=UTC)],
    # Lord Howe moves its clocks by 30 minutes.
    "Australia/Lord_Howe": [dt.datetime(2026, 4, 4, 15, tzinfo=UTC), dt.datetime(2026, 10, 3, 15, 30, tzinfo=UTC)],
}


def t(text: str) -> dt.time:
    return dt.time.fromisoformat(text)


def local(zone: str, *args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=ZoneInfo(zone))


def every(opens: str, closes: str, days=range(5)) -> list[WeeklyInterval]:
    return [WeeklyInterval(day, t(opens), t(closes)) for day in days]


LONDON_OFFICE = CalendarSpec(time_zone="Europe/London", intervals=every("09:00", "17:00"), name="London office")
UTC_OFFICE = CalendarSpec(intervals=every("09:00", "17:00"), name="UTC office")
NEW_YORK_NIGHTS = CalendarSpec(time_zone="America/New_York", intervals=every("22:00", "06:00", days=range(7)))
CHRISTMAS = [HolidaySpec(dt.date(2026, 12, 25)), HolidaySpec(dt.date(2026, 12, 26)), HolidaySpec(dt.date(2026, 12, 28))]


# The reference ---------------------------------------------------------------------------------


def to_minute(moment: dt.datetime) -> int:
    return (moment.astimezone(UTC) - EPOCH) // MINUTE


def from_minute(minute: int) -> dt.datetime:
    return EPOCH + minute * MINUTE


class Reference:
    """Opening hours one UTC minute at a time; slow, obviously right."""

    def __init__(self, spec: CalendarSpec):
        self.spec = spec
        self.zone = ZoneInfo(spec.time_zone)
        self.holidays = [
            (self.wall(h.date, dt.time(0)), self.wall(h.date + dt.timedelta(days=1), dt.time(0)))
            if h.starts is None
            else (self.wall(h.date, h.starts), self.wall(h.date, h.ends))
            for h in spec.holidays
        ]

    def wall(self, day: dt.date, time: dt.time) -> int:
        return to_minute(dt.datetime.combine(day, time).replace(tzinfo=self.zone))

    @functools.cache  # noqa: B019 (one reference per example; the cache dies with it)
    def interval_spans(self, day: dt.date) -> list[tuple[int, int]]:
        spans = []
        for interval in self.spec.intervals:
            if interval.weekday == day.weekday():
                closes_on = day + dt.timedelta(days=interval.closes <= interval.opens)
                spans.append((self.wall(day, interval.opens), self.wall(closes_on, interval.closes)))
        return spans

    def is_open(self, minute: int) -> bool:
        if self.spec.always_open:
            return True
        day = from_minute(minute).astimezone(self.zone).date()
        spans = self.interval_spans(day) + self.interval_spans(day - dt.timedelta(days=1))
        return any(s <= minute < e for s, e in spans) and not any(s <= minute < e for s, e in self.holidays)

    def open_minutes(self, start: dt.datetime, count: int) -> list[bool]:
        first = to_minute(start)
        return [self.is_open(minute) for minute in range(first, first + count)]


def walk_to(open_minutes: list[bool], minutes: int) -> int | None:
    """Offset from the start when `minutes` open minutes have elapsed (the
    first open minute for 0), or None beyond the walk."""
    counted = 0
    for offset, is_open in enumerate(open_minutes):
        if is_open:
            if minutes == 0:
                return offset
            counted += 1
            if counted == minutes:
                return offset + 1
    return None


# Random calendars ------------------------------------------------------------------------------


def minute_time(minute: int) -> dt.time:
    return dt.time(minute // 60, minute % 60)


# Any minute of the day, often one where clocks change (01:00 to 03:00) or midnight.
WALL_MINUTES = st.one_of(st.integers(0, 1439), st.sampled_from([0, 60, 90, 120, 150, 180]))


@st.composite
def weekly_intervals(draw) -> list[WeeklyInterval]:
    """0-3 non-overlapping intervals a weekday; a day's last may run past midnight."""
    days = [draw(st.lists(WALL_MINUTES, unique=True, max_size=6).map(sorted)) for _ in range(7)]
    days = [points[: len(points) // 2 * 2] for points in days]
    intervals = []
    for weekday, points in enumerate(days):
        pairs = list(zip(points[::2], points[1::2], strict=True))
        if pairs and draw(st.booleans()):
            opens = pairs.pop()[0]
            next_day = days[(weekday + 1) % 7]
            closes = draw(st.integers(0, min(opens, next_day[0] if next_day else 1439)))
            intervals.append(WeeklyInterval(weekday, minute_time(opens), minute_time(closes)))
        intervals += [WeeklyInterval(weekday, minute_time(a), minute_time(b)) for a, b in pairs]
    return intervals


@st.composite
def holiday_near(draw, day: dt.date) -> HolidaySpec:
    date = day + dt.timedelta(days=draw(st.integers(-1, 10)))
    if draw(st.booleans()):
        return HolidaySpec(date)
    starts, ends = sorted(draw(st.lists(st.integers(0, 1439), min_size=2, max_size=2, unique=True)))
    return HolidaySpec(date, minute_time(starts), minute_time(ends))


@st.composite
def scenarios(draw, near_dst: bool = False) -> tuple[CalendarSpec, dt.datetime]:
    """A random calendar and a minute-aligned start within 2026; with
    `near_dst`, in a zone with DST, up to three days before one of its changes."""
    zone = draw(st.sampled_from(sorted(DST_CHANGES) if near_dst else ZONES))
    if near_dst:
        start = draw(st.sampled_from(DST_CHANGES[zone])) - draw(st.integers(0, 3 * 1440)) * MINUTE
    else:
        start = dt.datetime(2026, 1, 1, tzinfo=UTC) + draw(st.integers(0, 365 * 1440 - 1)) * MINUTE
    spec = CalendarSpec(
        time_zone=zone,
        intervals=draw(weekly_intervals()),
        holidays=draw(st.lists(holiday_near(start.astimezone(ZoneInfo(zone)).date()), max_size=3)),
        always_open=draw(st.sampled_from([False] * 7 + [True])),
    )
    return spec, start


def check_against_the_reference(spec: CalendarSpec, start: dt.datetime, minutes: int, span: int) -> None:
    if not spec.has_opening_hours:
        with pytest.raises(NoOpeningHours):
            add_business_minutes(spec, start, minutes)
        assert business_minutes_between(spec, start, start + span * MINUTE) == 0.0
        return
    open_minutes = Reference(spec).open_minutes(start, WALK)

    due = add_business_minutes(spec, start, minutes)

    offset = walk_to(open_minutes, minutes)
    if offset is None:  # beyond the walk: the due time is too
        assert due >= start + WALK * MINUTE
    else:
        assert due == start + offset * MINUTE
    assert business_minutes_between(spec, start, due) == minutes
    assert business_minutes_between(spec, start, start + span * MINUTE) == sum(open_minutes[:span])
    # A target used up exactly at the first closing time is due at that closing time.
    first_closing = next((n for n in range(1, WALK) if open_minutes[n - 1] and not open_minutes[n]), None)
    if first_closing is not None:
        used_up = sum(open_minutes[:first_closing])
        assert add_business_minutes(spec, start, used_up) == start + first_closing * MINUTE


@settings(max_examples=40, deadline=None)
@given(scenarios(), st.integers(0, 5000), st.integers(0, WALK))
def test_due_times_and_counts_match_a_minute_by_minute_walk(scenario, minutes, span):
    check_against_the_reference(*scenario, minutes, span)


@settings(max_examples=40, deadline=None)
@given(scenarios(near_dst=True), st.integers(0, 5000), st.integers(0, WALK))
def test_due_times_and_counts_match_a_minute_by_minute_walk_across_dst_changes(scenario, minutes, span):
    check_against_the_reference(*scenario, minutes, span)


@settings(max_examples=40, deadline=None)
@given(
    scenarios(),
    st.integers(0, 5000),
    st.integers(0, 5000),
    st.integers(0, 3 * 1440 * 60_000_000),
    st.integers(0, 59_999_999),
)
def test_due_times_never_go_backwards_and_round_trip_from_any_microsecond(scenario, m1, m2, delay_us, jitter_us):
    spec, start = scenario
    assume(spec.has_opening_hours)
    m1, m2 = sorted((m1, m2))
    s1 = start + dt.timedelta(microseconds=jitter_us)
    s2 = s1 + dt.timedelta(microseconds=delay_us)

    due1, due2 = add_business_minutes(spec, s1, m1), add_business_minutes(spec, s1, m2)

    assert due1 <= due2
    assert due1 <= add_business_minutes(spec, s2, m1)
    assert business_minutes_between(spec, s1, due2) == m2


# Named cases -----------------------------------------------------------------------------------


def test_a_case_late_on_friday_is_due_on_monday_morning():
    due = add_business_minutes(LONDON_OFFICE, local("Europe/London", 2026, 6, 5, 16, 30), 60)

    assert due == local("Europe/London", 2026, 6, 8, 9, 30)
    assert due.tzinfo is UTC


def test_a_case_opened_on_saturday_counts_from_monday_opening():
    due = add_business_minutes(LONDON_OFFICE, local("Europe/London", 2026, 6, 6, 11, 0), 60)

    assert due == local("Europe/London", 2026, 6, 8, 10, 0)


def test_christmas_and_boxing_day_are_skipped_to_the_next_working_day():
    calendar = CalendarSpec(time_zone="Europe/London", intervals=every("09:00", "17:00"), holidays=CHRISTMAS)

    due = add_business_minutes(calendar, local("Europe/London", 2026, 12, 24, 16, 30), 60)

    assert due == local("Europe/London", 2026, 12, 29, 9, 30)


def test_a_partial_holiday_closes_christmas_eve_at_one():
    eve = HolidaySpec(dt.date(2026, 12, 24), t("13:00"), t("17:00"))
    calendar = CalendarSpec(time_zone="Europe/London", intervals=every("09:00", "17:00"), holidays=[eve, *CHRISTMAS])

    due = add_business_minutes(calendar, local("Europe/London", 2026, 12, 24, 12, 30), 60)

    assert due == local("Europe/London", 2026, 12, 29, 9, 30)
    eve_minutes = business_minutes_between(
        calendar, local("Europe/London", 2026, 12, 24, 0, 0), local("Europe/London", 2026, 12, 25, 0, 0)
    )
    assert eve_minutes == 240
    assert not calendar.is_open(local("Europe/London", 2026, 12, 24, 13, 0))
    assert calendar.next_opening(local("Europe/London", 2026, 12, 24, 13, 0)) == local(
        "Europe/London", 2026, 12, 29, 9, 0
    )


def test_a_new_york_night_shift_lasts_seven_real_hours_when_clocks_spring_forward():
    saturday_noon, sunday_noon = local("America/New_York", 2026, 3, 7, 12, 0), local("America/New_York", 2026, 3, 8, 12)

    assert business_minutes_between(NEW_YORK_NIGHTS, saturday_noon, sunday_noon) == 7 * 60
    shift_start = local("America/New_York", 2026, 3, 7, 22, 0)
    assert add_business_minutes(NEW_YORK_NIGHTS, shift_start, 420) == local("America/New_York", 2026, 3, 8, 6, 0)
    assert add_business_minutes(NEW_YORK_NIGHTS, shift_start, 421) == local("America/New_York", 2026, 3, 8, 22, 1)


def test_a_new_york_night_shift_lasts_nine_real_hours_when_clocks_fall_back():
    saturday_noon, sunday_noon = local("America/New_York", 2026, 10, 31, 12), local("America/New_York", 2026, 11, 1, 12)

    assert business_minutes_between(NEW_YORK_NIGHTS, saturday_noon, sunday_noon) == 9 * 60
    shift_start = local("America/New_York", 2026, 10, 31, 22, 0)
    assert add_business_minutes(NEW_YORK_NIGHTS, shift_start, 540) == local("America/New_York", 2026, 11, 1, 6, 0)


@pytest.mark.parametrize(
    "calendar",
    [
        CalendarSpec(time_zone="America/New_York", always_open=True),
        CalendarSpec(time_zone="America/New_York", intervals=every("00:00", "00:00", days=range(7))),
        None,
    ],
    ids=["always-open", "midnight-to-midnight-every-day", "no-calendar"],
)
def test_a_day_long_target_across_spring_forward_ends_24_real_hours_later(calendar):
    start = local("America/New_York", 2026, 3, 7, 12, 0)

    due = add_business_minutes(calendar, start, 24 * 60)

    assert due == start.astimezone(UTC) + dt.timedelta(hours=24)
    assert due == local("America/New_York", 2026, 3, 8, 13, 0)
    assert business_minutes_between(calendar, start, due) == 24 * 60


def test_missing_and_repeated_wall_times_resolve_as_fold_zero():
    # 02:30 does not exist on 8 March; fold=0 reads it as EST, i.e. 03:30 EDT.
    # 01:30 happens twice on 1 November; fold=0 is the first, in EDT.
    def sunday(opens: str, closes: str, month: int, day: int) -> float:
        calendar = CalendarSpec(time_zone="America/New_York", intervals=[WeeklyInterval(6, t(opens), t(closes))])
        return business_minutes_between(
            calendar, local("America/New_York", 2026, month, day), local("America/New_York", 2026, month, day + 1)
        )

    assert sunday("02:30", "04:00", 3, 8) == 30
    assert sunday("02:30", "04:00", 3, 15) == 90
    assert sunday("01:30", "03:00", 11, 1) == 150
    assert sunday("01:30", "03:00", 11, 8) == 90


def test_london_early_sunday_hours_shrink_and_grow_with_dst():
    calendar = CalendarSpec(time_zone="Europe/London", intervals=[WeeklyInterval(6, t("00:00"), t("04:00"))])

    def sunday(month: int, day: int) -> float:
        return business_minutes_between(
            calendar, local("Europe/London", 2026, month, day), local("Europe/London", 2026, month, day + 1)
        )

    assert (sunday(3, 22), sunday(3, 29), sunday(10, 25), sunday(11, 1)) == (240, 180, 300, 240)


def test_office_hours_keep_their_wall_times_across_london_dst():
    due = add_business_minutes(LONDON_OFFICE, local("Europe/London", 2026, 3, 27, 16, 0), 120)

    assert due == local("Europe/London", 2026, 3, 30, 10, 0)
    assert due == dt.datetime(2026, 3, 30, 9, 0, tzinfo=UTC)
    autumn = add_business_minutes(LONDON_OFFICE, local("Europe/London", 2026, 10, 23, 16, 0), 120)
    assert autumn == dt.datetime(2026, 10, 26, 10, 0, tzinfo=UTC)


def test_an_interval_crossing_midnight_counts_into_the_next_day_unless_that_day_is_a_holiday():
    friday_night = [WeeklyInterval(4, t("22:00"), t("06:00"))]
    friday, sunday = dt.datetime(2026, 6, 5, tzinfo=UTC), dt.datetime(2026, 6, 7, tzinfo=UTC)

    def calendar(*holidays: HolidaySpec) -> CalendarSpec:
        return CalendarSpec(intervals=friday_night, holidays=holidays)

    assert add_business_minutes(calendar(), friday + dt.timedelta(hours=23), 180) == dt.datetime(
        2026, 6, 6, 2, 0, tzinfo=UTC
    )
    assert business_minutes_between(calendar(), friday, sunday) == 480
    assert business_minutes_between(calendar(HolidaySpec(dt.date(2026, 6, 6))), friday, sunday) == 120
    saturday_hour_off = HolidaySpec(dt.date(2026, 6, 6), t("01:00"), t("02:00"))
    assert business_minutes_between(calendar(saturday_hour_off), friday, sunday) == 420


def test_split_shifts_skip_the_lunch_break_and_stop_at_its_start_when_the_target_ends_there():
    calendar = CalendarSpec(
        intervals=[WeeklyInterval(0, t("09:00"), t("12:00")), WeeklyInterval(0, t("13:00"), t("17:00"))]
    )
    monday = dt.datetime(2026, 6, 1, tzinfo=UTC)

    assert add_business_minutes(calendar, monday.replace(hour=11, minute=30), 60) == monday.replace(hour=13, minute=30)
    assert add_business_minutes(calendar, monday.replace(hour=11, minute=30), 30) == monday.replace(hour=12)
    assert not calendar.is_open(monday.replace(hour=12, minute=30))
    assert calendar.next_opening(monday.replace(hour=12, minute=30)) == monday.replace(hour=13)
    assert business_minutes_between(calendar, monday, monday + dt.timedelta(days=1)) == 420


def test_overlapping_intervals_are_counted_once():
    calendar = CalendarSpec(
        intervals=[WeeklyInterval(0, t("09:00"), t("17:00")), WeeklyInterval(0, t("12:00"), t("18:00"))]
    )
    monday = dt.datetime(2026, 6, 1, tzinfo=UTC)

    assert business_minutes_between(calendar, monday, monday + dt.timedelta(days=1)) == 540


def test_a_three_week_target_ends_at_friday_closing_and_one_more_minute_moves_to_monday():
    monday = dt.datetime(2026, 6, 1, 9, 0, tzinfo=UTC)

    assert add_business_minutes(UTC_OFFICE, monday, 3 * 40 * 60) == dt.datetime(2026, 6, 19, 17, 0, tzinfo=UTC)
    assert add_business_minutes(UTC_OFFICE, monday, 3 * 40 * 60 + 1) == dt.datetime(2026, 6, 22, 9, 1, tzinfo=UTC)
    saturday_before = dt.datetime(2026, 5, 30, 10, 0, tzinfo=UTC)
    assert add_business_minutes(UTC_OFFICE, saturday_before, 3 * 40 * 60) == dt.datetime(2026, 6, 19, 17, tzinfo=UTC)


def test_a_holiday_week_counts_no_business_minutes():
    week_off = [HolidaySpec(dt.date(2026, 8, 3) + dt.timedelta(days=n)) for n in range(5)]
    calendar = CalendarSpec(time_zone="Europe/London", intervals=every("09:00", "17:00"), holidays=week_off)

    holiday_week = (local("Europe/London", 2026, 8, 3), local("Europe/London", 2026, 8, 10))
    assert business_minutes_between(calendar, *holiday_week) == 0.0
    three_weeks = (local("Europe/London", 2026, 7, 27), local("Europe/London", 2026, 8, 17))
    assert business_minutes_between(calendar, *three_weeks) == 2 * 40 * 60
    assert business_minutes_between(calendar, three_weeks[1], three_weeks[0]) == 0.0


def test_ten_years_of_office_hours_are_counted_without_walking_them():
    # 520 weeks of 40 hours, no holidays: the target is the Friday closing of week 520.
    target = 10 * 52 * 40 * 60
    start = dt.datetime(2026, 1, 5, 9, 0, tzinfo=UTC)

    due = add_business_minutes(UTC_OFFICE, start, target)

    assert due == start + dt.timedelta(weeks=519, days=4, hours=8)
    assert business_minutes_between(UTC_OFFICE, start, due) == target


def test_ten_years_of_london_office_hours_land_on_friday_closing_wall_time():
    # DST changes fall on Sunday nights, outside the hours: every week holds 40 hours.
    start = local("Europe/London", 2026, 1, 5, 9, 0)
    calendar = CalendarSpec(time_zone="Europe/London", intervals=every("09:00", "17:00"))

    due = add_business_minutes(calendar, start, 10 * 52 * 40 * 60)

    assert due == start + dt.timedelta(weeks=519, days=4, hours=8)  # wall-time arithmetic in one zone


def test_next_opening_is_the_instant_itself_when_open():
    open_at = local("Europe/London", 2026, 6, 8, 10, 0)

    assert LONDON_OFFICE.is_open(open_at)
    assert LONDON_OFFICE.next_opening(open_at) == open_at
    assert LONDON_OFFICE.next_opening(local("Europe/London", 2026, 6, 6, 10)) == local("Europe/London", 2026, 6, 8, 9)
    assert not LONDON_OFFICE.is_open(local("Europe/London", 2026, 6, 8, 17, 0))


def test_zero_minutes_is_the_next_opening_and_fractions_are_exact():
    saturday = local("Europe/London", 2026, 6, 6, 10, 0)

    assert add_business_minutes(LONDON_OFFICE, saturday, 0) == local("Europe/London", 2026, 6, 8, 9, 0)
    assert add_business_minutes(LONDON_OFFICE, saturday, 0.5) == local("Europe/London", 2026, 6, 8, 9, 0, 30)
    assert add_business_minutes(None, saturday, 1.5) == saturday + dt.timedelta(seconds=90)
    assert ALWAYS_OPEN.is_open(saturday)


def test_a_calendar_without_opening_hours_raises_no_opening_hours():
    closed = CalendarSpec(time_zone="Europe/London", name="closed")
    monday = local("Europe/London", 2026, 6, 8, 10, 0)

    assert not closed.has_opening_hours
    with pytest.raises(NoOpeningHours):
        add_business_minutes(closed, monday, 60)
    with pytest.raises(NoOpeningHours):
        closed.next_opening(monday)
    assert not closed.is_open(monday)
    assert business_minutes_between(closed, monday, monday + dt.timedelta(days=7)) == 0.0


def test_a_calendar_closed_by_holidays_for_twenty_years_raises_no_opening_hours():
    first_monday = dt.date(2026, 6, 1)
    every_monday_off = [HolidaySpec(first_monday + dt.timedelta(weeks=n)) for n in range(21 * 53)]
    calendar = CalendarSpec(intervals=every("09:00", "10:00", days=[0]), holidays=every_monday_off)
    start = dt.datetime(2026, 6, 1, tzinfo=UTC)

    with pytest.raises(NoOpeningHours):
        add_business_minutes(calendar, start, 1)
    with pytest.raises(NoOpeningHours):
        calendar.next_opening(start)


def test_naive_datetimes_and_negative_minutes_are_refused():
    naive, aware = dt.datetime(2026, 6, 8, 10, 0), dt.datetime(2026, 6, 8, 10, 0, tzinfo=UTC)

    for call in (
        lambda: add_business_minutes(LONDON_OFFICE, naive, 60),
        lambda: add_business_minutes(None, naive, 60),
        lambda: business_minutes_between(LONDON_OFFICE, naive, aware),
        lambda: business_minutes_between(LONDON_OFFICE, aware, naive),
        lambda: LONDON_OFFICE.is_open(naive),
        lambda: LONDON_OFFICE.next_opening(naive),
        lambda: add_business_minutes(LONDON_OFFICE, aware, -1),
    ):
        with pytest.raises(ValueError):
            call()


def test_specs_are_immutable_values_and_refuse_malformed_parts():
    with pytest.raises(AttributeError):
        LONDON_OFFICE.time_zone = "UTC"
    assert CalendarSpec(intervals=every("09:00", "17:00"), name="UTC office") == UTC_OFFICE
    with pytest.raises(ValueError):
        WeeklyInterval(7, t("09:00"), t("17:00"))
    with pytest.raises(ValueError):
        HolidaySpec(dt.date(2026, 12, 24), starts=t("13:00"))
    with pytest.raises(ValueError):
        HolidaySpec(dt.date(2026, 12, 24), t("13:00"), t("12:00"))


@pytest.mark.django_db
def test_calendar_specs_load_intervals_and_holidays_whatever_the_number_of_calendars(django_assert_num_queries):
    office = BusinessCalendarFactory(name="NY office", time_zone="America/New_York")
    OpeningIntervalFactory(calendar=office, weekday=0, opens_at=t("09:00"), closes_at=t("17:00"))
    OpeningIntervalFactory(calendar=office, weekday=4, opens_at=t("22:00"), closes_at=t("06:00"))
    HolidayFactory(calendar=office, date=dt.date(2026, 12, 25))
    HolidayFactory(calendar=office, date=dt.date(2026, 12, 24), starts_at=t("13:00"), ends_at=t("17:00"))
    always = BusinessCalendarFactory(name="24/7", always_open=True)

    with django_assert_num_queries(3):
        specs = calendar_specs(calendar_ids=[office.id, always.id, always.id + 1000])

    assert specs == {
        office.id: CalendarSpec(
            time_zone="America/New_York",
            intervals=[WeeklyInterval(0, t("09:00"), t("17:00")), WeeklyInterval(4, t("22:00"), t("06:00"))],
            holidays=[HolidaySpec(dt.date(2026, 12, 24), t("13:00"), t("17:00")), HolidaySpec(dt.date(2026, 12, 25))],
            name="NY office",
        ),
        always.id: CalendarSpec(time_zone="Europe/London", always_open=True, name="24/7"),
    }
    assert calendar_spec(office) == specs[office.id]
