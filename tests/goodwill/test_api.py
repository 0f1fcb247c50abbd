"""/api/v1/compensation-requests/: list, detail, create, approve and reject through the same services and rules."""

import pytest
from django.urls import reverse

from goodwill.choices import CompensationStatus
from goodwill.models import CompensationRequest
from tests.factories import CaseFactory, CustomerFactory, TeamFactory
from tests.goodwill.factories import CompensationRequestFactory

pytestmark = pytest.mark.django_db
LIST = "/api/v1/compensation-requests/"


@pytest.fixture
def case():
    return CaseFactory(customer=CustomerFactory(name="Dana Whitfield", email="dana@mail.example"))


def create(client, case, amount, **fields):
    body = {"case": case.pk, "kind": "refund", "amount": amount, "currency": "USD", "category": "billing_error"}
    body.update({"reason": "Charged twice for order #4411.", **fields})
    return client.post(LIST, body, content_type="application/json")


def test_an_agent_creates_a_request_granted_within_limits(client, case, agent, audited):
    client.force_login(agent)
    response = create(client, case, "30.00")
    assert response.status_code == 201
    body = response.json()
    assert (body["status"], body["amount"], body["kind"], body["flags"]) == ("granted", "30.00", "refund", [])
    assert [action for action, *_ in audited] == ["compensation.requested", "compensation.granted"]


def test_over_the_limit_the_answer_is_pending_with_the_reason(client, case, agent):
    client.force_login(agent)
    body = create(client, case, "80.00").json()
    assert (body["status"], body["needs_approval"], body["approval_reason"]) == ("pending", True, "over_case_limit")


def test_bad_input_and_hidden_cases_are_400_naming_the_field(client, agent):
    client.force_login(agent)
    hidden = CaseFactory(team=TeamFactory(name="Billing"))
    assert create(client, hidden, "10.00").json()["error"]["fields"] == {"case": ["No such case."]}
    assert "amount" in create(client, CaseFactory(), "-1").json()["error"]["fields"]
    assert "kind" in create(client, CaseFactory(), "5", kind="voucher").json()["error"]["fields"]


def test_a_manager_approves_and_the_requester_cannot(client, case, agent, manager, other_manager, audited):
    client.force_login(manager)
    own = create(client, case, "900.00").json()
    refused = client.post(f"{LIST}{own['id']}/approve/", {}, content_type="application/json")
    assert refused.status_code == 409 and "Four eyes" in refused.json()["error"]["message"]

    client.force_login(other_manager)
    approved = client.post(
        f"{LIST}{own['id']}/approve/", {"note": "Verified with billing."}, content_type="application/json"
    )
    assert approved.status_code == 200
    assert (approved.json()["status"], approved.json()["decided_by"]) == ("approved", other_manager.pk)
    assert audited[-1][0] == "compensation.approved"


def test_an_agent_cannot_approve_or_reject(client, case, agent, other_agent):
    pending = CompensationRequestFactory(
        case=case, requested_by=agent, status=CompensationStatus.PENDING, decided_at=None, needs_approval=True
    )
    client.force_login(other_agent)
    for verb in ("approve", "reject"):
        assert client.post(f"{LIST}{pending.pk}/{verb}/", {}, content_type="application/json").status_code == 403


def test_reject_without_a_note_is_409_and_with_one_rejects(client, case, agent, manager):
    pending = CompensationRequestFactory(
        case=case, requested_by=agent, status=CompensationStatus.PENDING, decided_at=None, needs_approval=True
    )
    client.force_login(manager)
    url = f"{LIST}{pending.pk}/reject/"
    assert client.post(url, {}, content_type="application/json").status_code == 409
    response = client.post(url, {"note": "Refunded by the bank already."}, content_type="application/json")
    assert response.json()["status"] == "rejected"


def test_agents_list_only_requests_of_cases_they_see(client, agent, manager):
    visible = CompensationRequestFactory(case=CaseFactory())
    CompensationRequestFactory(case=CaseFactory(team=TeamFactory(name="Billing")))
    client.force_login(agent)
    assert [row["id"] for row in client.get(LIST).json()["results"]] == [visible.pk]
    client.force_login(manager)
    assert len(client.get(LIST).json()["results"]) == 2
    assert client.get(f"{LIST}?status=pending").json()["results"] == []


def test_anonymous_callers_get_401(client):
    assert client.get(LIST).status_code == 401


@pytest.mark.parametrize("size", [2, 20])
def test_the_list_query_count_does_not_grow(client, manager, size, django_assert_max_num_queries):
    for _ in range(size):
        CompensationRequestFactory(flags=[{"rule": "same_phone", "detail": "Customer's phone matches."}])
    client.force_login(manager)
    with django_assert_max_num_queries(8):
        assert len(client.get(LIST).json()["results"]) == size
    assert CompensationRequest.objects.count() == size
    assert reverse("api:compensation-request-list") == LIST
