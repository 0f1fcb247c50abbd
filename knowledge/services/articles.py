"""Saving articles: the one rule is when an article counts as published."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from knowledge.models import Article


def article_save(*, article: Article, author=None, now: dt.datetime | None = None) -> Article:
    """Save an article (new or edited). Publishing it the first time stamps published_at;
    unpublishing keeps the stamp, so republishing does not move it up the latest list.
    A new article without an author gets the given one."""
    if article.is_published and article.published_at is None:
        article.published_at = now or timezone.now()
    if article.author_id is None and author is not None and author.is_authenticated:
        article.author = author
    article.tags = [tag.strip().lower() for tag in article.tags or [] if tag.strip()]
    article.save()
    return article
