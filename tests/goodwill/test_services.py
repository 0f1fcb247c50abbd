"""goodwill.services: limits, four eyes, each collusion rule through a real request, the audit trail,
the praise check task, and two requests at once under the monthly limit."""

import datetime as dt
import threading
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, connections
from django.utils import timezone

from cases.choices import Intent, NotificationKind, SentimentLabel
from cases.models import Notification
from channels_app.choices import Direction
from goodwill.choices import ApprovalReason, CollusionRule, CompensationStatus
from goodwill.models import CompensationRequest
from goodwill.services import (
    CompensationRefused,
    compensation_approve,
    compensation_reject,
    compensation_request,
)
from goodwill.tasks import check_praise_task
from tests.factories import CaseFactory, CustomerFactory, SocialPostFactory, SocialProfileFactory
from tests.goodwill.factories import (
    CompensationRequestFactory,
    CustomerContactDetailFactory,
    DeclaredRelationshipFactory,
    EmployeeContactFactory,
    days_ago,
    policy,
)

pytestmark = pytest.mark.django_db


def ask(case, requester, amount, **fields):
    values = dict(kind="credit", currency="USD", reason="Order arrived a week late.", category="delay")
    values.update(fields)
    return compensation_request(case=case, requester=requester, amount=Decimal(amount), **values)


@pytest.fixture
def case():
    customer = CustomerFactory(name="Dana Whitfield", email="dana.whitfield@mail.example", phone="+1 555 010 9876")
    return CaseFactory(customer=customer, subject="Order #4411 arrived a week late")


# -- limits -------------------------------------------------------------------------------------------


def test_a_request_within_the_agent_limits_is_granted_at_once(case, agent, audited):
    compensation = ask(case, agent, "25.00")
    assert (compensation.status, compensation.needs_approval, compensation.flags) == (
        CompensationStatus.GRANTED,
        False,
        [],
    )
    assert compensation.decided_at is not None and compensation.decided_by is None
    assert [action for action, *_ in audited] == ["compensation.requested", "compensation.granted"]
    assert audited[0][1] == agent and audited[0][2] == compensation
    assert audited[0][3]["amount"] == "25.00"


def test_a_second_request_passing_the_case_limit_waits_for_approval(case, agent, audited):
    ask(case, agent, "30.00")
    second = ask(case, agent, "25.00")
    assert (second.status, second.approval_reason) == (CompensationStatus.PENDING, ApprovalReason.OVER_CASE_LIMIT)
    assert "This case would reach 55.00 USD" in second.approval_detail
    assert audited[-1][0] == "compensation.requested"


def test_the_month_limit_adds_up_every_agents_grants_to_the_customer(case, agent, other_agent):
    policy(agent_case_limit=Decimal("80.00"))
    CompensationRequestFactory(customer=case.customer, case=CaseFactory(customer=case.customer), amount="70.00")
    compensation = ask(case, other_agent, "40.00")
    assert compensation.approval_reason == ApprovalReason.OVER_MONTH_LIMIT


def test_grants_of_last_month_and_rejected_requests_do_not_count(case, agent, manager):
    last_month = timezone.now().replace(day=1) - dt.timedelta(days=2)
    CompensationRequestFactory(customer=case.customer, amount="90.00", created_at=last_month)
    CompensationRequestFactory(
        case=case, amount="45.00", status=CompensationStatus.REJECTED, decided_by=manager, decided_at=timezone.now()
    )
    assert ask(case, agent, "45.00").status == CompensationStatus.GRANTED


def test_a_manager_grants_above_the_agent_limit_but_not_above_the_manager_limit(case, manager):
    assert ask(case, manager, "300.00").status == CompensationStatus.GRANTED
    over = ask(case, manager, "250.00")
    assert (over.status, over.approval_reason) == (
        CompensationStatus.PENDING,
        ApprovalReason.MANAGER_OVER_SELF_LIMIT,
    )


def test_another_currency_waits_for_approval(case, agent):
    assert ask(case, agent, "5.00", currency="eur").approval_reason == ApprovalReason.OTHER_CURRENCY


def test_bad_input_and_missing_permission_are_refused(case, agent, manager):
    from tests.factories import UserFactory

    with pytest.raises(CompensationRefused, match="positive"):
        ask(case, agent, "-5")
    with pytest.raises(CompensationRefused, match="why"):
        ask(case, agent, "5", reason="   ")
    with pytest.raises(CompensationRefused, match="may not request"):
        ask(case, UserFactory(username="visitor"), "5")


