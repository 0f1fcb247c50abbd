"""The KPI pages: what managers and agents see, filters, charts, CSV exports and the query budget."""

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.choices import CaseStatus, ClockState, SLATarget
from kpis.services import kpis_rollup_day
from kpis.templatetags.kpi_charts import kpi_format, line_chart
from tests.factories import (
    AgentProfileFactory,
    CaseFactory,
    ChannelFactory,
    CustomerFactory,
    KpiSettingsFactory,
    SatisfactionSurveyFactory,
    SLAClockFactory,
    UserFactory,
)
from tests.roles import user_in_group

pytestmark = pytest.mark.django_db

URL = reverse("kpis:dashboard")


@pytest.fixture
def utc_brand():
    return KpiSettingsFactory(time_zone="UTC")


def two_days_ago(hour: int) -> dt.datetime:
    day = timezone.now().date() - dt.timedelta(days=2)
    return dt.datetime.combine(day, dt.time(hour), tzinfo=dt.UTC)


def answered(minutes: int, *, agent=None, channel=None, **fields):
    at = two_days_ago(12)
    return CaseFactory(
        first_message_at=at - dt.timedelta(minutes=minutes),
        first_responded_at=at,
        assignee=agent,
        origin_channel=channel or ChannelFactory(),
        **fields,
    )


def rows_of(response) -> list[list[str]]:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return list(csv.reader(io.StringIO(body.decode())))


def test_managers_see_the_brands_figures_on_a_hand_made_dataset(client, utc_brand):
    rosa = UserFactory(username="rosa")
    for minutes in (10, 20, 60):
        answered(minutes, agent=rosa)
    resolved = answered(30, status=CaseStatus.RESOLVED, resolved_at=two_days_ago(14))
    for score in (5, 4, 2):
        SatisfactionSurveyFactory(case=resolved, sent_at=two_days_ago(15), answered_at=two_days_ago(16), score=score)
    client.force_login(user_in_group("Managers"))

    response = client.get(URL)

    assert response.status_code == 200
    figures = response.context["figures"]
    assert figures["first_response"]["count"] == 4
    assert figures["first_response"]["median"] == pytest.approx(25.0)
    assert figures["csat"]["csat"] == pytest.approx(2 / 3)
    page = response.content.decode()
    assert "25.0 min" in page and "66.7%" in page
    agents = {row["key"]: row for row in response.context["tables"]["agents"]}
    assert agents[str(rosa.pk)]["first_responses"] == 3
    assert agents[str(rosa.pk)]["first_response_median"] == pytest.approx(20.0)


def test_agents_see_only_their_own_cases_and_no_churn_risk(client, utc_brand):
    agent = user_in_group("Agents")
    answered(10, agent=agent)
    answered(90, agent=UserFactory())
    CaseFactory(customer=CustomerFactory(name="Ada"), intent="churn_threat", status=CaseStatus.OPEN)
    client.force_login(agent)

    response = client.get(URL, {"agent": UserFactory().pk})  # a filter an agent may not choose

    figures = response.context["figures"]
    assert figures["first_response"]["count"] == 1 and figures["first_response"]["median"] == pytest.approx(10.0)
    assert response.context["board"].churn_risk == [] and response.context["tables"] == {}
    assert "Churn risk" not in response.content.decode()


def test_two_dimensions_at_once_are_refused_with_a_message(client, utc_brand):
    client.force_login(user_in_group("Managers"))

    response = client.get(URL, {"channel": ChannelFactory().pk, "agent": AgentProfileFactory().user_id})

    assert response.status_code == 400
    assert "one of channel, team or agent" in response.content.decode()


def test_a_channel_filter_narrows_every_figure(client, utc_brand):
    mail = ChannelFactory(name="Care mail", kind="email")
    answered(10, channel=mail)
    answered(50)
    client.force_login(user_in_group("Managers"))

    figures = client.get(URL, {"channel": mail.pk}).context["figures"]

    assert figures["first_response"]["count"] == 1 and figures["first_response"]["median"] == pytest.approx(10.0)


