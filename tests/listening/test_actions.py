"""Actions on a post of the stream: open a case (proactive outreach) and mark it not relevant."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.choices import CaseEventKind, CaseStatus, EngagementType
from cases.models import Case, CaseEvent, SLAClock
from cases.services.outreach import case_open_from_post
from listening.models import ListeningFeedback
from listening.services import FeedbackError, feedback_mark_not_relevant
from tests.factories import ChannelFactory, SLAPolicyFactory, SocialPostFactory, UserFactory
from tests.listening.factories import ListeningRuleFactory
from tests.roles import user_in_group

pytestmark = pytest.mark.django_db


@pytest.fixture
def channel():
    return ChannelFactory()


@pytest.fixture
def rule(channel):
    return ListeningRuleFactory(brand="Acme Air", channels=[channel])


@pytest.fixture
def outreach_post(channel):
    return SocialPostFactory(
        channel=channel,
        text="Thinking of flying Acme Air to Lisbon, is the SkyMiles Plus lounge any good?",
        engagement_type=EngagementType.PROACTIVE,
        intent="question",
        language="en",
        posted_at=timezone.now() - dt.timedelta(minutes=20),
    )


@pytest.fixture
def agent(client):
    user = user_in_group("Agents")
    client.force_login(user)
    return user


def test_open_case_creates_one_case_with_the_post_as_first_message_and_planned_clocks(
    agent, outreach_post, django_capture_on_commit_callbacks
):
    SLAPolicyFactory(is_default=True)

    with django_capture_on_commit_callbacks() as callbacks:
        case, opened = case_open_from_post(post_id=outreach_post.pk, actor=agent)

    outreach_post.refresh_from_db()
    assert opened and outreach_post.case_id == case.pk
    assert case.customer_id == outreach_post.author.customer_id
    assert case.status == CaseStatus.NEW and case.engagement_type == EngagementType.PROACTIVE
    assert case.first_message_at == outreach_post.posted_at
    assert case.first_response_due_at is not None
    assert SLAClock.objects.filter(case=case).exists()
    event = CaseEvent.objects.get(case=case, kind=CaseEventKind.INBOUND_POST)
    assert event.post_id == outreach_post.pk and event.actor == agent
    assert event.payload["opened_by"] == agent.pk and "outreach" in event.payload["reason"]
    assert callbacks  # routing enqueued after commit


def test_open_case_twice_gives_the_same_case(agent, outreach_post):
    first, _ = case_open_from_post(post_id=outreach_post.pk, actor=agent)
    second, opened = case_open_from_post(post_id=outreach_post.pk, actor=agent)

    assert second.pk == first.pk and not opened
    assert Case.objects.count() == 1


def test_the_open_case_button_goes_to_the_case_and_a_second_click_to_the_same(client, agent, outreach_post):
    url = reverse("listening:open_case", args=[outreach_post.pk])

    first = client.post(url)
    second = client.post(url)

    case = Case.objects.get()
    assert first["Location"] == second["Location"] == reverse("console:case", args=[case.pk])


def test_open_case_needs_the_permission_to_add_cases(client, outreach_post, rule):
    client.force_login(UserFactory())  # signed in, in no role

    assert client.post(reverse("listening:open_case", args=[outreach_post.pk])).status_code == 403
    assert not Case.objects.exists()


def test_not_relevant_records_feedback_once_with_the_matched_terms(agent, rule, outreach_post):
    feedback, created = feedback_mark_not_relevant(post_id=outreach_post.pk, rule_id=rule.pk, user=agent)
    again, created_again = feedback_mark_not_relevant(post_id=outreach_post.pk, rule_id=rule.pk, user=agent)

    assert created and not created_again and again.pk == feedback.pk
    assert feedback.matched_terms == ["Acme Air", "SkyMiles Plus"]
    assert feedback.user == agent


def test_not_relevant_for_a_rule_not_listening_on_the_channel_is_refused(agent, outreach_post):
    elsewhere = ListeningRuleFactory(channels=[ChannelFactory()])

    with pytest.raises(FeedbackError):
        feedback_mark_not_relevant(post_id=outreach_post.pk, rule_id=elsewhere.pk, user=agent)


def test_the_not_relevant_button_hides_the_post_from_the_stream(client, agent, rule, outreach_post):
    response = client.post(
        reverse("listening:not_relevant", args=[outreach_post.pk]), {"rule": rule.pk}, HTTP_HX_REQUEST="true"
    )

    assert response.status_code == 200 and response.content == b""
    assert ListeningFeedback.objects.filter(post=outreach_post, rule=rule).exists()
    assert client.get(reverse("listening:stream")).context["page"].rows == []
