"""Writes about a case's state that SLA clocks depend on: status, priority, the customer's tier.

Owns case_change_status(), case_change_priority(), case_release_priority(),
customer_change_tier(), cases_rescore(), case_log_contact() (a phone call or
an e-mail logged by hand) and case_change_subject().
Each records its event on the timeline and re-plans the SLA clocks
(cases.services.sla.sla_refresh), so due times and pauses follow at once:
a pending case's resolution clock pauses, a reopened case's resumes, a
new priority or tier re-evaluates the policy from the original start.
A new tier first re-scores the customer's open cases (cases.priority, with
the admin's weights), since the tier is one of the score's factors;
cases_rescore() does the same when ingestion sees a customer's reach or
verification change, or a stored post's shares grow past the viral speed.
A priority set by hand holds (Case.priority_hold) until released; one set by
an escalation is a floor (Case.priority_floor): re-scoring moves the label
only above it.
The console and the API (later issues) call these; admin calls them too.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.apps import apps
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from audit.models import AuditAction
from audit.services import audit_record
from cases.choices import DONE_STATUSES, OPEN_STATUSES, CaseEventKind, CaseStatus, CustomerTier, Priority
from cases.models import Case, CaseEvent, Customer
from cases.priority import score_case, share_velocity, strongest_virality
from cases.selectors import case_timelines, priority_weights
from cases.services.sla import sla_refresh
from cases.sla import unanswered_minutes
from cases.webhook_events import emit
from socialcrm.db import bulk_update_columns


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
        event = CaseEvent.objects.create(
            case=case,
            kind=CaseEventKind.STATUS_CHANGE,
            actor=actor,
            occurred_at=at,
            payload={"from": old, "to": status} | ({"reason": reason} if reason else {}),
        )
        sla_refresh(case_ids=[case.pk])
        emit("case_updated", case.pk, changes=["status"], event_key=f"caseevent:{event.pk}")
        audit_record(action=AuditAction.CASE_STATUS_CHANGED, actor=actor, target=case, detail=event.payload)
    case.refresh_from_db()
    return case


def case_change_priority(*, case: Case, priority: str, actor=None, reason: str = "", escalation: bool = False) -> Case:
    """Set a case's priority by hand, or (escalation=True) raise it for an escalation.

    A person's choice holds: later messages re-score the case but keep this
    label until case_release_priority(). An escalation leaves a floor
    instead: the score may still raise the label, never lower it under the
    floor. The SLA policy is evaluated again and due times recomputed from
    the original start (an sla_recomputed event when they change).
    """
    if priority not in Priority.values:
        raise CaseChangeError(f"Unknown priority {priority!r}.")
    now = timezone.now()
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        old = case.priority
        if escalation:
            unchanged = old == priority and case.priority_floor == priority
            case.priority_floor = priority
        else:
            unchanged = old == priority and case.priority_hold == priority
            case.priority_hold = priority
        if unchanged:
            return case
        case.priority = priority
        case.save(update_fields=["priority", "priority_hold", "priority_floor", "updated_at"])
        payload = {"from": old, "to": priority, "manual": not escalation}
        if not escalation:
            payload["held"] = True
        event = CaseEvent.objects.create(
            case=case,
            kind=CaseEventKind.PRIORITY_CHANGE,
            actor=actor,
            occurred_at=now,
            payload=payload | ({"reason": reason} if reason else {}),
        )
        emit("case_updated", case.pk, changes=["priority"], event_key=f"caseevent:{event.pk}")
        if old != priority:
            sla_refresh(case_ids=[case.pk], reason=f"priority changed from {old} to {priority}", actor=actor, now=now)
    case.refresh_from_db()
    return case


def case_release_priority(*, case: Case, actor=None) -> Case:
    """Clear a hand-set priority: the case takes its score's label again (above any escalation floor)."""
    now = timezone.now()
    with transaction.atomic():
        case = Case.objects.select_for_update(of=("self",)).select_related("customer").get(pk=case.pk)
        if not case.priority_hold:
            return case
        held = case.priority_hold
        case.priority_hold = ""
        Case.objects.filter(pk=case.pk).update(priority_hold="")
        event = CaseEvent.objects.create(
            case=case,
            kind=CaseEventKind.PRIORITY_CHANGE,
            actor=actor,
            occurred_at=now,
            payload={"from": held, "to": held, "released": True},
        )
        emit("case_updated", case.pk, changes=["priority"], event_key=f"caseevent:{event.pk}")
        old = case.priority
        _rescore([case], reason="hand-set priority released", now=now)
        if case.priority != old:
            sla_refresh(case_ids=[case.pk], reason=f"priority changed from {old} to {case.priority}", actor=actor)
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
        reason = f"customer tier changed from {old} to {tier}"
        open_cases = list(
            customer.cases.select_for_update(of=("self",))
            .select_related("customer")
            .filter(status__in=OPEN_STATUSES)
            .order_by("pk")
        )
        _rescore(open_cases, reason=reason, now=timezone.now())
        sla_refresh(case_ids=[case.pk for case in open_cases], reason=reason, actor=actor)
    return customer


