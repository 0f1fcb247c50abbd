"""The cases resource of the REST API: reads, filters, pages, creation, update, actions, timeline, roles."""

import datetime as dt

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from api.services import api_token_create
from cases.choices import CaseEventKind, CaseStatus, ChannelKind, Intent, Priority, SentimentLabel
from cases.models import Case, CaseEvent
from channels_app.choices import OutboundStatus
from channels_app.models import OutboundMessage, SocialPost
from channels_app.pipeline import ingest_posts
from tests.channels.helpers import post
from tests.factories import (
    CaseEventFactory,
    CaseFactory,
    ChannelFactory,
    CustomerFactory,
    SLAPolicyFactory,
    TagFactory,
    TeamFactory,
    UserFactory,
)
from tests.roles import user_in_group

pytestmark = pytest.mark.django_db

LIST = "/api/v1/cases/"


def detail(case, action: str = "") -> str:
    return f"/api/v1/cases/{case.pk}/" + (f"{action}/" if action else "")


class Api:
    """A client authenticated with a real token of `user`."""

    def __init__(self, client, user):
        _token, secret = api_token_create(user=user, name="tests")
        self.client, self.auth = client, {"HTTP_AUTHORIZATION": f"Bearer {secret}"}

    def get(self, url, params=None):
        return self.client.get(url, params or {}, **self.auth)

    def post(self, url, data=None):
        return self.client.post(url, data or {}, content_type="application/json", **self.auth)

    def patch(self, url, data):
        return self.client.patch(url, data, content_type="application/json", **self.auth)


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


def dana(external_id, minutes, text, **fields):
    return post(external_id, minutes, text, author="dana_r", author_name="Dana Reyes", **fields)


@pytest.fixture
def channel():
    SLAPolicyFactory(name="Default", is_default=True, first_response_minutes=240, resolution_minutes=48 * 60)
    return ChannelFactory(name="Acme on X", brand_handles=["AcmeAirCare"], brand_terms=["Acme Air"])


@pytest.fixture
def billing():
    return TeamFactory(name="Billing")


@pytest.fixture
def other_team():
    return TeamFactory(name="Loyalty")


@pytest.fixture
def case(channel, billing):
    """Dana's case from a real post (a reply has something to answer), in Billing."""
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
def outsider(other_team):
    return agent_in(other_team, username="olga")


@pytest.fixture
def manager():
    return user_in_group("Managers", username="maya", first_name="Maya", last_name="Lind")


@pytest.fixture
def admin():
    return user_in_group("Admins", username="ada")


def latest_event_id(case) -> int:
    return CaseEvent.objects.filter(case=case).order_by("-pk").values_list("pk", flat=True).first() or 0


def error(response, status: int) -> dict:
    assert response.status_code == status, response.content
    body = response.json()["error"]
    assert body["status"] == status
    return body


# -- who may read ---------------------------------------------------------------------------------


def test_anonymous_requests_are_refused_with_401(client, case):
    assert error(client.get(LIST), 401)["code"] == "not_authenticated"
    assert client.post(detail(case, "claim")).status_code == 401


def test_a_revoked_or_unknown_token_is_refused(client, case):
    response = client.get(LIST, HTTP_AUTHORIZATION="Bearer scrm_not-a-token")
    assert error(response, 401)["code"] == "authentication_failed"


def test_an_agent_lists_their_teams_cases_their_own_and_unrouted_ones_not_another_teams(
    client, rosa, billing, other_team
):
    mine = CaseFactory(team=billing)
    unrouted = CaseFactory(team=None)
    assigned_elsewhere = CaseFactory(team=other_team, assignee=rosa)
    hidden = CaseFactory(team=other_team)

    listed = ids(Api(client, rosa).get(LIST))

    assert set(listed) == {mine.pk, unrouted.pk, assigned_elsewhere.pk}
    assert hidden.pk not in listed


