"""cases.services.calendar_import_holidays(): iCalendar files become Holiday rows."""

import datetime as dt

import pytest

from cases import services
from cases.models import BusinessCalendar, Holiday
from cases.services.calendars import END_OF_DAY
from tests import factories

pytestmark = pytest.mark.django_db


def ics(*lines: str) -> bytes:
    """An iCalendar file as a calendar client writes it: CRLF line endings, UTF-8."""
    return ("\r\n".join(lines) + "\r\n").encode()


def vcalendar(*events: str, prodid: str = "-//socialcrm tests//EN") -> bytes:
    return ics("BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{prodid}", "CALSCALE:GREGORIAN", *events, "END:VCALENDAR")


def all_day(uid: str, start: str, end: str, summary: str) -> str:
    return "\r\n".join(
        [
            "BEGIN:VEVENT",
            f"DTEND;VALUE=DATE:{end}",
            f"DTSTART;VALUE=DATE:{start}",
            f"SUMMARY:{summary}",
            f"UID:{uid}@gov.uk",
            "SEQUENCE:0",
            "DTSTAMP:20251103T101500Z",
            "END:VEVENT",
        ]
    )


# England and Wales bank holidays 2026, as the gov.uk feed publishes them.
UK_BANK_HOLIDAYS_2026 = vcalendar(
    all_day("ew-2026-01-01", "20260101", "20260102", "New Year\u2019s Day"),
    all_day("ew-2026-04-03", "20260403", "20260404", "Good Friday"),
    all_day("ew-2026-04-06", "20260406", "20260407", "Easter Monday"),
    all_day("ew-2026-05-04", "20260504", "20260505", "Early May bank holiday"),
    all_day("ew-2026-05-25", "20260525", "20260526", "Spring bank holiday"),
    all_day("ew-2026-08-31", "20260831", "20260901", "Summer bank holiday"),
    all_day("ew-2026-12-25", "20261225", "20261226", "Christmas Day"),
    all_day("ew-2026-12-28", "20261228", "20261229", "Boxing Day (substitute day)"),
    prodid="-//uk.gov/bank-holidays/england-and-wales//EN",
)

UK_DATES_2026 = [
    dt.date(2026, 1, 1),
    dt.date(2026, 4, 3),
    dt.date(2026, 4, 6),
    dt.date(2026, 5, 4),
    dt.date(2026, 5, 25),
    dt.date(2026, 8, 31),
    dt.date(2026, 12, 25),
    dt.date(2026, 12, 28),
]

# A company day off every 12 June, but not in 2028 (the office move), five years.
FOUNDERS_DAY = vcalendar(
    "BEGIN:VEVENT",
    "UID:founders-day@acme.example",
    "DTSTAMP:20251201T090000Z",
    "DTSTART;VALUE=DATE:20260612",
    "DTEND;VALUE=DATE:20260613",
    "RRULE:FREQ=YEARLY;COUNT=5",
    "EXDATE;VALUE=DATE:20280612",
    "SUMMARY:Founders' Day (office closed)",
    "END:VEVENT",
)

# The Paris head office closes support at 13:00 Paris time on Christmas Eve,
# until the end of the day; exported with its VTIMEZONE, as Outlook does.
PARIS_CHRISTMAS_EVE = vcalendar(
    "BEGIN:VTIMEZONE",
    "TZID:Europe/Paris",
    "BEGIN:STANDARD",
    "DTSTART:19701025T030000",
    "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU",
    "TZOFFSETFROM:+0200",
    "TZOFFSETTO:+0100",
    "TZNAME:CET",
    "END:STANDARD",
    "BEGIN:DAYLIGHT",
    "DTSTART:19700329T020000",
    "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU",
    "TZOFFSETFROM:+0100",
    "TZOFFSETTO:+0200",
    "TZNAME:CEST",
    "END:DAYLIGHT",
    "END:VTIMEZONE",
    "BEGIN:VEVENT",
    "UID:xmas-eve-2026@acme.example",
    "DTSTAMP:20251201T090000Z",
    "DTSTART;TZID=Europe/Paris:20261224T130000",
    "DTEND;TZID=Europe/Paris:20261225T000000",
    "SUMMARY:Christmas Eve: support closes early",
    "END:VEVENT",
)


