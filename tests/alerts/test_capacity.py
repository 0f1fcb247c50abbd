"""The capacity forecast (alerts.capacity): an earliest-due-first queue served by the agents on shift."""

import datetime as dt

from alerts.capacity import forecast_breaches

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
