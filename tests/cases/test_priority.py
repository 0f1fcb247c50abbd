"""Priority: a weighted score from the case's facts, mapped to a label, with its breakdown.

The pure part pins each weight's contribution alone; the database part checks
that the admin's active weight set is what ingestion and a tier change use, and
that the case page shows the breakdown.
"""

import dataclasses
import datetime as dt
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.urls import reverse

from cases.choices import CaseEventKind, CustomerTier, EngagementType, InfluenceTier, Intent, Priority, SentimentLabel
from cases.models import Case, CaseEvent, PriorityWeightSet
from cases.priority import (
    DEFAULT_WEIGHTS,
    WEIGHT_NAMES,
    PriorityFacts,
    priority_for,
    share_velocity,
    waiting_minutes,
)
from cases.selectors import priority_weights
from cases.services import customer_change_tier
from channels_app.models import SocialPost
from channels_app.pipeline import ingest_posts
from tests.channels.helpers import T0, post
from tests.factories import ChannelFactory, PriorityWeightSetFactory, SLAPolicyFactory
from tests.roles import user_in_group

# Every factor at zero under DEFAULT_WEIGHTS: praise, progressive, positive, ordinary.
ZERO = PriorityFacts(
    polarity=0.5,
    sentiment_label=SentimentLabel.POSITIVE,
    intent=Intent.PRAISE,
    influence=InfluenceTier.LOW,
    verified=False,
    tier=CustomerTier.STANDARD,
    engagement_type=EngagementType.PROGRESSIVE,
)
CALM = dataclasses.replace(ZERO, polarity=0.0, sentiment_label=SentimentLabel.NEUTRAL, intent=Intent.QUESTION)
CALM = dataclasses.replace(CALM, engagement_type=EngagementType.REACTIVE)


def _replace(base=CALM, **changes) -> PriorityFacts:
    return dataclasses.replace(base, **changes)


# -- pure: each weight alone ---------------------------------------------------------------------


def test_nothing_to_weigh_scores_zero_and_low_with_an_empty_breakdown():
    assert priority_for(ZERO) == (0.0, Priority.LOW, [])


@pytest.mark.parametrize(
    ("changes", "factor"),
    [
        ({"polarity": -1.0}, ("sentiment", "polarity -1.00", 25.0)),
        ({"polarity": -0.4}, ("sentiment", "polarity -0.40", 10.0)),
        (
            {"polarity": 0.6, "sentiment_label": SentimentLabel.NEGATIVE},
            ("sentiment", "labelled negative (polarity +0.60)", 12.5),
        ),
        ({"intent": Intent.CHURN_THREAT}, ("intent", "churn threat", 30.0)),
        ({"intent": Intent.COMPLAINT}, ("intent", "complaint", 20.0)),
        ({"intent": Intent.QUESTION}, ("intent", "question", 10.0)),
        ({"intent": Intent.SALES_LEAD}, ("intent", "sales lead", 10.0)),
        ({"intent": Intent.OTHER}, ("intent", "other", 5.0)),
        ({"influence": InfluenceTier.MEDIUM}, ("influence", "1k to 10k followers", 8.0)),
        ({"influence": InfluenceTier.HIGH}, ("influence", "10k to 100k followers", 18.0)),
        ({"influence": InfluenceTier.TOP}, ("influence", "over 100k followers", 30.0)),
        ({"verified": True}, ("verified", "verified account", 10.0)),
        ({"tier": CustomerTier.PREMIUM}, ("customer tier", "Premium customer", 8.0)),
        ({"tier": CustomerTier.VIP}, ("customer tier", "VIP customer", 15.0)),
        (
            {"engagement_type": EngagementType.REACTIVE},
            ("engagement", "reactive (addressed to the brand)", 10.0),
        ),
        (
            {"engagement_type": EngagementType.PROACTIVE},
            ("engagement", "proactive (mentions the brand)", 5.0),
        ),
        (
            {"shares": 40, "likes": 300, "share_velocity": 20.0},
            ("virality", "20 shares/hour (40 shares, 300 likes)", 10.0),
        ),
        (
            {"shares": 900, "likes": 5000, "share_velocity": 150.0},
            ("virality", "150 shares/hour (900 shares, 5000 likes)", 20.0),
        ),
        ({"waiting_minutes": 90.0}, ("waiting", "90 minutes without a reply", 3.0)),
        ({"waiting_minutes": 45.0}, ("waiting", "45 minutes without a reply", 1.5)),
        ({"waiting_minutes": 6000.0}, ("waiting", "6000 minutes without a reply", 15.0)),
    ],
)
def test_each_factor_alone_adds_its_documented_weight(changes, factor):
    result = priority_for(_replace(ZERO, **changes))

    assert result.factors == [factor]
    assert result.score == factor[2]


