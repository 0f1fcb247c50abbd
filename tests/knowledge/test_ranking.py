"""Ranking articles for a text (knowledge.ranking, knowledge.text) and the cached index of published articles."""

import pytest

from knowledge.ranking import ArticleIndex, ArticleText
from knowledge.selectors import article_index, search_articles
from knowledge.text import stem, tokens
from tests.knowledge.corpus import ARTICLES
from tests.knowledge.factories import ArticleFactory

SLUG_BY_ID = {article.id: article.slug for article in ARTICLES}


@pytest.fixture(scope="module")
def index():
    return ArticleIndex(ARTICLES)


def test_tokens_drop_mentions_urls_stop_words_and_stem_inflections():
    text = "@AcmeAir Hi, the app keeps CRASHING when I'm logging in https://t.co/x1 and my refunds?"

    assert tokens(text) == ["app", "keep", "crash", "log", "refund"]


@pytest.mark.parametrize(
    ("word", "expected"),
    [("crashes", "crash"), ("cancelled", "cancel"), ("resetting", "reset"), ("changing", "chang"), ("change", "chang")],
)
def test_inflections_share_a_stem(word, expected):
    assert stem(word) == expected


@pytest.mark.parametrize(
    ("question", "slug"),
    [
        ("@AcmeAir I forgot my password and the reset email never came", "reset-your-password"),
        ("how much is it to check a second bag?", "baggage-fees"),
        ("still waiting for my refund after 3 weeks, where is it??", "refund-status"),
        ("is your website down? can't load anything", "service-status"),
        ("can I change the date of my flight to next Tuesday", "change-a-flight"),
        ("my loyalty points from last month's trip are missing", "loyalty-points"),
        ("the app keeps crashing every time I try to log in", "app-crashes-on-login"),
        ("can I bring my dog in the cabin", "travelling-with-pets"),
    ],
)
def test_a_question_ranks_the_article_that_answers_it_first(index, question, slug):
    matches = index.rank(question, k=3)

    assert SLUG_BY_ID[matches[0].article_id] == slug


def test_a_title_word_outweighs_the_same_word_in_a_body(index):
    # "status" is in the title of the outage page and only in the body of the refund page.
    matches = index.rank("status", k=2)

    assert [SLUG_BY_ID[match.article_id] for match in matches] == ["service-status", "refund-status"]


def test_scores_are_normalized_and_an_off_topic_question_matches_nothing(index):
    on_topic = index.best("what does a second checked bag cost at the airport")
    partly = index.best("my flight was cancelled, what are my options")

    assert index.rank("is there wifi on board?") == []
    assert index.best("lost my umbrella at the gate") is None
    assert on_topic.score > 0.9 and on_topic.score <= 1.0
    assert 0 < partly.score < on_topic.score


def test_an_index_of_one_article_still_ranks_it():
    index = ArticleIndex([ARTICLES[1]])

    assert index.best("baggage fees").article_id == ARTICLES[1].id


def test_an_empty_index_ranks_nothing():
    assert ArticleIndex([]).rank("baggage fees") == []
    assert ArticleIndex([ArticleText(id=1, slug="blank", title="", body="")]).best("baggage") is None


@pytest.mark.django_db
def test_the_cached_index_follows_saves_publishing_and_unpublishing():
    fees = ArticleFactory(title="Checked baggage fees", slug="baggage-fees", body="A checked bag costs 30 EUR.")
    assert [result.article for result in search_articles(query="baggage")] == [fees]

    # Given a draft about pets, when it is published, search finds it.
    pets = ArticleFactory(title="Travelling with pets", slug="pets", is_published=False, published_at=None)
    assert search_articles(query="pets") == []
    pets.is_published = True
    pets.published_at = pets.created_at
    pets.save()
    assert [result.article for result in search_articles(query="pets")] == [pets]

    # An edited body is ranked by its new words; an unpublished article drops out.
    fees.body = "Oversize items such as skis travel as special baggage."
    fees.save()
    assert [result.article for result in search_articles(query="skis")] == [fees]
    fees.is_published = False
    fees.save()
    assert search_articles(query="baggage") == []


@pytest.mark.django_db
def test_a_cached_index_costs_one_query(django_assert_num_queries):
    ArticleFactory(title="Checked baggage fees", body="A checked bag costs 30 EUR.")
    article_index()

    with django_assert_num_queries(1):
        article_index()
