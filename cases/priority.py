"""Case priority: a numeric score from weighted factors, mapped to a label.

Owns priority_for(), PriorityFacts, PriorityWeights and DEFAULT_WEIGHTS.
Pure: callers pass the facts and the weights, no database. The weights an
admin tunes live in cases.models.PriorityWeightSet (one active row, read by
cases.selectors.priority_weights(); no row means DEFAULT_WEIGHTS).

The score is the sum of the points of these factors (all weights are
non-negative points unless said otherwise):

- sentiment: `negative_sentiment` times the message's negativity (minus its
  polarity, 0 when positive). A message the care classifier labels negative
  counts at least `negative_label_floor` (a fraction, 0 to 1) of it:
  complaints often have a neutral or even positive polarity.
- intent: `intent_churn_threat`, `intent_complaint` (above) `intent_question`,
  `intent_sales_lead`, `intent_other` (above) `intent_praise`.
- influence: from the customer's largest follower count, `influence_low`
  (under 1k), `influence_medium` (1k-10k), `influence_high` (10k-100k),
  `influence_top` (over 100k).
- verified: `verified` when the author's account is verified.
- customer tier: `tier_standard`, `tier_premium`, `tier_vip`.
- engagement: `engagement_reactive` (addressed to the brand),
  `engagement_proactive` (mentions it), `engagement_progressive` (competitor
  or category), `engagement_none`.
- virality: `viral_points` when the shares per hour reach
  `viral_velocity`, `very_viral_points` instead when they reach
  `very_viral_velocity`.
- waiting: one point per `waiting_minutes_per_point` minutes the customer
  had been waiting when they last wrote (from their first message after the
  brand's last reply), at most `waiting_cap` points. Closing remarks and
  automatic replies do not count, as for SLA clocks.

The label is urgent from `urgent_at`, high from `high_at`, normal from
`normal_at`, low below (thresholds descending).

A label set by hand holds until someone clears it, and an escalation leaves
a floor the label never falls below (cases.choices.priority_held()): a new
message re-scores the case but does not undo what a person or an
escalation decided.

The score is computed when something happens (a message arrives, the
customer's tier or a profile's followers or verification change, a post's
shares grow when it is seen again), never when a page is viewed; its factors are
stored with it (Case.priority_factors) so the case page shows why. Factors
that add nothing are left out of the breakdown; the breakdown's points sum
to the score.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from typing import NamedTuple

from cases.choices import (
    CustomerTier,
    EngagementType,
    InfluenceTier,
    Intent,
    Priority,
    SentimentLabel,
    priority_held,
)


def _weight(default: float, help_text: str) -> float:
    return field(default=default, metadata={"help": help_text})


@dataclass(frozen=True, slots=True)
class PriorityWeights:
    """Every weight and label threshold of priority_for(); see the module docstring."""

    negative_sentiment: float = _weight(25.0, "Points for a fully negative message (polarity -1).")
    negative_label_floor: float = _weight(
        0.5, "Least share (0 to 1) of the sentiment weight a message labelled negative counts."
    )
    intent_churn_threat: float = _weight(30.0, "Points for a churn threat.")
    intent_complaint: float = _weight(20.0, "Points for a complaint.")
    intent_question: float = _weight(10.0, "Points for a question.")
    intent_sales_lead: float = _weight(10.0, "Points for a sales lead.")
    intent_other: float = _weight(5.0, "Points for any other intent.")
    intent_praise: float = _weight(0.0, "Points for praise.")
    influence_low: float = _weight(0.0, "Points for a customer under 1k followers.")
    influence_medium: float = _weight(8.0, "Points for a customer with 1k to 10k followers.")
    influence_high: float = _weight(18.0, "Points for a customer with 10k to 100k followers.")
    influence_top: float = _weight(30.0, "Points for a customer over 100k followers.")
    verified: float = _weight(10.0, "Points for a verified account.")
    tier_standard: float = _weight(0.0, "Points for a standard customer.")
    tier_premium: float = _weight(8.0, "Points for a premium customer.")
    tier_vip: float = _weight(15.0, "Points for a VIP customer.")
    engagement_reactive: float = _weight(10.0, "Points for a post addressed to the brand.")
    engagement_proactive: float = _weight(5.0, "Points for a post that mentions the brand.")
    engagement_progressive: float = _weight(0.0, "Points for a post about a competitor or the category.")
    engagement_none: float = _weight(0.0, "Points for a post of no engagement type.")
    viral_velocity: float = _weight(20.0, "Shares per hour from which a post counts as viral.")
    viral_points: float = _weight(10.0, "Points for a viral post.")
    very_viral_velocity: float = _weight(100.0, "Shares per hour from which a post counts as very viral.")
    very_viral_points: float = _weight(20.0, "Points for a very viral post (instead of the viral points).")
    waiting_minutes_per_point: float = _weight(30.0, "Minutes of waiting without a reply worth one point.")
    waiting_cap: float = _weight(15.0, "Most points waiting can add.")
    urgent_at: float = _weight(70.0, "Lowest score labelled urgent.")
    high_at: float = _weight(45.0, "Lowest score labelled high.")
    normal_at: float = _weight(20.0, "Lowest score labelled normal (below: low).")

    def intent_points(self, intent: str) -> float:
        return getattr(self, f"intent_{intent}", self.intent_other)

    def influence_points(self, influence: str) -> float:
        return getattr(self, f"influence_{influence}", 0.0)

    def tier_points(self, tier: str) -> float:
        return getattr(self, f"tier_{tier}", 0.0)

    def engagement_points(self, engagement_type: str) -> float:
        return getattr(self, f"engagement_{engagement_type}", 0.0)

    def label_for(self, score: float) -> str:
        for lower_bound, label in (
            (self.urgent_at, Priority.URGENT),
            (self.high_at, Priority.HIGH),
            (self.normal_at, Priority.NORMAL),
        ):
            if score >= lower_bound:
                return label
        return Priority.LOW


WEIGHT_NAMES = tuple(item.name for item in fields(PriorityWeights))
WEIGHT_HELP = {item.name: item.metadata["help"] for item in fields(PriorityWeights)}
THRESHOLD_NAMES = ("urgent_at", "high_at", "normal_at")
DEFAULT_WEIGHTS = PriorityWeights()


@dataclass(frozen=True, slots=True)
class PriorityFacts:
    polarity: float | None
    sentiment_label: str
    intent: str
    influence: str
    verified: bool
    tier: str
    engagement_type: str
    shares: int = 0
    likes: int = 0
    share_velocity: float = 0.0  # shares per hour, measured by the caller
    waiting_minutes: float = 0.0  # waiting_minutes(): first unanswered message to the last one


class PriorityResult(NamedTuple):
    score: float
    label: str
    factors: list[tuple[str, str, float]]  # (name, detail, points), only those that add points


def _label(choices, value: str) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return value


def priority_for(facts: PriorityFacts, weights: PriorityWeights = DEFAULT_WEIGHTS) -> PriorityResult:
    """The score, label and per-factor breakdown of a case's current facts."""
    factors: list[tuple[str, str, float]] = []

    def add(name: str, detail: str, points: float) -> None:
        points = round(points, 2)
        if points:
            factors.append((name, detail, points))

    negativity = max(-(facts.polarity or 0.0), 0.0)
    detail = f"polarity {facts.polarity or 0.0:+.2f}"
    if facts.sentiment_label == SentimentLabel.NEGATIVE and negativity < weights.negative_label_floor:
        negativity, detail = weights.negative_label_floor, f"labelled negative ({detail})"
    add("sentiment", detail, weights.negative_sentiment * negativity)
    add("intent", _label(Intent, facts.intent).lower(), weights.intent_points(facts.intent))
    add("influence", _label(InfluenceTier, facts.influence).lower(), weights.influence_points(facts.influence))
    if facts.verified:
        add("verified", "verified account", weights.verified)
    add("customer tier", f"{_label(CustomerTier, facts.tier)} customer", weights.tier_points(facts.tier))
    add(
        "engagement",
        _label(EngagementType, facts.engagement_type).lower(),
        weights.engagement_points(facts.engagement_type),
    )
    velocity = facts.share_velocity
    viral = f"{velocity:.0f} shares/hour ({facts.shares} shares, {facts.likes} likes)"
    if velocity >= weights.very_viral_velocity:
        add("virality", viral, weights.very_viral_points)
    elif velocity >= weights.viral_velocity:
        add("virality", viral, weights.viral_points)
    if facts.waiting_minutes > 0 and weights.waiting_minutes_per_point > 0:
        add(
            "waiting",
            f"{facts.waiting_minutes:.0f} minutes without a reply",
            min(facts.waiting_minutes / weights.waiting_minutes_per_point, weights.waiting_cap),
        )
    score = round(sum(points for _name, _detail, points in factors), 2)
    return PriorityResult(score, weights.label_for(score), factors)