def london_calendar(**fields) -> BusinessCalendar:
    return factories.BusinessCalendarFactory(time_zone="Europe/London", **fields)


def holidays(calendar: BusinessCalendar) -> list[tuple]:
    return list(calendar.holidays.order_by("date", "starts_at").values_list("date", "starts_at", "ends_at", "name"))


# --- All-day events ------------------------------------------------------------------


def test_uk_bank_holidays_become_whole_day_holidays_named_by_their_summary():
    calendar = london_calendar()

    result = services.calendar_import_holidays(calendar=calendar, ics=UK_BANK_HOLIDAYS_2026)

    assert (result.created, result.updated, result.unchanged, result.errors) == (8, 0, 0, [])
    rows = holidays(calendar)
    assert [row[0] for row in rows] == UK_DATES_2026
    assert all(starts is None and ends is None for _, starts, ends, _ in rows)
    assert rows[0][3] == "New Year\u2019s Day"
    assert rows[-1][3] == "Boxing Day (substitute day)"


def test_importing_the_same_file_twice_creates_nothing_new():
    calendar = london_calendar()
    services.calendar_import_holidays(calendar=calendar, ics=UK_BANK_HOLIDAYS_2026)

    again = services.calendar_import_holidays(calendar=calendar, ics=UK_BANK_HOLIDAYS_2026)

    assert (again.created, again.updated, again.unchanged) == (0, 0, 8)
    assert Holiday.objects.filter(calendar=calendar).count() == 8


def test_a_renamed_event_renames_the_holiday_in_place():
    calendar = london_calendar()
    services.calendar_import_holidays(calendar=calendar, ics=UK_BANK_HOLIDAYS_2026)
    renamed = UK_BANK_HOLIDAYS_2026.replace(b"Early May bank holiday", b"Early May bank holiday (VE Day)")

    result = services.calendar_import_holidays(calendar=calendar, ics=renamed)

    assert (result.created, result.updated, result.unchanged) == (0, 1, 7)
    assert calendar.holidays.get(date=dt.date(2026, 5, 4)).name == "Early May bank holiday (VE Day)"


def test_the_same_day_in_another_calendar_is_a_separate_holiday():
    london, manchester = london_calendar(), london_calendar()
    services.calendar_import_holidays(calendar=london, ics=UK_BANK_HOLIDAYS_2026)

    result = services.calendar_import_holidays(calendar=manchester, ics=UK_BANK_HOLIDAYS_2026)

    assert result.created == 8


def test_a_multi_day_all_day_event_closes_each_day_and_dtend_is_exclusive():
    calendar = london_calendar()
    shutdown = vcalendar(all_day("shutdown-2026", "20261229", "20270101", "Year-end shutdown"))

    services.calendar_import_holidays(calendar=calendar, ics=shutdown)

    assert [row[0] for row in holidays(calendar)] == [
        dt.date(2026, 12, 29),
        dt.date(2026, 12, 30),
        dt.date(2026, 12, 31),
    ]


def test_an_all_day_event_without_dtend_closes_one_day_and_a_missing_summary_reads_holiday():
    calendar = london_calendar()
    lone = vcalendar("BEGIN:VEVENT", "UID:lone@acme.example", "DTSTART;VALUE=DATE:20260317", "END:VEVENT")

    services.calendar_import_holidays(calendar=calendar, ics=lone)

    assert holidays(calendar) == [(dt.date(2026, 3, 17), None, None, "Holiday")]


def test_a_long_summary_is_cut_to_the_name_length():
    calendar = london_calendar()
    summary = "Closed for the annual all-hands meeting, the charity run and the summer party " * 3

    services.calendar_import_holidays(
        calendar=calendar, ics=vcalendar(all_day("long", "20260703", "20260704", summary))
    )

    assert holidays(calendar)[0][3] == summary.strip()[:100]


