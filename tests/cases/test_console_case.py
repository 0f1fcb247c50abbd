"""The console's case page: what it shows, who may open it, its actions, presence, and its query budget."""

import html
import json
import re
import time
import uuid

import pytest
from django.contrib.auth.models import Permission
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases.choices import CaseEventKind, CaseStatus, ChannelKind, Priority
from cases.models import Case, CaseEvent
from cases.presence import presence_others, presence_touch
from channels_app.choices import OutboundStatus
from channels_app.models import OutboundMessage, SocialPost
from channels_app.pipeline import ingest_posts
from tests.channels.helpers import post
from tests.factories import (
    CannedResponseFactory,
    CannedResponseVariantFactory,
    CaseEventFactory,
    CaseFactory,
    ChannelFactory,
    OutboundMessageFactory,
    SatisfactionSurveyFactory,
    SLAPolicyFactory,
    SocialProfileFactory,
    TagFactory,
    TeamFactory,
    UserFactory,
)
from tests.roles import user_in_group

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def own_cache(settings):
    """A private in-memory cache per test: presence never leaks between tests, and
    the run's Redis (also Celery's broker) is never flushed."""
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": uuid.uuid4().hex}
    }


def dana(external_id, at, text, **fields):
    return post(external_id, at, text, author="dana_r", author_name="Dana Reyes", **fields)


@pytest.fixture
def channel():
    SLAPolicyFactory(name="Default", is_default=True, first_response_minutes=240, resolution_minutes=48 * 60)
    return ChannelFactory(name="Acme on X", brand_handles=["AcmeAirCare"], brand_terms=["Acme Air"])


@pytest.fixture
def billing():
    return TeamFactory(name="Billing")


@pytest.fixture
def case(channel, billing):
    ingest_posts(channel=channel, posts=[dana(1, 0, "@AcmeAirCare my bag never arrived in Lima, AC12 yesterday")])
    case = SocialPost.objects.get(channel=channel, external_id="1").case
    Case.objects.filter(pk=case.pk).update(team=billing)
    case.refresh_from_db()
    return case


def agent_in(team, **fields):
    user = user_in_group("Agents", **fields)
    user.agent_profile.teams.add(team)
    return user


@pytest.fixture
def rosa(billing):
    return agent_in(billing, username="rosa", first_name="Rosa", last_name="Diaz")


@pytest.fixture
def sam(billing):
    return agent_in(billing, username="sam", first_name="Sam", last_name="Okafor")


@pytest.fixture
def manager():
    return user_in_group("Managers", username="maya", first_name="Maya", last_name="Lind")


def url(name, case, *args):
    """console:case for "case", console:case_<name> for the rest."""
    return reverse("console:case" if name == "case" else f"console:case_{name}", args=[case.pk, *args])


def page(client, case):
    response = client.get(url("case", case))
    assert response.status_code == 200
    return response.content.decode()


def seen_event_id(content: str) -> str:
    return re.search(r'id="seen-event-id" name="seen_event_id" value="(\d*)"', content).group(1)


def follow_messages(client, response) -> str:
    """The case page the action redirected to (303), as text, with its messages."""
    assert response.status_code == 303
    return html.unescape(client.get(response["Location"]).content.decode())


# -- who may open the page -----------------------------------------------------------------------


def test_an_agent_of_the_cases_team_sees_the_case_its_customer_and_clocks(client, case, rosa):
    client.force_login(rosa)

    content = html.unescape(page(client, case))

    assert case.reference in content
    assert "my bag never arrived in Lima" in content
    assert "@dana_r" in content
    assert "Dana Reyes" in content  # the customer panel
    assert "First response" in content and "Resolution" in content  # SLA clocks
    assert 'data-due="' in content  # a countdown for the running clocks
    assert 'data-shortcut="r"' in content and 'data-shortcut="n"' in content
    assert 'data-shortcut="a"' in content and 'data-shortcut="e"' in content