@pytest.mark.parametrize("role", ["Managers", "Admins"])
def test_managers_and_admins_list_every_teams_cases(client, other_team, role):
    hidden_from_agents = CaseFactory(team=other_team)
    user = user_in_group(role)
    assert ids(Api(client, user).get(LIST)) == [hidden_from_agents.pk]


def test_another_teams_case_is_404_for_an_agent_and_200_for_a_manager(client, case, outsider, manager):
    assert error(Api(client, outsider).get(detail(case)), 404)["code"] == "not_found"
    assert error(Api(client, outsider).post(detail(case, "claim")), 404)["code"] == "not_found"
    assert Api(client, manager).get(detail(case)).status_code == 200


def test_a_user_without_a_role_is_refused_with_403(client, case):
    user = UserFactory()
    assert error(Api(client, user).get(LIST), 403)["code"] == "permission_denied"


def test_the_console_session_works_too(client, case, rosa):
    client.force_login(rosa)
    response = client.get(LIST)
    assert [row["id"] for row in response.json()["results"]] == [case.pk]


def test_a_case_shows_its_customer_channel_team_tags_clocks_and_url(client, case, rosa):
    tag = TagFactory(name="lost-bag")
    case.tags.add(tag)

    body = Api(client, rosa).get(detail(case)).json()

    assert body["reference"] == f"SC-{case.pk}"
    assert body["url"].endswith(detail(case))
    assert body["customer"] == {"id": case.customer_id, "name": case.customer.name}
    assert body["origin_channel"] == {"id": case.origin_channel_id, "kind": "x", "name": "Acme on X"}
    assert body["team"]["name"] == "Billing"
    assert body["assignee"] is None
    assert body["tags"] == [{"id": tag.pk, "name": "lost-bag", "color": tag.color}]
    assert body["status"] == CaseStatus.NEW
    assert body["first_response_due_at"] is not None  # the default policy's clock
    assert isinstance(body["first_response_breached"], bool)
    assert isinstance(body["priority_factors"], list)


# -- lists: query budget, pages, ordering, filters ---------------------------------------------------


def list_queries(client, user, count: int, billing) -> int:
    tags = [TagFactory(), TagFactory()]
    existing = Case.objects.count()
    for _ in range(count - existing):
        case = CaseFactory(team=billing, assignee=user)
        case.tags.add(*tags)
    api = Api(client, user)
    with CaptureQueriesContext(connection) as queries:
        response = api.get(LIST, {"page_size": 200})
    assert len(response.json()["results"]) == count
    return len(queries)


def test_the_list_costs_the_same_queries_for_3_and_30_cases(client, rosa, billing, django_assert_max_num_queries):
    few = list_queries(client, rosa, 3, billing)
    many = list_queries(client, rosa, 30, billing)
    assert few == many
    api = Api(client, rosa)
    # The token and its last use, permissions (2), the agent's profile and teams, the page, the tags.
    with django_assert_max_num_queries(8):
        api.get(LIST)


def test_pages_follow_the_cursor_without_repeats(client, manager):
    cases = [CaseFactory() for _ in range(5)]
    api = Api(client, manager)

    seen, response = [], api.get(LIST, {"page_size": 2})
    while True:
        body = response.json()
        seen += [row["id"] for row in body["results"]]
        if not body["next"]:
            break
        response = api.get(body["next"])

    assert seen == sorted((case.pk for case in cases), reverse=True)


def test_ordering_by_priority_score_and_by_next_due_time(client, manager):
    now = timezone.now()
    low = CaseFactory(priority_score=1.0, sla_next_due_at=now + dt.timedelta(hours=3))
    high = CaseFactory(priority_score=9.0, sla_next_due_at=now + dt.timedelta(hours=1))
    undated = CaseFactory(priority_score=5.0, sla_next_due_at=None)
    api = Api(client, manager)

    assert ids(api.get(LIST, {"ordering": "-priority_score"})) == [high.pk, undated.pk, low.pk]
    # By due time: the cases that have one, soonest first.
    assert ids(api.get(LIST, {"ordering": "sla_next_due_at"})) == [high.pk, low.pk]


