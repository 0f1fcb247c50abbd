"""Which of a rule's terms a text names, in Python and as a database regex. Pure: no database.

Owns RuleTerms (a rule's terms compiled once, matched_terms()) and
term_sql_regex(): the same whole-word, case-insensitive match written for a
database `iregex` lookup, so the rules report counts in SQL what the stream
shows in Python. Matching is the classifier's (channels_app.pipeline.classify):
a leading @ or # is dropped, a term matches as a whole word or phrase.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


def clean_term(term: str) -> str:
    return " ".join(term.strip().lstrip("@#").split()).lower()


def term_sql_regex(term: str) -> str:
    r"""A regex for Django's `iregex` that works alike on PostgreSQL (ARE) and SQLite (Python re).

    Lookarounds are Python-only and PostgreSQL's word boundary is \y, so the
    boundaries are written as (^|\W) and (\W|$), which both read the same way.
    re.escape() escapes only punctuation, which PostgreSQL also reads literally.
    """
    return rf"(^|\W){re.escape(clean_term(term))}(\W|$)"


@dataclass(frozen=True)
class RuleTerms:
    """One rule's terms (brand, product, competitor, in the rule's order), each compiled once.

    One regex per term, not one alternation: a text naming "Acme Air" names
    "Acme" too, and the stream shows both. Used on one page of posts at a time.
    """

    terms: tuple[tuple[str, re.Pattern], ...]

    @classmethod
    def build(cls, *, brand_terms=(), product_terms=(), competitor_terms=()) -> RuleTerms:
        terms: list[tuple[str, re.Pattern]] = []
        seen: set[str] = set()
        for term in (*brand_terms, *product_terms, *competitor_terms):
            cleaned = clean_term(term)
            if cleaned and cleaned not in seen:
                seen.add(cleaned)
                words = r"\s+".join(re.escape(word) for word in cleaned.split())
                terms.append((term, re.compile(rf"(?<!\w){words}(?!\w)", re.IGNORECASE)))
        return cls(terms=tuple(terms))

    @classmethod
    def of_rule(cls, rule) -> RuleTerms:
        return cls.build(
            brand_terms=rule.brand_terms, product_terms=rule.product_terms, competitor_terms=rule.competitor_terms
        )

    def matched_terms(self, text: str) -> list[str]:
        """The terms `text` names, as the rule writes them, in the rule's order."""
        if not text:
            return []
        return [term for term, pattern in self.terms if pattern.search(text)]
