"""Deflection: solved answers with no case within a day become self-service resolutions
(knowledge.services.deflection, knowledge.services.feedback). Timelines are written by hand and
time-travelled by passing `now`."""

import datetime as dt

import pytest

from cases.models import Case
from knowledge.models import ArticleFeedback, FeedbackOutcome
from knowledge.services import deflections_count, feedback_record
from knowledge.tasks import count_deflections_task
from kpis.models import SelfServiceResolution, SelfServiceSource
from tests.factories import CaseFactory, CustomerFactory, SocialProfileFactory
from tests.knowledge.factories import ArticleFactory, ArticleFeedbackFactory, AskQuestionFactory

pytestmark = pytest.mark.django_db

MONDAY_9 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
HOUR = dt.timedelta(hours=1)


@pytest.fixture
def fees():
    return ArticleFactory(title="Checked baggage fees", slug="baggage-fees")


def test_a_solved_answer_with_no_case_within_a_day_is_one_self_service_resolution(fees):
    feedback = ArticleFeedbackFactory(article=fees, visitor_key="v-anna", created_at=MONDAY_9)

    result = deflections_count(now=MONDAY_9 + 25 * HOUR)

    resolution = SelfServiceResolution.objects.get()
    assert (resolution.source, resolution.reference, resolution.visitor_key) == (
        SelfServiceSource.KNOWLEDGE_BASE,
        "baggage-fees",
        "v-anna",
    )
    assert resolution.occurred_at == MONDAY_9
    feedback.refresh_from_db()
    assert (feedback.outcome, feedback.counted_at) == (FeedbackOutcome.DEFLECTED, MONDAY_9 + 25 * HOUR)
    assert (result.deflected, result.followed_by_case, result.duplicates) == (1, 0, 0)


def test_an_answer_is_not_judged_before_a_full_day_has_passed(fees):
    ArticleFeedbackFactory(article=fees, visitor_key="v-anna", created_at=MONDAY_9)

    result = deflections_count(now=MONDAY_9 + 23 * HOUR)

    assert result.judged == 0
    assert not SelfServiceResolution.objects.exists()
    assert ArticleFeedback.objects.get().outcome == FeedbackOutcome.PENDING


def test_a_question_asked_by_the_same_visitor_within_the_day_means_it_was_followed_by_a_case(fees):
    ArticleFeedbackFactory(article=fees, visitor_key="v-ben", created_at=MONDAY_9)
    AskQuestionFactory(visitor_key="v-ben", created_at=MONDAY_9 + 5 * HOUR)

    result = deflections_count(now=MONDAY_9 + 30 * HOUR)

    assert result.followed_by_case == 1
    assert not SelfServiceResolution.objects.exists()
    assert ArticleFeedback.objects.get().outcome == FeedbackOutcome.FOLLOWED_BY_CASE


def test_a_case_of_the_customer_the_visitor_named_within_the_day_means_it_was_followed_by_a_case(fees):
    # The visitor gave their handle on the ask page last week; today they read the article, said
    # it solved it, and three hours later wrote to us on X anyway.
    chloe = CustomerFactory(name="Chloé Martin")
    SocialProfileFactory(customer=chloe, handle="ChloeTravels")
    AskQuestionFactory(visitor_key="v-chloe", handle="chloetravels", created_at=MONDAY_9 - 7 * 24 * HOUR)
    ArticleFeedbackFactory(article=fees, visitor_key="v-chloe", created_at=MONDAY_9)
    case = CaseFactory(customer=chloe)
    Case.objects.filter(pk=case.pk).update(created_at=MONDAY_9 + 3 * HOUR)

    result = deflections_count(now=MONDAY_9 + 30 * HOUR)

    assert result.followed_by_case == 1
    assert not SelfServiceResolution.objects.exists()


def test_a_case_or_question_outside_the_day_after_does_not_cancel_the_deflection(fees):
    dan = CustomerFactory(email="dan@mail.example")
    AskQuestionFactory(visitor_key="v-dan", email="Dan@mail.example", created_at=MONDAY_9 - 2 * HOUR)
    ArticleFeedbackFactory(article=fees, visitor_key="v-dan", created_at=MONDAY_9)
    case = CaseFactory(customer=dan)
    Case.objects.filter(pk=case.pk).update(created_at=MONDAY_9 + 26 * HOUR)

    result = deflections_count(now=MONDAY_9 + 48 * HOUR)

    assert result.deflected == 1
    assert SelfServiceResolution.objects.get().customer == dan