def test_each_filter_narrows_the_list(client, manager, rosa, billing):
    now = timezone.now()
    email = ChannelFactory(kind=ChannelKind.EMAIL)
    tag = TagFactory()
    a = CaseFactory(
        status=CaseStatus.PENDING,
        priority=Priority.URGENT,
        intent=Intent.COMPLAINT,
        engagement_type="proactive",
        sentiment_label=SentimentLabel.NEGATIVE,
        assignee=rosa,
        team=billing,
        subject="Refund for AC12",
        sla_next_due_at=now + dt.timedelta(hours=1),
        first_response_breached=True,
    )
    a.tags.add(tag)
    b = CaseFactory(origin_channel=email, sla_next_due_at=now + dt.timedelta(hours=5))
    Case.objects.filter(pk=b.pk).update(created_at=now - dt.timedelta(days=3))
    api = Api(client, manager)

    expectations = {
        "status": ({"status": "pending"}, [a.pk]),
        "statuses": ({"status": ["pending", "open"]}, [b.pk, a.pk]),
        "priority": ({"priority": "urgent"}, [a.pk]),
        "channel": ({"channel": email.pk}, [b.pk]),
        "channel_kind": ({"channel_kind": "email"}, [b.pk]),
        "assignee": ({"assignee": rosa.pk}, [a.pk]),
        "unassigned": ({"assignee": "none"}, [b.pk]),
        "team": ({"team": billing.pk}, [a.pk]),
        "no team": ({"team": "none"}, [b.pk]),
        "engagement": ({"engagement_type": "proactive"}, [a.pk]),
        "intent": ({"intent": "complaint"}, [a.pk]),
        "sentiment": ({"sentiment": "negative"}, [a.pk]),
        "tag": ({"tag": tag.pk}, [a.pk]),
        "created_after": ({"created_after": (now - dt.timedelta(days=1)).isoformat()}, [a.pk]),
        "created_before": ({"created_before": (now - dt.timedelta(days=1)).isoformat()}, [b.pk]),
        "due_before": ({"due_before": (now + dt.timedelta(hours=2)).isoformat()}, [a.pk]),
        "due_after": ({"due_after": (now + dt.timedelta(hours=2)).isoformat()}, [b.pk]),
        "breached": ({"breached": "true"}, [a.pk]),
        "not breached": ({"breached": "false"}, [b.pk]),
        "q": ({"q": "refund"}, [a.pk]),
    }
    for name, (params, expected) in expectations.items():
        assert ids(api.get(LIST, params)) == expected, name
    assert ids(Api(client, rosa).get(LIST, {"assignee": "me"})) == [a.pk]


@pytest.mark.parametrize(
    "params",
    [{"status": "lost"}, {"priority": "extreme"}, {"created_after": "yesterday"}, {"assignee": "bob"}],
)
def test_a_bad_filter_value_is_a_400_naming_the_field(client, manager, params):
    body = error(Api(client, manager).get(LIST, params), 400)
    assert set(body["fields"]) == set(params)


# -- create and update ----------------------------------------------------------------------------