def test_praise_and_progressive_posts_and_standard_low_reach_add_nothing():
    assert priority_for(_replace(ZERO, polarity=0.0, sentiment_label=SentimentLabel.NEUTRAL)).factors == []


def test_slow_shares_below_the_viral_velocity_add_nothing():
    assert priority_for(_replace(ZERO, shares=500, share_velocity=19.9)).factors == []


def test_a_strong_negative_polarity_weighs_more_than_the_label_floor():
    result = priority_for(_replace(polarity=-1.0, sentiment_label=SentimentLabel.NEGATIVE))

    assert result.factors[0] == ("sentiment", "polarity -1.00", 25.0)
    assert result.score == pytest.approx(20 + 25)


@pytest.mark.parametrize(
    ("score", "label"),
    [
        (0.0, Priority.LOW),
        (19.99, Priority.LOW),
        (20.0, Priority.NORMAL),
        (44.99, Priority.NORMAL),
        (45.0, Priority.HIGH),
        (69.99, Priority.HIGH),
        (70.0, Priority.URGENT),
        (500.0, Priority.URGENT),
    ],
)
def test_label_thresholds(score, label):
    assert DEFAULT_WEIGHTS.label_for(score) == label


def test_a_plain_question_addressed_to_the_brand_is_normal():
    assert priority_for(CALM)[:2] == (20.0, Priority.NORMAL)


def test_an_angry_vip_influencer_threatening_to_leave_is_urgent_and_the_breakdown_sums_to_the_score():
    result = priority_for(
        _replace(
            intent=Intent.CHURN_THREAT,
            polarity=-0.8,
            sentiment_label=SentimentLabel.NEGATIVE,
            influence=InfluenceTier.TOP,
            tier=CustomerTier.VIP,
            verified=True,
            shares=300,
            share_velocity=120.0,
            waiting_minutes=125.0,
        )
    )

    assert result.label == Priority.URGENT
    assert [name for name, _detail, _points in result.factors] == [
        "sentiment",
        "intent",
        "influence",
        "verified",
        "customer tier",
        "engagement",
        "virality",
        "waiting",
    ]
    assert sum(points for _name, _detail, points in result.factors) == pytest.approx(result.score)
    assert result.score == round(20 + 30 + 30 + 10 + 15 + 10 + 20 + 125 / 30, 2)


def test_praise_from_an_ordinary_customer_is_low():
    result = priority_for(
        _replace(
            intent=Intent.PRAISE,
            sentiment_label=SentimentLabel.POSITIVE,
            polarity=0.8,
            engagement_type=EngagementType.PROACTIVE,
        )
    )

    assert (result.score, result.label) == (5.0, Priority.LOW)


def test_custom_weights_change_the_score_and_the_label():
    weights = dataclasses.replace(DEFAULT_WEIGHTS, intent_question=50.0, high_at=55.0, urgent_at=60.0)

    result = priority_for(CALM, weights)

    assert (result.score, result.label) == (60.0, Priority.URGENT)
    assert ("intent", "question", 50.0) in result.factors


def test_custom_virality_and_waiting_weights():
    weights = dataclasses.replace(
        DEFAULT_WEIGHTS, viral_velocity=5.0, viral_points=3.0, waiting_minutes_per_point=10.0, waiting_cap=4.0
    )

    result = priority_for(_replace(ZERO, shares=6, share_velocity=6.0, waiting_minutes=100.0), weights)

    assert [points for _name, _detail, points in result.factors] == [3.0, 4.0]


