"""Writes about a case's state that SLA clocks depend on: status, priority, the customer's tier.

Owns case_change_status(), case_change_priority() and customer_change_tier().
Each records its event on the timeline and re-plans the SLA clocks
(cases.services.sla.sla_refresh), so due times and pauses follow at once:
a pending case's resolution clock pauses, a reopened case's resumes, a
new priority or tier re-evaluates the policy from the original start.
The console and the API (later issues) call these; admin calls them too.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from cases.choices import DONE_STATUSES, OPEN_STATUSES, CaseEventKind, CaseStatus, CustomerTier, Priority
from cases.models import Case, CaseEvent, Customer
from cases.services.sla import sla_refresh


class CaseChangeError(ValueError):
    """A change that cannot be made; the message says why."""


def case_change_status(*, case: Case, status: str, actor=None, reason: str = "", at: dt.datetime | None = None) -> Case:
    """Move a case to `status`, recording a status_change event and re-planning its clocks.

    Resolving sets resolved_at; closing sets closed_at (and resolved_at if
    unset); reopening a done case clears both: its resolution clock resumes
    where it stopped (cases.sla), it does not restart.
    """
    if status not in CaseStatus.values:
        raise CaseChangeError(f"Unknown status {status!r}.")
    at = at or timezone.now()
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        if case.merged_into_id:
            raise CaseChangeError(f"{case.reference} was merged into SC-{case.merged_into_id}; change that case.")
        old = case.status
        if old == status:
            return case
        case.status = status
        if status == CaseStatus.RESOLVED:
            case.resolved_at, case.closed_at = at, None
        elif status == CaseStatus.CLOSED:
            case.resolved_at, case.closed_at = case.resolved_at or at, at
        elif old in DONE_STATUSES and status in OPEN_STATUSES:
            case.resolved_at = case.closed_at = None
        case.save(update_fields=["status", "resolved_at", "closed_at", "updated_at"])
        CaseEvent.objects.create(
            case=case,
            kind=CaseEventKind.STATUS_CHANGE,
            actor=actor,
            occurred_at=at,
            payload={"from": old, "to": status} | ({"reason": reason} if reason else {}),
        )
        sla_refresh(case_ids=[case.pk])
    case.refresh_from_db()
    return case


def case_change_priority(*, case: Case, priority: str, actor=None, reason: str = "") -> Case:
    """Set a case's priority by hand; the SLA policy is evaluated again and due
    times recomputed from the original start (an sla_recomputed event when they change)."""
    if priority not in Priority.values:
        raise CaseChangeError(f"Unknown priority {priority!r}.")
    now = timezone.now()
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        old = case.priority
        if old == priority:
            return case
        case.priority = priority
        case.save(update_fields=["priority", "updated_at"])
        CaseEvent.objects.create(
            case=case,
            kind=CaseEventKind.PRIORITY_CHANGE,
            actor=actor,
            occurred_at=now,
            payload={"from": old, "to": priority, "manual": True} | ({"reason": reason} if reason else {}),
        )
        sla_refresh(case_ids=[case.pk], reason=f"priority changed from {old} to {priority}", actor=actor, now=now)
    case.refresh_from_db()
    return case


def customer_change_tier(*, customer: Customer, tier: str, actor=None) -> Customer:
    """Set a customer's tier; their open cases' SLA policies are evaluated again."""
    if tier not in CustomerTier.values:
        raise CaseChangeError(f"Unknown tier {tier!r}.")
    with transaction.atomic():
        customer = Customer.objects.select_for_update().get(pk=customer.pk)
        old = customer.tier
        if old == tier:
            return customer
        customer.tier = tier
        customer.save(update_fields=["tier", "updated_at"])
        open_cases = list(customer.cases.filter(status__in=OPEN_STATUSES).values_list("pk", flat=True))
        sla_refresh(case_ids=open_cases, reason=f"customer tier changed from {old} to {tier}", actor=actor)
    return customer
