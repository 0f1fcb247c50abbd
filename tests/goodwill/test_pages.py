"""The goodwill pages: the case panel and its form, a request's page, approvals, the report and its CSV;
who may see and do what; query counts that do not grow with the data."""

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from goodwill.choices import CompensationStatus
from goodwill.models import CompensationRequest
from tests.factories import CaseFactory, CustomerFactory, TeamFactory
from tests.goodwill.factories import CompensationRequestFactory
from tests.roles import user_in_group

pytestmark = pytest.mark.django_db

QUERY_BUDGET = 20


@pytest.fixture
def case():
    return CaseFactory(customer=CustomerFactory(name="Dana Whitfield", email="dana@mail.example"))


def panel_url(case):
    return reverse("goodwill:case_panel", args=[case.pk])


def test_the_case_page_loads_the_panel_with_htmx(client, case, agent):
    client.force_login(agent)
    page = client.get(reverse("console:case", args=[case.pk])).content.decode()
    assert f'hx-get="{panel_url(case)}"' in page


def test_the_panel_lists_the_cases_requests_with_flags_and_the_form(client, case, agent, manager):
    CompensationRequestFactory(
        case=case,
        requested_by=agent,
        amount="75.00",
        status=CompensationStatus.PENDING,
        decided_at=None,
        needs_approval=True,
        approval_detail="This case would reach 75.00 USD, over the agent limit of 50.00 per case.",
        flags=[{"rule": "same_phone", "detail": "Customer's phone +1 555 010 9876 matches the agent's."}],
    )
    client.force_login(agent)
    body = client.get(panel_url(case), HTTP_HX_REQUEST="true").content.decode()
    assert "75.00 USD" in body and "Waiting for approval" in body
    assert "Same phone</strong>: Customer&#x27;s phone +1 555 010 9876 matches the agent&#x27;s." in body
    assert "over the agent limit of 50.00 per case" in body
    assert 'name="amount"' in body


