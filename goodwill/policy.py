"""Whether a compensation request needs a manager's approval, and why. Pure: no database.

The caller (goodwill.services) passes what was already given (approved or
granted, in the request's currency) on this case and to this customer this
calendar month, and whether the requester is a manager (holds
goodwill.approve_compensation). Rules:
- an agent's request passes while the case total and the customer's month
  total, this request included, stay within agent_case_limit and
  agent_customer_month_limit;
- a manager's own request is held against manager_self_limit for both sums,
  and above it needs another manager (four eyes holds it: the approver is
  never the requester);
- limits are in the policy's currency; another currency always needs approval;
- a flagged request needs approval whatever its amount (goodwill.collusion).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from goodwill.choices import ApprovalReason


@dataclass(frozen=True)
class Limits:
    currency: str
    agent_case_limit: Decimal
    agent_customer_month_limit: Decimal
    manager_self_limit: Decimal


@dataclass(frozen=True)
class Need:
    """The reasons, most telling first; no reasons means the request is granted at once."""

    reasons: tuple[tuple[ApprovalReason, str], ...]

    @property
    def needed(self) -> bool:
        return bool(self.reasons)

    @property
    def reason(self) -> str:
        return self.reasons[0][0].value if self.reasons else ""

    @property
    def detail(self) -> str:
        return " ".join(text for _, text in self.reasons)


def single_request_limit(*, limits: Limits, requester_is_manager: bool) -> Decimal:
    """The amount one request may reach without approval: what 'just under the threshold' is measured against."""
    return limits.manager_self_limit if requester_is_manager else limits.agent_case_limit


def approval_need(
    *,
    amount: Decimal,
    currency: str,
    given_on_case: Decimal,
    given_to_customer_this_month: Decimal,
    requester_is_manager: bool,
    limits: Limits,
    flagged: bool = False,
) -> Need:
    reasons: list[tuple[ApprovalReason, str]] = []
    if currency != limits.currency:
        reasons.append(
            (ApprovalReason.OTHER_CURRENCY, f"Limits are set in {limits.currency}; this request is in {currency}.")
        )
    else:
        case_total = given_on_case + amount
        month_total = given_to_customer_this_month + amount
        if requester_is_manager:
            limit = limits.manager_self_limit
            if case_total > limit or month_total > limit:
                reasons.append(
                    (
                        ApprovalReason.MANAGER_OVER_SELF_LIMIT,
                        f"A manager's own grants stop at {limit} {currency} per case and per customer a month "
                        f"(this case would reach {case_total}, this customer's month {month_total}): "
                        "another manager approves.",
                    )
                )
        else:
            if case_total > limits.agent_case_limit:
                reasons.append(
                    (
                        ApprovalReason.OVER_CASE_LIMIT,
                        f"This case would reach {case_total} {currency}, over the agent limit of "
                        f"{limits.agent_case_limit} per case.",
                    )
                )
            if month_total > limits.agent_customer_month_limit:
                reasons.append(
                    (
                        ApprovalReason.OVER_MONTH_LIMIT,
                        f"This customer would receive {month_total} {currency} this month, over the agent limit of "
                        f"{limits.agent_customer_month_limit}.",
                    )
                )
    if flagged:
        reasons.append((ApprovalReason.FLAGGED, "A collusion check flagged it: see the flags."))
    return Need(reasons=tuple(reasons))
