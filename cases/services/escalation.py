"""Escalation by rules: act once on each rule (cases.escalation) a case fires.

Owns cases_escalate_by_rules(). Ingestion enqueues it (the task
`cases.escalate_cases`) after every batch that opened or touched cases.
For each open case and each rule it fires that is not yet recorded on it:
- raise the priority one step (urgent stays urgent), as a floor: later
  re-scoring never takes it below (Case.priority_floor);
- move the case to the escalation team (the first Team with
  is_escalation_team, by name), unassigned, if one exists and the case is
  not there already;
- record an `escalation` CaseEvent whose payload names the rule, with the
  dedupe key `rule:<name>`: a rule fires once per case, however many times
  the task runs, and a second rule firing later escalates again;
- notify every active member of the Managers group (a dedupe key per case
  and rule, so a redelivered task notifies nobody twice).
Cases whose priority rose are re-planned (cases.services.sla.sla_refresh):
their policy may depend on the priority. Cases are locked with SKIP LOCKED,
like the SLA scan: a case another worker holds is skipped, and caught the
next time ingestion touches it. A constant number of queries per call.
The SLA-breach rule is the SLA scan's (cases.services.sla_scan).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from cases.choices import OPEN_STATUSES, CaseEventKind, EscalationAction, Intent, NotificationKind, priority_above
from cases.escalation import (
    RULE_LABELS,
    SURGE_THRESHOLD,
    SURGE_WINDOW,
    EscalationFacts,
    escalation_facts,
    fired_rules,
)
from cases.models import Case, CaseEvent, Notification, Team
from cases.selectors import active_manager_ids
from cases.services.sla import sla_refresh
from socialcrm.db import bulk_update_columns, insert_ignoring_conflicts


class _Batch:
    """What one call writes, gathered while walking the cases."""

    def __init__(self, now: dt.datetime, team: Team | None) -> None:
        self.now = now
        self.team = team
        self.events: list[CaseEvent] = []
        self.notifications: list[Notification] = []
        self.reprioritized: list[int] = []
        self._managers: list[int] | None = None

    def managers(self) -> list[int]:
        if self._managers is None:
            self._managers = active_manager_ids()
        return self._managers

    def escalate(self, case: Case, rule: str) -> None:
        payload: dict = {"rule": rule, "action": EscalationAction.NOTIFY_MANAGERS}
        higher = priority_above(case.priority)
        if higher:
            payload |= {"action": EscalationAction.RAISE_PRIORITY, "from": case.priority, "to": higher}
            case.priority = higher
            self.reprioritized.append(case.pk)
        # Urgent already: the floor still keeps a calmer next message from lowering it.
        case.priority_floor = case.priority
        if self.team is not None and case.team_id != self.team.pk:
            payload |= {"from_team": case.team_id, "to_team": self.team.pk, "from_assignee": case.assignee_id}
            case.team_id, case.assignee_id = self.team.pk, None
        payload["notified"] = len(self.managers())
        message = f"{case.reference}: escalated for {RULE_LABELS[rule]}"[:300]
        self.notifications += [
            Notification(
                recipient_id=user_id,
                case=case,
                kind=NotificationKind.ESCALATION,
                message=message,
                dedupe_key=f"case:{case.pk}:rule:{rule}",
            )
            for user_id in self.managers()
        ]
        self.events.append(
            CaseEvent(
                case=case,
                kind=CaseEventKind.ESCALATION,
                occurred_at=self.now,
                dedupe_key=f"rule:{rule}",
                payload=payload,
            )
        )


def _surge_counts(now: dt.datetime) -> dict[int, int]:
    """Open complaint cases opened within the surge window, per origin channel (one query)."""
    rows = (
        Case.objects.filter(
            status__in=OPEN_STATUSES,
            intent=Intent.COMPLAINT,
            created_at__gte=now - SURGE_WINDOW,
            origin_channel__isnull=False,
        )
        .values("origin_channel")
        .annotate(count=Count("id"))
        .values_list("origin_channel", "count")
    )
    return dict(rows)


def _facts(case: Case, surges: dict[int, int], now: dt.datetime) -> EscalationFacts:
    # Only a complaint that is itself part of the surge counts it: an old
    # case of the same channel has nothing to do with this hour's outage.
    in_surge = case.intent == Intent.COMPLAINT and case.created_at >= now - SURGE_WINDOW
    return escalation_facts(case, similar_open_complaints=surges.get(case.origin_channel_id, 0) if in_surge else 0)


def cases_escalate_complaint_surges(*, now: dt.datetime | None = None) -> int:
    """Escalate the open complaint cases of this surge window by the rules they fire (a beat
    task runs it every few minutes); returns the escalations recorded. Two queries plus
    cases_escalate_by_rules()' own when there are complaints to look at."""
    now = now or timezone.now()
    channels = [
        channel_id
        for channel_id, count in _surge_counts(now).items()
        if count >= SURGE_THRESHOLD and channel_id is not None
    ]
    if not channels:
        return 0
    case_ids = Case.objects.filter(
        status__in=OPEN_STATUSES,
        intent=Intent.COMPLAINT,
        created_at__gte=now - SURGE_WINDOW,
        origin_channel_id__in=channels,
    ).values_list("pk", flat=True)
    return cases_escalate_by_rules(case_ids=list(case_ids), now=now)


def cases_escalate_by_rules(*, case_ids: Iterable[int], now: dt.datetime | None = None) -> int:
    """Escalate these cases for each rule they fire that is not yet recorded; returns the escalations recorded.

    Closed, merged and gone cases are skipped. See the module docstring."""
    now = now or timezone.now()
    case_ids = sorted(set(case_ids))
    if not case_ids:
        return 0
    with transaction.atomic():
        cases = list(
            Case.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("customer")
            .filter(pk__in=case_ids, status__in=OPEN_STATUSES)
            .order_by("pk")
        )
        if not cases:
            return 0
        surges = _surge_counts(now)
        recorded = set(
            CaseEvent.objects.filter(
                case__in=cases, kind=CaseEventKind.ESCALATION, dedupe_key__startswith="rule:"
            ).values_list("case_id", "dedupe_key")
        )
        team = Team.objects.filter(is_escalation_team=True).order_by("name", "pk").first()
        work = _Batch(now, team)
        escalated: list[Case] = []
        for case in cases:
            rules = [
                rule for rule in fired_rules(_facts(case, surges, now)) if (case.pk, f"rule:{rule}") not in recorded
            ]
            for rule in rules:
                work.escalate(case, rule)
            if rules:
                case.updated_at = now
                escalated.append(case)
        bulk_update_columns(Case, escalated, ["priority", "priority_floor", "team", "assignee", "updated_at"])
        insert_ignoring_conflicts(CaseEvent, work.events)
        insert_ignoring_conflicts(Notification, work.notifications)
        if work.reprioritized:
            sla_refresh(
                case_ids=list(dict.fromkeys(work.reprioritized)),
                reason="priority raised by escalation rule",
                now=now,
            )
    return len(work.events)
