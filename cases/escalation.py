"""Escalation rules: which of them a case's facts fire.

Owns EscalationFacts, fired_rules() and the rule names and thresholds.
Pure: no database. cases.services.escalation gathers the facts of open
cases, records each fired rule once per case (an `escalation` CaseEvent
with the dedupe key `rule:<name>`) and acts on it. The SLA-breach rule is
not here: the SLA scan fires it when a clock comes due
(cases.services.sla_scan).

The rules, in the order they are reported:
- INFLUENCER_NEGATIVE: a customer of high or top influence (10k followers
  or more) whose latest message the care classifier labels negative.
- VIRAL: the case's priority breakdown has a "virality" factor worth
  points, i.e. a post's share velocity reached the `viral_velocity` weight
  (cases.priority). Reading the stored factor keeps one definition of
  "viral": the one an admin tunes with the priority weights.
- PREMIUM_CHURN_THREAT: a premium or VIP customer threatening to leave.
- COMPLAINT_SURGE: SURGE_THRESHOLD or more open complaint cases from the
  same origin channel opened within SURGE_WINDOW (this case included):
  an outage or a bad release, which managers want to hear about at once.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from cases.choices import CustomerTier, InfluenceTier, Intent, SentimentLabel

INFLUENCER_NEGATIVE = "influencer_negative"
VIRAL = "viral"
PREMIUM_CHURN_THREAT = "premium_churn_threat"
COMPLAINT_SURGE = "complaint_surge"
RULES = (INFLUENCER_NEGATIVE, VIRAL, PREMIUM_CHURN_THREAT, COMPLAINT_SURGE)
RULE_LABELS = {
    INFLUENCER_NEGATIVE: "an influencer with negative sentiment",
    VIRAL: "a post going viral",
    PREMIUM_CHURN_THREAT: "a churn threat from a premium customer",
    COMPLAINT_SURGE: "many similar complaints at once",
}

INFLUENTIAL = (InfluenceTier.HIGH, InfluenceTier.TOP)
PREMIUM_TIERS = (CustomerTier.PREMIUM, CustomerTier.VIP)
# Open complaint cases of one channel within the window that make a surge.
SURGE_THRESHOLD = 10
SURGE_WINDOW = dt.timedelta(hours=1)
VIRALITY_FACTOR = "virality"  # the factor name cases.priority gives a viral post


@dataclass(frozen=True, slots=True)
class EscalationFacts:
    influence: str = InfluenceTier.LOW
    sentiment_label: str = SentimentLabel.NEUTRAL
    intent: str = Intent.OTHER
    customer_tier: str = CustomerTier.STANDARD
    virality_points: float = 0.0
    similar_open_complaints: int = 0


def virality_points(priority_factors) -> float:
    """Points of the "virality" factor in a stored [name, detail, points] breakdown, 0 if none."""
    return sum(
        float(points) for name, _detail, points in (priority_factors or []) if name == VIRALITY_FACTOR and points
    )


def fired_rules(facts: EscalationFacts) -> list[str]:
    """Names of the rules these facts fire, in RULES order (see the module docstring)."""
    fired = []
    if facts.influence in INFLUENTIAL and facts.sentiment_label == SentimentLabel.NEGATIVE:
        fired.append(INFLUENCER_NEGATIVE)
    if facts.virality_points > 0:
        fired.append(VIRAL)
    if facts.intent == Intent.CHURN_THREAT and facts.customer_tier in PREMIUM_TIERS:
        fired.append(PREMIUM_CHURN_THREAT)
    if facts.similar_open_complaints >= SURGE_THRESHOLD:
        fired.append(COMPLAINT_SURGE)
    return fired


def escalation_facts(case, *, similar_open_complaints: int = 0) -> EscalationFacts:
    """The facts of a Case (with its customer loaded) that the rules read."""
    return EscalationFacts(
        influence=case.customer.influence,
        sentiment_label=case.sentiment_label,
        intent=case.intent,
        customer_tier=case.customer.tier,
        virality_points=virality_points(case.priority_factors),
        similar_open_complaints=similar_open_complaints,
    )