def test_a_manager_sees_any_teams_case(client, case, manager):
    client.force_login(manager)

    assert "my bag never arrived in Lima" in html.unescape(page(client, case))


def test_an_agent_of_another_team_gets_404_for_a_guessed_case_number(client, case):
    outsider = agent_in(TeamFactory(name="Sales"), username="ola")
    client.force_login(outsider)

    assert client.get(url("case", case)).status_code == 404
    assert client.post(url("note", case), {"body": "peek"}).status_code == 404
    assert client.post(url("presence", case)).status_code == 404
    assert not CaseEvent.objects.filter(case=case, kind=CaseEventKind.INTERNAL_NOTE).exists()


def test_anonymous_user_is_sent_to_login(client, case):
    response = client.get(url("case", case))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_user_without_the_view_permission_gets_403(client, case):
    client.force_login(UserFactory(username="visitor"))

    assert client.get(url("case", case)).status_code == 403


def test_a_script_in_a_post_is_shown_as_text(client, channel, case, rosa):
    ingest_posts(channel=channel, posts=[dana(2, 5, "<script>alert('x')</script> still no bag", reply_to=1)])
    client.force_login(rosa)

    content = page(client, case)

    assert "<script>alert(" not in content
    assert "&lt;script&gt;alert(" in content


def test_a_javascript_link_from_a_channel_is_not_rendered(client, case, rosa):
    SocialPost.objects.filter(case=case).update(url="javascript:alert(1)")
    client.force_login(rosa)

    assert "javascript:alert" not in page(client, case)


# -- query budget ----------------------------------------------------------------------------------


def busy_case(channel, team, people, events):
    """A case of Dana's with `events` timeline events of every kind, several profiles,
    past cases, surveys, tags, canned responses and replies in the outbox."""
    posts = [dana(f"b-{events}-1", 0, "@AcmeAirCare refund for AC12 please")]
    if events > 10:
        posts += [dana(f"b-{events}-{i}", i, f"still waiting {i}", reply_to=f"b-{events}-{i - 1}") for i in range(2, 5)]
    ingest_posts(channel=channel, posts=posts)
    case = SocialPost.objects.get(channel=channel, external_id=f"b-{events}-1").case
    Case.objects.filter(pk=case.pk).update(team=team)
    case.refresh_from_db()
    customer = case.customer
    SocialProfileFactory(customer=customer, kind=ChannelKind.FACEBOOK, handle="dana.reyes", followers_count=5400)
    SocialProfileFactory(customer=customer, kind=ChannelKind.EMAIL, handle="dana@mail.example")
    for n in range(3):
        past = CaseFactory(customer=customer, team=team, status=CaseStatus.RESOLVED, resolved_at=case.created_at)
        SatisfactionSurveyFactory(
            case=past, score=4, sent_at=past.created_at, answered_at=past.created_at, comment=f"ok {n}"
        )
    OutboundMessageFactory(case=case, author=people[0], status=OutboundStatus.QUEUED)
    OutboundMessageFactory(case=case, author=people[1], status=OutboundStatus.FAILED, last_error="rate limited")
    escalations = TeamFactory(name=f"Escalations {events}", is_escalation_team=True)
    kinds = [
        (CaseEventKind.ASSIGNMENT, {"from": None, "to": people[1].pk, "from_team": None, "to_team": team.pk}),
        (CaseEventKind.ESCALATION, {"rule": "manual", "reason": "VIP", "to_team": escalations.pk}),
        (CaseEventKind.INTERNAL_NOTE, {}),
        (CaseEventKind.STATUS_CHANGE, {"from": "new", "to": "open"}),
        (CaseEventKind.PRIORITY_CHANGE, {"from": "normal", "to": "high", "manual": True}),
        (CaseEventKind.TAGS_CHANGE, {"added": ["refund"], "removed": []}),
        (CaseEventKind.SLA_WARNING, {"target": "first_response", "cycle": 1, "due_at": case.created_at.isoformat()}),
        (CaseEventKind.SLA_BREACH, {"target": "first_response", "cycle": 1}),
        (CaseEventKind.REPLY_FAILED, {"error": "rate limited", "attempt": 1, "final": False}),
    ]
    existing = CaseEvent.objects.filter(case=case).count()
    for n in range(events - existing):
        kind, payload = kinds[n % len(kinds)]
        CaseEventFactory(case=case, kind=kind, payload=payload, actor=people[n % len(people)])
    for n in range(3):
        TagFactory(name=f"tag-{events}-{n}")
    response = CannedResponseFactory(shortcut=f"sorry-{events}")
    CannedResponseVariantFactory(response=response)
    assert CaseEvent.objects.filter(case=case).count() == events
    return case