def waiting_minutes(*, customer_at: Iterable[dt.datetime], replied_at: Iterable[dt.datetime]) -> float:
    """How long the customer had been waiting when they last wrote: minutes from
    their first message after the brand's last reply to their last message.

    Measured between messages, not up to the clock: the score is computed when
    something happens, and ingesting the same posts later (a backfill, a
    retry) must give the same score.
    """
    customer_at = sorted(customer_at)
    last_reply = max(replied_at, default=None)
    unanswered = [at for at in customer_at if last_reply is None or at > last_reply]
    if not unanswered:
        return 0.0
    return (unanswered[-1] - unanswered[0]).total_seconds() / 60


def share_velocity(*, shares: int, posted_at: dt.datetime, observed_at: dt.datetime) -> float:
    """Shares per hour of a post between its posting and when its count was observed.

    Counted over at least an hour: a post seen seconds after it was posted
    with a few shares is not "thousands an hour".
    """
    hours = max((observed_at - posted_at).total_seconds() / 3600, 1.0)
    return shares / hours


def score_case(
    case,
    *,
    verified: bool,
    virality: tuple[int, int, float],
    waiting: float,
    weights: PriorityWeights = DEFAULT_WEIGHTS,
) -> PriorityResult:
    """Score a Case (its customer loaded) from its stored facts and set its priority,
    score and factors (not saved). `virality` is (shares, likes, shares per hour) of
    its most shared post; `waiting` is cases.sla.unanswered_minutes() of its timeline.
    The label set is the scored one unless a person holds the case at a label or an
    escalation left a floor under it (Case.priority_hold, Case.priority_floor)."""
    shares, likes, velocity = virality
    result = priority_for(
        PriorityFacts(
            polarity=case.sentiment_latest,
            sentiment_label=case.sentiment_label,
            intent=case.intent,
            influence=case.customer.influence,
            verified=verified,
            tier=case.customer.tier,
            engagement_type=case.engagement_type,
            shares=shares,
            likes=likes,
            share_velocity=velocity,
            waiting_minutes=waiting,
        ),
        weights,
    )
    case.priority_score = result.score
    case.priority = priority_held(result.label, hold=case.priority_hold, floor=case.priority_floor)
    case.priority_factors = [list(factor) for factor in result.factors]
    return result


def strongest_virality(
    current: tuple[int, int, float], shares: int, likes: int, velocity: float
) -> tuple[int, int, float]:
    """The running maximum of (shares, likes, shares per hour) over a case's posts."""
    return max(current[0], shares), max(current[1], likes), max(current[2], velocity)
