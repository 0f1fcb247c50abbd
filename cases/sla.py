"""SLA rules: which policy applies to a case, and its clocks planned from its timeline.

Owns select_policy() and plan_clocks(). Pure functions: callers pass the
policies, the calendar (cases.business_time) and the case's timeline; the
database is read and written by cases.selectors and cases.services.sla.

Clocks are derived from the timeline every time, never updated in place,
so the same timeline gives the same clocks whatever the order in which
events arrived, a change of policy recomputes due times from the original
start, and KPIs can trust them after the fact:
- first response: from the customer's first message (as posted) to the
  first public, human agent reply after it;
- next response: each later customer message that finds no response clock
  running starts a cycle, stopped by the next such reply; every cycle is
  its own clock;
- resolution: from the first customer message, counting only the time the
  case is neither done nor paused (pending or on hold, as the policy says);
  a reopen resumes it where it stopped.
Bot messages and automatic acknowledgements (`counts=False` replies),
closing remarks such as "thanks!" (`counts=False` customer messages),
internal notes and surveys never start or stop a clock. Resolving a case
stops its response clocks too.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from cases.business_time import CalendarSpec, add_business_minutes, business_minutes_between
from cases.choices import DONE_STATUSES, CaseEventKind, CaseStatus, ClockState, ClockStop, SLATarget
from cases.models import SLAPolicy
from cases.priority import waiting_minutes


@dataclass(frozen=True, slots=True)
class PolicyFacts:
    priority: str
    channel_kind: str
    customer_tier: str
    engagement_type: str


def _matches(values: list, value: str) -> bool:
    return not values or value in values


def select_policy(policies: Sequence[SLAPolicy], facts: PolicyFacts) -> SLAPolicy | None:
    """The first active policy, in position order, whose conditions all match;
    else the default policy; else None. `policies` must be ordered by position."""
    default = None
    for policy in policies:
        if not policy.is_active:
            continue
        if policy.is_default:
            default = policy
            continue
        if (
            _matches(policy.priorities, facts.priority)
            and _matches(policy.channel_kinds, facts.channel_kind)
            and _matches(policy.customer_tiers, facts.customer_tier)
            and _matches(policy.engagement_types, facts.engagement_type)
        ):
            return policy
    return default


# -- the timeline ------------------------------------------------------------------------

CUSTOMER, REPLY, STATUS = "customer", "reply", "status"
_ORDER = {CUSTOMER: 0, REPLY: 1, STATUS: 2}  # at one instant: the message, then what it caused


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    """One fact of a case's history that clocks depend on."""

    at: dt.datetime
    kind: str  # CUSTOMER, REPLY or STATUS
    counts: bool = True  # a message that starts (customer) or stops (reply) a clock
    status: str = ""  # STATUS: the status the case moved to


def timeline_entry(kind: str, occurred_at: dt.datetime, payload: dict) -> TimelineEntry | None:
    """The clock fact a CaseEvent records, or None for events clocks ignore (notes, SLA, tags...)."""
    if kind == CaseEventKind.INBOUND_POST:
        return TimelineEntry(occurred_at, CUSTOMER, counts=not payload.get("closing"))
    if kind == CaseEventKind.OUTBOUND_REPLY:
        return TimelineEntry(occurred_at, REPLY, counts=not payload.get("automatic"))
    if kind == CaseEventKind.STATUS_CHANGE and payload.get("to"):
        return TimelineEntry(occurred_at, STATUS, status=payload["to"])
    return None


def unanswered_minutes(timeline: Iterable[TimelineEntry]) -> float:
    """How long the customer had been waiting when they last wrote (cases.priority.waiting_minutes),
    over the messages that count: closing remarks and automatic replies do not, as for clocks."""
    timeline = list(timeline)
    return waiting_minutes(
        customer_at=[entry.at for entry in timeline if entry.kind == CUSTOMER and entry.counts],
        replied_at=[entry.at for entry in timeline if entry.kind == REPLY and entry.counts],
    )


# Event kinds timeline_entry() reads: selectors load only these.
TIMELINE_EVENT_KINDS = (CaseEventKind.INBOUND_POST, CaseEventKind.OUTBOUND_REPLY, CaseEventKind.STATUS_CHANGE)


# -- the plan ------------------------------------------------------------------------------


def pending_alerts(
    *,
    state: str,
    warn_at: dt.datetime | None,
    due_at: dt.datetime | None,
    warned_at: dt.datetime | None,
    breach_recorded_at: dt.datetime | None,
) -> list[dt.datetime]:
    """Instants of a clock's warning and breach that the scan has still to record.

    Only running clocks alert; a warning at or after the due time is
    skipped (the breach says it all)."""
    if state != ClockState.RUNNING:
        return []
    alerts = []
    if warn_at and warned_at is None and (due_at is None or warn_at < due_at):
        alerts.append(warn_at)
    if due_at and breach_recorded_at is None:
        alerts.append(due_at)
    return alerts


