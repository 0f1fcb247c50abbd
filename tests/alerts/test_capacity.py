"""The capacity forecast (alerts.capacity): an earliest-due-first queue served by the agents on shift."""

import datetime as dt

from alerts.capacity import forecast_breaches
from cases.business_time import CalendarSpec, WeeklyInterval

NOW = dt.datetime(2026, 3, 10, 14, 0, tzinfo=dt.UTC)


def at(minutes: int) -> dt.datetime:
    return NOW + dt.timedelta(minutes=minutes)


def test_two_agents_at_six_replies_an_hour_answer_two_cases_every_ten_minutes():
    # Earliest due first: 1 (+10), 2 (+12), 3 (+15), 5 (+18), 4 (+40); answered at +10, +10, +20, +20, +30.
    due = [(1, at(10)), (2, at(12)), (3, at(15)), (4, at(40)), (5, at(18))]

    forecast = forecast_breaches(now=NOW, due=due, agents=2, replies_per_agent_hour=6)

    assert (forecast.backlog, forecast.agents, forecast.predicted_breaches) == (5, 2, 2)
    assert forecast.breaching == (3, 5)


def test_enough_agents_predict_no_breach():
    due = [(1, at(10)), (2, at(12)), (3, at(15))]

    assert forecast_breaches(now=NOW, due=due, agents=3, replies_per_agent_hour=6).predicted_breaches == 0


def test_no_agent_on_shift_means_every_case_in_the_window_breaches():
    due = [(1, at(30)), (2, at(90))]

    forecast = forecast_breaches(now=NOW, due=due, agents=0, replies_per_agent_hour=6)

    assert forecast.predicted_breaches == 2


def test_overdue_cases_take_agent_time_but_are_not_counted_again():
    # One agent, one reply per 10 minutes: the two overdue cases take +10 and +20; the case due at +25 gets +30.
    due = [(1, at(-30)), (2, at(-5)), (3, at(25))]

    forecast = forecast_breaches(now=NOW, due=due, agents=1, replies_per_agent_hour=6)

    assert forecast.backlog == 3
    assert forecast.breaching == (3,)


# Weekdays 09:00-17:00 in New York (UTC-4 on Tuesday 10 March 2026, after the DST change).
NEW_YORK_OFFICE = CalendarSpec(
    time_zone="America/New_York",
    intervals=[WeeklyInterval(day, dt.time(9), dt.time(17)) for day in range(5)],
)
TUESDAY_16_45_NEW_YORK = dt.datetime(2026, 3, 10, 20, 45, tzinfo=dt.UTC)
WEDNESDAY_09_00_NEW_YORK = dt.datetime(2026, 3, 11, 13, 0, tzinfo=dt.UTC)


def test_work_stops_at_the_end_of_the_shift_and_resumes_at_the_next_opening():
    # One agent, one reply per 10 minutes, 15 minutes before closing: answers at 16:55,
    # then 5 minutes after Wednesday's opening (09:05), then 09:15.
    due = [
        (1, TUESDAY_16_45_NEW_YORK + dt.timedelta(minutes=10)),
        (2, WEDNESDAY_09_00_NEW_YORK + dt.timedelta(minutes=5)),
        (3, WEDNESDAY_09_00_NEW_YORK + dt.timedelta(minutes=10)),
    ]

    with_shift = forecast_breaches(
        now=TUESDAY_16_45_NEW_YORK, due=due, agents=1, replies_per_agent_hour=6, calendar=NEW_YORK_OFFICE
    )
    around_the_clock = forecast_breaches(now=TUESDAY_16_45_NEW_YORK, due=due, agents=1, replies_per_agent_hour=6)

    assert with_shift.breaching == (3,)
    assert around_the_clock.breaching == ()


def test_inside_the_shift_the_calendar_changes_nothing():
    due = [(1, at(10)), (2, at(12)), (3, at(15)), (4, at(40)), (5, at(18))]
    office_hours = CalendarSpec(intervals=[WeeklyInterval(day, dt.time(8), dt.time(18)) for day in range(7)])

    forecast = forecast_breaches(now=NOW, due=due, agents=2, replies_per_agent_hour=6, calendar=office_hours)

    assert forecast.breaching == (3, 5)