def test_posting_the_form_with_htmx_grants_and_rerenders_the_panel(client, case, agent, audited):
    client.force_login(agent)
    response = client.post(
        reverse("goodwill:request_create", args=[case.pk]),
        {"kind": "gift", "amount": "15", "currency": "usd", "category": "defect", "reason": "Mug arrived cracked."},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    compensation = CompensationRequest.objects.get()
    assert (compensation.kind, compensation.amount, compensation.currency, compensation.status) == (
        "gift",
        Decimal("15.00"),
        "USD",
        CompensationStatus.GRANTED,
    )
    assert f"Compensation #{compensation.pk} granted." in response.content.decode()


def test_a_bad_form_rerenders_the_panel_with_errors(client, case, agent):
    client.force_login(agent)
    response = client.post(
        reverse("goodwill:request_create", args=[case.pk]),
        {"kind": "voucher", "amount": "0", "currency": "US", "category": "delay", "reason": ""},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 400
    assert not CompensationRequest.objects.exists()
    assert "Select a valid choice" in response.content.decode()


def test_without_htmx_the_form_redirects_to_the_case_page(client, case, agent):
    client.force_login(agent)
    response = client.post(
        reverse("goodwill:request_create", args=[case.pk]),
        {"kind": "refund", "amount": "80", "currency": "USD", "category": "billing_error", "reason": "Charged twice."},
    )
    assert response.status_code == 302 and response.url == reverse("console:case", args=[case.pk])
    assert CompensationRequest.objects.get().status == CompensationStatus.PENDING


def test_a_case_of_another_team_is_404_for_an_agent(client, agent):
    hidden = CaseFactory(team=TeamFactory(name="Billing"))
    client.force_login(agent)
    assert client.get(panel_url(hidden)).status_code == 404
    assert client.post(reverse("goodwill:request_create", args=[hidden.pk]), {}).status_code == 404


def test_agents_cannot_open_approvals_or_the_report(client, agent):
    client.force_login(agent)
    assert client.get(reverse("goodwill:approvals")).status_code == 403
    assert client.get(reverse("goodwill:report")).status_code == 403


def test_the_approval_queue_shows_flag_reasons_and_approving_from_it_works(client, case, agent, manager, audited):
    pending = CompensationRequestFactory(
        case=case,
        requested_by=agent,
        amount="60.00",
        status=CompensationStatus.PENDING,
        decided_at=None,
        needs_approval=True,
        flags=[{"rule": "declared_relationship", "detail": "The agent declared a relationship: Family."}],
    )
    client.force_login(manager)
    page = client.get(reverse("goodwill:approvals")).content.decode()
    assert "Declared relationship</strong>: The agent declared a relationship: Family." in page

    response = client.post(
        reverse("goodwill:request_approve", args=[pending.pk]), {"note": "Fine, verified.", "next": "approvals"}
    )
    assert response.status_code == 303 and response.url == reverse("goodwill:approvals")
    pending.refresh_from_db()
    assert (pending.status, pending.decided_by) == (CompensationStatus.APPROVED, manager)


def test_a_manager_sees_no_decision_form_on_their_own_request(client, case, manager):
    own = CompensationRequestFactory(
        case=case, requested_by=manager, status=CompensationStatus.PENDING, decided_at=None, needs_approval=True
    )
    client.force_login(manager)
    page = client.get(reverse("goodwill:request_detail", args=[own.pk])).content.decode()
    assert "another manager decides" in page
    response = client.post(reverse("goodwill:request_approve", args=[own.pk]), {"note": ""})
    assert response.status_code == 303
    own.refresh_from_db()
    assert own.status == CompensationStatus.PENDING


def test_an_agent_cannot_approve_through_the_page(client, case, agent, other_agent):
    pending = CompensationRequestFactory(
        case=case, requested_by=agent, status=CompensationStatus.PENDING, decided_at=None, needs_approval=True
    )
    client.force_login(other_agent)
    assert client.post(reverse("goodwill:request_approve", args=[pending.pk])).status_code == 403


def _world(size: int, manager):
    """`size` customers, each with a granted, a pending and an approved request by one of two agents."""
    agents = [user_in_group("Agents", username=f"agent-{size}-{n}") for n in range(2)]
    for index in range(size):
        case = CaseFactory(customer=CustomerFactory(name=f"Customer {index}"))
        agent = agents[index % 2]
        CompensationRequestFactory(case=case, requested_by=agent, amount="20.00")
        CompensationRequestFactory(
            case=case, requested_by=agent, status=CompensationStatus.PENDING, decided_at=None, needs_approval=True
        )
        CompensationRequestFactory(
            case=case, requested_by=agent, status=CompensationStatus.APPROVED, decided_by=manager, amount="60.00"
        )
    return case


@pytest.mark.parametrize("size", [2, 12])
def test_page_query_counts_do_not_grow_with_the_data(client, manager, size, django_assert_max_num_queries):
    last_case = _world(size, manager)
    client.force_login(manager)
    for url in (
        reverse("goodwill:approvals"),
        reverse("goodwill:report"),
        reverse("goodwill:report") + "?export=csv",
        panel_url(last_case),
        reverse("goodwill:request_detail", args=[CompensationRequest.objects.first().pk]),
    ):
        with django_assert_max_num_queries(QUERY_BUDGET):
            assert client.get(url).status_code == 200, url


def test_the_report_counts_sums_flags_and_approvers_per_agent_customer_and_month(client, manager, agent, audited):
    dana = CustomerFactory(name="Dana Whitfield")
    owen = CustomerFactory(name="Owen Price")
    november = dt.datetime(2026, 11, 14, 10, tzinfo=dt.UTC)
    october = dt.datetime(2026, 10, 3, 10, tzinfo=dt.UTC)
    dana_case = CaseFactory(customer=dana)
    CompensationRequestFactory(case=dana_case, requested_by=agent, amount="20.00", created_at=november)
    CompensationRequestFactory(
        case=dana_case,
        requested_by=agent,
        amount="70.00",
        status=CompensationStatus.APPROVED,
        decided_by=manager,
        needs_approval=True,
        flags=[{"rule": "same_surname", "detail": "Customer's name shares the agent's surname."}],
        created_at=november,
    )
    CompensationRequestFactory(case=dana_case, requested_by=agent, amount="15.00", currency="EUR", created_at=november)
    CompensationRequestFactory(
        case=dana_case,
        requested_by=agent,
        amount="99.00",
        status=CompensationStatus.REJECTED,
        decided_by=manager,
        needs_approval=True,
        created_at=november,
    )
    CompensationRequestFactory(case=CaseFactory(customer=owen), requested_by=agent, amount="10.00", created_at=october)
    client.force_login(manager)

    response = client.get(reverse("goodwill:report"), {"month_from": "2026-10", "month_to": "2026-11", "export": "csv"})

    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [(row["month"], row["customer"]) for row in rows] == [
        ("2026-10", "Owen Price"),
        ("2026-11", "Dana Whitfield"),
    ]
    november_row = rows[1]
    assert november_row["agent"] == "Rosa Díaz"
    assert (november_row["requests"], november_row["given"], november_row["given_sums"]) == (
        "4",
        "3",
        "15.00 EUR; 90.00 USD",
    )
    assert (november_row["needed_approval"], november_row["approved"], november_row["rejected"]) == ("2", "1", "1")
    assert (november_row["flagged"], november_row["approved_by"]) == ("1", "Amara Okafor")
    assert response["Content-Disposition"] == 'attachment; filename="compensation-2026-10-2026-11.csv"'
    assert audited[-1][0] == "compensation.report_exported" and audited[-1][3]["rows"] == 2


def test_the_report_filters_by_agent_and_refuses_a_reversed_range(client, manager, agent, other_agent):
    november = dt.datetime(2026, 11, 14, 10, tzinfo=dt.UTC)
    CompensationRequestFactory(requested_by=agent, created_at=november)
    CompensationRequestFactory(requested_by=other_agent, created_at=november)
    client.force_login(manager)
    page = client.get(
        reverse("goodwill:report"), {"month_from": "2026-11", "month_to": "2026-11", "agent": agent.pk}
    ).content.decode()
    assert "Rosa Díaz" in page and "Kenji Mori</td>" not in page
    reversed_range = client.get(reverse("goodwill:report"), {"month_from": "2026-12", "month_to": "2026-11"})
    assert reversed_range.status_code == 400


def test_a_customer_name_cannot_become_a_spreadsheet_formula(client, manager, agent):
    customer = CustomerFactory(name='=HYPERLINK("http://evil.example")')
    CompensationRequestFactory(case=CaseFactory(customer=customer), requested_by=agent)
    client.force_login(manager)
    month = timezone.now().strftime("%Y-%m")
    response = client.get(reverse("goodwill:report"), {"month_from": month, "month_to": month, "export": "csv"})
    (row,) = csv.DictReader(io.StringIO(response.content.decode()))
    assert row["customer"].startswith("'=")
