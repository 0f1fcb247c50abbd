"""Daily rollups and the dashboard that reads them: the same numbers from rollups as from raw rows.

The rollup task stores each closed day's parts per dimension; the dashboard
reads rollups for those days and computes the others live. These tests pin
that both paths give the figures of the raw computation over the period,
that rolling up twice changes nothing, and that reading rollups costs a
constant number of queries.
"""

import datetime as dt

import pytest

from kpis.models import KpiRollup, KpiSettings, RollupDimension
from kpis.scope import KpiScope
from kpis.selectors.dashboard import kpi_dashboard, period_parts
from kpis.selectors.operations import operations_figures
from kpis.selectors.outcomes import outcomes_figures
from kpis.services import kpis_rollup_closed_days, kpis_rollup_day
from tests.factories import SatisfactionSurveyFactory
from tests.kpis.test_operations import NEW_YORK, PROPERTY_DAYS, assert_same_figures, spread_dataset

pytestmark = pytest.mark.django_db

FIRST, LAST = PROPERTY_DAYS
DAYS = [FIRST + dt.timedelta(days=n) for n in range((LAST - FIRST).days + 1)]
AFTER = dt.datetime.combine(LAST + dt.timedelta(days=2), dt.time(12), tzinfo=NEW_YORK)


@pytest.fixture
def brand_in_new_york():
    KpiSettings.objects.create(time_zone="America/New_York")


def with_surveys(data):
    for index, day in enumerate(DAYS):
        at = dt.datetime.combine(day, dt.time(23, 30), tzinfo=NEW_YORK)
        SatisfactionSurveyFactory(sent_at=at, answered_at=at, score=1 + index % 5, agent=data["agents"][0])
        SatisfactionSurveyFactory(sent_at=at)
    return data


def table_view(figures: dict) -> dict:
    """What the per-agent and per-team tables show (only these metrics are read for them)."""
    return {
        "first_response": {name: figures["first_response"][name] for name in ("count", "median", "p90", "mean")},
        "resolution": {name: figures["resolution"][name] for name in ("count", "median", "p90", "mean")},
        "csat": {name: figures["csat"][name] for name in ("answered", "satisfied", "csat")},
        "sla": {target: figures["sla"][target] for target in ("first_response", "resolution")},
    }


def roll_up_all() -> None:
    for day in DAYS:
        kpis_rollup_day(day=day, zone=NEW_YORK)


def test_dashboard_from_rollups_equals_the_raw_computation(brand_in_new_york):
    with_surveys(spread_dataset(30))
    scope = KpiScope.for_days(FIRST, LAST, NEW_YORK)
    raw = operations_figures(scope) | outcomes_figures(scope)
    live = kpi_dashboard(scope, now=AFTER)
    assert live.rolled_up_days == 0

    roll_up_all()
    stored = kpi_dashboard(scope, now=AFTER)

    assert stored.rolled_up_days == len(DAYS) and stored.live_days == 0
    assert raw["first_response"]["count"] > 10 and raw["csat"]["answered"] == len(DAYS)
    assert_same_figures(stored.figures, raw)
    assert_same_figures(live.figures, raw)
    assert [row["backlog"] for row in stored.series] == [row["backlog"] for row in live.series]
    for by_rollup, by_live in zip(stored.series, live.series, strict=True):
        assert_same_figures(by_rollup, by_live)


def test_per_agent_tables_from_rollups_equal_the_live_tables(brand_in_new_york):
    with_surveys(spread_dataset(20))
    scope = KpiScope.for_days(FIRST, LAST, NEW_YORK)
    live = kpi_dashboard(scope, now=AFTER)

    roll_up_all()
    stored = kpi_dashboard(scope, now=AFTER)

    assert stored.agents.keys() == live.agents.keys() and "none" in stored.agents
    for key in live.agents:
        assert_same_figures(table_view(stored.agents[key]), table_view(live.agents[key]))
    for key in live.teams:
        assert_same_figures(table_view(stored.teams[key]), table_view(live.teams[key]))