def test_cancelled_events_are_left_out():
    calendar = london_calendar()
    cancelled = all_day("away-day", "20260918", "20260919", "Team away day").replace(
        "SEQUENCE:0", "SEQUENCE:1\r\nSTATUS:CANCELLED"
    )

    result = services.calendar_import_holidays(calendar=calendar, ics=vcalendar(cancelled))

    assert (result.created, result.errors) == (0, [])


# --- Recurring events ----------------------------------------------------------------


def test_a_yearly_rule_is_expanded_and_its_exdate_skipped():
    calendar = london_calendar()

    result = services.calendar_import_holidays(calendar=calendar, ics=FOUNDERS_DAY)

    assert result.created == 4
    assert [row[0] for row in holidays(calendar)] == [
        dt.date(2026, 6, 12),
        dt.date(2027, 6, 12),
        dt.date(2029, 6, 12),
        dt.date(2030, 6, 12),
    ]
    assert {row[3] for row in holidays(calendar)} == {"Founders' Day (office closed)"}


def test_a_rule_without_end_is_expanded_over_ten_years_only():
    calendar = london_calendar()
    endless = vcalendar(
        "BEGIN:VEVENT",
        "UID:st-patrick@acme.example",
        "DTSTART;VALUE=DATE:20260317",
        "RRULE:FREQ=YEARLY",
        "SUMMARY:St Patrick's Day (Dublin office)",
        "END:VEVENT",
    )

    services.calendar_import_holidays(calendar=calendar, ics=endless)

    assert [row[0].year for row in holidays(calendar)] == list(range(2026, 2036))


def test_a_yearly_rule_until_a_date_stops_there():
    calendar = london_calendar()
    until = vcalendar(
        "BEGIN:VEVENT",
        "UID:jubilee@acme.example",
        "DTSTART;VALUE=DATE:20260601",
        "RRULE:FREQ=YEARLY;UNTIL=20280601",
        "SUMMARY:Summer closing",
        "END:VEVENT",
    )

    services.calendar_import_holidays(calendar=calendar, ics=until)

    assert [row[0] for row in holidays(calendar)] == [dt.date(2026, 6, 1), dt.date(2027, 6, 1), dt.date(2028, 6, 1)]


def test_a_weekly_timed_rule_keeps_its_wall_time_across_the_clock_change_and_honours_a_moved_instance():
    # Stocktake every Sunday 08:00-10:00 London, four times; the 29 March one
    # (the day clocks go forward) is moved to 12:00 by a RECURRENCE-ID event.
    calendar = london_calendar()
    stocktake = vcalendar(
        "BEGIN:VEVENT",
        "UID:stocktake@acme.example",
        "DTSTART;TZID=Europe/London:20260315T080000",
        "DTEND;TZID=Europe/London:20260315T100000",
        "RRULE:FREQ=WEEKLY;COUNT=4",
        "SUMMARY:Stocktake",
        "END:VEVENT",
        "BEGIN:VEVENT",
        "UID:stocktake@acme.example",
        "RECURRENCE-ID;TZID=Europe/London:20260329T080000",
        "DTSTART;TZID=Europe/London:20260329T120000",
        "DTEND;TZID=Europe/London:20260329T140000",
        "SUMMARY:Stocktake (moved)",
        "END:VEVENT",
    )

    services.calendar_import_holidays(calendar=calendar, ics=stocktake)

    eight, ten = dt.time(8), dt.time(10)
    assert holidays(calendar) == [
        (dt.date(2026, 3, 15), eight, ten, "Stocktake"),
        (dt.date(2026, 3, 22), eight, ten, "Stocktake"),
        (dt.date(2026, 3, 29), dt.time(12), dt.time(14), "Stocktake (moved)"),
        (dt.date(2026, 4, 5), eight, ten, "Stocktake"),
    ]


