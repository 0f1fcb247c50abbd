"""Fixtures of the knowledge tests."""

import pytest


@pytest.fixture(autouse=True)
def _fresh_article_index():
    """The ranking index is cached per process: each test builds its own from its own articles."""
    from knowledge.selectors import forget_article_index

    forget_article_index()
    yield
    forget_article_index()