def test_clicking_yes_three_times_counts_one_resolution(fees):
    for minutes in (0, 1, 2):
        feedback_record(article=fees, visitor_key="v-eve", solved=True, now=MONDAY_9 + dt.timedelta(minutes=minutes))

    deflections_count(now=MONDAY_9 + 25 * HOUR)

    assert ArticleFeedback.objects.count() == 1
    assert SelfServiceResolution.objects.count() == 1


def test_a_changed_mind_replaces_the_pending_answer(fees):
    feedback_record(article=fees, visitor_key="v-fay", solved=True, now=MONDAY_9)
    feedback_record(article=fees, visitor_key="v-fay", solved=False, now=MONDAY_9 + HOUR)

    result = deflections_count(now=MONDAY_9 + 26 * HOUR)

    assert result.judged == 0
    assert not ArticleFeedback.objects.get().solved


def test_a_second_yes_after_counting_on_the_same_day_is_a_duplicate_not_a_second_resolution(fees):
    ArticleFeedbackFactory(article=fees, visitor_key="v-gus", created_at=MONDAY_9)
    deflections_count(now=MONDAY_9 + 25 * HOUR)
    # A second visit, 20 hours after the first: already counted for this article.
    ArticleFeedbackFactory(article=fees, visitor_key="v-gus", created_at=MONDAY_9 + 20 * HOUR)

    result = deflections_count(now=MONDAY_9 + 45 * HOUR)

    assert result.duplicates == 1
    assert SelfServiceResolution.objects.count() == 1


def test_answers_on_two_articles_or_two_days_count_separately(fees):
    pets = ArticleFactory(title="Travelling with pets", slug="pets")
    ArticleFeedbackFactory(article=fees, visitor_key="v-hal", created_at=MONDAY_9)
    ArticleFeedbackFactory(article=pets, visitor_key="v-hal", created_at=MONDAY_9 + HOUR)
    ArticleFeedbackFactory(article=fees, visitor_key="v-hal", created_at=MONDAY_9 + 48 * HOUR)

    result = deflections_count(now=MONDAY_9 + 80 * HOUR)

    assert result.deflected == 3
    assert sorted(SelfServiceResolution.objects.values_list("reference", flat=True)) == [
        "baggage-fees",
        "baggage-fees",
        "pets",
    ]


def test_not_solved_answers_are_never_counted(fees):
    ArticleFeedbackFactory(article=fees, visitor_key="v-ida", solved=False, created_at=MONDAY_9)

    assert deflections_count(now=MONDAY_9 + 48 * HOUR).judged == 0
    assert not SelfServiceResolution.objects.exists()


def test_counting_twice_writes_nothing_more(fees):
    ArticleFeedbackFactory(article=fees, visitor_key="v-jo", created_at=MONDAY_9)
    deflections_count(now=MONDAY_9 + 25 * HOUR)

    again = deflections_count(now=MONDAY_9 + 26 * HOUR)

    assert again.judged == 0
    assert SelfServiceResolution.objects.count() == 1


def test_batches_judge_every_answer_once(fees):
    for number in range(7):
        ArticleFeedbackFactory(article=fees, visitor_key=f"v-batch-{number}", created_at=MONDAY_9)

    result = deflections_count(now=MONDAY_9 + 25 * HOUR, batch_size=3)

    assert result.deflected == 7
    assert SelfServiceResolution.objects.count() == 7


@pytest.mark.parametrize("answers", [3, 30])
def test_a_batch_costs_a_constant_number_of_queries(fees, answers, django_assert_max_num_queries):
    for number in range(answers):
        AskQuestionFactory(visitor_key=f"v-{number}", email=f"c{number}@mail.example", created_at=MONDAY_9)
        ArticleFeedbackFactory(article=fees, visitor_key=f"v-{number}", created_at=MONDAY_9 - 2 * HOUR)

    with django_assert_max_num_queries(14):
        deflections_count(now=MONDAY_9 + 25 * HOUR)


def test_the_task_counts_and_reports(fees):
    ArticleFeedbackFactory(article=fees, visitor_key="v-kim", created_at=MONDAY_9 - 48 * HOUR)

    assert count_deflections_task() == {"deflected": 1, "followed_by_case": 0, "duplicates": 0}
    assert count_deflections_task() == {"deflected": 0, "followed_by_case": 0, "duplicates": 0}
