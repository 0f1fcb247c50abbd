"""Which social post becomes a sales lead, and why.

Owns LeadVocabulary (a channel's brand and competitor terms, compiled once)
and lead_match(). Pure: no database; leads.services loads the stored post
fields and the terms, and writes what this decides.

A post becomes a lead when it is inbound (never the brand's own posts) and:
- purchase_intent: its intent is sales_lead ("looking to buy", "which plan",
  "switching from Globex"): the customer says they mean to buy. The
  competitor named, if any, is recorded too;
- competitor_complaint: it complains about a competitor (intent complaint or
  churn_threat, or a negative sentiment) that it names, and it does not name
  the brand: someone unhappy elsewhere, a prospect to win over. A post that
  names the brand as well is about the brand (a comparison or a complaint to
  us) and is care's, not sales'. Praise of a competitor is no lead.

A post naming one of the listening rules' exclusions ("Acme stock", "jobs
at Globex": what the brand said is not about it) is never a lead, as it is
never proactive nor progressive (channels_app.pipeline.classify).

Terms match as whole words, case-insensitively; the brand's handles count as
brand terms with or without the "@".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from cases.choices import Intent, SentimentLabel
from channels_app.choices import Direction
from leads.choices import LeadReason

COMPLAINT_INTENTS = (Intent.COMPLAINT, Intent.CHURN_THREAT)


@dataclass(frozen=True, slots=True)
class LeadMatch:
    reason: str
    competitor: str = ""  # the competitor term as configured ("Globex Airways"), or ""


@dataclass(frozen=True, slots=True)
class PostFacts:
    """What the rules read of a stored post."""

    text: str
    direction: str
    intent: str
    sentiment_label: str


def _terms(values) -> list[str]:
    return sorted({value.strip().lstrip("@#") for value in values if value and value.strip().lstrip("@#")}, key=len)


def _regex(terms: list[str]) -> re.Pattern | None:
    if not terms:
        return None
    # Longest first, so "Globex Airways" wins over "Globex" where both are configured.
    alternatives = "|".join(re.escape(term) for term in reversed(terms))
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)


@dataclass(frozen=True)
class LeadVocabulary:
    brand: re.Pattern | None
    competitors: re.Pattern | None
    competitor_names: dict[str, str]  # lower case -> as configured
    exclusions: re.Pattern | None = None

    @classmethod
    def build(cls, *, brand_terms, competitor_terms, exclusions=()) -> LeadVocabulary:
        """`brand_terms`: the brand's handles, names and products; `competitor_terms`: competitors'
        names; `exclusions`: the listening rules' exclusions."""
        competitors = _terms(competitor_terms)
        return cls(
            brand=_regex(_terms(brand_terms)),
            competitors=_regex(competitors),
            competitor_names={term.lower(): term for term in competitors},
            exclusions=_regex(_terms(exclusions)),
        )

    def excludes(self, text: str) -> bool:
        return bool(self.exclusions and self.exclusions.search(text))

    def names_brand(self, text: str) -> bool:
        return bool(self.brand and self.brand.search(text))

    def competitor_in(self, text: str) -> str:
        """The first competitor the text names, as configured; "" when none."""
        found = self.competitors.search(text) if self.competitors else None
        return self.competitor_names.get(found.group(0).lower(), found.group(0)) if found else ""


def lead_match(post: PostFacts, vocabulary: LeadVocabulary) -> LeadMatch | None:
    """The reason `post` is a lead (see the module docstring), or None."""
    if post.direction != Direction.INBOUND or vocabulary.excludes(post.text):
        return None
    if post.intent == Intent.SALES_LEAD:
        return LeadMatch(LeadReason.PURCHASE_INTENT, vocabulary.competitor_in(post.text))
    unhappy = post.intent in COMPLAINT_INTENTS or post.sentiment_label == SentimentLabel.NEGATIVE
    if not unhappy or post.intent == Intent.PRAISE:
        return None
    competitor = vocabulary.competitor_in(post.text)
    if not competitor or vocabulary.names_brand(post.text):
        return None
    return LeadMatch(LeadReason.COMPETITOR_COMPLAINT, competitor)