# --- Timed events ----------------------------------------------------------------------


def test_a_timed_event_in_another_time_zone_is_a_part_day_holiday_in_the_calendars_time():
    calendar = london_calendar()

    services.calendar_import_holidays(calendar=calendar, ics=PARIS_CHRISTMAS_EVE)

    # 13:00 to midnight in Paris (UTC+1) is 12:00-23:00 in London (UTC+0).
    assert holidays(calendar) == [
        (dt.date(2026, 12, 24), dt.time(12), dt.time(23), "Christmas Eve: support closes early")
    ]


def test_a_timed_event_is_split_at_the_calendars_local_midnights():
    # 18:00 UTC on 30 Dec to 07:00 UTC on 1 Jan, seen from New York (UTC-5).
    calendar = factories.BusinessCalendarFactory(time_zone="America/New_York")
    migration = vcalendar(
        "BEGIN:VEVENT",
        "UID:migration@acme.example",
        "DTSTART:20261230T180000Z",
        "DTEND:20270101T070000Z",
        "SUMMARY:CRM migration freeze",
        "END:VEVENT",
    )

    services.calendar_import_holidays(calendar=calendar, ics=migration)

    name = "CRM migration freeze"
    assert holidays(calendar) == [
        (dt.date(2026, 12, 30), dt.time(13), END_OF_DAY, name),
        (dt.date(2026, 12, 31), None, None, name),  # midnight to midnight: the whole day
        (dt.date(2027, 1, 1), dt.time(0), dt.time(2), name),
    ]
    assert services.calendar_import_holidays(calendar=calendar, ics=migration).unchanged == 3


def test_a_floating_timed_event_is_read_in_the_calendars_time_zone():
    calendar = factories.BusinessCalendarFactory(time_zone="Asia/Tokyo")
    training = vcalendar(
        "BEGIN:VEVENT",
        "UID:training@acme.example",
        "DTSTART:20260410T140000",
        "DURATION:PT3H",
        "SUMMARY:Product training",
        "END:VEVENT",
    )

    services.calendar_import_holidays(calendar=calendar, ics=training)

    assert holidays(calendar) == [(dt.date(2026, 4, 10), dt.time(14), dt.time(17), "Product training")]


def test_reimporting_timed_and_recurring_events_is_idempotent_too():
    calendar = london_calendar()
    both = PARIS_CHRISTMAS_EVE.replace(b"END:VCALENDAR\r\n", b"") + FOUNDERS_DAY.split(b"CALSCALE:GREGORIAN\r\n")[1]
    first = services.calendar_import_holidays(calendar=calendar, ics=both)

    again = services.calendar_import_holidays(calendar=calendar, ics=both)

    assert first.created == 5
    assert (again.created, again.updated, again.unchanged) == (0, 0, 5)


# --- Bad files and bad events ----------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"Date,Holiday\r\n2026-12-25,Christmas Day\r\n", "not an iCalendar"),
        (b"<!DOCTYPE html><html><body>Bank holidays</body></html>", "not an iCalendar"),
        (b"", "not an iCalendar"),
        (vcalendar(), "no events"),
        (vcalendar("BEGIN:VTODO", "UID:todo@acme.example", "SUMMARY:Order cake", "END:VTODO"), "no events"),
    ],
    ids=["csv", "html", "empty", "no-events", "only-a-todo"],
)
def test_a_file_that_is_not_a_calendar_of_events_is_refused_with_a_clear_message(content, message):
    calendar = london_calendar()

    with pytest.raises(services.HolidayImportError, match=message):
        services.calendar_import_holidays(calendar=calendar, ics=content)

    assert not calendar.holidays.exists()


