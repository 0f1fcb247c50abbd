"""An audit entry for each sensitive action: sign-ins, role and flag changes, assignment,
replies, status changes and merges; who, what, when and from where."""

import datetime as dt

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import connection, transaction
from django.test import modify_settings, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit.models import AuditAction, AuditEntry
from audit.services import audit_record
from cases.choices import CaseStatus
from cases.models import Case
from cases.services import (
    case_assign,
    case_change_status,
    case_claim,
    case_merge,
    case_reply,
    customer_merge,
)
from cases.services.routing import cases_assign_waiting
from channels_app.choices import ChannelKind
from channels_app.models import SocialPost
from channels_app.pipeline import ingest_posts
from channels_app.services import outbound_publish
from tests.channels.helpers import post
from tests.factories import (
    AgentProfileFactory,
    CaseFactory,
    ChannelFactory,
    CustomerFactory,
    TeamFactory,
    UserFactory,
)
from tests.fakeapi import Reply
from tests.roles import user_in_group

pytestmark = pytest.mark.django_db

WITH_REQUEST_CONTEXT = modify_settings(MIDDLEWARE={"append": "audit.middleware.AuditRequestMiddleware"})


def entries(action):
    return list(AuditEntry.objects.filter(action=action).order_by("id"))


# -- sign-in ---------------------------------------------------------------------------------


def test_a_sign_in_records_the_user_and_their_address(client):
    rosa = UserFactory(username="rosa")

    client.post(
        reverse("login"),
        {"username": "rosa", "password": "correct-horse-battery"},
        REMOTE_ADDR="198.51.100.23",
        HTTP_USER_AGENT="Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5)",
    )

    (entry,) = entries(AuditAction.LOGIN)
    assert (entry.actor, entry.actor_label, entry.ip) == (rosa, "rosa", "198.51.100.23")
    assert entry.user_agent.startswith("Mozilla/5.0") and entry.path == "/accounts/login/"


def test_a_failed_sign_in_records_the_username_tried_and_never_the_password(client):
    client.post(reverse("login"), {"username": "rosa", "password": "Tr0ub4dor&3"}, REMOTE_ADDR="203.0.113.9")

    (entry,) = entries(AuditAction.LOGIN_FAILED)
    assert (entry.actor, entry.target_label, entry.ip) == (None, "rosa", "203.0.113.9")
    assert entry.detail == {"username": "rosa"}
    assert "Tr0ub4dor" not in str(AuditEntry.objects.values())


def test_a_sign_out_is_recorded(client):
    rosa = UserFactory(username="rosa")
    client.force_login(rosa)

    client.post(reverse("logout"), REMOTE_ADDR="198.51.100.23")

    (entry,) = entries(AuditAction.LOGOUT)
    assert (entry.actor, entry.ip) == (rosa, "198.51.100.23")


@override_settings(TRUST_X_FORWARDED_FOR=True)
def test_behind_a_trusted_proxy_the_address_the_proxy_saw_is_recorded(client):
    UserFactory(username="rosa")

    client.post(
        reverse("login"),
        {"username": "rosa", "password": "wrong"},
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.23",
    )

    assert entries(AuditAction.LOGIN_FAILED)[0].ip == "198.51.100.23"


def test_without_a_trusted_proxy_a_forwarded_for_header_is_ignored(client):
    client.post(
        reverse("login"),
        {"username": "rosa", "password": "wrong"},
        REMOTE_ADDR="198.51.100.23",
        HTTP_X_FORWARDED_FOR="1.2.3.4",
    )

    assert entries(AuditAction.LOGIN_FAILED)[0].ip == "198.51.100.23"


# -- roles, permissions and flags ------------------------------------------------------------


@WITH_REQUEST_CONTEXT
def test_an_admin_giving_a_user_a_role_in_the_admin_site_is_recorded_with_who_did_it(client):
    admin = user_in_group("Admins", username="ines", is_staff=True)
    rosa = user_in_group("Agents", username="rosa")
    client.force_login(admin)

    response = client.post(
        reverse("admin:auth_user_change", args=[rosa.pk]),
        {
            "username": "rosa",
            "first_name": "Rosa",
            "last_name": "Diaz",
            "email": "rosa@brand.example",
            "is_active": "on",
            "groups": [Group.objects.get(name="Agents").pk, Group.objects.get(name="Managers").pk],
            "date_joined_0": "2026-11-02",
            "date_joined_1": "09:00:00",
        },
        REMOTE_ADDR="192.0.2.40",
    )

    assert response.status_code == 302
    entry = entries(AuditAction.ROLE_CHANGED)[-1]  # earlier ones: the test's own setup
    assert (entry.actor, entry.target_id, entry.target_label) == (admin, str(rosa.pk), "rosa")
    assert entry.detail == {"added": ["Managers"]}
    assert (entry.ip, entry.path) == ("192.0.2.40", f"/admin/auth/user/{rosa.pk}/change/")


