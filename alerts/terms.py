"""Which of a listening rule's terms a post names. Pure: no database.

Owns TermMatcher. A term matches case-insensitively as a whole word or
phrase: "Acme" matches "acme's app is down" and "#Acme", not "Acmeville".
A post naming one of the rule's exclusions (matched the same way) counts
for no term. The rule-level topic TOTAL ("*") counts a post once when it
names a brand or product term: competitor terms are counted each on their
own but stay out of the brand's total, so a competitor's outage does not
look like a storm about the brand.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

TOTAL = "*"
MAX_TERM_LENGTH = 200


def _whole_words(terms: Iterable[str]) -> re.Pattern | None:
    """One alternation of the terms, each bounded by non-word characters; None when there are none."""
    unique = sorted({term.strip().lower() for term in terms if term.strip()}, key=len, reverse=True)
    if not unique:
        return None
    return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(term) for term in unique) + r")(?!\w)", re.IGNORECASE)


class TermMatcher:
    """The terms of one rule, compiled once per run and applied to every post of the hour."""

    def __init__(
        self,
        *,
        brand_terms: Iterable[str] = (),
        product_terms: Iterable[str] = (),
        competitor_terms: Iterable[str] = (),
        exclusions: Iterable[str] = (),
    ) -> None:
        own = [term.strip()[:MAX_TERM_LENGTH] for term in [*brand_terms, *product_terms] if term.strip()]
        others = [term.strip()[:MAX_TERM_LENGTH] for term in competitor_terms if term.strip()]
        # Terms are reported as the rule writes them; matching is on the lower-cased form.
        names = {term.lower(): term for term in [*others, *own]}
        self._own = {names[term.lower()] for term in own}
        # One pattern per term, not one alternation: "Acme" and "Acme Air" both count
        # "Acme Air is down", where an alternation would consume the text once.
        self._terms = [(name, _whole_words([name])) for name in names.values()]
        self._exclusions = _whole_words(exclusions)

    @property
    def topics(self) -> list[str]:
        """Every term the rule counts, and TOTAL."""
        return [TOTAL, *sorted((name for name, _pattern in self._terms), key=str.lower)]

    def match(self, text: str) -> set[str]:
        """The topics a post counts for: its terms as the rule writes them, plus TOTAL when one is
        the brand's own; empty for an excluded post."""
        if not text or (self._exclusions is not None and self._exclusions.search(text)):
            return set()
        found = {name for name, pattern in self._terms if pattern.search(text)}
        if found & self._own:
            found.add(TOTAL)
        return found
