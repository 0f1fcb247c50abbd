"""The SLA scan: record warnings and breaches as they come due, and escalate breaches.

Owns sla_scan(). A beat task runs it every minute. Each pass selects open
cases whose `sla_next_alert_at` (the earliest warning or breach not yet
recorded, kept by cases.services.sla) has come, in one query on the
partial index `case_open_next_alert_idx`, locking them with SKIP LOCKED
so several workers can scan at once without waiting on each other. For
each running clock whose warning or due time has come it:
- records an `sla_warning` or `sla_breach` CaseEvent (a dedupe key per
  clock, so a second scan, a redelivered task or a racing worker records
  nothing twice) and marks the clock (warned_at, breach_recorded_at);
- flags the case (sla_warned, <target>_breached) and notifies its assignee;
- on a breach, runs the escalation its policy names: raise the priority one
  step, reassign to the team lead, move to the escalation team, or notify
  the managers, recorded as an `escalation` event saying which rule fired.
A breach found more than ESCALATION_MAX_LATENESS after its due time (a
backlog imported from the past, a scan that was down for a day) is
recorded but not escalated: paging managers about last month helps no one.
Raising a priority can change the policy, so those cases are re-planned
(cases.services.sla.sla_refresh). A constant number of queries per batch.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from cases.choices import (
    OPEN_STATUSES,
    CaseEventKind,
    ClockState,
    EscalationAction,
    NotificationKind,
    SLATarget,
    priority_above,
)
from cases.models import Case, CaseEvent, Notification, SLAClock
from cases.selectors import active_manager_ids
from cases.services.sla import sla_refresh
from cases.sla import pending_alerts
from cases.webhook_events import emit
from socialcrm.db import bulk_update_columns, insert_ignoring_conflicts

ESCALATION_MAX_LATENESS = dt.timedelta(hours=24)
BREACH_FLAG = {
    SLATarget.FIRST_RESPONSE: "first_response_breached",
    SLATarget.NEXT_RESPONSE: "next_response_breached",
    SLATarget.RESOLUTION: "resolution_breached",
}


@dataclass
class ScanResult:
    cases: int = 0
    warnings: int = 0
    breaches: int = 0
    escalations: int = 0

    def add(self, other: ScanResult) -> None:
        for name in ("cases", "warnings", "breaches", "escalations"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


def _clock_label(clock: SLAClock) -> str:
    label = clock.get_target_display().lower()
    return f"{label} #{clock.cycle}" if clock.target == SLATarget.NEXT_RESPONSE else label


class _Pass:
    """One batch: what to write, gathered while walking the clocks."""

    def __init__(self, now: dt.datetime) -> None:
        self.now = now
        self.events: list[CaseEvent] = []
        self.notifications: list[Notification] = []
        self.reprioritized: list[int] = []
        self.warned_clocks: list[int] = []
        self.breached_clocks: list[int] = []
        self.result = ScanResult()
        self._managers: list[int] | None = None

    def managers(self) -> list[int]:
        if self._managers is None:
            self._managers = active_manager_ids()
        return self._managers

    def notify(self, user_ids, case: Case, kind: str, message: str, key: str) -> None:
        self.notifications += [
            Notification(recipient_id=user_id, case=case, kind=kind, message=message[:300], dedupe_key=key)
            for user_id in dict.fromkeys(user_ids)
            if user_id
        ]

    def warn(self, case: Case, clock: SLAClock) -> None:
        self.warned_clocks.append(clock.pk)
        clock.warned_at = self.now
        case.sla_warned = True
        key = f"sla-warning:{clock.target}:{clock.cycle}"
        self.events.append(
            CaseEvent(
                case=case,
                kind=CaseEventKind.SLA_WARNING,
                occurred_at=clock.warn_at,
                dedupe_key=key,
                payload={"target": clock.target, "cycle": clock.cycle, "due_at": clock.due_at.isoformat()},
            )
        )
        message = f"{case.reference}: {_clock_label(clock)} due {clock.due_at:%Y-%m-%d %H:%M} UTC"
        self.notify([case.assignee_id], case, NotificationKind.SLA_WARNING, message, f"case:{case.pk}:{key}")
        self.result.warnings += 1

    def breach(self, case: Case, clock: SLAClock) -> None:
        self.breached_clocks.append(clock.pk)
        clock.breach_recorded_at = self.now
        clock.breached = True
        setattr(case, BREACH_FLAG[clock.target], True)
        key = f"sla-breach:{clock.target}:{clock.cycle}"
        self.events.append(
            CaseEvent(
                case=case,
                kind=CaseEventKind.SLA_BREACH,
                occurred_at=clock.due_at,
                dedupe_key=key,
                payload={"target": clock.target, "cycle": clock.cycle, "policy": case.sla_policy_id},
            )
        )
        message = f"{case.reference}: {_clock_label(clock)} overdue since {clock.due_at:%Y-%m-%d %H:%M} UTC"
        self.notify([case.assignee_id], case, NotificationKind.SLA_BREACH, message, f"case:{case.pk}:{key}")
        self.result.breaches += 1
        if self.now - clock.due_at <= ESCALATION_MAX_LATENESS:
            self.escalate(case, clock, message)

    def escalate(self, case: Case, clock: SLAClock, message: str) -> None:
        policy = case.sla_policy
        action = policy.escalation_action if policy else EscalationAction.NONE
        payload: dict = {"rule": "sla_breach", "target": clock.target, "cycle": clock.cycle, "action": action}
        if action == EscalationAction.RAISE_PRIORITY:
            higher = priority_above(case.priority)
            if higher:
                payload |= {"from": case.priority, "to": higher}
                case.priority = higher
                self.reprioritized.append(case.pk)
            case.priority_floor = case.priority
        elif action == EscalationAction.REASSIGN_TO_LEAD:
            lead_id = case.team.lead_id if case.team else None
            if lead_id and lead_id != case.assignee_id:
                payload |= {"from_assignee": case.assignee_id, "to_assignee": lead_id}
                case.assignee_id = lead_id
        elif action == EscalationAction.REASSIGN_TO_TEAM and policy.escalation_team_id:
            if policy.escalation_team_id != case.team_id:
                payload |= {
                    "from_team": case.team_id,
                    "to_team": policy.escalation_team_id,
                    "from_assignee": case.assignee_id,
                }
                case.team_id, case.assignee_id = policy.escalation_team_id, None
        elif action == EscalationAction.NOTIFY_MANAGERS:
            payload["notified"] = len(self.managers())
            key = f"case:{case.pk}:sla-escalation:{clock.target}:{clock.cycle}"
            self.notify(self.managers(), case, NotificationKind.ESCALATION, message, key)
        self.events.append(
            CaseEvent(
                case=case,
                kind=CaseEventKind.ESCALATION,
                occurred_at=self.now,
                dedupe_key=f"sla-escalation:{clock.target}:{clock.cycle}",
                payload=payload,
            )
        )
        self.result.escalations += 1


def _scan_batch(now: dt.datetime, batch_size: int) -> ScanResult:
    with transaction.atomic():
        cases = list(
            Case.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("sla_policy", "team")
            .filter(status__in=OPEN_STATUSES, sla_next_alert_at__lte=now)
            .order_by("sla_next_alert_at")[:batch_size]
        )
        if not cases:
            return ScanResult()
        clocks_by_case: dict[int, list[SLAClock]] = {}
        for clock in SLAClock.objects.filter(case_id__in=[case.pk for case in cases], state=ClockState.RUNNING):
            clocks_by_case.setdefault(clock.case_id, []).append(clock)
        work = _Pass(now)
        touched_clocks = []
        for case in cases:
            for clock in clocks_by_case.get(case.pk, []):
                due_warning = clock.warn_at and clock.warned_at is None and clock.warn_at <= now
                if due_warning and (clock.due_at is None or clock.warn_at < clock.due_at):
                    work.warn(case, clock)
                    touched_clocks.append(clock)
                if clock.due_at and clock.breach_recorded_at is None and clock.due_at <= now:
                    work.breach(case, clock)
                    touched_clocks.append(clock)
            alerts = [at for clock in clocks_by_case.get(case.pk, []) for at in _alerts_of(clock)]
            case.sla_next_alert_at = min(alerts) if alerts else None
            case.updated_at = now
        bulk_update_columns(
            SLAClock,
            list({id(clock): clock for clock in touched_clocks}.values()),
            ["warned_at", "breach_recorded_at", "breached"],
        )
        bulk_update_columns(
            Case,
            cases,
            [
                "sla_next_alert_at",
                "sla_warned",
                *BREACH_FLAG.values(),
                "priority",
                "priority_floor",
                "assignee",
                "team",
                "updated_at",
            ],
        )
        insert_ignoring_conflicts(CaseEvent, work.events)
        insert_ignoring_conflicts(Notification, work.notifications)
        emit("sla_warnings", work.warned_clocks)
        emit("slas_breached", work.breached_clocks)
        if work.reprioritized:
            sla_refresh(case_ids=work.reprioritized, reason="priority raised by an SLA escalation", now=now)
    work.result.cases = len(cases)
    return work.result


def _alerts_of(clock: SLAClock) -> list[dt.datetime]:
    return pending_alerts(
        state=clock.state,
        warn_at=clock.warn_at,
        due_at=clock.due_at,
        warned_at=clock.warned_at,
        breach_recorded_at=clock.breach_recorded_at,
    )


def sla_scan(*, now: dt.datetime | None = None, batch_size: int = 500, max_batches: int = 200) -> ScanResult:
    """Record every warning and breach that has come due, batch after batch (see the module docstring)."""
    now = now or timezone.now()
    total = ScanResult()
    for _ in range(max_batches):
        result = _scan_batch(now, batch_size)
        total.add(result)
        if result.cases < batch_size:
            break
    return total