def page_queries(client, case) -> int:
    with CaptureQueriesContext(connection) as queries:
        page(client, case)
    return len(queries)


@pytest.mark.parametrize("who", ["agent", "manager"])
def test_the_case_page_costs_the_same_few_queries_whatever_the_size_of_the_case(
    client, channel, billing, rosa, sam, manager, who, django_assert_max_num_queries
):
    small = busy_case(channel, billing, [rosa, sam], events=3)
    large = busy_case(channel, billing, [rosa, sam, manager], events=60)
    client.force_login(rosa if who == "agent" else manager)
    page(client, small)  # warm caches that are not per request (content types)

    with django_assert_max_num_queries(20):
        small_count = page_queries(client, small)
    with django_assert_max_num_queries(20):
        large_count = page_queries(client, large)

    assert small_count == large_count


def test_a_case_with_three_events_stays_within_the_budget(client, case, rosa, django_assert_max_num_queries):
    CaseEventFactory(case=case, actor=rosa)
    CaseEventFactory(case=case, kind=CaseEventKind.STATUS_CHANGE, payload={"from": "new", "to": "open"})
    assert CaseEvent.objects.filter(case=case).count() == 3
    client.force_login(rosa)

    with django_assert_max_num_queries(20):
        page(client, case)


def test_the_timeline_shows_the_latest_events_and_earlier_ones_on_demand(client, case, rosa):
    CaseEvent.objects.bulk_create(
        CaseEvent(case=case, kind=CaseEventKind.INTERNAL_NOTE, body=f"note {n}", occurred_at=case.created_at)
        for n in range(205)
    )
    client.force_login(rosa)

    content = page(client, case)

    # 206 events (the post, then 205 notes): the latest 200 show, the post and the first five notes wait.
    assert "note 204<" in content and "note 5<" in content and "note 4<" not in content
    earlier = re.search(r'hx-get="([^"]+\?before=\d+)"', content).group(1)

    fragment = client.get(html.unescape(earlier), HTTP_HX_REQUEST="true").content.decode()

    assert "note 4<" in fragment and "note 0<" in fragment and "note 5<" not in fragment
    assert "my bag never arrived" in fragment
    assert "Show earlier" not in fragment


# -- actions ---------------------------------------------------------------------------------------


def test_a_reply_is_queued_and_shown_on_the_timeline_as_queued(client, case, rosa, django_capture_on_commit_callbacks):
    client.force_login(rosa)
    seen = seen_event_id(page(client, case))
    target = SocialPost.objects.get(case=case, external_id="1")

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(
            url("reply", case), {"text": "So sorry Dana, tracing it now.", "reply_to": target.pk, "seen_event_id": seen}
        )

    message = OutboundMessage.objects.get(case=case)
    assert (message.status, message.author, message.reply_to) == (OutboundStatus.QUEUED, rosa, target)
    assert len(callbacks) == 1  # publishing is enqueued on commit
    content = follow_messages(client, response)
    assert "Reply queued" in content
    assert "So sorry Dana, tracing it now." in content
    assert 'class="delivery delivery-queued"' in content


