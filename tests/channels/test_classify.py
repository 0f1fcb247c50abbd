"""Engagement type and actionability rules of a channel's vocabulary."""

import pytest

from cases.choices import EngagementType, Intent, SentimentLabel
from channels_app.pipeline.classify import ChannelVocabulary


@pytest.fixture
def vocabulary():
    return ChannelVocabulary.build(
        brand_handles=["@AcmeAirCare", "AcmeAir"],
        brand_terms=["Acme Air", "acmeair.example"],
        competitor_terms=["SkyJet", "Blue Sky Airways"],
        actionable_rules={"category_terms": ["lost luggage"]},
    )


def engagement(vocabulary, text, *, is_direct=False, in_reply_to_handle="", replies_to_brand_post=False):
    return vocabulary.engagement_type(
        text=text,
        is_direct=is_direct,
        in_reply_to_handle=in_reply_to_handle,
        replies_to_brand_post=replies_to_brand_post,
    )


@pytest.mark.parametrize(
    ("text", "flags"),
    [
        ("my order never arrived", {"is_direct": True}),
        ("still waiting", {"replies_to_brand_post": True}),
        ("still waiting", {"in_reply_to_handle": "acmeaircare"}),
        ("@AcmeAirCare where is my bag?", {}),
        ("hey @acmeair, any news on AC12?", {}),
    ],
)
def test_addressed_to_the_brand_is_reactive(vocabulary, text, flags):
    assert engagement(vocabulary, text, **flags) == EngagementType.REACTIVE


@pytest.mark.parametrize(
    "text",
    [
        "Flying Acme Air to Rome tomorrow, any tips?",
        "acme air lost my bag",
        "booked on acmeair.example last night",
        "shoutout to AcmeAirCare crew",  # a handle without the @ names the brand
    ],
)
def test_naming_the_brand_without_addressing_it_is_proactive(vocabulary, text):
    assert engagement(vocabulary, text) == EngagementType.PROACTIVE


@pytest.mark.parametrize(
    "text",
    ["SkyJet cancelled my flight again", "blue sky airways is a joke", "any tips for lost luggage claims?"],
)
def test_a_competitor_or_category_without_the_brand_is_progressive(vocabulary, text):
    assert engagement(vocabulary, text) == EngagementType.PROGRESSIVE


def test_brand_beats_competitor_when_both_are_named(vocabulary):
    assert engagement(vocabulary, "Acme Air or SkyJet for Lisbon?") == EngagementType.PROACTIVE


@pytest.mark.parametrize(
    "text", ["lovely weather in Lisbon", "@SkyJetFan hello", "AcmeAirlines is not us", "skyjetting around"]
)
def test_anything_else_is_none(vocabulary, text):
    assert engagement(vocabulary, text) == EngagementType.NONE


def test_an_email_address_mentioning_a_handle_is_not_a_mention(vocabulary):
    assert engagement(vocabulary, "write to care@acmeair") == EngagementType.PROACTIVE


@pytest.mark.parametrize(
    ("engagement_type", "label", "intent", "expected"),
    [
        (EngagementType.REACTIVE, SentimentLabel.POSITIVE, Intent.PRAISE, True),
        (EngagementType.PROACTIVE, SentimentLabel.NEGATIVE, Intent.COMPLAINT, True),
        (EngagementType.PROACTIVE, SentimentLabel.NEUTRAL, Intent.QUESTION, True),
        (EngagementType.PROACTIVE, SentimentLabel.POSITIVE, Intent.PRAISE, False),
        (EngagementType.PROGRESSIVE, SentimentLabel.NEGATIVE, Intent.COMPLAINT, False),
        (EngagementType.PROGRESSIVE, SentimentLabel.NEGATIVE, Intent.CHURN_THREAT, True),
        (EngagementType.PROGRESSIVE, SentimentLabel.NEUTRAL, Intent.SALES_LEAD, True),
        (EngagementType.NONE, SentimentLabel.NEGATIVE, Intent.CHURN_THREAT, False),
    ],
)
def test_default_actionable_rules(vocabulary, engagement_type, label, intent, expected):
    assert vocabulary.is_actionable(engagement_type=engagement_type, sentiment_label=label, intent=intent) is expected


def test_channel_rules_override_the_defaults():
    strict = ChannelVocabulary.build(
        brand_handles=["AcmeAirCare"],
        brand_terms=[],
        competitor_terms=[],
        actionable_rules={"reactive": "negative", "proactive": "never"},
    )

    assert not strict.is_actionable(
        engagement_type=EngagementType.REACTIVE, sentiment_label=SentimentLabel.NEUTRAL, intent=Intent.QUESTION
    )
    assert strict.is_actionable(
        engagement_type=EngagementType.REACTIVE, sentiment_label=SentimentLabel.NEGATIVE, intent=Intent.COMPLAINT
    )


def test_an_unknown_rule_is_refused_with_the_allowed_values():
    with pytest.raises(ValueError, match="not one of always, never"):
        ChannelVocabulary.build(
            brand_handles=[], brand_terms=[], competitor_terms=[], actionable_rules={"reactive": "sometimes"}
        )


def test_brand_identity_ignores_case_and_the_at_sign(vocabulary):
    assert vocabulary.is_brand("@ACMEAIRCARE")
    assert not vocabulary.is_brand("", "someone")
