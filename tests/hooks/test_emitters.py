"""hooks.emitters: each event's payload, built from ids; nothing built when no one subscribes."""

import pytest
from django.utils import timezone

from hooks import emitters
from hooks.models import WebhookDelivery, WebhookEvent
from hooks.services import forget_subscribers
from tests.factories import (
    CaseFactory,
    SatisfactionSurveyFactory,
    SLAClockFactory,
    SocialPostFactory,
    TeamFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def _payload(ids):
    (delivery_id,) = ids
    return WebhookDelivery.objects.get(pk=delivery_id).payload


def test_no_subscriber_means_one_query_and_no_row(django_assert_num_queries):
    case = CaseFactory()
    forget_subscribers()  # cold, as after the cache's few seconds: the one query is the lookup
    with django_assert_num_queries(1):
        assert emitters.case_created(case.pk) == []
    assert not WebhookDelivery.objects.exists()


def test_case_created_carries_the_case_and_is_idempotent(make_subscription, django_capture_on_commit_callbacks):
    make_subscription(events=[WebhookEvent.CASE_CREATED])
    agent = UserFactory(username="maria")
    case = CaseFactory(team=TeamFactory(name="Care"), assignee=agent)
    with django_capture_on_commit_callbacks():
        ids = emitters.case_created(case.pk)
        again = emitters.case_created(case.pk)
    data = _payload(ids)["case"]
    assert data["id"] == case.pk and data["reference"] == f"SC-{case.pk}"
    assert data["status"] == case.status and data["team"]["name"] == "Care"
    assert data["assignee"]["username"] == "maria"
    assert data["customer"] == {"id": case.customer_id, "name": case.customer.name, "tier": case.customer.tier}
    assert data["url"].endswith(f"/cases/{case.pk}/")
    assert again == ids and WebhookDelivery.objects.count() == 1


def test_a_missing_case_emits_nothing(make_subscription):
    make_subscription(events=[WebhookEvent.CASE_CREATED])
    assert emitters.case_created(987654) == []


def test_case_updated_and_assigned_name_the_change(make_subscription, django_capture_on_commit_callbacks):
    make_subscription(events=[WebhookEvent.CASE_UPDATED, WebhookEvent.CASE_ASSIGNED])
    case = CaseFactory()
    with django_capture_on_commit_callbacks():
        updated = _payload(emitters.case_updated(case.pk, changes=["status", "priority"], event_key="caseevent:7"))
        emitters.case_updated(case.pk, changes=["status"], event_key="caseevent:7")  # a retried caller
        assigned = _payload(emitters.case_assigned(case.pk, previous_assignee_id=3, actor_id=4))
    assert updated["changes"] == ["priority", "status"] and updated["case"]["id"] == case.pk
    assert assigned["previous_assignee_id"] == 3 and assigned["actor_id"] == 4
    assert WebhookDelivery.objects.filter(event=WebhookEvent.CASE_UPDATED).count() == 1


def test_sla_events_carry_the_clock_and_its_case(make_subscription, django_capture_on_commit_callbacks):
    make_subscription(events=[WebhookEvent.SLA_WARNING, WebhookEvent.SLA_BREACHED])
    clock = SLAClockFactory(breached=True)
    with django_capture_on_commit_callbacks():
        warning = _payload(emitters.sla_warning(clock.pk))
        breached = _payload(emitters.sla_breached(clock.pk))
    assert warning["clock"]["target"] == "first_response" and warning["case"]["id"] == clock.case_id
    assert breached["clock"]["breached"] is True
    assert WebhookDelivery.objects.get(event=WebhookEvent.SLA_BREACHED).event_id != (
        WebhookDelivery.objects.get(event=WebhookEvent.SLA_WARNING).event_id
    )


def test_survey_answered_only_once_answered(make_subscription, django_capture_on_commit_callbacks):
    make_subscription(events=[WebhookEvent.SURVEY_ANSWERED])
    survey = SatisfactionSurveyFactory()
    assert emitters.survey_answered(survey.pk) == []
    survey.score, survey.comment, survey.answered_at = 5, "Quick and kind", timezone.now()
    survey.save()
    with django_capture_on_commit_callbacks():
        data = _payload(emitters.survey_answered(survey.pk))["survey"]
    assert data["score"] == 5 and data["comment"] == "Quick and kind" and data["case_id"] == survey.case_id


def test_posts_of_a_batch_are_emitted_in_constant_queries(
    make_subscription, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    make_subscription(events=[WebhookEvent.POST_RECEIVED])
    make_subscription(name="BI", events=[WebhookEvent.POST_RECEIVED])
    small = [SocialPostFactory().pk for _ in range(2)]
    large = [SocialPostFactory().pk for _ in range(12)]
    with django_capture_on_commit_callbacks():
        with django_assert_max_num_queries(5):
            assert len(emitters.posts_received(small)) == 4
        with django_assert_max_num_queries(5):
            assert len(emitters.posts_received(large)) == 24
    post = WebhookDelivery.objects.filter(event=WebhookEvent.POST_RECEIVED).first().payload["post"]
    assert {"id", "channel", "text", "author", "posted_at", "case_id"} <= set(post)


def test_batches_of_new_cases_and_sla_alerts_take_constant_queries(
    make_subscription, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    make_subscription(events=[WebhookEvent.CASE_CREATED, WebhookEvent.SLA_WARNING, WebhookEvent.SLA_BREACHED])
    for size in (2, 10):
        clocks = [SLAClockFactory() for _ in range(size)]
        with django_capture_on_commit_callbacks():
            with django_assert_max_num_queries(5):
                assert len(emitters.cases_created([clock.case_id for clock in clocks])) == size
            with django_assert_max_num_queries(5):
                assert len(emitters.sla_warnings([clock.pk for clock in clocks])) == size
            with django_assert_max_num_queries(5):
                assert len(emitters.slas_breached([clock.pk for clock in clocks])) == size
