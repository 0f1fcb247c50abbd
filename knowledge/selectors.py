"""Reads of the knowledge base: the ranking index, public article lists, case suggestions, gaps.

Owns article_index(): the BM25 index of published articles, built once per
process and rebuilt when the articles' version changes (one aggregate
query per call: the latest updated_at, the highest id and the number of
published articles, so a save, a publish, an unpublish or a delete all
change it). Every function here reads a constant number of queries,
whatever the number of articles, posts or gaps.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Count, Max, Q, QuerySet

from cases.models import Case
from channels_app.choices import Direction
from channels_app.models import Channel, SocialPost
from knowledge.markdown import render_markdown
from knowledge.models import Article, KnowledgeGap, KnowledgeSettings
from knowledge.ranking import ArticleIndex, ArticleText, Match

SEARCH_RESULTS = 20
LATEST_ARTICLES = 20
SUGGESTIONS = 3
CASE_MESSAGES_FOR_SUGGESTIONS = 5
GAP_EXAMPLES_SHOWN = 5

_index_lock = threading.Lock()
_index: tuple[tuple, ArticleIndex] | None = None


def knowledge_settings() -> KnowledgeSettings:
    """The settings row with its ask channel, or the defaults when none was saved."""
    return KnowledgeSettings.objects.select_related("ask_channel").filter(pk=1).first() or KnowledgeSettings()


def articles_version() -> tuple:
    """What changes whenever the set or text of published articles may have changed."""
    found = Article.objects.aggregate(
        changed=Max("updated_at"), highest=Max("id"), published=Count("id", filter=Q(is_published=True))
    )
    return (found["changed"], found["highest"], found["published"])


def article_index() -> ArticleIndex:
    """The ranking index of published articles (one query when cached, two when rebuilt)."""
    global _index
    version = articles_version()
    current = _index
    if current is not None and current[0] == version:
        return current[1]
    with _index_lock:
        if _index is not None and _index[0] == version:
            return _index[1]
        rows = Article.objects.filter(is_published=True).values_list("id", "slug", "title", "body", "tags")
        index = ArticleIndex(
            ArticleText(id=pk, slug=slug, title=title, body=body, tags=tuple(tags or ()))
            for pk, slug, title, body, tags in rows.order_by("id")
        )
        _index = (version, index)
        return index


def forget_article_index() -> None:
    """Drop the cached index (tests; the version check makes it unnecessary elsewhere)."""
    global _index
    _index = None


def published_articles() -> QuerySet[Article]:
    return Article.objects.filter(is_published=True)


def latest_articles(*, limit: int = LATEST_ARTICLES) -> list[Article]:
    return list(published_articles().order_by("-published_at", "-id")[:limit])


@dataclass(frozen=True)
class ArticleResult:
    article: Article
    score: float


def search_articles(*, query: str, limit: int = SEARCH_RESULTS) -> list[ArticleResult]:
    """Published articles ranked for a query, best first (three queries at most)."""
    matches = article_index().rank(query, k=limit)
    return _with_articles(matches)


def _with_articles(matches: list[Match]) -> list[ArticleResult]:
    by_id = published_articles().in_bulk([match.article_id for match in matches]) if matches else {}
    # An article unpublished since the index was read is skipped, not shown.
    return [ArticleResult(by_id[m.article_id], m.score) for m in matches if m.article_id in by_id]


def article_for_page(*, slug: str) -> Article:
    """A published article by slug; raises Article.DoesNotExist."""
    return published_articles().get(slug=slug)


def article_html(article: Article) -> str:
    """The article's sanitized HTML, cached per article version (its updated_at)."""
    key = f"knowledge:html:{article.pk}:{article.updated_at.timestamp()}"
    return cache.get_or_set(key, lambda: render_markdown(article.body), timeout=24 * 3600)


def contact_channels() -> list[Channel]:
    """Active channels the brand can be reached on, for the ask page when no question form is offered."""
    return list(Channel.objects.filter(is_active=True).exclude(brand_handles=[]).order_by("kind", "name")[:10])


@dataclass(frozen=True)
class Suggestion:
    article_id: int
    slug: str
    title: str
    score: float


def case_text_for_suggestions(*, case: Case) -> str:
    """The case's subject and its last few inbound messages, newest first (one query)."""
    texts = (
        SocialPost.objects.filter(case=case, direction=Direction.INBOUND)
        .order_by("-posted_at", "-id")
        .values_list("text", flat=True)[:CASE_MESSAGES_FOR_SUGGESTIONS]
    )
    return "\n".join([case.subject or "", *texts])


def case_suggestions(*, case: Case, limit: int = SUGGESTIONS) -> list[Suggestion]:
    """The published articles most similar to a case's messages (two queries, three on a rebuild)."""
    index = article_index()
    suggestions = []
    for match in index.rank(case_text_for_suggestions(case=case), k=limit):
        article = index.article(match.article_id)
        suggestions.append(Suggestion(article.id, article.slug, article.title, match.score))
    return suggestions


@dataclass(frozen=True)
class GapExample:
    post_id: int
    text: str
    case_id: int | None


@dataclass(frozen=True)
class GapRow:
    gap: KnowledgeGap
    examples: list[GapExample]


def gaps_report() -> list[GapRow]:
    """The stored knowledge gaps, largest first, with their example posts (two queries)."""
    gaps = list(KnowledgeGap.objects.select_related("best_article").order_by("-question_count", "id"))
    wanted = {post_id for gap in gaps for post_id in gap.example_post_ids[:GAP_EXAMPLES_SHOWN]}
    posts = {
        pk: GapExample(pk, text, case_id)
        for pk, text, case_id in SocialPost.objects.filter(pk__in=wanted).values_list("id", "text", "case_id")
    }
    return [GapRow(gap, [posts[pk] for pk in gap.example_post_ids[:GAP_EXAMPLES_SHOWN] if pk in posts]) for gap in gaps]
