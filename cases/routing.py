"""Routing decisions: which rule a case matches, and which agent takes it.

Owns select_rule() and pick_agent(). Pure functions over plain values (the
rules are read by attribute, so model rows or any look-alike do): no
database. Applying a decision, locking and counting belong to
cases.services.routing.

Conventions:
- A condition list that is empty matches anything. Languages compare by
  primary subtag, case-insensitively ("pt-BR" is "pt"); a case of unknown
  language ("") matches only rules without a language condition.
- Terms match case-insensitively as whole words or phrases: "refund"
  matches "Refund please" and "refund!" but not "refunded"; a term may
  start or end with a non-word character ("#outage", "@acme").
- An agent with no languages listed is taken to answer in any language
  (an empty list is the profile's default, and a team that never filled
  it in should still get cases); an agent who lists some must list the
  case's language, unless the case's language is unknown.
- Skills compare case-insensitively; an empty skill requires nothing.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Protocol

_NEVER = dt.datetime.min.replace(tzinfo=dt.UTC)


class Rule(Protocol):
    name: str
    position: int
    is_active: bool
    channel_kinds: list[str]
    languages: list[str]
    intents: list[str]
    engagement_types: list[str]
    priorities: list[str]
    customer_tiers: list[str]
    terms: list[str]
    stop: bool


@dataclass(frozen=True, slots=True)
class RoutingFacts:
    channel_kind: str = ""
    language: str = ""
    intent: str = ""
    engagement_type: str = ""
    priority: str = ""
    customer_tier: str = ""
    text: str = ""


@dataclass(frozen=True, slots=True)
class AgentCandidate:
    """What pick_agent() needs of one agent. `open_cases` counts all their open cases, in any team."""

    user_id: int
    open_cases: int
    capacity: int
    available: bool = True
    languages: tuple[str, ...] = ()
    skills: tuple[str, ...] = ()
    last_assigned_at: dt.datetime | None = None


def primary_language(code: str) -> str:
    return code.strip().lower().replace("_", "-").split("-", 1)[0]


@lru_cache(maxsize=1024)
def _terms_pattern(terms: tuple[str, ...]) -> re.Pattern[str]:
    alternatives = "|".join(re.escape(" ".join(term.split())).replace(r"\ ", r"\s+") for term in terms)
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)


def rule_matches(rule: Rule, facts: RoutingFacts) -> bool:
    """Every condition of the rule holds for these facts (empty conditions hold always)."""
    for values, fact in (
        (rule.channel_kinds, facts.channel_kind),
        (rule.intents, facts.intent),
        (rule.engagement_types, facts.engagement_type),
        (rule.priorities, facts.priority),
        (rule.customer_tiers, facts.customer_tier),
    ):
        if values and fact not in values:
            return False
    if rule.languages and primary_language(facts.language) not in {primary_language(c) for c in rule.languages}:
        return False
    terms = tuple(term for term in rule.terms if term.strip())
    return not terms or bool(_terms_pattern(terms).search(facts.text or ""))


def select_rule(rules: Iterable[Rule], facts: RoutingFacts) -> Rule | None:
    """The rule that decides for these facts, or None.

    Active rules are tried in (position, id) order; the first match with
    `stop` decides, else the last match without it.
    """
    chosen = None
    for rule in sorted(rules, key=lambda rule: (rule.position, getattr(rule, "pk", None) or 0)):
        if rule.is_active and rule_matches(rule, facts):
            chosen = rule
            if rule.stop:
                break
    return chosen


def can_take(candidate: AgentCandidate, *, language: str = "", skill: str = "") -> bool:
    """The agent is available, under capacity, speaks the language and has the skill."""
    if not candidate.available or candidate.open_cases >= candidate.capacity:
        return False
    spoken = {primary_language(code) for code in candidate.languages}
    if language and spoken and primary_language(language) not in spoken:
        return False
    if skill.strip():
        return skill.strip().lower() in {s.strip().lower() for s in candidate.skills}
    return True


def pick_agent(
    candidates: Sequence[AgentCandidate], *, language: str = "", skill: str = "", round_robin_after: int = 0
) -> AgentCandidate | None:
    """The least-loaded agent who can take the case (see can_take), or None.

    Ties go round robin: the agent assigned longest ago (never assigned
    first), then the lowest user id. `round_robin_after` widens a tie: agents
    whose open cases are within that many of the least-loaded one's count as
    equally loaded (0: strict least-loaded), so a team can spread work by
    turns rather than by exact counts.
    """
    eligible = [candidate for candidate in candidates if can_take(candidate, language=language, skill=skill)]
    if not eligible:
        return None
    lowest = min(candidate.open_cases for candidate in eligible)
    tied = [candidate for candidate in eligible if candidate.open_cases <= lowest + max(round_robin_after, 0)]
    return min(tied, key=lambda candidate: (candidate.last_assigned_at or _NEVER, candidate.user_id))