def test_removing_a_role_and_clearing_permissions_are_recorded():
    rosa = user_in_group("Managers", username="rosa")
    rosa.user_permissions.add(Permission.objects.get(codename="view_kpi_dashboard"))

    rosa.groups.remove(Group.objects.get(name="Managers"))
    rosa.user_permissions.clear()

    assert entries(AuditAction.ROLE_CHANGED)[-1].detail == {"removed": ["Managers"]}
    assert [e.detail for e in entries(AuditAction.PERMISSION_CHANGED)] == [
        {"added": ["kpis.view_kpi_dashboard"]},
        {"removed": ["kpis.view_kpi_dashboard"]},
    ]


def test_adding_users_to_a_group_from_the_group_side_records_each_user():
    rosa, sam = UserFactory(username="rosa"), UserFactory(username="sam")

    Group.objects.get(name="Managers").user_set.add(rosa, sam)

    assert [(e.target_label, e.detail) for e in entries(AuditAction.ROLE_CHANGED)] == [
        ("rosa", {"added": ["Managers"]}),
        ("sam", {"added": ["Managers"]}),
    ]


def test_a_change_of_a_groups_permissions_is_recorded_on_the_group():
    managers = Group.objects.get(name="Managers")

    managers.permissions.add(Permission.objects.get(codename="view_auditentry"))

    (entry,) = entries(AuditAction.PERMISSION_CHANGED)
    assert (entry.target_type, entry.target_label, entry.detail) == (
        "auth.group",
        "Managers",
        {"added": ["audit.view_auditentry"]},
    )


def test_making_a_user_staff_or_deactivating_them_is_recorded_with_before_and_after():
    rosa = UserFactory(username="rosa")

    rosa.is_staff = True
    rosa.save()
    rosa.is_active = False
    rosa.save(update_fields=["is_active"])
    rosa.first_name = "Rosa"
    rosa.save()  # no flag changed: nothing recorded

    assert [e.detail for e in entries(AuditAction.STAFF_CHANGED)] == [
        {"is_staff": [False, True]},
        {"is_active": [True, False]},
    ]


# -- cases ----------------------------------------------------------------------------------


@pytest.fixture
def case():
    return CaseFactory(subject="Bag never arrived in Lima", status=CaseStatus.NEW)


def test_a_claim_records_the_assignment(case):
    rosa = UserFactory(username="rosa")

    case_claim(case=case, agent=rosa)

    (entry,) = entries(AuditAction.CASE_ASSIGNED)
    assert (entry.actor, entry.target_type, entry.target_id) == (rosa, "cases.case", str(case.pk))
    assert entry.detail == {"from": None, "to": rosa.pk, "claimed": True}
    assert entry.target_label == f"SC-{case.pk}"  # the subject quotes the customer: not in the trail


def test_an_assignment_by_a_manager_records_from_and_to(case):
    manager, rosa = user_in_group("Managers", username="mia"), UserFactory(username="rosa")

    case_assign(case=case, assignee=rosa, actor=manager)

    (entry,) = entries(AuditAction.CASE_ASSIGNED)
    assert (entry.actor, entry.detail) == (manager, {"from": None, "to": rosa.pk})


def test_a_status_change_records_from_and_to(case):
    rosa = UserFactory(username="rosa")

    case_change_status(case=case, status=CaseStatus.PENDING, actor=rosa, reason="waiting for the order number")

    (entry,) = entries(AuditAction.CASE_STATUS_CHANGED)
    assert entry.actor == rosa
    assert entry.detail == {"from": "new", "to": "pending", "reason": "waiting for the order number"}


def test_an_action_rolled_back_leaves_no_entry(case):
    rosa = UserFactory(username="rosa")

    with pytest.raises(RuntimeError), transaction.atomic():
        case_change_status(case=case, status=CaseStatus.OPEN, actor=rosa)
        raise RuntimeError("the caller's later step failed")

    assert not AuditEntry.objects.exists()


