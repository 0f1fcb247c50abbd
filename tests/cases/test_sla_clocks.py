"""SLA clocks planned from a case's timeline (cases.sla): pure, no database.

Times are UTC. The business calendar is Mon-Fri 09:00-17:00 Europe/London;
2026-03-02 is a Monday (GMT, so local time is UTC until 29 March).
"""

import datetime as dt
import random

import pytest

from cases.business_time import CalendarSpec, WeeklyInterval
from cases.choices import CaseEventKind, CaseStatus, ChannelKind, CustomerTier, EngagementType, Priority
from cases.models import SLAPolicy
from cases.sla import (
    CUSTOMER,
    REPLY,
    STATUS,
    PolicyFacts,
    TimelineEntry,
    plan_clocks,
    preview_due_times,
    select_policy,
    timeline_entry,
)

MON = dt.datetime(2026, 3, 2, 0, 0, tzinfo=dt.UTC)
OFFICE = CalendarSpec(
    time_zone="Europe/London",
    intervals=[WeeklyInterval(day, dt.time(9), dt.time(17)) for day in range(5)],
    name="London office",
)


def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return MON + dt.timedelta(days=day, hours=hour, minutes=minute)


def policy(**overrides) -> SLAPolicy:
    values = dict(
        name="Standard",
        first_response_minutes=60,
        next_response_minutes=120,
        resolution_minutes=8 * 60,
        warning_ratio=0.75,
        pause_while_pending=True,
        pause_while_on_hold=False,
    )
    return SLAPolicy(**(values | overrides))


def customer(when, counts=True):
    return TimelineEntry(when, CUSTOMER, counts=counts)


def reply(when, counts=True):
    return TimelineEntry(when, REPLY, counts=counts)


def status(when, to):
    return TimelineEntry(when, STATUS, status=to)


def clocks_of(plan, target):
    return [clock for clock in plan.clocks if clock.target == target]


def only(plan, target):
    (clock,) = clocks_of(plan, target)
    return clock


# --- first response ---------------------------------------------------------------


def test_first_response_runs_from_the_first_message_to_the_first_human_reply():
    plan = plan_clocks(
        policy=policy(), calendar=None, timeline=[customer(at(0, 10)), reply(at(0, 10, 40))], now=at(0, 12)
    )

    first = only(plan, "first_response")
    assert (first.started_at, first.due_at, first.warn_at) == (at(0, 10), at(0, 11), at(0, 10, 45))
    assert (first.state, first.stopped_at, first.stop_reason) == ("stopped", at(0, 10, 40), "reply")
    assert first.business_minutes == 40
    assert first.breached is False


def test_an_automatic_acknowledgement_does_not_stop_the_first_response_clock():
    plan = plan_clocks(
        policy=policy(),
        calendar=None,
        timeline=[customer(at(0, 10)), reply(at(0, 10, 1), counts=False), reply(at(0, 11, 30))],
        now=at(0, 12),
    )

    first = only(plan, "first_response")
    assert first.stopped_at == at(0, 11, 30)
    assert first.breached is True  # due 11:00, answered 11:30


def test_a_running_clock_past_its_due_time_is_breached_and_one_before_is_not():
    timeline = [customer(at(0, 10))]

    assert only(
        plan_clocks(policy=policy(), calendar=None, timeline=timeline, now=at(0, 11)), "first_response"
    ).breached
    assert not only(
        plan_clocks(policy=policy(), calendar=None, timeline=timeline, now=at(0, 10, 59)), "first_response"
    ).breached


def test_a_friday_evening_message_is_due_on_monday_in_business_hours():
    friday_1630 = at(4, 16, 30)

    plan = plan_clocks(policy=policy(), calendar=OFFICE, timeline=[customer(friday_1630)], now=friday_1630)

    assert only(plan, "first_response").due_at == at(7, 9, 30)  # 30 minutes on Friday, 30 on Monday
    assert plan.first_response_due_at == at(7, 9, 30)
    assert plan.next_due_at == at(7, 9, 30)