def test_an_agent_logs_a_phone_call_and_a_case_opens_with_its_clocks(client, rosa):
    SLAPolicyFactory(name="Default", is_default=True, first_response_minutes=60)
    customer = CustomerFactory(name="Dana Reyes")
    called_at = timezone.now() - dt.timedelta(minutes=10)

    response = Api(client, rosa).post(
        LIST,
        {
            "customer": customer.pk,
            "channel_kind": "phone",
            "text": "Called about her lost bag from AC12; wants a call back.",
            "first_message_at": called_at.isoformat(),
        },
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert response["Location"] == body["url"]
    case = Case.objects.get(pk=body["id"])
    assert (case.customer, case.origin_channel, case.status) == (customer, None, CaseStatus.NEW)
    assert case.subject == "Called about her lost bag from AC12; wants a call back."
    assert case.first_message_at == called_at
    assert case.first_response_due_at is not None
    event = case.events.get(kind=CaseEventKind.INBOUND_POST)
    assert event.body.startswith("Called about")
    assert event.payload == {"logged_by_hand": True, "channel_kind": "phone", "logged_by": rosa.pk}


def test_a_contact_on_a_given_channel_uses_it(client, rosa):
    mailbox = ChannelFactory(kind=ChannelKind.EMAIL, name="care@")
    customer = CustomerFactory()

    response = Api(client, rosa).post(
        LIST, {"customer": customer.pk, "origin_channel": mailbox.pk, "subject": "Invoice", "text": "Wrong VAT."}
    )
    assert response.status_code == 201, response.content
    assert response.json()["origin_channel"]["id"] == mailbox.pk
    assert response.json()["subject"] == "Invoice"
    # channel_kind finds the one active e-mail channel.
    response = Api(client, rosa).post(LIST, {"customer": customer.pk, "channel_kind": "email", "text": "Again."})
    assert response.json()["origin_channel"]["id"] == mailbox.pk


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"channel_kind": "email", "text": "hi"}, "channel_kind"),  # no e-mail channel
        ({"text": "hi"}, "channel_kind"),  # neither kind nor channel
        ({"channel_kind": "x", "text": "hi"}, "channel_kind"),
        ({"channel_kind": "phone", "text": ""}, "text"),
        ({"channel_kind": "phone", "text": "a" * 20_001}, "text"),
        ({"channel_kind": "phone", "text": "hi", "origin_channel": 999_999}, "origin_channel"),
        ({"channel_kind": "phone", "text": "hi", "first_message_at": "2999-01-01T00:00:00Z"}, "first_message_at"),
    ],
)
def test_a_bad_contact_is_a_400_naming_the_field(client, rosa, data, field):
    customer = CustomerFactory()
    body = error(Api(client, rosa).post(LIST, {"customer": customer.pk, **data}), 400)
    assert field in body["fields"]
    assert not Case.objects.exists()


def test_an_unknown_or_merged_customer_is_a_400(client, rosa):
    merged = CustomerFactory(merged_into=CustomerFactory())
    for customer_id in (999_999, merged.pk):
        body = error(Api(client, rosa).post(LIST, {"customer": customer_id, "channel_kind": "phone", "text": "x"}), 400)
        assert "customer" in body["fields"]


def test_creating_needs_the_add_case_permission(client):
    viewer = UserFactory()
    viewer.user_permissions.add(Permission.objects.get(codename="view_case"))
    customer = CustomerFactory()
    response = Api(client, viewer).post(LIST, {"customer": customer.pk, "channel_kind": "phone", "text": "x"})
    assert error(response, 403)["code"] == "permission_denied"


def test_patch_renames_and_retags_a_case(client, case, rosa):
    tags = [TagFactory(name="lost-bag"), TagFactory(name="lima")]

    response = Api(client, rosa).patch(detail(case), {"subject": "Bag lost, AC12", "tags": [t.pk for t in tags]})

    assert response.status_code == 200, response.content
    assert response.json()["subject"] == "Bag lost, AC12"
    assert {tag["name"] for tag in response.json()["tags"]} == {"lost-bag", "lima"}
    event = case.events.get(kind=CaseEventKind.TAGS_CHANGE)
    assert (event.actor, event.payload["added"]) == (rosa, ["lima", "lost-bag"])


def test_patch_refuses_status_priority_and_assignee_and_unknown_tags(client, case, rosa):
    api = Api(client, rosa)
    body = error(api.patch(detail(case), {"status": "resolved", "priority": "urgent", "assignee": rosa.pk}), 400)
    assert set(body["fields"]) == {"status", "priority", "assignee"}
    body = error(api.patch(detail(case), {"tags": [999_999]}), 400)
    assert "Unknown tag ids: 999999." in body["fields"]["tags"][0]
    assert error(api.patch(detail(case), {"subject": "x" * 256}), 400)["fields"]["subject"]


