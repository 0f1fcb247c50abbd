"""Engagement type and actionability: how a post relates to the channel's brand.

Owns ChannelVocabulary (a channel's handles and terms, compiled once), the
per-channel actionable rules and ListeningTerms (the active listening rules
of a channel merged into one set of terms). Pure: no database.

Engagement types:
- reactive: addressed to the brand (a DM or e-mail to it, a reply to one
  of its posts or handles, or an @mention of one of its handles);
- proactive: names the brand (a brand or product term) without addressing it;
- progressive: names a competitor or a category term, without the brand;
- none: anything else.

Listening rules narrow what is heard without addressing the brand: a post
containing an exclusion, or written in a language outside the rules'
languages, is not proactive nor progressive (it becomes none). Reactive
posts never are: people addressing the brand are always heard. A post whose
language could not be detected ("") is heard: short posts rarely say.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from cases.choices import EngagementType, Intent, SentimentLabel
from channels_app.understand.language import detect_language

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


def normalize_language(code: str) -> str:
    """The primary subtag, lower-cased: "pt-BR" -> "pt"."""
    return code.strip().lower().replace("_", "-").split("-", 1)[0]


# The ListeningRule columns ListeningTerms.merge() reads, in this order.
LISTENING_RULE_FIELDS = ("brand_terms", "product_terms", "competitor_terms", "exclusions", "languages")


@dataclass(frozen=True)
class ListeningTerms:
    """The active listening rules of one channel, merged (each list without repeats, in rule order).

    `languages` is empty (every language) as soon as one rule listens in every
    language: a rule may only widen what the channel hears, never hide what
    another rule listens for.
    """

    brand_terms: tuple[str, ...] = ()
    product_terms: tuple[str, ...] = ()
    competitor_terms: tuple[str, ...] = ()
    exclusions: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()

    @classmethod
    def merge(cls, rows) -> ListeningTerms:
        """`rows`: tuples of LISTENING_RULE_FIELDS values, one per active rule."""
        rows = list(rows)
        merged: dict[str, dict[str, None]] = {name: {} for name in LISTENING_RULE_FIELDS}
        every_language = False
        for row in rows:
            for name, values in zip(LISTENING_RULE_FIELDS, row, strict=True):
                for value in values or ():
                    value = normalize_language(value) if name == "languages" else str(value).strip()
                    if value:
                        merged[name][value] = None
            every_language = every_language or not row[LISTENING_RULE_FIELDS.index("languages")]
        if every_language:
            merged["languages"] = {}
        return cls(**{name: tuple(values) for name, values in merged.items()})

    @property
    def any(self) -> bool:
        return bool(self.brand_terms or self.product_terms or self.competitor_terms)


@dataclass(frozen=True)
class ChannelVocabulary:
    brand_handles: frozenset[str]
    brand_terms: re.Pattern | None
    competitor_terms: re.Pattern | None
    category_terms: re.Pattern | None
    rules: dict[str, Any]
    exclusions: re.Pattern | None = None
    languages: frozenset[str] = frozenset()

    @classmethod
    def build(
        cls,
        *,
        brand_handles: list[str],
        brand_terms: list[str],
        competitor_terms: list[str],
        actionable_rules: dict[str, Any] | None = None,
        product_terms: list[str] | tuple[str, ...] = (),
        exclusions: list[str] | tuple[str, ...] = (),
        languages: list[str] | tuple[str, ...] = (),
    ) -> ChannelVocabulary:
        """Compile a channel's vocabulary. Product terms name the brand as its terms do;
        exclusions and languages (ISO 639-1, empty: all) narrow proactive and progressive posts."""
        rules = {**DEFAULT_ACTIONABLE_RULES, **(actionable_rules or {})}
        for key in ("reactive", "proactive", "progressive"):
            if rules[key] not in CONDITIONS:
                raise ValueError(f"actionable rule {key}={rules[key]!r} is not one of {', '.join(CONDITIONS)}")
        handles = frozenset(normalize_handle(handle) for handle in brand_handles if handle.strip())
        return cls(
            brand_handles=handles,
            # A brand's handles are also its terms: "acmeair" without the @ names it.
            brand_terms=_terms_regex([*brand_terms, *product_terms, *handles]),
            competitor_terms=_terms_regex(competitor_terms),
            category_terms=_terms_regex(rules.get("category_terms") or []),
            rules=rules,
            exclusions=_terms_regex(list(exclusions)),
            languages=frozenset(normalize_language(code) for code in languages if code.strip()),
        )

    def is_brand(self, *identities: str) -> bool:
        return any(identity and normalize_handle(identity) in self.brand_handles for identity in identities)

    def engagement_type(
        self,
        *,
        text: str,
        is_direct: bool,
        in_reply_to_handle: str,
        replies_to_brand_post: bool,
        language: str | None = None,
    ) -> str:
        """`language`: the post's detected language ("" unknown); None lets the
        vocabulary detect it from the text, only when it has languages to check."""
        if is_direct or replies_to_brand_post or self.is_brand(in_reply_to_handle):
            return EngagementType.REACTIVE
        if "@" in text and any(mention.lower() in self.brand_handles for mention in MENTION_RE.findall(text)):
            return EngagementType.REACTIVE
        if self.brand_terms and self.brand_terms.search(text):
            engagement = EngagementType.PROACTIVE
        elif (self.competitor_terms and self.competitor_terms.search(text)) or (
            self.category_terms and self.category_terms.search(text)
        ):
            engagement = EngagementType.PROGRESSIVE
        else:
            return EngagementType.NONE
        # Checked last: most posts match no term and never pay for these.
        if self.exclusions and self.exclusions.search(text):
            return EngagementType.NONE
        if self.languages:
            code = detect_language(text) if language is None else normalize_language(language)
            if code and code not in self.languages:
                return EngagementType.NONE
        return engagement

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