def cases_rescore(
    *, case_ids: Iterable[int] = (), customer_ids: Iterable[int] = (), reason: str, now: dt.datetime | None = None
) -> list[int]:
    """Re-score these open cases and the open cases of these customers; returns the ids of
    the cases re-scored (those whose label moved get an event and their SLA re-planned). Cases another worker holds are
    skipped: whoever holds them is scoring them already. A constant number of queries."""
    now = now or timezone.now()
    case_ids, customer_ids = sorted(set(case_ids)), sorted(set(customer_ids))
    if not (case_ids or customer_ids):
        return []
    with transaction.atomic():
        cases = list(
            Case.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("customer")
            .filter(Q(pk__in=case_ids) | Q(customer_id__in=customer_ids), status__in=OPEN_STATUSES)
            .filter(merged_into__isnull=True)
            .order_by("pk")
        )
        before = {case.pk: case.priority for case in cases}
        _rescore(cases, reason=reason, now=now)
        moved = [case.pk for case in cases if case.priority != before[case.pk]]
        if moved:
            sla_refresh(case_ids=moved, reason=reason, now=now)
    return [case.pk for case in cases]


def _rescore(cases: list[Case], *, reason: str, now: dt.datetime) -> None:
    """Recompute the priority (score, label, factors) of cases locked by the caller (their
    customers loaded), and record a priority_change event where the label moves. A constant
    number of queries whatever the number of cases: the weights, the customers' verified
    profiles, the posts' counts, the timelines, the update, the events.

    Virality is each case's most shared inbound post: its shares per hour between posting and
    when its count was last observed (SocialPost.counts_observed_at, else ingested_at);
    verified is any verified profile of the customer."""
    if not cases:
        return
    # Looked up by name: profiles and posts belong to channels_app, which builds on this app.
    SocialPost = apps.get_model("channels_app", "SocialPost")
    SocialProfile = apps.get_model("channels_app", "SocialProfile")
    weights = priority_weights()
    verified_customers = set(
        SocialProfile.objects.filter(customer_id__in={case.customer_id for case in cases}, verified=True)
        .values_list("customer_id", flat=True)
        .distinct()
    )
    virality: dict[int, tuple[int, int, float]] = {}
    counts = (
        SocialPost.objects.filter(case__in=cases, direction="inbound")
        .exclude(share_count=0, like_count=0)
        .values_list("case_id", "share_count", "like_count", "posted_at", "ingested_at", "counts_observed_at")
    )
    for case_id, shares, likes, posted_at, ingested_at, observed_at in counts:
        velocity = share_velocity(shares=shares, posted_at=posted_at, observed_at=observed_at or ingested_at)
        virality[case_id] = strongest_virality(virality.get(case_id, (0, 0, 0.0)), shares, likes, velocity)
    events = []
    timelines = case_timelines(case_ids=[case.pk for case in cases])
    for case in cases:
        old_priority = case.priority
        result = score_case(
            case,
            verified=case.customer_id in verified_customers,
            virality=virality.get(case.pk, (0, 0, 0.0)),
            waiting=unanswered_minutes(timelines.get(case.pk, [])),
            weights=weights,
        )
        if case.priority != old_priority:
            events.append(
                CaseEvent(
                    case=case,
                    kind=CaseEventKind.PRIORITY_CHANGE,
                    occurred_at=now,
                    payload={"from": old_priority, "to": case.priority, "score": result.score, "reason": reason},
                )
            )
        case.updated_at = now
    bulk_update_columns(Case, cases, ["priority", "priority_score", "priority_factors", "updated_at"])
    CaseEvent.objects.bulk_create(events)


def case_log_contact(
    *,
    customer,
    channel,
    channel_kind: str,
    text: str,
    subject: str = "",
    at: dt.datetime | None = None,
    actor,
) -> Case:
    """Open a case for a contact logged by hand (a phone call, an e-mail outside a connected mailbox).

    The customer's words are the case's first message: an inbound_post event
    without a post (its text in `body`), so the SLA clocks start at `at` as
    for a post; the priority is scored, the clocks planned, and the case
    routed on commit as ingestion does. No post is stored: nothing was
    received on a channel, so a reply has no post to answer (log the answer
    as a note, or reply on a channel the customer wrote on).
    """
    at = at or timezone.now()
    with transaction.atomic():
        case = Case.objects.create(
            customer=customer,
            origin_channel=channel,
            subject=subject.strip() or case_subject(text),
            status=CaseStatus.NEW,
            first_message_at=at,
            last_customer_message_at=at,
        )
        CaseEvent.objects.create(
            case=case,
            kind=CaseEventKind.INBOUND_POST,
            body=text,
            occurred_at=at,
            payload={"logged_by_hand": True, "channel_kind": channel_kind, "logged_by": actor.pk},
        )
        cases_rescore(case_ids=[case.pk], reason="contact logged by hand")
        sla_refresh(case_ids=[case.pk])
        emit("case_created", case.pk)
        case_id = case.pk
        # Imported here: cases.tasks imports this module.
        from cases.tasks import route_cases_task

        transaction.on_commit(lambda: route_cases_task.delay([case_id]), robust=True)
    return case


def case_change_subject(*, case: Case, subject: str, actor) -> Case:
    """Rename a case. No event: the subject is a label for people, no clock or KPI reads it."""
    subject = subject.strip()
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        if case.merged_into_id:
            raise CaseChangeError(f"{case.reference} was merged into SC-{case.merged_into_id}; work on that case.")
        if case.subject != subject:
            case.subject = subject
            case.save(update_fields=["subject", "updated_at"])
    return case


SUBJECT_LENGTH = 120


def case_subject(text: str) -> str:
    """A case's subject from its first message: the first words, on one line, cut to fit."""
    line = " ".join(text.split())
    return line if len(line) <= SUBJECT_LENGTH else line[: SUBJECT_LENGTH - 1].rstrip() + "\u2026"