def test_waiting_runs_from_the_first_unanswered_message_to_the_last():
    def at(minutes):
        return T0 + dt.timedelta(minutes=minutes)

    assert waiting_minutes(customer_at=[at(0)], replied_at=[]) == 0
    assert waiting_minutes(customer_at=[at(120), at(0), at(30)], replied_at=[]) == 120
    assert waiting_minutes(customer_at=[at(0), at(60), at(100)], replied_at=[at(10)]) == 40
    assert waiting_minutes(customer_at=[at(0)], replied_at=[at(10)]) == 0


def test_share_velocity_counts_over_at_least_an_hour():
    assert share_velocity(shares=30, posted_at=T0, observed_at=T0 + dt.timedelta(minutes=1)) == 30
    assert share_velocity(shares=30, posted_at=T0, observed_at=T0 + dt.timedelta(hours=3)) == 10


# -- the admin's weights -------------------------------------------------------------------------


@pytest.mark.django_db
def test_without_an_active_weight_set_the_defaults_apply():
    PriorityWeightSetFactory(is_active=False, intent_question=99.0)

    assert priority_weights() == DEFAULT_WEIGHTS


@pytest.mark.django_db
def test_the_active_weight_set_holds_every_weight():
    PriorityWeightSetFactory(is_active=True, intent_question=99.0, urgent_at=120.0)

    assert priority_weights() == dataclasses.replace(DEFAULT_WEIGHTS, intent_question=99.0, urgent_at=120.0)
    assert {field.name for field in PriorityWeightSet._meta.get_fields()} >= set(WEIGHT_NAMES)


@pytest.mark.django_db
def test_weight_sets_refuse_negative_weights_and_thresholds_out_of_order():
    weights = PriorityWeightSetFactory.build(verified=-1.0, high_at=80.0, very_viral_velocity=10.0)

    with pytest.raises(ValidationError) as error:
        weights.full_clean()

    assert {"verified", "urgent_at", "very_viral_velocity"} <= set(error.value.message_dict)


@pytest.mark.django_db
def test_only_one_weight_set_can_be_active():
    PriorityWeightSetFactory(is_active=True)

    with pytest.raises(IntegrityError):
        PriorityWeightSetFactory(is_active=True)


@pytest.fixture
def channel():
    SLAPolicyFactory(name="Default", is_default=True, first_response_minutes=60, resolution_minutes=1440)
    return ChannelFactory(name="Acme on X", brand_handles=["AcmeAirCare"], brand_terms=["Acme Air"])


def _ingest_question(channel, external_id="1", **fields):
    ingest_posts(channel=channel, posts=[post(external_id, 0, "@AcmeAirCare how do I add a bag?", **fields)])
    return SocialPost.objects.select_related("case").get(channel=channel, external_id=external_id).case


@pytest.mark.django_db
def test_ingestion_scores_with_the_active_weight_set_and_stores_the_factors(channel):
    PriorityWeightSetFactory(
        is_active=True, intent_question=41.0, engagement_reactive=2.0, waiting_cap=0.0, normal_at=30.0
    )

    case = _ingest_question(channel)

    intent = next(factor for factor in case.priority_factors if factor[0] == "intent")
    assert intent == ["intent", "question", 41.0]
    assert case.priority_score == pytest.approx(sum(points for _n, _d, points in case.priority_factors))
    assert case.priority == Priority.NORMAL


@pytest.mark.django_db
def test_ingestion_counts_waiting_between_unanswered_messages_whenever_it_runs(channel):
    _ingest_question(channel)
    ingest_posts(channel=channel, posts=[post("2", 90, "@AcmeAirCare hello? anyone?", reply_to="1")])

    case = SocialPost.objects.select_related("case").get(external_id="2").case
    assert ["waiting", "90 minutes without a reply", 3.0] in case.priority_factors

    # A brand reply answers them: the next message starts waiting afresh.
    ingest_posts(
        channel=channel,
        posts=[
            post("3", 100, "@9001 looking into it", reply_to="2", outbound=True),
            post("4", 130, "@AcmeAirCare thanks, the bag is a blue suitcase", reply_to="3"),
        ],
    )
    case.refresh_from_db()
    assert "waiting" not in {name for name, _detail, _points in case.priority_factors}