def test_the_clock_starts_at_the_message_as_posted_even_when_it_arrives_out_of_order():
    timeline = [
        customer(at(0, 10)),
        reply(at(0, 10, 30)),
        customer(at(0, 11)),
        status(at(0, 11, 5), CaseStatus.PENDING),
        customer(at(0, 12)),
        status(at(0, 12), CaseStatus.OPEN),
        reply(at(0, 13)),
        status(at(0, 14), CaseStatus.RESOLVED),
    ]
    expected = plan_clocks(policy=policy(), calendar=OFFICE, timeline=timeline, now=at(1, 9))

    for seed in range(5):
        shuffled = timeline[:]
        random.Random(seed).shuffle(shuffled)
        assert plan_clocks(policy=policy(), calendar=OFFICE, timeline=shuffled, now=at(1, 9)) == expected


# --- next response ----------------------------------------------------------------


def test_each_next_response_cycle_is_its_own_clock():
    plan = plan_clocks(
        policy=policy(),
        calendar=None,
        timeline=[
            customer(at(0, 9)),
            reply(at(0, 9, 20)),
            customer(at(0, 10)),  # cycle 1: answered in 30 minutes
            customer(at(0, 10, 10)),  # still waiting: no new cycle
            reply(at(0, 10, 30)),
            customer(at(0, 11)),  # cycle 2: answered after 3 hours, late
            reply(at(0, 14)),
        ],
        now=at(0, 15),
    )

    cycles = clocks_of(plan, "next_response")
    assert [(c.cycle, c.started_at, c.stopped_at, c.breached) for c in cycles] == [
        (1, at(0, 10), at(0, 10, 30), False),
        (2, at(0, 11), at(0, 14), True),
    ]
    assert [c.business_minutes for c in cycles] == [30, 180]
    assert plan.breached("next_response") is True
    assert plan.next_response_due_at is None  # no cycle running


def test_a_closing_remark_starts_no_next_response_clock():
    plan = plan_clocks(
        policy=policy(),
        calendar=None,
        timeline=[customer(at(0, 9)), reply(at(0, 9, 20)), customer(at(0, 9, 40), counts=False)],
        now=at(0, 15),
    )

    assert clocks_of(plan, "next_response") == []
    assert plan.next_due_at == at(0, 17)  # only resolution runs


def test_internal_notes_surveys_and_sla_events_are_not_clock_facts():
    for kind in (CaseEventKind.INTERNAL_NOTE, CaseEventKind.SLA_WARNING, CaseEventKind.ASSIGNMENT):
        assert timeline_entry(kind, at(0, 9), {}) is None
    assert timeline_entry(CaseEventKind.INBOUND_POST, at(0, 9), {"closing": True}).counts is False
    assert timeline_entry(CaseEventKind.OUTBOUND_REPLY, at(0, 9), {"automatic": True}).counts is False
    assert timeline_entry(CaseEventKind.STATUS_CHANGE, at(0, 9), {"from": "open", "to": "pending"}).status == "pending"


# --- resolution ----------------------------------------------------------------------


def test_pending_pauses_the_resolution_clock_and_the_customer_resumes_it():
    timeline = [
        customer(at(0, 9)),
        reply(at(0, 10)),
        status(at(0, 10), CaseStatus.PENDING),  # 60 business minutes consumed
        customer(at(0, 15)),  # five hours later the customer answers
        status(at(0, 15), CaseStatus.OPEN),
    ]

    paused = plan_clocks(policy=policy(), calendar=OFFICE, timeline=timeline[:3], now=at(0, 12))
    resumed = plan_clocks(policy=policy(), calendar=OFFICE, timeline=timeline, now=at(0, 15))

    clock = only(paused, "resolution")
    assert (clock.state, clock.due_at, clock.business_minutes) == ("paused", None, 60)
    assert paused.resolution_due_at is None
    # 420 minutes left from 15:00: 2 hours on Monday, 5 on Tuesday.
    assert only(resumed, "resolution").due_at == at(1, 14)
    assert only(resumed, "resolution").state == "running"


