"""Writes of SLA state: clocks planned from timelines, the case columns that mirror them.

Owns sla_plan_case() and sla_write_clocks() (ingestion calls both in bulk),
sla_refresh() (re-plans given cases after a status, priority, tier or
policy change) and sla_refresh_open_cases(). The scan that records
warnings and breaches is cases.services.sla_scan.

Invariants: a case's SLAClock rows and its due-time columns are always
those cases.sla.plan_clocks() gives for its timeline and current policy;
the scan's bookkeeping (warned_at, breach_recorded_at) survives a re-plan
for a clock that started at the same instant, and is dropped with a clock
that no longer exists.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence

from django.db import transaction
from django.utils import timezone

from cases.business_time import CalendarSpec
from cases.choices import OPEN_STATUSES, CaseEventKind, SLATarget
from cases.models import Case, CaseEvent, SLAClock, SLAPolicy
from cases.selectors import ClockMarks, calendar_specs, case_timelines, clock_marks
from cases.sla import CasePlan, ClockPlan, PolicyFacts, TimelineEntry, plan_clocks, select_policy
from socialcrm.db import bulk_update_columns, upsert_rows

# Columns of Case that sla_plan_case() sets; callers that bulk_update cases write these.
CASE_SLA_FIELDS = [
    "sla_policy",
    "first_response_due_at",
    "next_response_due_at",
    "resolution_due_at",
    "sla_next_due_at",
    "sla_next_alert_at",
    "sla_warned",
    "first_response_breached",
    "next_response_breached",
    "resolution_breached",
]
# Columns of the rows sla_write_clocks() writes, in order (attnames).
CLOCK_COLUMNS = (
    "case_id",
    "target",
    "cycle",
    "policy_id",
    "started_at",
    "warn_at",
    "due_at",
    "stopped_at",
    "stop_reason",
    "state",
    "breached",
    "business_minutes",
    "warned_at",
    "breach_recorded_at",
    "updated_at",
)
CLOCK_FIELDS = [
    "policy",
    "started_at",
    "warn_at",
    "due_at",
    "stopped_at",
    "stop_reason",
    "state",
    "breached",
    "business_minutes",
    "warned_at",
    "breach_recorded_at",
    "updated_at",
]


class SLAConfig:
    """Active policies in evaluation order and their calendars, loaded once (three queries)."""

    def __init__(self) -> None:
        self.policies = list(SLAPolicy.objects.filter(is_active=True).order_by("position", "id"))
        self.calendars = calendar_specs(calendar_ids={p.calendar_id for p in self.policies if p.calendar_id})

    def policy_for(self, case: Case, channel_kind: str) -> SLAPolicy | None:
        return select_policy(
            self.policies,
            PolicyFacts(
                priority=case.priority,
                channel_kind=channel_kind,
                customer_tier=case.customer.tier,
                engagement_type=case.engagement_type,
            ),
        )

    def calendar_for(self, policy: SLAPolicy | None) -> CalendarSpec | None:
        return self.calendars.get(policy.calendar_id) if policy and policy.calendar_id else None


def sla_plan_case(
    case: Case,
    *,
    config: SLAConfig,
    channel_kind: str,
    timeline: Iterable[TimelineEntry],
    marks: dict[tuple[str, int], ClockMarks],
    now: dt.datetime,
) -> CasePlan:
    """Plan a case's clocks and set its SLA columns (not saved). `marks`: its stored clocks' bookkeeping."""
    policy = config.policy_for(case, channel_kind)
    plan = plan_clocks(policy=policy, calendar=config.calendar_for(policy), timeline=timeline, now=now)
    if marks:
        for clock in plan.clocks:
            stored = marks.get(clock.key)
            if stored is not None and stored.started_at == clock.started_at:
                clock.warned_at, clock.breach_recorded_at = stored.warned_at, stored.breach_recorded_at
    # The id, not the descriptor: assigning through it checks the instance, and this runs per case.
    case.sla_policy_id = policy.pk if policy else None
    (
        case.first_response_due_at,
        case.next_response_due_at,
        case.resolution_due_at,
        case.sla_next_due_at,
        case.sla_next_alert_at,
    ) = plan.due_summary()
    case.sla_warned = any(clock.warned_at for clock in plan.clocks)
    breached = {clock.target for clock in plan.clocks if clock.breached}
    case.first_response_breached = SLATarget.FIRST_RESPONSE in breached
    case.next_response_breached = SLATarget.NEXT_RESPONSE in breached
    case.resolution_breached = SLATarget.RESOLUTION in breached
    return plan


def sla_write_clocks(
    plans: Sequence[tuple[Case, CasePlan]],
    *,
    stored: dict[int, dict[tuple[str, int], ClockMarks]],
    insert_new: Callable[[list[tuple]], None] | None = None,
) -> None:
    """Write the planned clocks of saved cases (upsert by case, target, cycle) and
    delete their stored clocks the plans no longer have. Three queries at most.

    `insert_new`, when given, writes the rows (CLOCK_COLUMNS) of cases that had
    no clocks, which need no upsert: ingestion passes its COPY writer.
    """
    now = timezone.now()
    fresh = [(case, plan) for case, plan in plans if case.pk not in stored] if insert_new else []
    if fresh:
        insert_new(_clock_rows(fresh, now))
        plans = [(case, plan) for case, plan in plans if case.pk in stored]
    rows = _clock_rows(plans, now)
    stale = [
        marks.id
        for case, plan in plans
        for key, marks in stored.get(case.pk, {}).items()
        if key not in {clock.key for clock in plan.clocks}
    ]
    if stale:
        SLAClock.objects.filter(pk__in=stale).delete()
    upsert_rows(SLAClock, CLOCK_COLUMNS, rows, unique_fields=["case", "target", "cycle"], update_fields=CLOCK_FIELDS)


def clock_row(case_id: int, policy_id: int | None, clock: ClockPlan, updated_at: dt.datetime) -> tuple:
    """One SLAClock row in CLOCK_COLUMNS order."""
    return (
        case_id,
        clock.target,
        clock.cycle,
        policy_id,
        clock.started_at,
        clock.warn_at,
        clock.due_at,
        clock.stopped_at,
        clock.stop_reason,
        clock.state,
        clock.breached,
        clock.business_minutes,
        clock.warned_at,
        clock.breach_recorded_at,
        updated_at,
    )


def _clock_rows(plans: Sequence[tuple[Case, CasePlan]], now: dt.datetime) -> list[tuple]:
    return [clock_row(case.pk, case.sla_policy_id, clock, now) for case, plan in plans for clock in plan.clocks]


def _due_summary(case: Case) -> dict[str, str | None]:
    return {
        name: value.isoformat() if value else None
        for name, value in (
            ("first_response_due_at", case.first_response_due_at),
            ("next_response_due_at", case.next_response_due_at),
            ("resolution_due_at", case.resolution_due_at),
        )
    }


def sla_refresh(*, case_ids: Iterable[int], reason: str = "", actor=None, now: dt.datetime | None = None) -> list[Case]:
    """Re-plan the clocks of these cases from their timelines under the policy that applies now.

    With a `reason` (a priority or tier change, a policy edit), a changed
    policy or due time is recorded as an `sla_recomputed` event saying why,
    with the old and new due times: due times always count from the
    original start. A constant number of queries whatever the number of cases.
    """
    now = now or timezone.now()
    case_ids = list(case_ids)
    if not case_ids:
        return []
    config = SLAConfig()
    with transaction.atomic():
        cases = list(
            Case.objects.select_for_update(of=("self",))
            .select_related("customer", "origin_channel")
            .filter(pk__in=case_ids)
            .order_by("pk")
        )
        ids = [case.pk for case in cases]
        timelines = case_timelines(case_ids=ids)
        stored = clock_marks(case_ids=ids)
        plans, events = [], []
        for case in cases:
            before = (case.sla_policy_id, _due_summary(case))
            kind = case.origin_channel.kind if case.origin_channel else ""
            plan = sla_plan_case(
                case,
                config=config,
                channel_kind=kind,
                timeline=timelines.get(case.pk, []),
                marks=stored.get(case.pk, {}),
                now=now,
            )
            plans.append((case, plan))
            after = (case.sla_policy_id, _due_summary(case))
            if reason and after != before:
                events.append(
                    CaseEvent(
                        case=case,
                        kind=CaseEventKind.SLA_RECOMPUTED,
                        actor=actor,
                        occurred_at=now,
                        payload={
                            "reason": reason,
                            "previous_policy": before[0],
                            "policy": after[0],
                            "previous_due": before[1],
                            "due": after[1],
                        },
                    )
                )
            case.updated_at = now
        bulk_update_columns(Case, cases, [*CASE_SLA_FIELDS, "updated_at"])
        sla_write_clocks(plans, stored=stored)
        CaseEvent.objects.bulk_create(events)
    return cases


def sla_refresh_open_cases(*, policy_ids: Iterable[int] | None = None, batch_size: int = 500, reason: str) -> int:
    """Re-plan every open case (or those under the given policies) in batches, by id. Returns the count."""
    cases = Case.objects.filter(status__in=OPEN_STATUSES)
    if policy_ids is not None:
        cases = cases.filter(sla_policy_id__in=list(policy_ids))
    done, last_id = 0, 0
    while True:
        ids = list(cases.filter(pk__gt=last_id).order_by("pk").values_list("pk", flat=True)[:batch_size])
        if not ids:
            return done
        sla_refresh(case_ids=ids, reason=reason)
        done += len(ids)
        last_id = ids[-1]