def test_a_stale_reply_is_refused_with_what_changed_and_the_draft_kept(client, channel, case, rosa):
    client.force_login(rosa)
    seen = seen_event_id(page(client, case))
    # Meanwhile the customer writes again.
    ingest_posts(channel=channel, posts=[dana(2, 3, "hello?? anyone there", reply_to=1)])

    response = client.post(url("reply", case), {"text": "Tracing it now.", "seen_event_id": seen})

    assert response.status_code == 409
    content = html.unescape(response.content.decode())
    assert "changed: Dana Reyes wrote again" in content
    assert "hello?? anyone there" in content  # the timeline is fresh
    assert ">Tracing it now.</textarea>" in content  # the draft is kept
    assert seen_event_id(content) != seen
    assert not OutboundMessage.objects.filter(case=case).exists()


def test_a_reply_over_280_characters_on_x_is_refused(client, case, rosa):
    client.force_login(rosa)
    seen = seen_event_id(page(client, case))

    response = client.post(url("reply", case), {"text": "a" * 281, "seen_event_id": seen})

    assert response.status_code == 400
    assert "at most 280 characters" in html.unescape(response.content.decode())
    assert not OutboundMessage.objects.filter(case=case).exists()


def test_a_note_is_added_to_the_timeline(client, case, rosa):
    client.force_login(rosa)

    response = client.post(url("note", case), {"body": "Bag tag LIS-4471, asked the hub."})

    note = CaseEvent.objects.get(case=case, kind=CaseEventKind.INTERNAL_NOTE)
    assert (note.body, note.actor) == ("Bag tag LIS-4471, asked the hub.", rosa)
    assert "Bag tag LIS-4471, asked the hub." in follow_messages(client, response)


def test_status_and_priority_changes_go_through_the_services(client, case, rosa):
    client.force_login(rosa)

    client.post(url("status", case), {"status": CaseStatus.PENDING})
    response = client.post(url("priority", case), {"priority": Priority.URGENT})

    case.refresh_from_db()
    assert (case.status, case.priority) == (CaseStatus.PENDING, Priority.URGENT)
    content = follow_messages(client, response)
    assert "Rosa Diaz changed the status from New to Pending" in content
    assert "Rosa Diaz changed the priority from" in content


def test_an_unknown_status_is_a_message_not_an_error(client, case, rosa):
    client.force_login(rosa)

    response = client.post(url("status", case), {"status": "archived"})

    assert "Not saved" in follow_messages(client, response)


def test_claim_by_a_second_agent_is_refused_naming_the_holder(client, case, rosa, sam):
    client.force_login(rosa)
    client.post(url("claim", case))
    case.refresh_from_db()
    assert case.assignee == rosa

    client.force_login(sam)
    response = client.post(url("claim", case))

    assert "already assigned to Rosa Diaz" in follow_messages(client, response)
    case.refresh_from_db()
    assert case.assignee == rosa


def test_assigning_to_someone_else_is_refused_for_an_agent_and_allowed_for_a_manager(client, case, rosa, sam, manager):
    client.force_login(rosa)
    response = client.post(url("assign", case), {"assignee": sam.pk})
    assert "You may not reassign cases." in follow_messages(client, response)
    case.refresh_from_db()
    assert case.assignee is None
    assert 'id="assignee"' not in page(client, case)  # the form is only for those who may

    client.force_login(manager)
    response = client.post(url("assign", case), {"assignee": sam.pk})

    case.refresh_from_db()
    assert case.assignee == sam
    assert "Maya Lind assigned the case to Sam Okafor" in follow_messages(client, response)


def test_tags_are_replaced_by_those_chosen(client, case, rosa):
    refund, lost = TagFactory(name="refund"), TagFactory(name="lost-bag")
    case.tags.add(refund)
    client.force_login(rosa)

    response = client.post(url("tags", case), {"tags": [lost.pk]})

    assert list(case.tags.all()) == [lost]
    assert "Rosa Diaz added lost-bag and removed refund" in follow_messages(client, response)


