"""Priority: a weighted score from the case's facts, mapped to a label."""

import dataclasses

import pytest

from cases.choices import CustomerTier, EngagementType, InfluenceTier, Intent, Priority, SentimentLabel
from cases.priority import PriorityFacts, priority_for

CALM = PriorityFacts(
    polarity=0.0,
    sentiment_label=SentimentLabel.NEUTRAL,
    intent=Intent.QUESTION,
    influence=InfluenceTier.LOW,
    verified=False,
    tier=CustomerTier.STANDARD,
    engagement_type=EngagementType.REACTIVE,
)


def _replace(**changes) -> PriorityFacts:
    return dataclasses.replace(CALM, **changes)


def test_a_plain_question_is_normal():
    assert priority_for(CALM) == (20.0, Priority.NORMAL)


def test_a_complaint_labelled_negative_weighs_even_with_a_positive_polarity():
    plain = priority_for(_replace(intent=Intent.COMPLAINT, polarity=0.6))[0]
    labelled = priority_for(_replace(intent=Intent.COMPLAINT, polarity=0.6, sentiment_label=SentimentLabel.NEGATIVE))[0]

    assert labelled - plain == pytest.approx(12.5)


def test_strong_negative_polarity_weighs_more_than_the_label_floor():
    score = priority_for(_replace(polarity=-1.0, sentiment_label=SentimentLabel.NEGATIVE))[0]

    assert score == pytest.approx(20 + 25)


def test_an_angry_vip_influencer_threatening_to_leave_is_urgent():
    score, label = priority_for(
        _replace(
            intent=Intent.CHURN_THREAT,
            polarity=-0.8,
            sentiment_label=SentimentLabel.NEGATIVE,
            influence=InfluenceTier.TOP,
            tier=CustomerTier.VIP,
            verified=True,
        )
    )

    assert label == Priority.URGENT and score >= 70


def test_praise_from_an_ordinary_customer_is_low():
    assert (
        priority_for(
            _replace(
                intent=Intent.PRAISE,
                sentiment_label=SentimentLabel.POSITIVE,
                polarity=0.8,
                engagement_type=EngagementType.PROACTIVE,
            )
        )[1]
        == Priority.LOW
    )