@dataclass(slots=True)
class ClockPlan:
    target: str
    cycle: int
    started_at: dt.datetime
    warn_at: dt.datetime | None = None
    due_at: dt.datetime | None = None
    stopped_at: dt.datetime | None = None
    stop_reason: str = ""
    state: str = ClockState.RUNNING
    breached: bool = False
    business_minutes: float | None = None
    # The scan's bookkeeping, carried over from the stored clock by cases.services.sla.
    warned_at: dt.datetime | None = None
    breach_recorded_at: dt.datetime | None = None

    @property
    def key(self) -> tuple[str, int]:
        return self.target, self.cycle

    def record_alerts_until(self, at: dt.datetime) -> None:
        """Mark the warning and breach the scan would have recorded by `at` (generated worlds, benchmarks)."""
        until = min(self.stopped_at or at, at)
        if self.warn_at and self.warn_at <= until and (self.due_at is None or self.warn_at < self.due_at):
            self.warned_at = self.warn_at
        if self.due_at and self.due_at <= until and self.stopped_at is None:
            self.breach_recorded_at = self.due_at

    def pending_alerts(self) -> list[dt.datetime]:
        return pending_alerts(
            state=self.state,
            warn_at=self.warn_at,
            due_at=self.due_at,
            warned_at=self.warned_at,
            breach_recorded_at=self.breach_recorded_at,
        )


@dataclass(slots=True)
class CasePlan:
    """A case's clocks, and what the case row stores of them."""

    clocks: list[ClockPlan] = field(default_factory=list)

    def _clock(self, target: str) -> ClockPlan | None:
        found = [clock for clock in self.clocks if clock.target == target]
        return found[-1] if found else None

    @property
    def first_response_due_at(self) -> dt.datetime | None:
        clock = self._clock(SLATarget.FIRST_RESPONSE)
        return clock.due_at if clock else None

    @property
    def next_response_due_at(self) -> dt.datetime | None:
        clock = self._clock(SLATarget.NEXT_RESPONSE)
        return clock.due_at if clock and clock.state == ClockState.RUNNING else None

    @property
    def resolution_due_at(self) -> dt.datetime | None:
        clock = self._clock(SLATarget.RESOLUTION)
        return clock.due_at if clock else None

    @property
    def next_due_at(self) -> dt.datetime | None:
        """The earliest due time of a running clock: what "breaching soon" orders by."""
        dues = [clock.due_at for clock in self.clocks if clock.state == ClockState.RUNNING and clock.due_at]
        return min(dues) if dues else None

    @property
    def next_alert_at(self) -> dt.datetime | None:
        """The earliest warning or breach not yet recorded: what the scan selects on."""
        alerts = [at for clock in self.clocks for at in clock.pending_alerts()]
        return min(alerts) if alerts else None

    def due_summary(self) -> tuple[dt.datetime | None, ...]:
        """(first response, running next response, resolution, next due, next alert) in one pass."""
        first = next_response = resolution = next_due = next_alert = None
        for clock in self.clocks:
            running = clock.state == ClockState.RUNNING
            if clock.target == SLATarget.FIRST_RESPONSE:
                first = clock.due_at
            elif clock.target == SLATarget.NEXT_RESPONSE:
                next_response = clock.due_at if running else None
            else:
                resolution = clock.due_at
            if running and clock.due_at and (next_due is None or clock.due_at < next_due):
                next_due = clock.due_at
            for alert in clock.pending_alerts():
                if next_alert is None or alert < next_alert:
                    next_alert = alert
        return first, next_response, resolution, next_due, next_alert

    def breached(self, target: str) -> bool:
        return any(clock.breached for clock in self.clocks if clock.target == target)


def _target_minutes(policy: SLAPolicy | None, target: str) -> int | None:
    if policy is None:
        return None
    return {
        SLATarget.FIRST_RESPONSE: policy.first_response_minutes,
        SLATarget.NEXT_RESPONSE: policy.next_response_minutes,
        SLATarget.RESOLUTION: policy.resolution_minutes,
    }[target]


def _warn_minutes(policy: SLAPolicy, minutes: int) -> float | None:
    ratio = policy.warning_ratio
    return minutes * ratio if 0 < ratio < 1 else None


def _response_clock(
    policy: SLAPolicy | None,
    calendar: CalendarSpec | None,
    target: str,
    cycle: int,
    started_at: dt.datetime,
) -> ClockPlan:
    clock = ClockPlan(target=target, cycle=cycle, started_at=started_at)
    minutes = _target_minutes(policy, target)
    if minutes:
        clock.due_at = add_business_minutes(calendar, started_at, minutes)
        warn = _warn_minutes(policy, minutes)
        clock.warn_at = add_business_minutes(calendar, started_at, warn) if warn else None
    return clock


def _stop(clock: ClockPlan, at: dt.datetime, reason: str, calendar: CalendarSpec | None) -> None:
    clock.stopped_at, clock.stop_reason, clock.state = at, reason, ClockState.STOPPED
    clock.business_minutes = business_minutes_between(calendar, clock.started_at, at)


def _paused_statuses(policy: SLAPolicy | None) -> set[str]:
    paused = set()
    if policy is not None and policy.pause_while_pending:
        paused.add(CaseStatus.PENDING)
    if policy is not None and policy.pause_while_on_hold:
        paused.add(CaseStatus.ON_HOLD)
    return paused