def test_without_the_pause_pending_time_counts_toward_resolution():
    timeline = [customer(at(0, 9)), status(at(0, 10), CaseStatus.PENDING)]

    plan = plan_clocks(policy=policy(pause_while_pending=False), calendar=OFFICE, timeline=timeline, now=at(0, 12))

    assert only(plan, "resolution").due_at == at(0, 17)


def test_on_hold_pauses_only_when_the_policy_says_so():
    timeline = [customer(at(0, 9)), status(at(0, 10), CaseStatus.ON_HOLD), status(at(0, 12), CaseStatus.OPEN)]

    held = plan_clocks(policy=policy(pause_while_on_hold=True), calendar=OFFICE, timeline=timeline, now=at(0, 12))
    counted = plan_clocks(policy=policy(), calendar=OFFICE, timeline=timeline, now=at(0, 12))

    assert only(held, "resolution").due_at == at(1, 11)  # two paused hours push it to Tuesday
    assert only(counted, "resolution").due_at == at(0, 17)


def test_a_reopen_resumes_the_resolution_clock_where_it_stopped():
    timeline = [
        customer(at(0, 9)),
        reply(at(0, 11)),
        status(at(0, 12), CaseStatus.RESOLVED),  # 180 minutes consumed
        customer(at(2, 9)),  # Wednesday: "it broke again"
        status(at(2, 9), CaseStatus.OPEN),
    ]

    resolved = plan_clocks(policy=policy(), calendar=OFFICE, timeline=timeline[:3], now=at(1, 9))
    reopened = plan_clocks(policy=policy(), calendar=OFFICE, timeline=timeline, now=at(2, 9))

    done = only(resolved, "resolution")
    assert (done.state, done.stopped_at, done.stop_reason, done.business_minutes) == (
        "stopped",
        at(0, 12),
        "resolved",
        180,
    )
    assert resolved.next_due_at is None
    resumed = only(reopened, "resolution")
    assert (resumed.state, resumed.started_at, resumed.due_at) == ("running", at(0, 9), at(2, 14))
    assert only(reopened, "next_response").started_at == at(2, 9)


def test_resolving_stops_a_waiting_response_clock():
    plan = plan_clocks(
        policy=policy(),
        calendar=None,
        timeline=[customer(at(0, 9)), status(at(0, 9, 30), CaseStatus.RESOLVED)],
        now=at(0, 12),
    )

    first = only(plan, "first_response")
    assert (first.state, first.stop_reason, first.breached) == ("stopped", "resolved", False)


def test_a_resolution_overdue_before_a_pause_stays_breached_at_its_due_time():
    plan = plan_clocks(
        policy=policy(resolution_minutes=60),
        calendar=None,
        timeline=[customer(at(0, 9)), status(at(0, 11), CaseStatus.PENDING)],
        now=at(0, 12),
    )

    clock = only(plan, "resolution")
    assert (clock.state, clock.due_at, clock.breached) == ("paused", at(0, 10), True)


# --- empty targets and no policy --------------------------------------------------------


def test_empty_targets_still_measure_the_clocks_without_due_times():
    timeline = [customer(at(0, 9)), reply(at(0, 9, 45))]

    for chosen in (policy(first_response_minutes=None, next_response_minutes=None, resolution_minutes=None), None):
        plan = plan_clocks(policy=chosen, calendar=None, timeline=timeline, now=at(0, 12))
        first = only(plan, "first_response")
        assert (first.due_at, first.warn_at, first.business_minutes) == (None, None, 45)
        assert plan.next_due_at is None and plan.next_alert_at is None


def test_a_case_without_a_customer_message_has_no_clocks():
    assert plan_clocks(policy=policy(), calendar=None, timeline=[reply(at(0, 9))], now=at(0, 10)).clocks == []