def test_put_and_delete_are_not_offered(client, case, manager):
    api = Api(client, manager)
    assert api.client.put(detail(case), {}, content_type="application/json", **api.auth).status_code == 405
    assert api.client.delete(detail(case), **api.auth).status_code == 405


# -- actions ----------------------------------------------------------------------------------------


def test_actions_need_the_change_case_permission(client, case):
    viewer = UserFactory()
    viewer.user_permissions.add(*Permission.objects.filter(codename__in=["view_case", "view_all_cases"]))
    api = Api(client, viewer)
    assert api.get(detail(case)).status_code == 200
    assert error(api.post(detail(case, "claim")), 403)["code"] == "permission_denied"
    assert error(api.patch(detail(case), {"subject": "x"}), 403)["code"] == "permission_denied"


def test_claim_makes_the_case_yours_and_a_second_claim_is_refused(client, case, rosa, sam):
    response = Api(client, rosa).post(detail(case, "claim"))
    assert response.status_code == 200, response.content
    assert response.json()["assignee"] == {"id": rosa.pk, "username": "rosa", "name": "Rosa Diaz"}

    assert error(Api(client, sam).post(detail(case, "claim")), 409)["code"] == "conflict"
    case.refresh_from_db()
    assert case.assignee == rosa


def test_a_manager_assigns_and_moves_a_case_an_agent_may_not_reassign(client, case, rosa, sam, manager, other_team):
    response = Api(client, manager).post(detail(case, "assign"), {"assignee": sam.pk, "team": other_team.pk})
    assert response.status_code == 200, response.content
    assert (response.json()["assignee"]["id"], response.json()["team"]["id"]) == (sam.pk, other_team.pk)

    case.refresh_from_db()
    Case.objects.filter(pk=case.pk).update(assignee=rosa)
    assert error(Api(client, rosa).post(detail(case, "assign"), {"assignee": sam.pk}), 409)["code"] == "conflict"
    # Unassigning one's own case is not a reassignment.
    assert Api(client, rosa).post(detail(case, "assign"), {"assignee": None}).json()["assignee"] is None


def test_assigning_to_an_unknown_user_is_a_400(client, case, manager):
    body = error(Api(client, manager).post(detail(case, "assign"), {"assignee": 999_999}), 400)
    assert "assignee" in body["fields"]
    assert "assignee" in error(Api(client, manager).post(detail(case, "assign"), {}), 400)["fields"]


def test_a_reply_is_queued_with_the_seen_event_id(client, case, rosa, django_capture_on_commit_callbacks):
    target = SocialPost.objects.get(case=case, external_id="1")

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = Api(client, rosa).post(
            detail(case, "reply"),
            {"text": "So sorry Dana, tracing it now.", "reply_to": target.pk, "seen_event_id": latest_event_id(case)},
        )

    assert response.status_code == 202, response.content
    message = OutboundMessage.objects.get(case=case)
    assert response.json()["id"] == message.pk
    assert (message.status, message.author, message.reply_to) == (OutboundStatus.QUEUED, rosa, target)
    assert len(callbacks) == 1  # publishing is enqueued on commit


def test_a_stale_reply_is_a_409_saying_what_changed(client, channel, case, rosa):
    seen = latest_event_id(case)
    ingest_posts(channel=channel, posts=[dana(2, 3, "hello?? anyone there", reply_to=1)])

    body = error(Api(client, rosa).post(detail(case, "reply"), {"text": "Tracing it.", "seen_event_id": seen}), 409)

    assert body["code"] == "conflict"
    assert not OutboundMessage.objects.exists()


