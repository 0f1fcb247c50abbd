"""Writes of goodwill compensation: request, approve, reject, and flag praise after a grant.

Every step is audited (audit.services.audit_record, actions
"compensation.requested", "compensation.granted", "compensation.approved",
"compensation.rejected", "compensation.flagged"). Rules live in
goodwill.policy (limits) and goodwill.collusion (flags); this module reads
their inputs, applies them under a lock and records the outcome.

Invariants:
- a request within the limits and unflagged is granted at once; any limit
  passed or any flag makes it pending: flags never refuse and never pass
  silently;
- requests for one customer are decided one at a time: the customer's row is
  locked (select_for_update) before the sums are read, so two requests at
  once cannot both fit under the monthly limit;
- the approver holds goodwill.approve_compensation and is never the
  requester (also a CHECK in the database); a request is decided once.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from audit import services as audit_services
from cases.choices import NotificationKind
from cases.models import Customer, Notification
from goodwill import collusion, policy, selectors
from goodwill.choices import (
    GIVEN_STATUSES,
    CollusionRule,
    CompensationCategory,
    CompensationKind,
    CompensationStatus,
)
from goodwill.models import CompensationRequest, GoodwillPolicy

APPROVE_PERM = "goodwill.approve_compensation"
# A grant whose praise window closed since the last hourly run still gets its last look.
PRAISE_SCAN_SLACK = dt.timedelta(days=1)


class CompensationRefused(ValueError):
    """The request or decision is not allowed; the message is for people."""


def _limits(settings: GoodwillPolicy) -> policy.Limits:
    return policy.Limits(
        currency=settings.currency,
        agent_case_limit=settings.agent_case_limit,
        agent_customer_month_limit=settings.agent_customer_month_limit,
        manager_self_limit=settings.manager_self_limit,
    )


def _audit(action: str, *, actor, compensation: CompensationRequest, request=None, **detail) -> None:
    audit_services.audit_record(
        action=action,
        actor=actor,
        target=compensation,
        detail={
            "case": compensation.case_id,
            "customer": compensation.customer_id,
            "kind": compensation.kind,
            "amount": str(compensation.amount),
            "currency": compensation.currency,
            "status": compensation.status,
            **detail,
        },
        request=request,
    )


def _check_input(*, kind: str, amount, currency: str, reason: str, category: str) -> tuple[Decimal, str]:
    if kind not in CompensationKind.values:
        raise CompensationRefused(f"Unknown kind of compensation: {kind!r}.")
    if category not in CompensationCategory.values:
        raise CompensationRefused(f"Unknown category: {category!r}.")
    try:
        amount = Decimal(amount)
    except (InvalidOperation, TypeError, ValueError):
        raise CompensationRefused("The amount must be a number.") from None
    if not amount.is_finite() or amount <= 0 or amount != amount.quantize(Decimal("0.01")):
        raise CompensationRefused("The amount must be positive, with at most two decimals.")
    currency = (currency or "").strip().upper()
    if len(currency) != 3 or not currency.isascii() or not currency.isalpha():
        raise CompensationRefused("The currency must be a three-letter code such as USD.")
    if not (reason or "").strip():
        raise CompensationRefused("Say why the customer is compensated.")
    return amount, currency


def collusion_flags(
    *, customer: Customer, requester, amount: Decimal, currency: str, settings: GoodwillPolicy, now: dt.datetime
) -> list[collusion.Flag]:
    """Every collusion rule on a new request. A constant number of queries."""
    is_manager = requester.has_perm(APPROVE_PERM)
    flags = collusion.declared_relationship_flags(selectors.declared_relationships(agent=requester, customer=customer))
    flags += collusion.contact_match_flags(
        agent=selectors.agent_party(requester), customer=selectors.customer_party(customer)
    )
    times, amounts = selectors.requester_history(
        requester=requester,
        customer=customer,
        currency=currency,
        now=now,
        repeat_days=settings.repeat_grants_days,
        near_days=settings.near_threshold_days,
    )
    flags += collusion.repeated_grants_flags(
        earlier_request_times=times, now=now, count=settings.repeat_grants_count, days=settings.repeat_grants_days
    )
    if currency == settings.currency:
        flags += collusion.near_threshold_flags(
            amount=amount,
            earlier_amounts=amounts,
            limit=policy.single_request_limit(limits=_limits(settings), requester_is_manager=is_manager),
            ratio=settings.near_threshold_ratio,
            count=settings.near_threshold_count,
            days=settings.near_threshold_days,
            currency=currency,
        )
    flags += _earlier_praise_flags(customer=customer, requester=requester, settings=settings, now=now)
    return flags


def _earlier_praise_flags(*, customer, requester, settings: GoodwillPolicy, now: dt.datetime) -> list[collusion.Flag]:
    """Praise naming the requester after one of their recent grants to this customer (two queries)."""
    window = dt.timedelta(days=settings.praise_window_days)
    grants = sorted(
        CompensationRequest.objects.filter(
            requested_by=requester, customer=customer, status__in=GIVEN_STATUSES, decided_at__gte=now - window
        ).values_list("decided_at", flat=True)
    )
    if not grants:
        return []
    posts = selectors.praise_posts(customer_id=customer.pk, since=grants[0], until=now)
    names = selectors.agent_names_of(requester)
    for granted_at in grants:
        flags = collusion.praise_after_grant_flags(
            granted_at=granted_at, posts=posts, names=names, window_days=settings.praise_window_days
        )
        if flags:
            return flags
    return []


def compensation_request(
    *, case, requester, kind: str, amount, currency: str, reason: str, category: str, request=None
) -> CompensationRequest:
    """Record a request on `case`: granted at once when within the requester's limits and unflagged,
    else pending with the reasons. Raises CompensationRefused for bad input or a missing permission."""
    if not requester.has_perm("goodwill.add_compensationrequest"):
        raise CompensationRefused("You may not request compensation.")
    amount, currency = _check_input(kind=kind, amount=amount, currency=currency, reason=reason, category=category)
    with transaction.atomic():
        # Lock order: the customer, then nothing else; every writer of a customer's requests takes it.
        customer = Customer.objects.select_for_update().get(pk=case.customer_id)
        settings = GoodwillPolicy.load()
        now = timezone.now()
        given_case, given_month = selectors.given_sums(
            case_id=case.pk, customer_id=customer.pk, currency=currency, now=now
        )
        flags = collusion_flags(
            customer=customer, requester=requester, amount=amount, currency=currency, settings=settings, now=now
        )
        need = policy.approval_need(
            amount=amount,
            currency=currency,
            given_on_case=given_case,
            given_to_customer_this_month=given_month,
            requester_is_manager=requester.has_perm(APPROVE_PERM),
            limits=_limits(settings),
            flagged=bool(flags),
        )
        compensation = CompensationRequest.objects.create(
            case=case,
            customer=customer,
            requested_by=requester,
            kind=kind,
            amount=amount,
            currency=currency,
            reason=reason.strip(),
            category=category,
            status=CompensationStatus.PENDING if need.needed else CompensationStatus.GRANTED,
            needs_approval=need.needed,
            approval_reason=need.reason,
            approval_detail=need.detail,
            flags=[flag.as_dict() for flag in flags],
            decided_at=None if need.needed else now,
        )
        _audit(
            "compensation.requested",
            actor=requester,
            compensation=compensation,
            request=request,
            reason=compensation.reason,
            category=category,
            approval_reason=need.reason,
            flags=compensation.flags,
        )
        if not need.needed:
            _audit("compensation.granted", actor=requester, compensation=compensation, request=request)
    return compensation


def _decide(*, compensation, approver, approve: bool, note: str, request=None) -> CompensationRequest:
    if not approver.has_perm(APPROVE_PERM):
        raise CompensationRefused("Only a manager may approve or reject compensation.")
    with transaction.atomic():
        locked = CompensationRequest.objects.select_for_update().get(pk=compensation.pk)
        if locked.requested_by_id == approver.pk:
            raise CompensationRefused("Four eyes: someone other than the requester must decide.")
        if locked.status != CompensationStatus.PENDING:
            raise CompensationRefused(f"This request was already decided: {locked.get_status_display().lower()}.")
        locked.status = CompensationStatus.APPROVED if approve else CompensationStatus.REJECTED
        locked.decided_by = approver
        locked.decided_at = timezone.now()
        locked.decision_note = (note or "").strip()
        locked.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
        _audit(
            "compensation.approved" if approve else "compensation.rejected",
            actor=approver,
            compensation=locked,
            request=request,
            note=locked.decision_note,
            requested_by=locked.requested_by_id,
        )
    return locked


def compensation_approve(*, compensation, approver, note: str = "", request=None) -> CompensationRequest:
    """Approve a pending request (four eyes; approver holds goodwill.approve_compensation)."""
    return _decide(compensation=compensation, approver=approver, approve=True, note=note, request=request)


def compensation_reject(*, compensation, approver, note: str, request=None) -> CompensationRequest:
    """Reject a pending request; the note, the reason the requester reads, is required."""
    if not (note or "").strip():
        raise CompensationRefused("Say why the request is rejected.")
    return _decide(compensation=compensation, approver=approver, approve=False, note=note, request=request)


def approvers_to_notify(*, exclude_user_id: int | None):
    perm = Permission.objects.filter(codename="approve_compensation", content_type__app_label="goodwill").first()
    users = get_user_model()._default_manager.filter(is_active=True)
    who = Q(is_superuser=True)
    if perm is not None:
        who |= Q(groups__permissions=perm) | Q(user_permissions=perm)
    return users.filter(who).exclude(pk=exclude_user_id).distinct()


def compensations_check_praise(*, now: dt.datetime | None = None) -> int:
    """Flag given requests whose customer praised the requester by name within the praise window after
    the grant: the request is marked for review, managers are notified, the flag audited. Returns how
    many were flagged. Safe to run twice: a request is flagged for praise once."""
    now = now or timezone.now()
    settings = GoodwillPolicy.load()
    window = dt.timedelta(days=settings.praise_window_days)
    candidates = [
        compensation
        for compensation in CompensationRequest.objects.filter(
            status__in=GIVEN_STATUSES, decided_at__gte=now - window - PRAISE_SCAN_SLACK
        ).select_related("requested_by")
        if not _has_praise_flag(compensation)
    ]
    if not candidates:
        return 0
    posts_by_customer: dict[int, list[collusion.Post]] = {}
    since = min(compensation.decided_at for compensation in candidates)
    for customer_id, post in selectors.praise_posts_of_customers(
        customer_ids={compensation.customer_id for compensation in candidates}, since=since, until=now
    ):
        posts_by_customer.setdefault(customer_id, []).append(post)
    flagged = 0
    for compensation in candidates:
        flags = collusion.praise_after_grant_flags(
            granted_at=compensation.decided_at,
            posts=posts_by_customer.get(compensation.customer_id, []),
            names=selectors.agent_names_of(compensation.requested_by),
            window_days=settings.praise_window_days,
        )
        if flags and _flag_for_review(compensation_id=compensation.pk, flag=flags[0]):
            flagged += 1
    return flagged


def _has_praise_flag(compensation: CompensationRequest) -> bool:
    return any(flag.get("rule") == CollusionRule.PRAISE_AFTER_GRANT for flag in compensation.flags)


def _flag_for_review(*, compensation_id: int, flag: collusion.Flag) -> bool:
    with transaction.atomic():
        compensation = CompensationRequest.objects.select_for_update().get(pk=compensation_id)
        if _has_praise_flag(compensation):
            return False
        compensation.flags = [*compensation.flags, flag.as_dict()]
        compensation.review_required = True
        compensation.save(update_fields=["flags", "review_required"])
        link = reverse("goodwill:request_detail", args=[compensation.pk])
        message = f"Review compensation #{compensation.pk} on SC-{compensation.case_id}: {flag.detail}"[:300]
        Notification.objects.bulk_create(
            [
                Notification(
                    recipient=user,
                    case_id=compensation.case_id,
                    kind=NotificationKind.ESCALATION,
                    message=message,
                    link=link,
                    dedupe_key=f"goodwill:praise:{compensation.pk}",
                )
                for user in approvers_to_notify(exclude_user_id=compensation.requested_by_id)
            ],
            ignore_conflicts=True,
        )
        _audit("compensation.flagged", actor=None, compensation=compensation, rule=flag.rule, flag=flag.detail)
    return True
