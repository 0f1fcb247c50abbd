"""goodwill.policy: when a request needs approval, and why (pure)."""

from decimal import Decimal

from goodwill.choices import ApprovalReason
from goodwill.policy import Limits, approval_need, single_request_limit

LIMITS = Limits(
    currency="USD",
    agent_case_limit=Decimal("50"),
    agent_customer_month_limit=Decimal("100"),
    manager_self_limit=Decimal("500"),
)


def need(amount, *, case="0", month="0", manager=False, currency="USD", flagged=False):
    return approval_need(
        amount=Decimal(amount),
        currency=currency,
        given_on_case=Decimal(case),
        given_to_customer_this_month=Decimal(month),
        requester_is_manager=manager,
        limits=LIMITS,
        flagged=flagged,
    )


def test_an_agent_request_up_to_the_case_limit_needs_no_approval():
    assert not need("50.00").needed


def test_an_agent_request_one_cent_over_the_case_limit_needs_approval():
    result = need("50.01")
    assert result.needed and result.reason == ApprovalReason.OVER_CASE_LIMIT
    assert "50.01 USD, over the agent limit of 50 per case" in result.detail


def test_what_was_already_given_on_the_case_counts_towards_the_case_limit():
    assert need("20", case="30", month="30").reason == ""
    assert need("20.01", case="30", month="30").reason == ApprovalReason.OVER_CASE_LIMIT


def test_the_customer_month_total_over_its_limit_needs_approval_even_on_a_fresh_case():
    result = need("30", month="80")
    assert result.reasons[0][0] == ApprovalReason.OVER_MONTH_LIMIT
    assert "receive 110 USD this month" in result.detail


def test_both_agent_limits_passed_give_both_reasons_case_first():
    assert [code for code, _ in need("60", month="60").reasons] == [
        ApprovalReason.OVER_CASE_LIMIT,
        ApprovalReason.OVER_MONTH_LIMIT,
    ]


def test_a_manager_grants_above_the_agent_limits_up_to_the_manager_limit():
    assert not need("400", month="100", manager=True).needed


def test_a_manager_request_over_the_manager_limit_needs_another_manager():
    result = need("450", case="100", manager=True)
    assert result.reason == ApprovalReason.MANAGER_OVER_SELF_LIMIT
    assert "another manager approves" in result.detail


def test_a_request_in_another_currency_always_needs_approval():
    assert need("5", currency="EUR").reason == ApprovalReason.OTHER_CURRENCY


def test_a_flag_needs_approval_whatever_the_amount():
    result = need("1", flagged=True)
    assert result.needed and result.reason == ApprovalReason.FLAGGED


def test_the_single_request_limit_is_the_case_limit_for_agents_and_the_manager_limit_for_managers():
    assert single_request_limit(limits=LIMITS, requester_is_manager=False) == Decimal("50")
    assert single_request_limit(limits=LIMITS, requester_is_manager=True) == Decimal("500")
