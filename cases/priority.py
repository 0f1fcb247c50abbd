"""Case priority: a numeric score from weighted factors, mapped to a label.

Owns priority_for(). The routing issue makes the weights admin-tunable and
shows each factor's contribution; until then the weights below are the
documented defaults. Pure function: callers pass facts, no database.
"""

from dataclasses import dataclass

from cases.choices import CustomerTier, EngagementType, InfluenceTier, Intent, Priority, SentimentLabel

INTENT_WEIGHT = {
    Intent.CHURN_THREAT: 30.0,
    Intent.COMPLAINT: 20.0,
    Intent.QUESTION: 10.0,
    Intent.SALES_LEAD: 10.0,
    Intent.PRAISE: 0.0,
    Intent.OTHER: 5.0,
}
INFLUENCE_WEIGHT = {
    InfluenceTier.LOW: 0.0,
    InfluenceTier.MEDIUM: 8.0,
    InfluenceTier.HIGH: 18.0,
    InfluenceTier.TOP: 30.0,
}
TIER_WEIGHT = {CustomerTier.STANDARD: 0.0, CustomerTier.PREMIUM: 8.0, CustomerTier.VIP: 15.0}
ENGAGEMENT_WEIGHT = {
    EngagementType.REACTIVE: 10.0,
    EngagementType.PROACTIVE: 5.0,
    EngagementType.PROGRESSIVE: 0.0,
    EngagementType.NONE: 0.0,
}
NEGATIVE_SENTIMENT_WEIGHT = 25.0  # times -polarity, so -1.0 adds 25
# A message the care classifier labels negative counts at least this much of
# the weight: complaints often have a neutral or even positive polarity.
NEGATIVE_LABEL_FLOOR = 0.5
VERIFIED_WEIGHT = 10.0

# Lower bounds of each label, highest first.
PRIORITY_THRESHOLDS = ((70.0, Priority.URGENT), (45.0, Priority.HIGH), (20.0, Priority.NORMAL), (0.0, Priority.LOW))


@dataclass(frozen=True, slots=True)
class PriorityFacts:
    polarity: float | None
    sentiment_label: str
    intent: str
    influence: str
    verified: bool
    tier: str
    engagement_type: str


def priority_for(facts: PriorityFacts) -> tuple[float, str]:
    """Return (score, label) for a case's current facts."""
    score = INTENT_WEIGHT.get(facts.intent, 0.0)
    score += INFLUENCE_WEIGHT.get(facts.influence, 0.0)
    score += TIER_WEIGHT.get(facts.tier, 0.0)
    score += ENGAGEMENT_WEIGHT.get(facts.engagement_type, 0.0)
    negativity = max(-(facts.polarity or 0.0), 0.0)
    if facts.sentiment_label == SentimentLabel.NEGATIVE:
        negativity = max(negativity, NEGATIVE_LABEL_FLOOR)
    score += NEGATIVE_SENTIMENT_WEIGHT * negativity
    if facts.verified:
        score += VERIFIED_WEIGHT
    score = round(score, 2)
    for lower_bound, label in PRIORITY_THRESHOLDS:
        if score >= lower_bound:
            return score, label
    return score, Priority.LOW
