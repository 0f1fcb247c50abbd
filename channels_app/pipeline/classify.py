"""Engagement type and actionability: how a post relates to the channel's brand.

Owns ChannelVocabulary (a channel's handles and terms, compiled once) and
the per-channel actionable rules. Pure: no database.

Engagement types:
- reactive: addressed to the brand (a DM or e-mail to it, a reply to one
  of its posts or handles, or an @mention of one of its handles);
- proactive: names the brand (a brand term) without addressing it;
- progressive: names a competitor or a category term, without the brand;
- none: anything else.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from cases.choices import EngagementType, Intent, SentimentLabel

MENTION_RE = re.compile(r"(?<![\w@])@(\w{1,50})")

# When each engagement type opens a case, unless the channel says otherwise.
DEFAULT_ACTIONABLE_RULES: dict[str, Any] = {
    "reactive": "always",
    "proactive": "negative_or_question",
    "progressive": "lead_or_churn",
    "category_terms": [],
    "reopen_window_days": 7,
}
CONDITIONS = ("always", "never", "negative", "negative_or_question", "lead_or_churn")


def _terms_regex(terms: list[str]) -> re.Pattern | None:
    cleaned = sorted({term.strip().lstrip("@#").lower() for term in terms if term and term.strip()}, key=len)
    if not cleaned:
        return None
    alternatives = "|".join(re.escape(term) for term in reversed(cleaned))
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)


def normalize_handle(handle: str) -> str:
    return handle.strip().lstrip("@").lower()


@dataclass(frozen=True)
class ChannelVocabulary:
    brand_handles: frozenset[str]
    brand_terms: re.Pattern | None
    competitor_terms: re.Pattern | None
    category_terms: re.Pattern | None
    rules: dict[str, Any]

    @classmethod
    def build(
        cls,
        *,
        brand_handles: list[str],
        brand_terms: list[str],
        competitor_terms: list[str],
        actionable_rules: dict[str, Any] | None = None,
    ) -> ChannelVocabulary:
        rules = {**DEFAULT_ACTIONABLE_RULES, **(actionable_rules or {})}
        for key in ("reactive", "proactive", "progressive"):
            if rules[key] not in CONDITIONS:
                raise ValueError(f"actionable rule {key}={rules[key]!r} is not one of {', '.join(CONDITIONS)}")
        handles = frozenset(normalize_handle(handle) for handle in brand_handles if handle.strip())
        return cls(
            brand_handles=handles,
            # A brand's handles are also its terms: "acmeair" without the @ names it.
            brand_terms=_terms_regex([*brand_terms, *handles]),
            competitor_terms=_terms_regex(competitor_terms),
            category_terms=_terms_regex(rules.get("category_terms") or []),
            rules=rules,
        )

    def is_brand(self, *identities: str) -> bool:
        return any(identity and normalize_handle(identity) in self.brand_handles for identity in identities)

    def engagement_type(
        self, *, text: str, is_direct: bool, in_reply_to_handle: str, replies_to_brand_post: bool
    ) -> str:
        if is_direct or replies_to_brand_post or self.is_brand(in_reply_to_handle):
            return EngagementType.REACTIVE
        if "@" in text and any(mention.lower() in self.brand_handles for mention in MENTION_RE.findall(text)):
            return EngagementType.REACTIVE
        if self.brand_terms and self.brand_terms.search(text):
            return EngagementType.PROACTIVE
        if (self.competitor_terms and self.competitor_terms.search(text)) or (
            self.category_terms and self.category_terms.search(text)
        ):
            return EngagementType.PROGRESSIVE
        return EngagementType.NONE

    def is_actionable(self, *, engagement_type: str, sentiment_label: str, intent: str) -> bool:
        if engagement_type == EngagementType.NONE:
            return False
        condition = self.rules[engagement_type]
        if condition == "always":
            return True
        if condition == "never":
            return False
        negative = sentiment_label == SentimentLabel.NEGATIVE or intent in (Intent.COMPLAINT, Intent.CHURN_THREAT)
        if condition == "negative":
            return negative
        if condition == "negative_or_question":
            return negative or intent == Intent.QUESTION
        return intent in (Intent.SALES_LEAD, Intent.CHURN_THREAT)  # lead_or_churn