def test_a_reply_needs_seen_event_id_and_must_fit_the_channel(client, case, rosa):
    api = Api(client, rosa)
    assert "seen_event_id" in error(api.post(detail(case, "reply"), {"text": "Hi"}), 400)["fields"]
    body = error(api.post(detail(case, "reply"), {"text": "a" * 281, "seen_event_id": latest_event_id(case)}), 400)
    assert "at most 280 characters" in body["fields"]["non_field_errors"][0]
    body = error(api.post(detail(case, "reply"), {"text": "Hi", "reply_to": 999_999, "seen_event_id": 0}), 400)
    assert "reply_to" in body["fields"]
    assert not OutboundMessage.objects.exists()


def test_a_note_is_added_to_the_timeline(client, case, rosa):
    response = Api(client, rosa).post(detail(case, "note"), {"body": "Customer called too; refund approved."})

    assert response.status_code == 201, response.content
    assert response.json()["kind"] == CaseEventKind.INTERNAL_NOTE
    assert response.json()["actor"]["id"] == rosa.pk
    assert case.events.get(kind=CaseEventKind.INTERNAL_NOTE).body == "Customer called too; refund approved."


def test_an_empty_or_oversize_note_is_a_400(client, case, rosa):
    api = Api(client, rosa)
    assert "body" in error(api.post(detail(case, "note"), {"body": ""}), 400)["fields"]
    assert "body" in error(api.post(detail(case, "note"), {"body": "a" * 10_001}), 400)["fields"]


def test_status_changes_and_an_unknown_status_is_a_400(client, case, rosa):
    api = Api(client, rosa)
    response = api.post(detail(case, "status"), {"status": "pending", "reason": "asked for the tag number"})
    assert response.json()["status"] == CaseStatus.PENDING
    event = case.events.get(kind=CaseEventKind.STATUS_CHANGE)
    assert event.payload == {"from": "new", "to": "pending", "reason": "asked for the tag number"}

    body = error(api.post(detail(case, "status"), {"status": "lost"}), 400)
    assert "status" in body["fields"]


def test_priority_is_held_by_hand_and_released_with_auto(client, case, rosa):
    api = Api(client, rosa)
    body = api.post(detail(case, "priority"), {"priority": "urgent"}).json()
    assert (body["priority"], body["priority_held"]) == ("urgent", True)

    body = api.post(detail(case, "priority"), {"priority": "auto"}).json()
    assert body["priority_held"] is False
    assert "priority" in error(api.post(detail(case, "priority"), {"priority": "extreme"}), 400)["fields"]


def test_escalation_raises_priority_and_moves_to_an_escalation_team(client, case, rosa, billing):
    tier2 = TeamFactory(name="Tier 2", is_escalation_team=True)
    api = Api(client, rosa)
    before = Priority(case.priority)
    assert "team" in error(api.post(detail(case, "escalate"), {"reason": "x", "team": billing.pk}), 400)["fields"]
    assert "reason" in error(api.post(detail(case, "escalate"), {}), 400)["fields"]

    body = api.post(detail(case, "escalate"), {"reason": "lost bag, VIP", "team": tier2.pk}).json()

    assert body["priority"] != before
    assert (body["team"]["id"], body["assignee"]) == (tier2.pk, None)
    # Now in a team Rosa is not in: out of her sight, as in the console.
    assert error(api.get(detail(case)), 404)["code"] == "not_found"


def test_merge_into_a_visible_case_of_the_same_customer(client, case, rosa, billing):
    target = CaseFactory(customer=case.customer, team=billing)

    response = Api(client, rosa).post(detail(case, "merge"), {"target": target.pk})

    assert response.status_code == 200, response.content
    assert response.json()["id"] == target.pk
    case.refresh_from_db()
    assert (case.merged_into, case.status) == (target, CaseStatus.CLOSED)
    # A merged case takes no more changes.
    assert error(Api(client, rosa).post(detail(case, "note"), {"body": "x"}), 409)["code"] == "conflict"


