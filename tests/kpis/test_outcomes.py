"""Outcome KPIs (kpis.selectors.outcomes): CSAT, sentiment, lift, churn, churn risk, cost of service, deflection.

Every dataset is made by hand and every expected value is a literal worked
out from it, never computed by the code under test. The key property: the
figures merged from daily parts equal the figures over raw rows.
"""

import datetime as dt
import zoneinfo
from decimal import Decimal

import pytest

from cases.choices import CaseStatus, ChannelKind, Intent, SentimentLabel
from cases.models import Case, Customer
from channels_app.choices import Direction
from kpis.models import ContactCost, KpiSettings, RollupDimension, SelfServiceResolution
from kpis.parts import merge_parts
from kpis.scope import KpiScope, kpi_settings
from kpis.selectors.outcomes import (
    churn_figures,
    churn_risk_list,
    contact_costs,
    outcomes_figures,
    outcomes_figures_from_parts,
    outcomes_parts,
    sentiment_series,
)
from tests.factories import (
    CaseFactory,
    ChannelFactory,
    CustomerFactory,
    SatisfactionSurveyFactory,
    SocialPostFactory,
    SocialProfileFactory,
    TeamFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

UTC = zoneinfo.ZoneInfo("UTC")
TOKYO = zoneinfo.ZoneInfo("Asia/Tokyo")
# Monday 2 to Friday 6 March 2026, in UTC.
SCOPE = KpiScope.for_days(dt.date(2026, 3, 2), dt.date(2026, 3, 6), UTC)
T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
BEFORE = dt.datetime(2026, 2, 27, 9, 0, tzinfo=dt.UTC)
AFTER = dt.datetime(2026, 3, 8, 9, 0, tzinfo=dt.UTC)


def at(day: int, hour: int = 9, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 3, day, hour, minute, tzinfo=dt.UTC)


def make_case(*, created_at: dt.datetime = T0, **kwargs) -> Case:
    """A case created at `created_at` (created_at is auto_now_add, so set after the insert)."""
    kwargs.setdefault("first_message_at", created_at)
    case = CaseFactory(**kwargs)
    Case.objects.filter(pk=case.pk).update(created_at=created_at)
    case.refresh_from_db()
    return case


def resolved_case(*, resolved_at: dt.datetime, **kwargs) -> Case:
    kwargs.setdefault("created_at", resolved_at - dt.timedelta(hours=1))
    kwargs.setdefault("status", CaseStatus.RESOLVED)
    return make_case(resolved_at=resolved_at, **kwargs)


def post(*, posted_at: dt.datetime = T0, **kwargs):
    return SocialPostFactory(posted_at=posted_at, **kwargs)


def survey(*, sent_at: dt.datetime = T0, answered_after: dt.timedelta | None = dt.timedelta(hours=1), score=None, **kw):
    answered_at = sent_at + answered_after if score is not None else None
    return SatisfactionSurveyFactory(sent_at=sent_at, answered_at=answered_at, score=score, **kw)


def merged_case(**kwargs) -> Case:
    target = make_case()
    return make_case(merged_into=target, **kwargs)


def assert_same_figures(actual, expected) -> None:
    """Equal, floats within pytest.approx, recursively through dicts and lists."""
    if isinstance(expected, dict):
        assert actual.keys() == expected.keys()
        for name in expected:
            assert_same_figures(actual[name], expected[name])
    elif isinstance(expected, float):
        assert actual == pytest.approx(expected), (actual, expected)
    else:
        assert actual == expected


# --- 1. CSAT ------------------------------------------------------------------


def test_csat_is_the_share_of_answers_scoring_4_or_5_and_the_mean_score():
    for score in (5, 4, 3, 1):
        survey(score=score)
    survey(score=None)  # sent in scope, never answered
    survey(score=2, sent_at=at(6, 23), answered_after=dt.timedelta(days=1))  # answered after the scope
    survey(score=5, case=merged_case())  # a merged case's survey counts nowhere

    csat = outcomes_figures(SCOPE)["csat"]

    assert csat == {
        "answered": 4,
        "satisfied": 2,
        "csat": 0.5,
        "mean_score": 3.25,
        "sent": 6,
        "answered_of_sent": 5,
        "response_rate": 5 / 6,
    }


def test_csat_counts_a_survey_by_its_answer_time_and_its_response_rate_by_its_send_time():
    survey(score=5, sent_at=BEFORE, answered_after=dt.timedelta(days=3))  # sent before, answered in scope

    csat = outcomes_figures(SCOPE)["csat"]

    assert (csat["answered"], csat["csat"], csat["sent"], csat["response_rate"]) == (1, 1.0, 0, None)


def test_csat_without_surveys_is_none():
    csat = outcomes_figures(SCOPE)["csat"]

    assert (csat["csat"], csat["mean_score"], csat["response_rate"]) == (None, None, None)


def test_survey_answered_at_2330_in_tokyo_counts_on_that_local_day():
    # 23:30 on 2 March in Tokyo is 14:30 UTC on 2 March; 00:30 on 3 March in Tokyo is 15:30 UTC on 2 March.
    late = survey(
        score=5, sent_at=dt.datetime(2026, 3, 2, 14, 0, tzinfo=dt.UTC), answered_after=dt.timedelta(minutes=30)
    )
    survey(score=1, sent_at=dt.datetime(2026, 3, 2, 15, 0, tzinfo=dt.UTC), answered_after=dt.timedelta(minutes=30))
    assert late.answered_at.astimezone(TOKYO).strftime("%d %H:%M") == "02 23:30"

    march_2 = KpiScope.for_days(dt.date(2026, 3, 2), dt.date(2026, 3, 2), TOKYO)
    csat = outcomes_figures(march_2)["csat"]
    both_days = outcomes_parts(KpiScope.for_days(dt.date(2026, 3, 2), dt.date(2026, 3, 3), TOKYO))

    assert (csat["answered"], csat["mean_score"]) == (1, 5.0)
    assert both_days[(dt.date(2026, 3, 2), "")]["survey_score"].total == 5.0
    assert both_days[(dt.date(2026, 3, 3), "")]["survey_score"].total == 1.0


# --- 2. Sentiment ---------------------------------------------------------------


def test_sentiment_is_the_mean_polarity_and_net_share_of_inbound_posts_with_a_polarity():
    post(sentiment_polarity=0.8, sentiment_label=SentimentLabel.POSITIVE)
    post(sentiment_polarity=0.5, sentiment_label=SentimentLabel.POSITIVE)
    post(sentiment_polarity=-0.6, sentiment_label=SentimentLabel.NEGATIVE)
    post(sentiment_polarity=0.0, sentiment_label=SentimentLabel.NEUTRAL)
    # Left out: outbound, deleted, without polarity, before the scope, on a merged case.
    post(sentiment_polarity=0.9, sentiment_label=SentimentLabel.POSITIVE, direction=Direction.OUTBOUND)
    post(sentiment_polarity=-0.9, sentiment_label=SentimentLabel.NEGATIVE, deleted_at=at(3))
    post(sentiment_polarity=None, sentiment_label=SentimentLabel.NEGATIVE)
    post(sentiment_polarity=-0.9, sentiment_label=SentimentLabel.NEGATIVE, posted_at=BEFORE)
    post(sentiment_polarity=-0.9, sentiment_label=SentimentLabel.NEGATIVE, case=merged_case())

    sentiment = outcomes_figures(SCOPE)["sentiment"]

    assert_same_figures(sentiment, {"posts": 4, "mean_polarity": 0.175, "positive": 2, "negative": 1, "net": 0.25})


def test_sentiment_series_gives_each_local_day_with_none_on_days_without_posts():
    post(posted_at=at(2), sentiment_polarity=0.4, sentiment_label=SentimentLabel.POSITIVE)
    post(posted_at=at(2, 20), sentiment_polarity=-0.2, sentiment_label=SentimentLabel.NEGATIVE)
    post(posted_at=at(4), sentiment_polarity=-0.5, sentiment_label=SentimentLabel.NEGATIVE)

    series = sentiment_series(KpiScope.for_days(dt.date(2026, 3, 2), dt.date(2026, 3, 4), UTC))

    assert [day for day, _ in series] == [dt.date(2026, 3, 2), dt.date(2026, 3, 3), dt.date(2026, 3, 4)]
    assert_same_figures(series[0][1], {"posts": 2, "mean_polarity": 0.1, "positive": 1, "negative": 1, "net": 0.0})
    assert series[1][1] == {"posts": 0, "mean_polarity": None, "positive": 0, "negative": 0, "net": None}
    assert_same_figures(series[2][1], {"posts": 1, "mean_polarity": -0.5, "positive": 0, "negative": 1, "net": -1.0})


def test_sentiment_series_is_one_query(django_assert_num_queries):
    post(sentiment_polarity=0.4, sentiment_label=SentimentLabel.POSITIVE)

    with django_assert_num_queries(1):
        sentiment_series(SCOPE)


# --- 3. Sentiment lift ----------------------------------------------------------------


def test_lift_is_the_mean_change_from_first_to_latest_sentiment_of_cases_resolved_in_scope():
    resolved_case(resolved_at=at(2), sentiment_start=-0.5, sentiment_latest=0.5)
    resolved_case(
        resolved_at=at(3), sentiment_start=-0.2, sentiment_latest=0.0, status=CaseStatus.CLOSED, closed_at=at(3)
    )
    resolved_case(resolved_at=at(4), sentiment_start=None, sentiment_latest=0.3)  # resolved, no lift
    resolved_case(resolved_at=BEFORE, sentiment_start=-1.0, sentiment_latest=1.0)
    make_case(status=CaseStatus.OPEN, resolved_at=at(4), sentiment_start=-1.0, sentiment_latest=1.0)  # not done

    figures = outcomes_figures(SCOPE)

    assert_same_figures(figures["lift"], {"cases": 2, "mean": 0.6})
    assert figures["cost"]["resolved_cases"] == 3


# --- 6. Cost of service -----------------------------------------------------------------


def test_cost_of_service_prices_posts_and_hand_logged_cases_per_channel_kind():
    ContactCost.objects.create(channel_kind=ChannelKind.X, cost_per_contact=Decimal("2.50"))
    ContactCost.objects.create(channel_kind=ChannelKind.FACEBOOK, cost_per_contact=Decimal("1.00"))
    ContactCost.objects.create(channel_kind=ChannelKind.PHONE, cost_per_contact=Decimal("6.00"))
    x, facebook, email = (ChannelFactory(kind=kind) for kind in ("x", "facebook", "email"))
    social_case = resolved_case(resolved_at=at(3), origin_channel=x)
    post(channel=x, case=social_case)
    post(channel=x)
    post(channel=x)
    post(channel=facebook)
    post(channel=email)
    post(channel=x, direction=Direction.OUTBOUND, case=social_case)  # a reply is no contact
    post(channel=x, deleted_at=at(3))
    resolved_case(resolved_at=at(4), origin_channel=None)  # a call, logged by hand
    make_case(origin_channel=email, created_at=BEFORE)  # logged by hand, before the scope

    cost = outcomes_figures(SCOPE)["cost"]

    assert cost == {
        "contacts_by_kind": {"email": 1, "facebook": 1, "phone": 1, "x": 3},
        "contacts": 6,
        "cost": Decimal("14.50"),
        "unpriced_kinds": ["email"],
        "resolved_cases": 2,
        "cost_per_resolved_case": Decimal("7.25"),
        "currency": "USD",
    }


def test_cost_without_contacts_is_none():
    resolved_case(resolved_at=at(3), created_at=BEFORE)

    cost = outcomes_figures(SCOPE)["cost"]

    assert (cost["contacts"], cost["cost"], cost["cost_per_resolved_case"]) == (0, None, None)


def test_hand_logged_case_counts_under_its_origin_channel_kind():
    ContactCost.objects.create(channel_kind=ChannelKind.EMAIL, cost_per_contact=Decimal("3.10"))
    make_case(origin_channel=ChannelFactory(kind=ChannelKind.EMAIL))

    cost = outcomes_figures(SCOPE)["cost"]

    assert (cost["contacts_by_kind"], cost["cost"], cost["unpriced_kinds"]) == ({"email": 1}, Decimal("3.10"), [])


# --- 7. Call deflection -------------------------------------------------------------------


def test_deflection_rate_and_savings_from_self_service_against_assisted_cases():
    KpiSettings.objects.create(cost_per_call=Decimal("12.50"), currency="EUR")
    for day in (2, 3, 6):
        SelfServiceResolution.objects.create(occurred_at=at(day))
    SelfServiceResolution.objects.create(occurred_at=AFTER)
    make_case()
    merged_case()  # the merged case is left out; its target counts
    make_case(created_at=BEFORE)

    deflection = outcomes_figures(SCOPE)["deflection"]

    assert deflection == {
        "self_service": 3,
        "assisted": 2,
        "rate": 0.6,
        "savings": Decimal("37.50"),
        "currency": "EUR",
    }


def test_deflection_is_not_measured_for_a_channel_team_or_agent():
    SelfServiceResolution.objects.create(occurred_at=at(3))
    case = make_case()

    deflection = outcomes_figures(
        KpiScope.for_days(dt.date(2026, 3, 2), dt.date(2026, 3, 6), UTC, channel_id=case.origin_channel_id)
    )["deflection"]

    assert deflection == {"self_service": None, "assisted": 1, "rate": None, "savings": None, "currency": "USD"}


def test_deflection_with_no_self_service_is_a_rate_of_zero_on_the_whole_brand():
    make_case()

    deflection = outcomes_figures(SCOPE)["deflection"]

    assert (deflection["self_service"], deflection["rate"], deflection["savings"]) == (0, 0.0, Decimal("0.00"))


# --- filters --------------------------------------------------------------------------------


@pytest.fixture
def two_of_everything():
    """Two channels, teams and agents; each item on channel 1 belongs to team 1 and agent 1, and so on."""
    channels = [ChannelFactory(kind=ChannelKind.X), ChannelFactory(kind=ChannelKind.FACEBOOK)]
    teams = [TeamFactory(), TeamFactory()]
    agents = [UserFactory(), UserFactory()]
    for i, (channel, team, agent) in enumerate(zip(channels, teams, agents, strict=True)):
        case = resolved_case(
            resolved_at=at(3),
            origin_channel=channel,
            team=team,
            assignee=agent,
            sentiment_start=-0.5,
            sentiment_latest=0.5 if i == 0 else -0.1,
        )
        for _ in range(i + 1):  # 1 survey and post on the first, 2 on the second
            survey(score=5 - 3 * i, channel=channel, team=team, agent=agent, case=case)
            post(channel=channel, case=case, sentiment_polarity=0.5 - i, sentiment_label=SentimentLabel.NEUTRAL)
        make_case(origin_channel=channel, team=team, assignee=agent)  # assisted, logged by hand
    return channels, teams, agents


@pytest.mark.parametrize("dimension", ["channel_id", "team_id", "agent_id"])
def test_filters_by_channel_team_and_agent(two_of_everything, dimension):
    channels, teams, agents = two_of_everything
    ids = {"channel_id": channels, "team_id": teams, "agent_id": agents}[dimension]

    first = outcomes_figures(KpiScope.for_days(dt.date(2026, 3, 2), dt.date(2026, 3, 6), UTC, **{dimension: ids[0].pk}))
    second = outcomes_figures(
        KpiScope.for_days(dt.date(2026, 3, 2), dt.date(2026, 3, 6), UTC, **{dimension: ids[1].pk})
    )

    assert (first["csat"]["answered"], first["csat"]["mean_score"]) == (1, 5.0)
    assert (second["csat"]["answered"], second["csat"]["mean_score"]) == (2, 2.0)
    assert (first["sentiment"]["posts"], first["sentiment"]["mean_polarity"]) == (1, 0.5)
    assert (second["sentiment"]["posts"], second["sentiment"]["mean_polarity"]) == (2, -0.5)
    assert_same_figures(first["lift"], {"cases": 1, "mean": 1.0})
    assert_same_figures(second["lift"], {"cases": 1, "mean": 0.4})
    assert (first["cost"]["contacts_by_kind"], second["cost"]["contacts_by_kind"]) == ({"x": 2}, {"facebook": 3})
    assert (first["deflection"]["assisted"], second["deflection"]["assisted"]) == (2, 2)


# --- the key property: merged daily parts give the raw figures ---------------------------------


@pytest.fixture
def five_days():
    """Surveys, posts, cases and self-service over 2 to 6 March (and around), on 3 channels, 2 teams, 2 agents."""
    ContactCost.objects.create(channel_kind=ChannelKind.X, cost_per_contact=Decimal("2.35"))
    ContactCost.objects.create(channel_kind=ChannelKind.PHONE, cost_per_contact=Decimal("7.10"))
    channels = [ChannelFactory(kind=kind) for kind in (ChannelKind.X, ChannelKind.FACEBOOK, ChannelKind.EMAIL)]
    teams = [TeamFactory(), TeamFactory()]
    agents = [UserFactory(), UserFactory()]
    for n in range(40):
        day, hour = 1 + n % 7, (n * 5) % 24  # 1 and 7 March fall outside the scope
        channel, team, agent = channels[n % 3], teams[n % 2] if n % 5 else None, agents[(n // 2) % 2]
        created = at(day, hour)
        if n % 4 == 0:
            case = make_case(origin_channel=channel if n % 8 else None, team=team, assignee=agent, created_at=created)
        else:
            case = resolved_case(
                resolved_at=created + dt.timedelta(hours=n % 30),
                created_at=created,
                origin_channel=channel,
                team=team,
                assignee=agent,
                sentiment_start=(n % 9 - 4) / 5 if n % 6 else None,
                sentiment_latest=(n % 7 - 3) / 4,
            )
            post(
                channel=channel,
                case=case,
                posted_at=created,
                sentiment_polarity=((n * 7) % 21 - 10) / 10 if n % 5 != 1 else None,
                sentiment_label=[SentimentLabel.NEGATIVE, SentimentLabel.NEUTRAL, SentimentLabel.POSITIVE][n % 3],
            )
            survey(
                case=case,
                sent_at=case.resolved_at,
                answered_after=dt.timedelta(hours=n % 40),
                score=1 + n % 5 if n % 7 != 2 else None,
                channel=channel,
                team=team,
                agent=agent,
            )
        if n % 3 == 0:
            SelfServiceResolution.objects.create(occurred_at=created)
    return channels, teams, agents


def test_figures_merged_from_daily_parts_equal_the_raw_figures(five_days):
    settings = kpi_settings()

    from_parts = outcomes_figures_from_parts(
        merge_parts(outcomes_parts(SCOPE).values()),
        costs=contact_costs(),
        cost_per_call=settings.cost_per_call,
        currency=settings.currency,
    )
    raw = outcomes_figures(SCOPE)

    assert raw["csat"]["answered"] > 5 and raw["cost"]["contacts"] > 10 and raw["deflection"]["self_service"] > 3
    assert_same_figures(from_parts, raw)


@pytest.mark.parametrize(
    ("dimension", "field", "index"),
    [("channel", "channel_id", 0), ("channel", "channel_id", 2), ("team", "team_id", 1), ("agent", "agent_id", 0)],
)
def test_figures_merged_from_parts_of_one_key_equal_the_raw_figures_filtered_to_it(five_days, dimension, field, index):
    key = str(five_days[{"channel_id": 0, "team_id": 1, "agent_id": 2}[field]][index].pk)
    scope = KpiScope.for_days(dt.date(2026, 3, 2), dt.date(2026, 3, 6), UTC, **{field: int(key)})
    parts = outcomes_parts(SCOPE, dimension=dimension)

    from_parts = outcomes_figures_from_parts(
        merge_parts(day_parts for (_day, part_key), day_parts in parts.items() if part_key == key),
        costs=contact_costs(),
        cost_per_call=Decimal("25"),
        currency="USD",
    )

    assert from_parts["csat"]["answered"] > 0
    assert_same_figures(from_parts, outcomes_figures(scope))


def test_parts_of_every_key_of_a_dimension_add_up_to_the_whole(five_days):
    whole = merge_parts(outcomes_parts(SCOPE).values())
    by_team = merge_parts(outcomes_parts(SCOPE, dimension=RollupDimension.TEAM).values())

    assert {name: part.count for name, part in by_team.items()} == {
        name: part.count for name, part in whole.items() if name != "self_service"
    }
    assert {"none"} < {key for _day, key in outcomes_parts(SCOPE, dimension=RollupDimension.TEAM)}


def test_outcomes_parts_refuses_an_unknown_dimension():
    with pytest.raises(ValueError, match="unknown dimension"):
        outcomes_parts(SCOPE, dimension="customer")


def test_outcomes_figures_and_parts_use_a_constant_number_of_queries(django_assert_num_queries):
    def dataset(size: int) -> None:
        channel = ChannelFactory()
        for n in range(size):
            case = resolved_case(
                resolved_at=at(2 + n % 5), origin_channel=channel, sentiment_start=0.1, sentiment_latest=0.2
            )
            post(channel=channel, case=case, posted_at=at(2 + n % 5), sentiment_polarity=0.3)
            survey(case=case, sent_at=case.resolved_at, score=4)
            SelfServiceResolution.objects.create(occurred_at=at(2 + n % 5))

    dataset(2)
    with django_assert_num_queries(8):
        outcomes_figures(SCOPE)
    with django_assert_num_queries(6):
        outcomes_parts(SCOPE)
    dataset(30)
    with django_assert_num_queries(8):
        outcomes_figures(SCOPE)
    with django_assert_num_queries(6):
        outcomes_parts(SCOPE)


# --- 4. Churn ---------------------------------------------------------------------------------

MARCH = KpiScope.for_days(dt.date(2026, 3, 1), dt.date(2026, 3, 31), UTC)


def inbound_post_by(customer: Customer, posted_at: dt.datetime) -> None:
    post(author=SocialProfileFactory(customer=customer), posted_at=posted_at)


def responded_case(customer: Customer, kind: str, *, created_at: dt.datetime) -> Case:
    return make_case(
        customer=customer,
        origin_channel=ChannelFactory(kind=kind),
        created_at=created_at,
        first_responded_at=created_at + dt.timedelta(hours=1),
    )


@pytest.fixture
def customers():
    """Active 90 days before 1 March 2026 means an inbound post or a new case from 1 December 2025 to 28 February."""
    active = CustomerFactory(name="active, served on e-mail long ago")
    inbound_post_by(active, dt.datetime(2026, 2, 10, tzinfo=dt.UTC))
    responded_case(active, ChannelKind.EMAIL, created_at=dt.datetime(2025, 6, 1, tzinfo=dt.UTC))

    churning = CustomerFactory(
        name="active by a case on X, churns in March", churned_at=dt.datetime(2026, 3, 10, tzinfo=dt.UTC)
    )
    responded_case(churning, ChannelKind.X, created_at=dt.datetime(2026, 1, 15, tzinfo=dt.UTC))

    late_fan = CustomerFactory(name="active, first served on Facebook in March")
    inbound_post_by(late_fan, dt.datetime(2026, 2, 20, tzinfo=dt.UTC))
    responded_case(late_fan, ChannelKind.FACEBOOK, created_at=dt.datetime(2026, 3, 5, tzinfo=dt.UTC))

    gone = CustomerFactory(name="churned before March", churned_at=dt.datetime(2026, 2, 20, tzinfo=dt.UTC))
    inbound_post_by(gone, dt.datetime(2026, 2, 10, tzinfo=dt.UTC))

    dormant = CustomerFactory(name="inactive: last wrote in October")
    inbound_post_by(dormant, dt.datetime(2025, 10, 1, tzinfo=dt.UTC))

    CustomerFactory(name="inactive, churns in March", churned_at=dt.datetime(2026, 3, 20, tzinfo=dt.UTC))
    CustomerFactory(name="churns in April", churned_at=dt.datetime(2026, 4, 2, tzinfo=dt.UTC))

    merged = CustomerFactory(name="merged", merged_into=active, churned_at=dt.datetime(2026, 3, 3, tzinfo=dt.UTC))
    inbound_post_by(merged, dt.datetime(2026, 2, 10, tzinfo=dt.UTC))


def test_churn_rate_is_churned_in_period_over_active_at_its_start(customers):
    figures = churn_figures(MARCH)

    # Active: the e-mail customer, the churning one, the late fan. Churned in March:
    # the churning one and the inactive one (every customer churned in the period counts).
    assert (figures["active"], figures["churned"]) == (3, 2)
    assert figures["rate"] == pytest.approx(2 / 3)
    assert figures["active_customer_days"] == 90


def test_churn_of_customers_served_through_social_care_against_the_rest(customers):
    figures = churn_figures(MARCH)

    assert figures["social"] == {"active": 1, "churned": 1, "rate": 1.0}
    assert figures["rest"] == {"active": 2, "churned": 1, "rate": 0.5}


def test_churn_follows_the_active_customer_days_setting(customers):
    KpiSettings.objects.create(active_customer_days=30)

    figures = churn_figures(MARCH)

    # The case on X was created on 15 January, more than 30 days before March.
    assert (figures["active"], figures["churned"], figures["social"]["active"]) == (2, 2, 0)


def test_churn_without_active_customers_is_none():
    assert churn_figures(MARCH) == {
        "active_customer_days": 90,
        "active": 0,
        "churned": 0,
        "rate": None,
        "social": {"active": 0, "churned": 0, "rate": None},
        "rest": {"active": 0, "churned": 0, "rate": None},
    }


# --- 5. Churn risk ------------------------------------------------------------------------------

NOW = dt.datetime(2026, 3, 20, 12, 0, tzinfo=dt.UTC)


def negative_post_by(customer: Customer, days_ago: float, **kwargs) -> None:
    post(
        author=SocialProfileFactory(customer=customer),
        posted_at=NOW - dt.timedelta(days=days_ago),
        sentiment_label=SentimentLabel.NEGATIVE,
        sentiment_polarity=-0.7,
        **kwargs,
    )


def codes(row: dict) -> list[str]:
    return [reason["code"] for reason in row["reasons"]]


def test_churn_threat_on_an_open_case_is_a_reason():
    customer = CustomerFactory(name="Threat")
    make_case(customer=customer, intent=Intent.CHURN_THREAT, created_at=NOW - dt.timedelta(days=1))
    resolved_case(customer=CustomerFactory(), intent=Intent.CHURN_THREAT, resolved_at=NOW - dt.timedelta(hours=1))

    rows = churn_risk_list(now=NOW)

    assert [(row["name"], codes(row)) for row in rows] == [("Threat", ["churn_threat"])]
    assert rows[0]["reasons"] == [{"code": "churn_threat", "label": "Threatened to leave (open case)"}]
    assert (rows[0]["open_cases"], rows[0]["last_activity"]) == (1, NOW - dt.timedelta(days=1))


def test_two_negative_posts_within_30_days_are_a_reason_and_one_is_not():
    twice = CustomerFactory(name="Twice")
    negative_post_by(twice, 2)
    negative_post_by(twice, 29)
    once = CustomerFactory(name="Once, and once long ago, and once deleted")
    negative_post_by(once, 2)
    negative_post_by(once, 31)
    negative_post_by(once, 3, deleted_at=NOW)

    rows = churn_risk_list(now=NOW)

    assert [(row["name"], codes(row), row["negative_posts"]) for row in rows] == [("Twice", ["repeated_negative"], 2)]
    assert (rows[0]["open_cases"], rows[0]["last_activity"]) == (0, NOW - dt.timedelta(days=2))


@pytest.mark.parametrize("flag", ["first_response_breached", "next_response_breached", "resolution_breached"])
def test_an_open_case_with_a_breached_sla_is_a_reason(flag):
    make_case(customer=CustomerFactory(name="Breached"), created_at=NOW - dt.timedelta(days=1), **{flag: True})
    resolved_case(customer=CustomerFactory(), resolved_at=NOW - dt.timedelta(hours=1), **{flag: True})

    assert [(row["name"], codes(row)) for row in churn_risk_list(now=NOW)] == [("Breached", ["breached_sla"])]


def test_an_open_case_older_than_7_days_is_a_reason():
    make_case(customer=CustomerFactory(name="Waiting"), created_at=NOW - dt.timedelta(days=8))
    make_case(customer=CustomerFactory(name="Recent"), created_at=NOW - dt.timedelta(days=6))

    assert [(row["name"], codes(row)) for row in churn_risk_list(now=NOW)] == [("Waiting", ["unresolved"])]


def test_churn_risk_lists_most_reasons_first_then_most_recent_activity_and_skips_churned_and_merged():
    # Given customers with 3, 2, 2 and 1 reasons, a churned one and a merged one
    three = CustomerFactory(name="Three", tier="vip")
    make_case(
        customer=three, intent=Intent.CHURN_THREAT, resolution_breached=True, created_at=NOW - dt.timedelta(days=9)
    )
    make_case(customer=three, created_at=NOW - dt.timedelta(days=1))
    two_older = CustomerFactory(name="Two, older")
    make_case(
        customer=two_older,
        intent=Intent.CHURN_THREAT,
        first_response_breached=True,
        created_at=NOW - dt.timedelta(days=5),
    )
    two_recent = CustomerFactory(name="Two, recent")
    negative_post_by(two_recent, 1)
    negative_post_by(two_recent, 3)
    make_case(customer=two_recent, next_response_breached=True, created_at=NOW - dt.timedelta(days=4))
    one = CustomerFactory(name="One")
    make_case(customer=one, created_at=NOW - dt.timedelta(days=20))
    churned = CustomerFactory(name="Churned", churned_at=NOW - dt.timedelta(days=2))
    make_case(customer=churned, intent=Intent.CHURN_THREAT, created_at=NOW - dt.timedelta(days=10))
    merged = CustomerFactory(name="Merged", merged_into=one)
    make_case(customer=merged, intent=Intent.CHURN_THREAT, created_at=NOW - dt.timedelta(days=10))

    # When the list is read
    rows = churn_risk_list(now=NOW)

    # Then
    assert [(row["name"], codes(row), row["open_cases"]) for row in rows] == [
        ("Three", ["churn_threat", "breached_sla", "unresolved"], 2),
        ("Two, recent", ["repeated_negative", "breached_sla"], 1),
        ("Two, older", ["churn_threat", "breached_sla"], 1),
        ("One", ["unresolved"], 1),
    ]
    assert (rows[0]["tier"], rows[0]["tier_label"]) == ("vip", "VIP")
    assert [row["name"] for row in churn_risk_list(now=NOW, limit=2)] == ["Three", "Two, recent"]


def test_churn_risk_list_is_one_query(django_assert_num_queries):
    for n in range(5):
        customer = CustomerFactory()
        make_case(customer=customer, intent=Intent.CHURN_THREAT, created_at=NOW - dt.timedelta(days=n + 1))
        negative_post_by(customer, 1)
        negative_post_by(customer, 2)

    with django_assert_num_queries(1):
        rows = churn_risk_list(now=NOW)

    assert len(rows) == 5
