"""Knowledge gaps: clusters of recent questions that no article answers
(knowledge.clustering, knowledge.services.gaps)."""

import datetime as dt

import pytest
from django.utils import timezone

from cases.choices import Intent
from channels_app.choices import Direction
from knowledge.clustering import cluster_texts
from knowledge.models import KnowledgeGap
from knowledge.services import gaps_find
from knowledge.tasks import find_gaps_task
from tests.factories import SocialPostFactory
from tests.knowledge.corpus import ARTICLES
from tests.knowledge.factories import ArticleFactory

WIFI = [
    "@AcmeAir is there wifi on board the A320s?",
    "Do you have wifi on the plane to Lisbon?",
    "Do your planes have onboard wifi? Flying to Rome next week",
    "wifi on my flight yesterday didn't work at all, can I get the wifi fee back",
]
CHILDREN = [
    "My daughter is 12, can she fly alone to her grandparents?",
    "What's the age limit for kids flying alone without parents?",
    "Do you offer an escort service for children flying alone?",
]
ANSWERED = "how much is it to check a second bag? the baggage fees page is confusing"
SINGLETON = "lost my umbrella at gate B12, who do I call"


def test_questions_sharing_their_topic_word_cluster_and_unrelated_ones_stay_apart():
    texts = [SINGLETON, *WIFI, "my flight was cancelled what now", *CHILDREN]

    clusters = cluster_texts(texts, min_size=1)

    by_members = {frozenset(cluster.members) for cluster in clusters}
    assert frozenset({1, 2, 3, 4}) in by_members
    assert frozenset({6, 7, 8}) in by_members
    assert clusters[0].terms[0] == "wifi"


def test_clusters_below_the_minimum_size_are_dropped():
    clusters = cluster_texts(["Is there wifi on board?", "wifi on the plane?", SINGLETON], min_size=3)

    assert clusters == []


@pytest.fixture
def help_centre(db):
    return [
        ArticleFactory(title=a.title, slug=a.slug, body=a.body, tags=list(a.tags), is_published=True) for a in ARTICLES
    ]


def _question(text, *, hours_ago=1, **fields):
    return SocialPostFactory(
        text=text,
        intent=Intent.QUESTION,
        direction=Direction.INBOUND,
        posted_at=timezone.now() - dt.timedelta(hours=hours_ago),
        **fields,
    )


@pytest.mark.django_db
def test_gap_report_finds_the_two_unanswered_topics_with_counts_and_examples(help_centre):
    wifi_posts = [_question(text, hours_ago=10 - hour) for hour, text in enumerate(WIFI)]
    child_posts = [_question(text) for text in CHILDREN]
    answered = [
        _question(ANSWERED),
        _question("How much are checked baggage fees for a second bag?"),
        _question("what do checked bags cost, is baggage included?"),
    ]
    _question(SINGLETON)
    # Not customer questions of the last 30 days: ignored.
    _question("Is there wifi on the train to the airport?", hours_ago=31 * 24)
    SocialPostFactory(text="The wifi on board was great, thanks!", intent=Intent.PRAISE)
    SocialPostFactory(
        text="Is there wifi on board? Yes, on every A320.", intent=Intent.QUESTION, direction=Direction.OUTBOUND
    )

    gaps = gaps_find()

    stored = list(KnowledgeGap.objects.order_by("-question_count"))
    assert [(gap.question_count, gap.terms[0]) for gap in stored] == [(4, "wifi"), (3, "alone")]
    assert stored[0].example_post_ids == [post.pk for post in reversed(wifi_posts)]
    assert set(stored[1].example_post_ids) == {post.pk for post in child_posts}
    assert len(gaps) == 2
    answered_ids = {post.pk for post in answered}
    assert not any(answered_ids & set(gap.example_post_ids) for gap in stored)


@pytest.mark.django_db
def test_running_the_gap_finder_again_replaces_the_previous_gaps(help_centre):
    for text in WIFI:
        _question(text)
    find_gaps_task()

    # Given an article about wifi now exists, the wifi questions are answered: no gap is left.
    ArticleFactory(
        title="Wifi on board",
        slug="wifi-on-board",
        tags=["wifi"],
        body="All our A320 planes have wifi on board. Onboard wifi costs 8 EUR per flight, paid by card.",
    )

    assert find_gaps_task() == 0
    assert not KnowledgeGap.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("questions", [6, 30])
def test_the_gap_finder_reads_and_writes_a_constant_number_of_queries(
    help_centre, questions, django_assert_max_num_queries
):
    for number in range(questions):
        _question(WIFI[number % len(WIFI)])

    with django_assert_max_num_queries(8):
        gaps_find()