def test_escalating_raises_the_priority_and_says_why(client, case, rosa):
    client.force_login(rosa)

    response = client.post(url("escalate", case), {"reason": "press is asking"})

    case.refresh_from_db()
    assert case.priority == Priority.HIGH
    assert "Rosa Diaz escalated the case: press is asking" in follow_messages(client, response)


def test_merging_moves_the_case_into_the_customers_other_case(client, channel, case, rosa, billing):
    other = CaseFactory(customer=case.customer, team=billing, origin_channel=channel, subject="Lost bag claim")
    client.force_login(rosa)

    response = client.post(url("merge", case), {"target": f"sc-{other.pk}"})

    case.refresh_from_db()
    assert case.merged_into == other
    assert response["Location"] == url("case", other)
    content = follow_messages(client, response)
    assert f"{case.reference} merged into {other.reference}" in content
    assert "my bag never arrived in Lima" in content  # the timeline moved


def test_merging_into_a_case_one_cannot_see_is_refused(client, case, rosa):
    hidden = CaseFactory(customer=case.customer, team=TeamFactory(name="Sales"))
    client.force_login(rosa)

    response = client.post(url("merge", case), {"target": hidden.reference})

    assert f"no case {hidden.reference} you can see" in follow_messages(client, response)
    case.refresh_from_db()
    assert case.merged_into is None


def test_resolving_resolves_the_case(client, case, rosa):
    client.force_login(rosa)

    response = client.post(url("resolve", case))

    case.refresh_from_db()
    assert case.status == CaseStatus.RESOLVED
    assert f"{case.reference} resolved." in follow_messages(client, response)


def test_a_failed_reply_shows_its_error_and_retry_puts_it_back_in_the_queue(
    client, case, rosa, django_capture_on_commit_callbacks
):
    message = OutboundMessageFactory(
        case=case, author=rosa, status=OutboundStatus.FAILED, attempts=6, last_error="429 Too Many Requests"
    )
    client.force_login(rosa)
    content = page(client, case)
    assert "429 Too Many Requests" in content
    assert url("retry", case, message.pk) in content

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(url("retry", case, message.pk))

    message.refresh_from_db()
    assert message.status == OutboundStatus.QUEUED
    assert len(callbacks) == 1
    assert "Sending the reply again." in follow_messages(client, response)
    # A second click finds nothing to retry: the outbox never sends twice.
    response = client.post(url("retry", case, message.pk))
    assert "nothing to retry" in follow_messages(client, response)


def test_retry_of_another_cases_message_is_404(client, case, rosa):
    message = OutboundMessageFactory(status=OutboundStatus.FAILED)
    client.force_login(rosa)

    assert client.post(url("retry", case, message.pk)).status_code == 404


def test_actions_need_the_change_permission(client, case):
    viewer = UserFactory(username="auditor")
    viewer.user_permissions.add(*_permissions("view_case", "view_all_cases"))
    client.force_login(viewer)

    assert client.get(url("case", case)).status_code == 200
    assert client.post(url("note", case), {"body": "hi"}).status_code == 403


def _permissions(*codenames):
    return Permission.objects.filter(content_type__app_label="cases", codename__in=codenames)


def test_actions_enforce_csrf(case, rosa):
    client = Client(enforce_csrf_checks=True)
    client.force_login(rosa)

    response = client.post(url("note", case), {"body": "no token"})

    assert response.status_code == 403
    assert not CaseEvent.objects.filter(case=case, kind=CaseEventKind.INTERNAL_NOTE).exists()


def test_a_get_on_an_action_is_refused(client, case, rosa):
    client.force_login(rosa)

    assert client.get(url("resolve", case)).status_code == 405


# -- canned responses ------------------------------------------------------------------------------