@pytest.mark.django_db
def test_ingestion_counts_fast_shares_as_viral_and_slow_ones_not(channel):
    # Weeks after T0: 5000 shares over weeks is slow.
    slow = _ingest_question(channel, share_count=5000, like_count=9000)
    assert "virality" not in {name for name, _detail, _points in slow.priority_factors}

    # A post shared fast: posted a minute before it is ingested.
    fresh = post("2", 0, "@AcmeAirCare my flight left without me", author="4242", share_count=500, like_count=10)
    fresh.posted_at = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)
    ingest_posts(channel=channel, posts=[fresh])

    viral = SocialPost.objects.select_related("case").get(external_id="2").case
    assert ["virality", "500 shares/hour (500 shares, 10 likes)", 20.0] in viral.priority_factors


@pytest.mark.django_db
def test_a_new_message_recomputes_the_stored_factors(channel):
    case = _ingest_question(channel)
    assert ["intent", "question", 10.0] in case.priority_factors
    PriorityWeightSetFactory(is_active=True, intent_question=33.0)

    ingest_posts(
        channel=channel,
        posts=[post("2", 5, "@AcmeAirCare still nothing, this is terrible service", reply_to="1")],
    )

    case.refresh_from_db()
    assert ["intent", "question", 33.0] in case.priority_factors
    assert case.priority_factors[0] == ["sentiment", "polarity -1.00", 25.0]  # the latest message's


@pytest.mark.django_db
def test_a_tier_change_recomputes_the_priority_of_the_customers_open_cases(channel):
    case = _ingest_question(channel)
    PriorityWeightSetFactory(is_active=True, tier_vip=60.0)

    customer_change_tier(customer=case.customer, tier=CustomerTier.VIP)

    case.refresh_from_db()
    assert ["customer tier", "VIP customer", 60.0] in case.priority_factors
    assert case.priority == Priority.URGENT
    assert case.priority_score == pytest.approx(sum(points for _n, _d, points in case.priority_factors))
    change = CaseEvent.objects.get(case=case, kind=CaseEventKind.PRIORITY_CHANGE)
    assert change.payload["to"] == Priority.URGENT
    assert "customer tier changed" in change.payload["reason"]


@pytest.mark.django_db
def test_a_tier_change_costs_a_constant_number_of_queries(channel, django_assert_max_num_queries):
    first = _ingest_question(channel)
    for index in range(2, 6):
        ingest_posts(
            channel=channel,
            posts=[post(str(index), index * 60 * 24 * 40, f"@AcmeAirCare a new question number {index}?")],
        )
    open_cases = Case.objects.filter(customer=first.customer).count()
    assert open_cases > 1

    with django_assert_max_num_queries(20):
        customer_change_tier(customer=first.customer, tier=CustomerTier.PREMIUM)

    assert all(
        ["customer tier", "Premium customer", 8.0] in factors
        for factors in Case.objects.filter(customer=first.customer).values_list("priority_factors", flat=True)
    )


@pytest.mark.django_db
def test_the_case_page_shows_each_factor_and_the_total(client, channel, settings):
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": uuid.uuid4().hex}
    }
    case = _ingest_question(channel, author_verified=True)
    client.force_login(user_in_group("Managers"))

    response = client.get(reverse("console:case", args=[case.pk]))

    content = response.content.decode()
    assert response.status_code == 200
    assert 'class="priority-factors"' in content
    assert "<td>intent</td><td>question</td><td>+10</td>" in content
    assert "<td>verified</td><td>verified account</td><td>+10</td>" in content
    assert f"<td>{case.priority_score:g}</td>" in content
