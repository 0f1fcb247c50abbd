"""The audit API: /api/v1/audit-entries/, read-only, admins only, filtered, constant queries."""

import datetime as dt

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from audit.models import AuditAction, AuditEntry
from audit.services import audit_record
from tests.factories import CaseFactory, UserFactory
from tests.roles import user_in_group

pytestmark = pytest.mark.django_db

URL = "/api/v1/audit-entries/"


@pytest.fixture
def api():
    client = APIClient()
    client.force_authenticate(user_in_group("Admins", username="ines"))
    return client


def record_many(count, *, actor, action=AuditAction.CASE_ASSIGNED):
    for _ in range(count):
        audit_record(action=action, actor=actor, target=CaseFactory(), detail={"from": None, "to": actor.pk})


def test_agents_and_managers_may_not_read_the_audit_trail():
    client = APIClient()
    for role in ("Agents", "Managers"):
        client.force_authenticate(user_in_group(role))
        assert client.get(URL).status_code == 403


def test_the_trail_cannot_be_written_through_the_api(api):
    rosa = UserFactory(username="rosa")
    record_many(1, actor=rosa)
    entry = AuditEntry.objects.get(action=AuditAction.CASE_ASSIGNED)

    # Refused by the permission check (no one holds add/change/delete) or as a method not offered.
    assert api.post(URL, {"action": "auth.login"}, format="json").status_code in (403, 405)
    assert api.patch(f"{URL}{entry.pk}/", {"actor_label": "x"}, format="json").status_code in (403, 405)
    assert api.delete(f"{URL}{entry.pk}/").status_code in (403, 405)
    assert AuditEntry.objects.get(pk=entry.pk).actor_label == "rosa"
    assert AuditEntry.objects.filter(action=AuditAction.LOGIN).count() == 0


def test_entries_filter_by_action_actor_target_and_time(api):
    rosa, sam = UserFactory(username="rosa"), UserFactory(username="sam")
    case = CaseFactory()
    audit_record(action=AuditAction.CASE_STATUS_CHANGED, actor=rosa, target=case, detail={"to": "pending"})
    record_many(2, actor=sam)
    later = AuditEntry.objects.order_by("-id").first().occurred_at + dt.timedelta(seconds=1)

    def ids(**params):
        return [row["id"] for row in api.get(URL, params).json()["results"]]

    rosas = list(AuditEntry.objects.filter(actor=rosa).values_list("pk", flat=True))
    sams = list(AuditEntry.objects.filter(actor=sam).order_by("-id").values_list("pk", flat=True))
    assert ids(action="case.status_changed") == rosas
    assert ids(actor=sam.pk) == sams
    assert ids(target_type="cases.case", target_id=str(case.pk)) == rosas
    assert ids(occurred_before=later.isoformat()) != [] and ids(occurred_after=later.isoformat()) == []
    assert api.get(URL, {"action": "case.teleported"}).status_code == 400


def test_the_list_answers_in_the_same_number_of_queries_for_few_and_many_entries(api, django_assert_max_num_queries):
    rosa = UserFactory(username="rosa")
    for count in (3, 30):
        record_many(count, actor=rosa)
        with django_assert_max_num_queries(4):  # the user's permissions (2), the page; no per-row query
            response = api.get(URL, {"page_size": 50})
        assert response.status_code == 200 and len(response.json()["results"]) == min(AuditEntry.objects.count(), 50)


def test_the_schema_documents_the_audit_list(api):
    schema = api.get(reverse("api:schema"), HTTP_ACCEPT="application/json")
    assert "/api/v1/audit-entries/" in schema.content.decode()