# -- four eyes ----------------------------------------------------------------------------------------


def test_a_manager_approves_another_agents_request(case, agent, manager, audited):
    pending = ask(case, agent, "75.00")
    approved = compensation_approve(compensation=pending, approver=manager, note="Long-standing customer.")
    assert (approved.status, approved.decided_by, approved.decision_note) == (
        CompensationStatus.APPROVED,
        manager,
        "Long-standing customer.",
    )
    assert audited[-1][:3] == ("compensation.approved", manager, approved)


def test_a_manager_cannot_approve_their_own_request(case, manager, other_manager):
    pending = ask(case, manager, "600.00")
    with pytest.raises(CompensationRefused, match="Four eyes"):
        compensation_approve(compensation=pending, approver=manager)
    assert compensation_approve(compensation=pending, approver=other_manager).status == CompensationStatus.APPROVED


def test_an_agent_cannot_approve(case, agent, other_agent):
    pending = ask(case, agent, "75.00")
    with pytest.raises(CompensationRefused, match="Only a manager"):
        compensation_approve(compensation=pending, approver=other_agent)
    pending.refresh_from_db()
    assert pending.status == CompensationStatus.PENDING


def test_the_database_refuses_a_decider_who_is_the_requester(case, manager):
    with pytest.raises(IntegrityError):
        CompensationRequestFactory(
            case=case, requested_by=manager, decided_by=manager, status=CompensationStatus.APPROVED
        )


def test_a_decided_request_is_not_decided_again(case, agent, manager, other_manager):
    pending = ask(case, agent, "75.00")
    compensation_reject(compensation=pending, approver=manager, note="Already refunded by billing.")
    with pytest.raises(CompensationRefused, match="already decided"):
        compensation_approve(compensation=pending, approver=other_manager)


def test_rejecting_needs_a_note_and_is_audited(case, agent, manager, audited):
    pending = ask(case, agent, "75.00")
    with pytest.raises(CompensationRefused, match="why"):
        compensation_reject(compensation=pending, approver=manager, note=" ")
    rejected = compensation_reject(compensation=pending, approver=manager, note="Covered by the warranty.")
    assert rejected.status == CompensationStatus.REJECTED
    assert audited[-1][0] == "compensation.rejected" and audited[-1][3]["note"] == "Covered by the warranty."


# -- collusion through real requests --------------------------------------------------------------------


def flagged_rules(compensation):
    return [flag["rule"] for flag in compensation.flags]


def test_a_declared_relationship_routes_a_small_request_to_approval(case, agent):
    DeclaredRelationshipFactory(agent=agent, customer=case.customer, kind="friend", note="school friend")
    compensation = ask(case, agent, "5.00")
    assert compensation.status == CompensationStatus.PENDING
    assert compensation.approval_reason == ApprovalReason.FLAGGED
    assert flagged_rules(compensation) == [CollusionRule.DECLARED_RELATIONSHIP]
    assert "Friend (school friend)" in compensation.flags[0]["detail"]


def test_another_agents_relationship_does_not_flag(case, agent, other_agent):
    DeclaredRelationshipFactory(agent=other_agent, customer=case.customer)
    assert ask(case, agent, "5.00").flags == []


def test_the_agents_declared_phone_and_address_matching_the_customers_are_flagged(case, agent):
    EmployeeContactFactory(user=agent, phone="(555) 010-9876", address="22 Elm Road, Leeds LS6 2AB")
    CustomerContactDetailFactory(customer=case.customer, address="22 elm road leeds LS6 2AB")
    compensation = ask(case, agent, "5.00")
    assert flagged_rules(compensation) == [CollusionRule.SAME_PHONE, CollusionRule.SAME_ADDRESS]
    assert compensation.flags[0]["detail"] == "Customer's phone +1 555 010 9876 matches the agent's."


def test_a_customer_sharing_the_agents_surname_is_flagged(agent):
    case = CaseFactory(customer=CustomerFactory(name="Lucía Diaz", email="lucia@mail.example"))
    assert flagged_rules(ask(case, agent, "5.00")) == [CollusionRule.SAME_SURNAME]


def test_the_third_request_for_the_same_customer_is_flagged(case, agent):
    CompensationRequestFactory(case=case, requested_by=agent, amount="5.00", created_at=days_ago(60))
    assert ask(case, agent, "5.00").flags == []
    third = ask(case, agent, "5.00")
    assert flagged_rules(third) == [CollusionRule.REPEATED_GRANTS]