def test_next_alert_is_the_earliest_unrecorded_warning_or_breach():
    plan = plan_clocks(policy=policy(), calendar=None, timeline=[customer(at(0, 9))], now=at(0, 9))

    assert plan.next_alert_at == at(0, 9, 45)  # the first response's warning at 75%
    only(plan, "first_response").warned_at = at(0, 9, 45)
    assert plan.next_alert_at == at(0, 10)
    only(plan, "first_response").breach_recorded_at = at(0, 10)
    assert plan.next_alert_at == at(0, 15)  # resolution warning: 75% of 8 hours


# --- policy selection ------------------------------------------------------------------


FACTS = PolicyFacts(
    priority=Priority.URGENT,
    channel_kind=ChannelKind.X,
    customer_tier=CustomerTier.VIP,
    engagement_type=EngagementType.REACTIVE,
)


def test_the_first_matching_policy_in_admin_order_applies():
    vip = policy(name="VIP", position=10, customer_tiers=[CustomerTier.VIP])
    urgent_x = policy(name="Urgent on X", position=20, priorities=[Priority.URGENT], channel_kinds=[ChannelKind.X])
    default = policy(name="Default", position=1, is_default=True)

    assert select_policy([default, vip, urgent_x], FACTS).name == "VIP"
    vip.position, urgent_x.position = 30, 5
    assert select_policy(sorted([default, vip, urgent_x], key=lambda p: p.position), FACTS).name == "Urgent on X"


def test_every_condition_must_match_and_inactive_policies_are_skipped():
    email_only = policy(name="E-mail", position=1, channel_kinds=[ChannelKind.EMAIL])
    off = policy(name="Switched off", position=2, is_active=False)
    proactive = policy(name="Proactive VIP", position=3, customer_tiers=["vip"], engagement_types=["proactive"])
    default = policy(name="Default", position=9, is_default=True)

    assert select_policy([email_only, off, proactive, default], FACTS).name == "Default"
    assert select_policy([email_only, off, proactive], FACTS) is None


def test_preview_gives_each_targets_due_time_for_a_start():
    due = preview_due_times(policy(), OFFICE, at(4, 16))

    # The first hour ends exactly at Friday's closing time; the others carry over to Monday.
    assert due == {"first_response": at(4, 17), "next_response": at(7, 10), "resolution": at(7, 16)}


@pytest.mark.parametrize("ratio", [0.0, 1.0])
def test_a_warning_ratio_of_0_or_1_gives_no_warning(ratio):
    plan = plan_clocks(policy=policy(warning_ratio=ratio), calendar=None, timeline=[customer(at(0, 9))], now=at(0, 9))

    assert all(clock.warn_at is None for clock in plan.clocks)


def test_the_due_summary_agrees_with_each_property():
    plan = plan_clocks(
        policy=policy(),
        calendar=OFFICE,
        timeline=[customer(at(0, 9)), reply(at(0, 9, 30)), customer(at(0, 11))],
        now=at(0, 11),
    )

    assert plan.due_summary() == (
        plan.first_response_due_at,
        plan.next_response_due_at,
        plan.resolution_due_at,
        plan.next_due_at,
        plan.next_alert_at,
    )
    assert plan.next_response_due_at == at(0, 13)


def test_alerts_recorded_by_a_moment_are_those_the_scan_would_have_seen():
    plan = plan_clocks(
        policy=policy(),
        calendar=None,
        timeline=[customer(at(0, 9)), reply(at(0, 9, 50))],  # answered after the warning, before due
        now=at(0, 16),
    )
    first, resolution = only(plan, "first_response"), only(plan, "resolution")

    for clock in plan.clocks:
        clock.record_alerts_until(at(0, 16))

    assert (first.warned_at, first.breach_recorded_at) == (at(0, 9, 45), None)
    assert (resolution.warned_at, resolution.breach_recorded_at) == (at(0, 15), None)
    assert plan.next_alert_at == at(0, 17)  # only the resolution's breach is left