def test_merge_into_a_case_you_cannot_see_is_a_404_and_another_customers_a_409(client, case, rosa, other_team):
    hidden = CaseFactory(customer=case.customer, team=other_team)
    assert error(Api(client, rosa).post(detail(case, "merge"), {"target": hidden.pk}), 404)["code"] == "not_found"

    stranger = CaseFactory(team=None)
    assert error(Api(client, rosa).post(detail(case, "merge"), {"target": stranger.pk}), 409)["code"] == "conflict"
    assert not Case.objects.filter(merged_into__isnull=False).exists()
    assert "target" in error(Api(client, rosa).post(detail(case, "merge"), {"target": "SC-1"}), 400)["fields"]


def test_resolve_sends_the_survey_unless_asked_not_to(client, case, rosa, django_capture_on_commit_callbacks):
    api = Api(client, rosa)
    with django_capture_on_commit_callbacks(execute=False) as quiet:
        body = api.post(detail(case, "resolve"), {"send_survey": False}).json()
    assert body["status"] == CaseStatus.RESOLVED
    assert body["resolved_at"] is not None
    assert quiet == []

    api.post(detail(case, "status"), {"status": "open"})
    with django_capture_on_commit_callbacks(execute=False) as surveyed:
        assert api.post(detail(case, "resolve")).json()["status"] == CaseStatus.RESOLVED
    assert len(surveyed) == 1  # the survey task, on commit


def test_tags_action_replaces_the_tags_and_refuses_unknown_ones(client, case, rosa):
    old, new = TagFactory(name="old"), TagFactory(name="new")
    case.tags.add(old)
    api = Api(client, rosa)

    assert [t["name"] for t in api.post(detail(case, "tags"), {"tags": [new.pk]}).json()["tags"]] == ["new"]
    assert "tags" in error(api.post(detail(case, "tags"), {"tags": [new.pk, 999_999]}), 400)["fields"]
    assert "tags" in error(api.post(detail(case, "tags"), {"tags": "new"}), 400)["fields"]


# -- timeline -----------------------------------------------------------------------------------------


def test_the_timeline_is_newest_first_with_sentences(client, case, rosa):
    api = Api(client, rosa)
    api.post(detail(case, "claim"))
    api.post(detail(case, "status"), {"status": "pending"})

    results = api.get(detail(case, "timeline")).json()["results"]

    assert [row["kind"] for row in results] == ["status_change", "assignment", "inbound_post"]
    assert results[0]["description"] == "Rosa Diaz changed the status from New to Pending (waiting on customer)."
    assert results[1]["description"] == "Rosa Diaz claimed the case."
    assert results[1]["actor"]["id"] == rosa.pk
    assert results[2]["post"] == SocialPost.objects.get(external_id="1").pk


def test_the_timeline_pages_and_costs_the_same_at_any_length(client, case, rosa, manager):
    api = Api(client, manager)

    def queries(count):
        for _ in range(count - CaseEvent.objects.filter(case=case).count()):
            CaseEventFactory(case=case, actor=rosa)
        api.get(detail(case, "timeline"))  # warm: the token's last use is written once a minute
        with CaptureQueriesContext(connection) as captured:
            response = api.get(detail(case, "timeline"), {"page_size": 100})
        assert len(response.json()["results"]) == count
        return len(captured)

    assert queries(3) == queries(40)

    seen, response = [], api.get(detail(case, "timeline"), {"page_size": 15})
    while True:
        body = response.json()
        seen += [row["id"] for row in body["results"]]
        if not body["next"]:
            break
        response = api.get(body["next"])
    assert seen == sorted(CaseEvent.objects.filter(case=case).values_list("pk", flat=True), reverse=True)


def test_another_teams_timeline_is_404(client, case, outsider):
    assert error(Api(client, outsider).get(detail(case, "timeline")), 404)["code"] == "not_found"


def test_a_refusal_says_why(client, case, rosa, sam):
    Api(client, rosa).post(detail(case, "claim"))
    body = error(Api(client, sam).post(detail(case, "claim")), 409)
    assert "already assigned to Rosa Diaz" in body["message"]