def test_amounts_just_under_the_limit_again_and_again_are_flagged(agent):
    CompensationRequestFactory(requested_by=agent, amount="48.00", created_at=days_ago(20))
    CompensationRequestFactory(requested_by=agent, amount="49.50", created_at=days_ago(3))
    other_customer_case = CaseFactory(customer=CustomerFactory(name="Owen Price"))
    compensation = ask(other_customer_case, agent, "47.00")
    assert flagged_rules(compensation) == [CollusionRule.NEAR_THRESHOLD]
    assert compensation.status == CompensationStatus.PENDING


def test_earlier_just_under_amounts_outside_the_window_are_not_flagged(agent):
    CompensationRequestFactory(requested_by=agent, amount="48.00", created_at=days_ago(40))
    CompensationRequestFactory(requested_by=agent, amount="49.50", created_at=days_ago(3))
    assert ask(CaseFactory(customer=CustomerFactory(name="Owen Price")), agent, "47.00").flags == []


def praise_post(customer, days_after, text, grant_at, **fields):
    profile = SocialProfileFactory(customer=customer, handle="dana_w")
    values = dict(intent=Intent.PRAISE, sentiment_label=SentimentLabel.POSITIVE, direction=Direction.INBOUND)
    values.update(fields)
    return SocialPostFactory(author=profile, text=text, posted_at=grant_at + dt.timedelta(days=days_after), **values)


def test_a_new_request_after_praise_of_the_agent_following_their_grant_is_flagged(case, agent):
    grant = CompensationRequestFactory(case=case, requested_by=agent, decided_at=days_ago(4))
    praise_post(case.customer, 1, "Rosa from @AcmeSupport is a star, sorted my refund in minutes", grant.decided_at)
    assert CollusionRule.PRAISE_AFTER_GRANT in flagged_rules(ask(case, agent, "5.00"))


def test_the_praise_task_flags_a_grant_for_review_and_notifies_managers_once(case, agent, manager, audited):
    grant = ask(case, agent, "20.00")
    CompensationRequest.objects.filter(pk=grant.pk).update(decided_at=days_ago(3))
    grant.refresh_from_db()
    praise_post(case.customer, 2, "Shoutout to Rosa Díaz for the goodwill credit, you made my week!", grant.decided_at)

    assert check_praise_task() == 1
    assert check_praise_task() == 0  # idempotent

    grant.refresh_from_db()
    assert grant.review_required and flagged_rules(grant) == [CollusionRule.PRAISE_AFTER_GRANT]
    assert grant.status == CompensationStatus.GRANTED
    notification = Notification.objects.get(recipient=manager)
    assert notification.kind == NotificationKind.ESCALATION
    assert notification.link == f"/goodwill/requests/{grant.pk}/"
    assert not Notification.objects.filter(recipient=agent).exists()
    assert [action for action, *_ in audited].count("compensation.flagged") == 1


def test_the_praise_task_ignores_praise_of_someone_else_late_praise_and_outbound_posts(case, agent, other_agent):
    grant = CompensationRequestFactory(case=case, requested_by=agent, decided_at=days_ago(7.5))
    praise_post(case.customer, 1, "Kenji Mori at @AcmeSupport rocks", grant.decided_at)
    praise_post(case.customer, 7.2, "Rosa Díaz, thank you so much!", grant.decided_at)
    praise_post(case.customer, 1, "Rosa here, glad we could help!", grant.decided_at, direction=Direction.OUTBOUND)
    assert check_praise_task() == 0


# -- concurrency --------------------------------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_requests_at_once_cannot_both_slip_under_the_month_limit(role_groups, agent, other_agent):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises writers, so nothing runs concurrently")
    policy()  # 50 per case, 100 per customer a month
    customer = CustomerFactory(name="Dana Whitfield")
    CompensationRequestFactory(customer=customer, case=CaseFactory(customer=customer), amount="40.00")
    cases = {agent: CaseFactory(customer=customer), other_agent: CaseFactory(customer=customer)}
    barrier = threading.Barrier(2)
    outcomes, errors = [], []

    def request(user):
        try:
            barrier.wait(timeout=10)
            outcomes.append(ask(cases[user], user, "35.00").status)
        except Exception as error:  # surfaced by the assertion below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=request, args=(user,)) for user in (agent, other_agent)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert sorted(outcomes) == [CompensationStatus.GRANTED, CompensationStatus.PENDING]