def test_charts_are_svg_with_a_point_per_day_with_data(client, utc_brand):
    answered(10)
    client.force_login(user_in_group("Managers"))

    page = client.get(URL, {"start": str(two_days_ago(0).date()), "end": str(timezone.now().date())}).content.decode()

    # Days with answers: the response-time line and the backlog; no posts or surveys: said, not drawn empty.
    assert page.count('<svg class="chart"') == 3
    assert "<polyline" in page and "First response median per day" in page
    assert "CSAT per day: no data in this period." in page


def test_a_line_chart_leaves_gaps_for_days_without_data():
    svg = line_chart([("1 Mar", 10.0), ("2 Mar", None), ("3 Mar", 30.0)], "Median")

    assert svg.count("<polyline") == 2 and svg.count("<circle") == 2
    assert "3 Mar: 30.0 min" not in svg and "3 Mar: 30.0" in svg


@pytest.mark.parametrize(
    ("value", "unit", "shown"),
    [(None, "", "\u2013"), (42.5, "minutes", "42.5 min"), (135, "minutes", "2 h 15 min"), (0.25, "share", "25.0%")],
)
def test_figures_are_formatted_for_people(value, unit, shown):
    assert kpi_format(value, unit) == shown


def test_the_agents_table_and_the_series_export_as_csv(client, utc_brand):
    answered(10, agent=UserFactory(username="ines"))
    client.force_login(user_in_group("Managers"))

    agents = rows_of(client.get(URL, {"export": "agents"}))
    series = rows_of(client.get(URL, {"export": "series"}))

    assert agents[0][:3] == ["key", "name", "resolved"]
    assert len(agents) == 2 and agents[1][3] == "1"  # ines: one first response
    assert series[0][0] == "day" and len(series) == 1 + 30


def test_the_per_case_export_gives_times_targets_csat_and_sentiment(client, utc_brand):
    late = answered(90, sentiment_start=-0.5, sentiment_latest=0.25)
    SLAClockFactory(
        case=late,
        target=SLATarget.FIRST_RESPONSE,
        state=ClockState.STOPPED,
        stopped_at=late.first_responded_at,
        breached=True,
    )
    Case = type(late)
    Case.objects.filter(pk=late.pk).update(created_at=two_days_ago(10))
    SatisfactionSurveyFactory(case=late, sent_at=two_days_ago(13), answered_at=two_days_ago(14), score=2)
    client.force_login(user_in_group("Managers"))

    rows = rows_of(client.get(reverse("kpis:case_export")))

    header, (row,) = rows[0], rows[1:]
    record = dict(zip(header, row, strict=True))
    assert record["case"] == f"SC-{late.pk}"
    assert record["first_response_minutes"] == "90.0"
    assert record["first_response_sla"] == "breached"
    assert (record["csat_score"], record["sentiment_start"], record["sentiment_end"]) == ("2", "-0.5", "0.25")


def test_a_cell_a_customer_wrote_cannot_start_a_spreadsheet_formula(client, utc_brand):
    CaseFactory(customer=CustomerFactory(name='=HYPERLINK("http://x")'), intent="churn_threat")
    client.force_login(user_in_group("Managers"))

    rows = rows_of(client.get(URL, {"export": "churn_risk"}))

    assert rows[1][1].startswith("'=")


@pytest.mark.parametrize("cases", [3, 30])
def test_the_dashboard_query_count_does_not_grow_with_the_data(client, utc_brand, cases, django_assert_max_num_queries):
    for index in range(cases):
        answered(5 + index, agent=UserFactory())
    today = timezone.now().date()
    for offset in range(1, 61):
        kpis_rollup_day(day=today - dt.timedelta(days=offset))
    client.force_login(user_in_group("Managers"))

    # Rollups for past days; today (live) costs the live parts' queries, the same at any size.
    with django_assert_max_num_queries(75):
        assert client.get(URL).status_code == 200


@pytest.mark.parametrize("dates", [{"end": "0001-01-05"}, {"start": "1500-01-01"}, {"start": "9999-12-30"}])
def test_dates_out_of_range_are_a_clear_400_not_an_error_page(client, utc_brand, dates):
    client.force_login(user_in_group("Managers"))

    response = client.get(URL, dates)

    assert response.status_code == 400
    assert "Choose dates from 2000 to today." in response.content.decode()