def _when_consumed(
    calendar: CalendarSpec | None, windows: list[tuple[dt.datetime, dt.datetime | None]], minutes: float
) -> dt.datetime | None:
    """The instant the running windows reach `minutes` business minutes, or None if they stop short."""
    remaining = minutes
    for start, end in windows:
        if end is None:
            return add_business_minutes(calendar, start, remaining)
        available = business_minutes_between(calendar, start, end)
        if remaining <= available:
            return add_business_minutes(calendar, start, remaining)
        remaining -= available
    return None


def _resolution_clock(
    policy: SLAPolicy | None,
    calendar: CalendarSpec | None,
    started_at: dt.datetime,
    status_changes: list[TimelineEntry],
    now: dt.datetime,
) -> ClockPlan:
    paused = _paused_statuses(policy)
    status, last_change = CaseStatus.NEW, started_at
    windows: list[tuple[dt.datetime, dt.datetime | None]] = []
    run_start: dt.datetime | None = started_at
    for change in status_changes:
        at = max(change.at, started_at)
        status, last_change = change.status, at
        running = change.status not in DONE_STATUSES and change.status not in paused
        if running and run_start is None:
            run_start = at
        elif not running and run_start is not None:
            if at > run_start:
                windows.append((run_start, at))
            run_start = None
    if run_start is not None:
        windows.append((run_start, None))

    clock = ClockPlan(target=SLATarget.RESOLUTION, cycle=1, started_at=started_at)
    minutes = _target_minutes(policy, SLATarget.RESOLUTION)
    if minutes:
        clock.due_at = _when_consumed(calendar, windows, minutes)
        warn = _warn_minutes(policy, minutes)
        clock.warn_at = _when_consumed(calendar, windows, warn) if warn else None
    consumed = sum(business_minutes_between(calendar, start, end or now) for start, end in windows)
    if status in DONE_STATUSES:
        clock.state, clock.stopped_at, clock.stop_reason = ClockState.STOPPED, last_change, ClockStop.RESOLVED
        clock.business_minutes = consumed
        clock.breached = clock.due_at is not None and clock.due_at < last_change
    elif run_start is None:
        clock.state, clock.business_minutes = ClockState.PAUSED, consumed
        clock.breached = clock.due_at is not None and clock.due_at <= now
    else:
        clock.breached = clock.due_at is not None and clock.due_at <= now
    return clock


def plan_clocks(
    *,
    policy: SLAPolicy | None,
    calendar: CalendarSpec | None,
    timeline: Iterable[TimelineEntry],
    now: dt.datetime,
) -> CasePlan:
    """The clocks of a case from its timeline (in any order) under `policy`, as of `now`.

    A case without a customer message has no clocks. Targets the policy
    leaves empty (or no policy) still get clocks, without due times, so
    KPIs measure every response and resolution.
    """
    entries = sorted(timeline, key=lambda entry: (entry.at, _ORDER[entry.kind]))
    first_message = next((entry for entry in entries if entry.kind == CUSTOMER), None)
    if first_message is None:
        return CasePlan()
    start = first_message.at
    first = _response_clock(policy, calendar, SLATarget.FIRST_RESPONSE, 1, start)
    clocks = [first]
    waiting: ClockPlan | None = first  # the response clock a reply would stop
    cycles = 0
    for entry in entries:
        if entry.at < start:
            continue
        if entry.kind == CUSTOMER and entry.counts and waiting is None:
            cycles += 1
            waiting = _response_clock(policy, calendar, SLATarget.NEXT_RESPONSE, cycles, entry.at)
            clocks.append(waiting)
        elif entry.kind == REPLY and entry.counts and waiting is not None:
            _stop(waiting, entry.at, ClockStop.REPLY, calendar)
            waiting = None
        elif entry.kind == STATUS and entry.status in DONE_STATUSES and waiting is not None:
            _stop(waiting, entry.at, ClockStop.RESOLVED, calendar)
            waiting = None
    for clock in clocks:
        if clock.due_at is not None:
            clock.breached = clock.due_at < clock.stopped_at if clock.stopped_at else clock.due_at <= now
    status_changes = [entry for entry in entries if entry.kind == STATUS]
    clocks.append(_resolution_clock(policy, calendar, start, status_changes, now))
    return CasePlan(clocks=clocks)


def preview_due_times(
    policy: SLAPolicy, calendar: CalendarSpec | None, start: dt.datetime
) -> dict[str, dt.datetime | None]:
    """Due time of each target for a case whose first message is at `start` (admin's preview)."""
    plan = plan_clocks(policy=policy, calendar=calendar, timeline=[TimelineEntry(start, CUSTOMER)], now=start)
    return {
        SLATarget.FIRST_RESPONSE: plan.first_response_due_at,
        SLATarget.NEXT_RESPONSE: (
            add_business_minutes(calendar, start, policy.next_response_minutes)
            if policy.next_response_minutes
            else None
        ),
        SLATarget.RESOLUTION: plan.resolution_due_at,
    }
