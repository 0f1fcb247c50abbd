"""Capacity alerts from hand-made backlogs and shifts (alerts.services.capacity)."""

import datetime as dt

import pytest

from alerts.models import AlertSettings, CapacityAlert
from alerts.services import alerts_check_capacity
from cases.choices import CaseStatus, NotificationKind
from cases.models import Notification
from tests.factories import BusinessCalendarFactory, CaseFactory, OpeningIntervalFactory, TeamFactory
from tests.roles import user_in_group

pytestmark = pytest.mark.django_db

# A Tuesday afternoon.
NOW = dt.datetime(2026, 3, 10, 14, 5, tzinfo=dt.UTC)


def at(minutes: int) -> dt.datetime:
    return NOW + dt.timedelta(minutes=minutes)


def agent_of(team, username, *, available=True):
    user = user_in_group("Agents", username=username)
    user.agent_profile.teams.add(team)
    user.agent_profile.is_available = available
    user.agent_profile.save()
    return user


def waiting(team, due_minutes, **fields):
    fields.setdefault("status", CaseStatus.OPEN)
    fields.setdefault("first_message_at", at(-120))
    return CaseFactory(team=team, first_response_due_at=at(due_minutes), **fields)


@pytest.fixture
def care():
    team = TeamFactory(name="Care")
    agent_of(team, "ana")
    agent_of(team, "bo")
    agent_of(team, "cy", available=False)
    user_in_group("Managers", username="mara")
    return team


def test_a_backlog_two_agents_cannot_clear_in_time_warns_the_managers(care):
    # Two agents, six replies an hour each: answered at +10, +10, +20, +20, +30, +30.
    for minutes in (10, 12, 15, 18, 25, 28):
        waiting(care, minutes)

    forecasts = alerts_check_capacity(now=NOW)

    assert forecasts[care.pk].predicted_breaches == 4
    alert = CapacityAlert.objects.get(team=care)
    assert (alert.backlog, alert.agents_on_shift, alert.predicted_breaches) == (6, 2, 4)
    assert alert.window_start == dt.datetime(2026, 3, 10, 14, tzinfo=dt.UTC)
    note = Notification.objects.get(kind=NotificationKind.CAPACITY)
    assert note.recipient.username == "mara"
    assert note.link == f"/alerts/#capacity-{alert.pk}"
    assert "Care" in note.message and "4 predicted" in note.message


def test_only_cases_waiting_for_a_response_within_the_horizon_count(care):
    waiting(care, 15)
    waiting(care, 15, status=CaseStatus.PENDING)  # waiting on the customer: clock paused
    waiting(care, 15, first_responded_at=at(-60))  # answered, no next response due
    CaseFactory(
        team=care,
        status=CaseStatus.OPEN,
        first_message_at=at(-120),
        first_responded_at=at(-60),
        next_response_due_at=at(20),
    )
    waiting(care, 3 * 60)  # beyond the two hours

    assert alerts_check_capacity(now=NOW)[care.pk].backlog == 2


def test_enough_agents_raise_nothing(care):
    waiting(care, 15)
    waiting(care, 40)

    alerts_check_capacity(now=NOW)

    assert not CapacityAlert.objects.exists()
    assert not Notification.objects.exists()


def test_a_team_off_shift_is_not_forecast(care):
    night = TeamFactory(name="Night desk", calendar=OpeningIntervalFactory(weekday=0).calendar)
    waiting(night, 15)

    forecasts = alerts_check_capacity(now=NOW)

    assert night.pk not in forecasts
    assert not CapacityAlert.objects.filter(team=night).exists()


def test_a_team_on_shift_with_nobody_available_warns_for_every_due_case():
    lonely = TeamFactory(name="Billing")
    agent_of(lonely, "dee", available=False)
    waiting(lonely, 30)
    waiting(lonely, 90)

    alerts_check_capacity(now=NOW)

    alert = CapacityAlert.objects.get(team=lonely)
    assert (alert.agents_on_shift, alert.predicted_breaches) == (0, 2)


def test_a_second_run_in_the_hour_refreshes_the_figures_and_notifies_no_one_again(care):
    for minutes in (8, 12, 15, 18):
        waiting(care, minutes)
    alerts_check_capacity(now=NOW)
    CapacityAlert.objects.update(status="acknowledged")
    waiting(care, 19)

    alerts_check_capacity(now=NOW + dt.timedelta(minutes=15))

    alert = CapacityAlert.objects.get(team=care)
    assert (alert.backlog, alert.status) == (5, "acknowledged")
    assert Notification.objects.count() == 1


def test_the_throughput_setting_changes_the_forecast(care):
    AlertSettings.objects.create(replies_per_agent_hour=30)
    for minutes in (8, 12, 15, 18):
        waiting(care, minutes)

    assert alerts_check_capacity(now=NOW)[care.pk].predicted_breaches == 0


@pytest.mark.parametrize("cases", [3, 30])
def test_the_check_costs_the_same_queries_whatever_the_backlog(care, cases, django_assert_max_num_queries):
    for index in range(cases):
        waiting(care, 5 + index)

    with django_assert_max_num_queries(14):
        alerts_check_capacity(now=NOW)


def test_a_backlog_that_outlasts_the_shift_warns_for_the_cases_due_first_thing_tomorrow():
    # London, Tuesday 10 March 2026 (GMT): the desk closes at 14:15, ten minutes after NOW, and opens at 09:00.
    calendar = BusinessCalendarFactory(time_zone="Europe/London")
    for weekday in range(5):
        OpeningIntervalFactory(calendar=calendar, weekday=weekday, opens_at=dt.time(9), closes_at=dt.time(14, 15))
    desk = TeamFactory(name="Early desk", calendar=calendar)
    agent_of(desk, "dev")
    user_in_group("Managers", username="mara")
    tomorrow_9 = dt.datetime(2026, 3, 11, 9, 0, tzinfo=dt.UTC)
    # One agent, a reply per 10 minutes: 14:15 (closing), then 09:10 and 09:20 tomorrow.
    on_time = waiting(desk, 10)
    tomorrow_early = waiting(desk, (tomorrow_9 - NOW).total_seconds() / 60 + 10)
    tomorrow_late = waiting(desk, (tomorrow_9 - NOW).total_seconds() / 60 + 15)
    AlertSettings.objects.create(capacity_horizon_hours=24)

    forecast = alerts_check_capacity(now=NOW)[desk.pk]

    assert (forecast.backlog, forecast.agents) == (3, 1)
    assert forecast.breaching == (tomorrow_late.pk,)
    assert on_time.pk not in forecast.breaching and tomorrow_early.pk not in forecast.breaching
    assert CapacityAlert.objects.get(team=desk).predicted_breaches == 1