def test_an_unknown_action_is_not_recorded_and_does_not_break_the_caller(case):
    assert audit_record(action="case.teleported", target=case) is None
    assert not AuditEntry.objects.exists()


def test_merging_cases_and_customers_is_recorded():
    manager = user_in_group("Managers", username="mia")
    dana, dana_again = CustomerFactory(name="Dana Reyes"), CustomerFactory(name="Dana R.")
    first, second = CaseFactory(customer=dana), CaseFactory(customer=dana)

    case_merge(source=second, target=first, actor=manager)
    customer_merge(source=dana_again, target=dana, actor=manager)

    (case_entry,) = entries(AuditAction.CASE_MERGED)
    assert (case_entry.actor, case_entry.target_id, case_entry.detail["merged_case"]) == (
        manager,
        str(first.pk),
        second.pk,
    )
    (customer_entry,) = entries(AuditAction.CUSTOMER_MERGED)
    assert (customer_entry.target_label, customer_entry.detail["merged_customer"]) == (
        f"Customer #{dana.pk}",
        dana_again.pk,
    )


@pytest.mark.parametrize("size", [2, 6])
def test_automatic_assignment_of_a_batch_records_every_case_in_one_insert(size):
    team = TeamFactory()
    for name in ("rosa", "sam"):
        AgentProfileFactory(user=UserFactory(username=name), capacity=5).teams.add(team)
    cases = [CaseFactory(team=team, status=CaseStatus.NEW, language="en") for _ in range(size)]

    with CaptureQueriesContext(connection) as queries:
        assert cases_assign_waiting(now=dt.datetime(2026, 11, 30, 10, tzinfo=dt.UTC)) == size

    recorded = entries(AuditAction.CASE_ASSIGNED)
    assert sorted(int(e.target_id) for e in recorded) == sorted(c.pk for c in cases)
    assert all(e.detail["auto"] and e.actor is None for e in recorded)
    assert [q["sql"] for q in queries.captured_queries if "audit_auditentry" in q["sql"]] == [
        next(q["sql"] for q in queries.captured_queries if q["sql"].startswith('INSERT INTO "audit_auditentry"'))
    ]


# -- replies --------------------------------------------------------------------------------


@pytest.fixture
def forum(monkeypatch, fake_api, settings):
    settings.CHANNEL_HTTP_TIMEOUT = 1
    monkeypatch.setenv("TEST_AUDIT_FORUM_SECRET", "audit-forum-secret")
    return ChannelFactory(
        kind=ChannelKind.WEBHOOK,
        name="Community forum",
        brand_handles=["AcmeAirCare"],
        api_base_url=fake_api.base_url + "/bridge/",
        credential_env={"signing_secret": "TEST_AUDIT_FORUM_SECRET"},
    )


def test_a_reply_is_recorded_when_queued_by_the_agent_and_when_the_channel_has_it(
    forum, fake_api, django_capture_on_commit_callbacks
):
    ingest_posts(channel=forum, posts=[post("f-100", 0, "@AcmeAirCare my connecting flight was cancelled")])
    case = SocialPost.objects.get(external_id="f-100").case
    rosa = UserFactory(username="rosa")
    fake_api.route("POST", "/bridge/replies", Reply(status=201, json={"id": "f-101"}))

    with django_capture_on_commit_callbacks(execute=False):
        message = case_reply(case=case, author=rosa, text="Sorry! I've rebooked you on AC 812 tomorrow at 08:10.")
    outbound_publish(message_id=message.pk)

    queued, sent = entries(AuditAction.CASE_REPLY_SENT)
    assert (queued.actor, queued.detail["state"], queued.detail["outbound_message"]) == (rosa, "queued", message.pk)
    assert (sent.actor, sent.target_id, sent.detail) == (
        rosa,
        str(case.pk),
        {"state": "sent", "outbound_message": message.pk, "external_id": "f-101"},
    )
    assert "rebooked" not in str(AuditEntry.objects.values())  # ids, never texts


def test_an_automatic_message_queued_by_no_one_records_only_its_sending(forum, django_capture_on_commit_callbacks):
    ingest_posts(channel=forum, posts=[post("f-200", 0, "@AcmeAirCare is anyone there at night?")])
    case = Case.objects.get(posts__external_id="f-200")

    with django_capture_on_commit_callbacks(execute=False):
        case_reply(case=case, author=None, text="We are closed now; we answer from 08:00.", is_automatic=True)

    assert entries(AuditAction.CASE_REPLY_SENT) == []