def test_a_scope_filtered_to_one_agent_reads_that_agents_rollups(brand_in_new_york):
    data = with_surveys(spread_dataset(20))
    agent = data["agents"][0]
    scope = KpiScope.for_days(FIRST, LAST, NEW_YORK, agent_id=agent.pk)
    raw = operations_figures(scope) | outcomes_figures(scope)

    roll_up_all()
    parts, rolled = period_parts(scope)

    assert rolled == set(DAYS)
    assert {key for _day, key in parts} == {str(agent.pk)}
    assert_same_figures(kpi_dashboard(scope, now=AFTER, tables=False).figures, raw)


def test_a_day_missing_from_the_rollups_is_computed_live(brand_in_new_york):
    spread_dataset(15)
    scope = KpiScope.for_days(FIRST, LAST, NEW_YORK)
    raw = operations_figures(scope)
    for day in DAYS[:-2]:
        kpis_rollup_day(day=day, zone=NEW_YORK)

    board = kpi_dashboard(scope, now=AFTER, tables=False)

    assert (board.rolled_up_days, board.live_days) == (len(DAYS) - 2, 2)
    assert_same_figures(board.figures["first_response"], raw["first_response"])


def test_rolling_up_a_day_twice_leaves_the_same_rows(brand_in_new_york):
    spread_dataset(10)
    first = kpis_rollup_day(day=DAYS[1], zone=NEW_YORK)
    rows = sorted(KpiRollup.objects.values_list("metric", "dimension", "dimension_key", "sample_size", "total"))

    second = kpis_rollup_day(day=DAYS[1], zone=NEW_YORK)

    assert first == second == KpiRollup.objects.count()
    assert sorted(KpiRollup.objects.values_list("metric", "dimension", "dimension_key", "sample_size", "total")) == rows
    assert KpiRollup.objects.filter(metric="_rolled_up").count() == 1
    assert set(KpiRollup.objects.values_list("dimension", flat=True)) == set(RollupDimension.values)


def test_the_beat_rolls_up_the_last_closed_days_in_the_brand_zone(brand_in_new_york):
    # 03:00 UTC on the 12th is still the 11th in New York: the last closed day is the 10th.
    now = dt.datetime(2026, 3, 12, 3, 0, tzinfo=dt.UTC)

    days = kpis_rollup_closed_days(now=now, reroll_days=2)

    assert days == [dt.date(2026, 3, 10), dt.date(2026, 3, 9)]
    assert set(KpiRollup.objects.filter(metric="_rolled_up").values_list("day", flat=True)) == set(days)


@pytest.mark.parametrize("size", [5, 25])
def test_the_dashboard_from_rollups_reads_a_constant_number_of_queries(
    brand_in_new_york, size, django_assert_max_num_queries
):
    with_surveys(spread_dataset(size))
    roll_up_all()
    for offset in range(1, len(DAYS) + 1):  # the previous period, which the cards compare with
        kpis_rollup_day(day=FIRST - dt.timedelta(days=offset), zone=NEW_YORK)
    scope = KpiScope.for_days(FIRST, LAST, NEW_YORK)

    with django_assert_max_num_queries(12):
        kpi_dashboard(scope, now=AFTER)


def test_the_churn_risk_list_is_served_from_the_cache_the_beat_refreshes(brand_in_new_york):
    from cases.choices import CaseStatus, Intent
    from kpis.selectors.dashboard import churn_risk_cached
    from kpis.services import kpis_refresh_churn_risk
    from tests.factories import CaseFactory, CustomerFactory

    CaseFactory(customer=CustomerFactory(name="Noor"), intent=Intent.CHURN_THREAT, status=CaseStatus.OPEN)
    assert [row["name"] for row in churn_risk_cached()] == ["Noor"]

    # A new risk is not seen until the list is refreshed: pages read the cached list.
    CaseFactory(customer=CustomerFactory(name="Omar"), intent=Intent.CHURN_THREAT, status=CaseStatus.OPEN)
    assert [row["name"] for row in churn_risk_cached()] == ["Noor"]

    assert kpis_refresh_churn_risk() == 2
    assert {row["name"] for row in churn_risk_cached()} == {"Noor", "Omar"}