def test_canned_responses_are_filled_for_the_customer_the_agent_and_the_channel(client, case, rosa, billing):
    response = CannedResponseFactory(
        shortcut="bag", body="Hi {{ customer.first_name }}, {{ agent.first_name }} here about {{ case.reference }}."
    )
    CannedResponseVariantFactory(response=response, channel_kind=ChannelKind.X, body="{{customer.name}}: DM us?")
    CannedResponseFactory(shortcut="other-team", team=TeamFactory(name="Sales"))
    CannedResponseFactory(shortcut="retired", is_active=False)
    client.force_login(rosa)

    content = page(client, case)

    bodies = json.loads(re.search(r'id="canned-bodies" type="application/json">(.*?)</script>', content).group(1))
    assert bodies[str(response.pk)] == {"": f"Hi Dana, Rosa here about {case.reference}.", "x": "Dana Reyes: DM us?"}
    assert "/other-team" not in content and "/retired" not in content
    # Without JavaScript, "Insert" reloads the page with the body (for the selected post's channel) in the box.
    prefilled = client.get(url("case", case), {"canned": response.pk}).content.decode()
    assert ">Dana Reyes: DM us?</textarea>" in prefilled


# -- presence --------------------------------------------------------------------------------------


def test_a_second_agent_sees_the_first_viewing_then_typing(client, case, rosa, sam):
    client.force_login(rosa)
    page(client, case)

    other = Client()
    other.force_login(sam)
    assert "Rosa is viewing" in page(other, case)

    client.post(url("presence", case), {"typing": "1"}, HTTP_HX_REQUEST="true")
    fragment = other.post(url("presence", case), {"typing": ""}, HTTP_HX_REQUEST="true").content.decode()

    assert "Rosa is typing a reply" in fragment
    assert "Sam" not in fragment  # nobody is shown to themselves


def test_the_heartbeat_says_when_the_case_has_new_activity(client, channel, case, rosa):
    client.force_login(rosa)
    seen = seen_event_id(page(client, case))

    quiet = client.post(url("presence", case), {"seen_event_id": seen}).content.decode()
    ingest_posts(channel=channel, posts=[dana(2, 3, "hello??", reply_to=1)])
    busy = client.post(url("presence", case), {"seen_event_id": seen}).content.decode()

    assert "new activity" not in quiet
    assert "new activity" in busy
    refreshed = client.get(url("timeline", case), HTTP_HX_REQUEST="true").content.decode()
    assert "hello??" in refreshed
    assert 'hx-swap-oob="true"' in refreshed and seen_event_id(refreshed) != seen


def test_presence_expires_after_the_heartbeats_stop(case, rosa, sam, settings):
    settings.CONSOLE_PRESENCE_SECONDS = 30
    presence_touch(case_id=case.pk, user=rosa, typing=True, now=1_000.0)

    assert presence_others(case_id=case.pk, user=sam, now=1_029.0) == [("Rosa", True)]
    assert presence_others(case_id=case.pk, user=sam, now=1_031.0) == []
    assert presence_others(case_id=case.pk, user=rosa, now=1_001.0) == []


@pytest.mark.redis
def test_presence_is_shared_through_redis(case, rosa, sam, settings, redis_url):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": redis_url,
            "KEY_PREFIX": f"test-{uuid.uuid4().hex}",
        }
    }
    settings.CONSOLE_PRESENCE_SECONDS = 1
    presence_touch(case_id=case.pk, user=rosa, typing=False)

    assert presence_others(case_id=case.pk, user=sam) == [("Rosa", False)]
    # The key expires in Redis itself: an abandoned case leaves nothing behind.
    time.sleep(1.2)
    assert cache.get(f"console:presence:case:{case.pk}") is None


def test_a_heartbeat_after_the_session_ended_sends_the_page_to_login(client, case):
    page_url = "http://testserver" + url("case", case)

    response = client.post(url("presence", case), HTTP_HX_REQUEST="true", HTTP_HX_CURRENT_URL=page_url)

    assert response["HX-Redirect"].startswith(reverse("login"))
    assert url("case", case) in html.unescape(response["HX-Redirect"]).replace("%2F", "/")