def test_a_bad_event_is_reported_and_the_good_ones_are_imported():
    calendar = london_calendar()
    mixed = vcalendar(
        all_day("ew-2026-12-25", "20261225", "20261226", "Christmas Day"),
        "BEGIN:VEVENT",
        "UID:typo@acme.example",
        "DTSTART;VALUE=DATE:2026122X",
        "SUMMARY:Christmas party",
        "END:VEVENT",
        "BEGIN:VEVENT",
        "UID:backwards@acme.example",
        "DTSTART:20261231T170000Z",
        "DTEND:20261231T090000Z",
        "SUMMARY:New Year's Eve early close",
        "END:VEVENT",
        "BEGIN:VEVENT",
        "UID:nowhere@acme.example",
        "DTSTART;TZID=Mars/Olympus_Mons:20261201T090000",
        "DTEND;TZID=Mars/Olympus_Mons:20261201T120000",
        "SUMMARY:Rover maintenance",
        "END:VEVENT",
        all_day("ew-2026-12-28", "20261228", "20261229", "Boxing Day (substitute day)"),
    )

    result = services.calendar_import_holidays(calendar=calendar, ics=mixed)

    assert result.created == 2
    assert [row[0] for row in holidays(calendar)] == [dt.date(2026, 12, 25), dt.date(2026, 12, 28)]
    assert len(result.errors) == 3
    party, backwards, nowhere = result.errors
    assert party.startswith("Event 2 ('Christmas party'): DTSTART")
    assert "ends before it starts" in backwards
    assert "unknown time zone 'Mars/Olympus_Mons'" in nowhere


def test_an_event_that_would_close_years_of_days_is_refused():
    calendar = london_calendar()
    daily = vcalendar(
        "BEGIN:VEVENT",
        "UID:daily@acme.example",
        "DTSTART;VALUE=DATE:20260101",
        "RRULE:FREQ=DAILY",
        "SUMMARY:Closed",
        "END:VEVENT",
    )

    result = services.calendar_import_holidays(calendar=calendar, ics=daily)

    assert result.created == 0
    assert "more than 1000" in result.errors[0]


# --- Replacing years and the calendar's timestamp --------------------------------------


def test_replace_years_deletes_the_holidays_of_the_files_years_it_does_not_contain():
    calendar = london_calendar()
    dropped = factories.HolidayFactory(calendar=calendar, date=dt.date(2026, 3, 17), name="St Patrick's Day")
    kept_other_year = factories.HolidayFactory(calendar=calendar, date=dt.date(2025, 12, 25), name="Christmas Day")
    kept_same_day = factories.HolidayFactory(calendar=calendar, date=dt.date(2026, 12, 25), name="Christmas Day")

    result = services.calendar_import_holidays(calendar=calendar, ics=UK_BANK_HOLIDAYS_2026, replace_years=True)

    assert (result.created, result.unchanged, result.removed) == (7, 1, 1)
    assert not Holiday.objects.filter(pk=dropped.pk).exists()
    assert Holiday.objects.filter(pk__in=[kept_other_year.pk, kept_same_day.pk]).count() == 2


def test_without_replace_years_other_holidays_stay():
    calendar = london_calendar()
    factories.HolidayFactory(calendar=calendar, date=dt.date(2026, 3, 17), name="St Patrick's Day")

    result = services.calendar_import_holidays(calendar=calendar, ics=UK_BANK_HOLIDAYS_2026)

    assert result.removed == 0
    assert calendar.holidays.count() == 9


def test_an_import_that_changes_something_touches_the_calendars_updated_at_and_a_no_op_does_not():
    calendar = london_calendar()
    long_ago = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
    BusinessCalendar.objects.filter(pk=calendar.pk).update(updated_at=long_ago)

    services.calendar_import_holidays(calendar=calendar, ics=UK_BANK_HOLIDAYS_2026)
    calendar.refresh_from_db()
    assert calendar.updated_at > long_ago

    BusinessCalendar.objects.filter(pk=calendar.pk).update(updated_at=long_ago)
    services.calendar_import_holidays(calendar=calendar, ics=UK_BANK_HOLIDAYS_2026)
    calendar.refresh_from_db()
    assert calendar.updated_at == long_ago
