"""Ranking articles by how well they answer a text: BM25 (rank-bm25) over published articles.

Owns ArticleIndex: built once from the articles' texts, it ranks any text
(a search box, a case's messages, a customer's question). Pure: no
database; knowledge.selectors.article_index() builds and caches it per
process, keyed by the articles' version.

- Each article is one BM25 document: its title three times, its tags twice,
  then its body, so a word in the title outweighs the same word in passing.
- idf is Lucene's, log(1 + (N - n + 0.5) / (n + 0.5)): always positive, so a
  help centre of one or two articles still ranks (Okapi's idf is zero or
  negative for a word in half the articles or more).
- Articles are ordered by their BM25 score. Each match also carries a
  normalized score, 0..1, so one threshold means the same for every query:
  how much of the query's weight the article covers. Each distinct query
  term counts with its idf, at most once: its BM25 contribution is capped
  at its idf (what one occurrence in an article of average length scores),
  so a word repeated in a title cannot stand in for the words missing. A
  term no article holds weighs as much as a word of a single article, so a
  question mostly about things the base never mentions scores low even
  when one common word ("flight") matches.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
from rank_bm25 import BM25Okapi

from knowledge.text import tokens

TITLE_WEIGHT = 3
TAG_WEIGHT = 2
TERM_CACHE_SIZE = 5000


@dataclass(frozen=True, slots=True)
class ArticleText:
    id: int
    slug: str
    title: str
    body: str
    tags: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class IndexedArticle:
    id: int
    slug: str
    title: str


class Match(NamedTuple):
    article_id: int
    score: float  # normalized, 0..1


class _LuceneIdfBM25(BM25Okapi):
    """Okapi BM25 with Lucene's always-positive idf (see the module docstring)."""

    def _calc_idf(self, nd: dict[str, int]) -> None:
        for word, freq in nd.items():
            self.idf[word] = _idf(self.corpus_size, freq)
        self.average_idf = sum(self.idf.values()) / len(self.idf) if self.idf else 0.0


def _idf(documents: int, containing: int) -> float:
    return math.log(1 + (documents - containing + 0.5) / (containing + 0.5))


def document_terms(article: ArticleText) -> list[str]:
    """The BM25 document of an article: title and tags repeated to weigh more than the body."""
    title = tokens(article.title)
    tags = [term for tag in article.tags for term in tokens(tag)]
    return title * TITLE_WEIGHT + tags * TAG_WEIGHT + tokens(article.body)


class ArticleIndex:
    """A BM25 index of articles. Thread-safe to read: only a memo of term scores grows after __init__."""

    def __init__(self, articles: Iterable[ArticleText]) -> None:
        articles = list(articles)
        self.articles = [IndexedArticle(id=a.id, slug=a.slug, title=a.title) for a in articles]
        self._by_id = {article.id: article for article in self.articles}
        corpus = [document_terms(article) for article in articles]
        # rank-bm25 divides by the mean length: an index of empty articles ranks nothing.
        self._bm25 = _LuceneIdfBM25(corpus) if any(corpus) else None
        self._unknown_term_weight = _idf(len(corpus), 1) if corpus else 0.0
        self._term_cache: dict[str, np.ndarray] = {}

    def __len__(self) -> int:
        return len(self.articles)

    def article(self, article_id: int) -> IndexedArticle | None:
        return self._by_id.get(article_id)

    def rank(self, text: str, k: int = 5) -> list[Match]:
        """The k best articles for a text by BM25, best first, with normalized scores; only those
        sharing a term with the text."""
        raw, covered = self._scores(text)
        if raw is None or k <= 0:
            return []
        order = sorted((index for index in range(len(raw)) if raw[index] > 0), key=lambda i: (-raw[i], i))[:k]
        return [Match(self.articles[index].id, covered[index]) for index in order]

    def best(self, text: str) -> Match | None:
        """The article with the best normalized score for a text (what a threshold is compared
        with), or None when no article shares a term with it."""
        raw, covered = self._scores(text)
        if raw is None or not any(score > 0 for score in raw):
            return None
        index = max(range(len(covered)), key=lambda i: (covered[i], raw[i], -i))
        return Match(self.articles[index].id, covered[index])

    def _term_scores(self, term: str) -> np.ndarray:
        """One term's BM25 contribution in every article, memoized: it depends on the term alone,
        and rank-bm25 computes it with a Python loop over the articles. At most TERM_CACHE_SIZE
        terms are kept (about 2 MB per thousand articles per thousand terms)."""
        scores = self._term_cache.get(term)
        if scores is None:
            scores = self._bm25.get_scores([term])
            if len(self._term_cache) < TERM_CACHE_SIZE:
                self._term_cache[term] = scores
        return scores

    def _scores(self, text: str) -> tuple[list[float] | None, list[float]]:
        """Per article: the BM25 score and the normalized score (see the module docstring)."""
        terms = list(dict.fromkeys(tokens(text)))  # distinct: a repeated word cannot outweigh the rest
        if self._bm25 is None or not terms:
            return None, []
        raw = np.zeros(len(self.articles))
        covered = np.zeros(len(self.articles))
        ideal = 0.0
        for term in terms:
            idf = self._bm25.idf.get(term)
            if idf is None:
                ideal += self._unknown_term_weight
                continue
            ideal += idf
            term_scores = self._term_scores(term)
            raw += term_scores
            covered += np.minimum(term_scores, idf)
        return raw.tolist(), np.minimum(covered / ideal, 1.0).tolist()
