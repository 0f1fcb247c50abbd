"""Operations KPIs (kpis.selectors.operations): each figure on hand-made rows, day cuts across
time zones and DST, filters, and the key property that merged daily parts give the raw figures."""

import datetime as dt
import random
import zoneinfo

import pytest

from cases.choices import CaseEventKind, CaseStatus, ClockState, EngagementType, Intent, SLATarget
from cases.models import Case
from channels_app.choices import Direction
from kpis.models import RollupDimension
from kpis.parts import merge_parts
from kpis.scope import KpiScope
from kpis.selectors.operations import (
    backlog_series,
    operations_figures,
    operations_figures_from_parts,
    operations_parts,
)
from tests.factories import (
    CaseEventFactory,
    CaseFactory,
    ChannelFactory,
    SLAClockFactory,
    SLAPolicyFactory,
    SocialPostFactory,
    TeamFactory,
    UserFactory,
)

UTC = zoneinfo.ZoneInfo("UTC")
NEW_YORK = zoneinfo.ZoneInfo("America/New_York")
DAY = dt.date(2026, 6, 10)
NOON = dt.datetime(2026, 6, 10, 12, 0, tzinfo=dt.UTC)
SCOPE = KpiScope.for_days(DAY, DAY, UTC)

pytestmark = pytest.mark.django_db


def minutes(n: float) -> dt.timedelta:
    return dt.timedelta(minutes=n)


def make_case(*, created_at: dt.datetime | None = None, **fields) -> Case:
    """A case; created_at (auto_now_add) is set afterwards when given."""
    case = CaseFactory(**fields)
    if created_at is not None:
        Case.objects.filter(pk=case.pk).update(created_at=created_at)
        case.created_at = created_at
    return case


def answered_case(after: float, *, at: dt.datetime = NOON, **fields) -> Case:
    """A case first answered at `at`, `after` minutes after its first message."""
    return make_case(first_message_at=at - minutes(after), first_responded_at=at, **fields)


def resolved_case(after: float, *, at: dt.datetime = NOON, status=CaseStatus.RESOLVED, **fields) -> Case:
    return make_case(
        first_message_at=at - minutes(after),
        resolved_at=at,
        closed_at=at if status == CaseStatus.CLOSED else None,
        status=status,
        **fields,
    )


# --- first response ----------------------------------------------------------------


def test_first_response_figures_with_an_even_count_interpolate_median_and_p90():
    for after in (10, 20, 30, 40):
        answered_case(after)
    answered_case(500, at=NOON - dt.timedelta(days=1))  # answered the day before: out of scope
    target = answered_case(1)
    answered_case(1000, merged_into=target)  # merged cases count nowhere
    Case.objects.filter(pk=target.pk).update(first_responded_at=NOON + dt.timedelta(days=2))  # out of scope

    figures = operations_figures(SCOPE)["first_response"]

    assert figures["count"] == 4
    assert figures["median"] == pytest.approx(25.0)
    assert figures["p90"] == pytest.approx(37.0)
    assert figures["mean"] == pytest.approx(25.0)
    assert figures["buckets"] == {"lt_15m": 1, "15m_1h": 3, "1h_4h": 0, "4h_24h": 0, "gte_24h": 0}


def test_first_response_figures_with_an_odd_count_and_bucket_lower_bounds_inclusive():
    for after in (5, 15, 60, 240, 1440):
        answered_case(after)

    figures = operations_figures(SCOPE)["first_response"]

    assert figures["count"] == 5
    assert figures["median"] == pytest.approx(60.0)
    # position 0.9 * 4 = 3.6: 240 + 0.6 * (1440 - 240)
    assert figures["p90"] == pytest.approx(960.0)
    assert figures["mean"] == pytest.approx(352.0)
    assert figures["buckets"] == {"lt_15m": 1, "15m_1h": 1, "1h_4h": 1, "4h_24h": 1, "gte_24h": 1}


def test_first_response_minutes_keep_seconds():
    answered_case(7.5)

    assert operations_figures(SCOPE)["first_response"]["median"] == pytest.approx(7.5)


def test_first_response_business_minutes_come_from_the_stopped_first_response_clock_only():
    stopped = [answered_case(30), answered_case(40), answered_case(50)]
    for case, business in zip(stopped, (5.0, 15.0, 20.0), strict=True):
        SLAClockFactory(case=case, state=ClockState.STOPPED, stopped_at=NOON, business_minutes=business)
    no_minutes = answered_case(60)
    SLAClockFactory(case=no_minutes, state=ClockState.STOPPED, stopped_at=NOON, business_minutes=None)
    running = answered_case(70)
    SLAClockFactory(case=running, state=ClockState.RUNNING, business_minutes=99.0)
    later_cycle = answered_case(80)
    SLAClockFactory(
        case=later_cycle,
        target=SLATarget.NEXT_RESPONSE,
        cycle=2,
        state=ClockState.STOPPED,
        stopped_at=NOON,
        business_minutes=77.0,
    )

    figures = operations_figures(SCOPE)["first_response"]

    assert figures["count"] == 6  # calendar figures keep every answered case
    assert figures["business_count"] == 3
    assert figures["business_median"] == pytest.approx(15.0)
    assert figures["business_p90"] == pytest.approx(19.0)
    assert figures["business_mean"] == pytest.approx(40.0 / 3)


def test_figures_without_data_are_none_and_counts_zero():
    figures = operations_figures(SCOPE)

    assert figures["first_response"]["count"] == 0
    assert figures["first_response"]["median"] is None
    assert figures["first_response"]["p90"] is None
    assert figures["first_response"]["mean"] is None
    assert figures["response_rate"] == {"actionable": 0, "answered": 0, "rate": None}
    assert figures["resolution"]["median"] is None
    assert figures["reopen"] == {"reopens": 0, "resolutions": 0, "rate": None}
    assert figures["sla"][SLATarget.FIRST_RESPONSE] == {"achieved": 0, "breached": 0, "compliance": None}
    assert operations_figures_from_parts(merge_parts(operations_parts(SCOPE).values())) == figures


# --- response rate ---------------------------------------------------------------


def test_response_rate_counts_posts_answered_by_a_later_reply_on_their_case():
    answered = make_case(last_responded_at=NOON + minutes(5))
    unanswered = make_case(last_responded_at=NOON - minutes(5))
    never = make_case(last_responded_at=None)
    SocialPostFactory(case=answered, posted_at=NOON)
    SocialPostFactory(case=answered, posted_at=NOON + minutes(5))  # answered at the same instant
    SocialPostFactory(case=unanswered, posted_at=NOON)
    SocialPostFactory(case=never, posted_at=NOON)
    # Not actionable: deleted, outbound, without a case, posted another day, on a merged case.
    SocialPostFactory(case=answered, posted_at=NOON, deleted_at=NOON + minutes(1))
    SocialPostFactory(case=answered, posted_at=NOON, direction=Direction.OUTBOUND)
    SocialPostFactory(case=None, posted_at=NOON)
    SocialPostFactory(case=answered, posted_at=NOON - dt.timedelta(days=1))
    SocialPostFactory(case=make_case(merged_into=answered, last_responded_at=NOON + minutes(9)), posted_at=NOON)

    assert operations_figures(SCOPE)["response_rate"] == {"actionable": 4, "answered": 2, "rate": 0.5}


# --- resolution and reopens ------------------------------------------------------


def test_resolution_figures_over_resolved_and_closed_cases_in_scope():
    resolved_case(60)
    resolved_case(120, status=CaseStatus.CLOSED)
    business = resolved_case(180)
    SLAClockFactory(
        case=business, target=SLATarget.RESOLUTION, state=ClockState.STOPPED, stopped_at=NOON, business_minutes=45.0
    )
    resolved_case(10, at=NOON - dt.timedelta(days=1))  # resolved the day before
    make_case(first_message_at=NOON - minutes(30), resolved_at=NOON, status=CaseStatus.OPEN)  # not done
    resolved_case(999, merged_into=business)

    figures = operations_figures(SCOPE)["resolution"]

    assert figures["count"] == 3
    assert figures["median"] == pytest.approx(120.0)
    assert figures["p90"] == pytest.approx(168.0)  # 120 + 0.8 * 60
    assert figures["mean"] == pytest.approx(120.0)
    assert (figures["business_count"], figures["business_median"], figures["business_mean"]) == (1, 45.0, 45.0)


def test_reopen_rate_is_done_to_open_status_changes_over_resolutions():
    for after in (10, 20, 30, 40):
        resolved_case(after)
    case = make_case()

    def status_change(frm, to, at=NOON):
        CaseEventFactory(case=case, kind=CaseEventKind.STATUS_CHANGE, occurred_at=at, payload={"from": frm, "to": to})

    status_change("resolved", "open")
    status_change("closed", "new")
    status_change("open", "pending")  # not a reopen
    status_change("resolved", "closed")  # not a reopen
    status_change("resolved", "open", at=NOON - dt.timedelta(days=1))  # another day

    assert operations_figures(SCOPE)["reopen"] == {"reopens": 2, "resolutions": 4, "rate": 0.5}


# --- volume -----------------------------------------------------------------------


def test_volume_counts_inbound_posts_and_new_cases_by_channel_engagement_and_intent():
    x, mail = ChannelFactory(), ChannelFactory()
    SocialPostFactory(channel=x, posted_at=NOON, engagement_type=EngagementType.REACTIVE, intent=Intent.COMPLAINT)
    SocialPostFactory(channel=x, posted_at=NOON, engagement_type=EngagementType.REACTIVE, intent=Intent.QUESTION)
    SocialPostFactory(channel=mail, posted_at=NOON, engagement_type=EngagementType.PROACTIVE, intent=Intent.QUESTION)
    SocialPostFactory(channel=mail, posted_at=NOON, deleted_at=NOON)  # deleted
    SocialPostFactory(channel=mail, posted_at=NOON, direction=Direction.OUTBOUND)
    SocialPostFactory(channel=mail, posted_at=NOON + dt.timedelta(days=1))
    make_case(origin_channel=x, created_at=NOON, engagement_type=EngagementType.REACTIVE, intent=Intent.COMPLAINT)
    make_case(origin_channel=mail, created_at=NOON, engagement_type=EngagementType.PROACTIVE, intent=Intent.PRAISE)
    make_case(origin_channel=None, created_at=NOON, engagement_type=EngagementType.PROACTIVE, intent=Intent.PRAISE)
    make_case(origin_channel=x, created_at=NOON - dt.timedelta(days=1))

    volume = operations_figures(SCOPE)["volume"]

    assert volume == {
        "inbound_posts": 3,
        "new_cases": 3,
        "posts_by_channel": {str(x.pk): 2, str(mail.pk): 1},
        "posts_by_engagement": {"reactive": 2, "proactive": 1},
        "posts_by_intent": {"complaint": 1, "question": 2},
        "cases_by_channel": {str(x.pk): 1, str(mail.pk): 1, "": 1},
        "cases_by_engagement": {"reactive": 1, "proactive": 2},
        "cases_by_intent": {"complaint": 1, "praise": 2},
    }


# --- SLA compliance ----------------------------------------------------------------


def test_sla_compliance_counts_stopped_clocks_and_breaches_of_running_ones():
    team = TeamFactory()
    policy = SLAPolicyFactory()
    case = make_case(team=team)
    other = make_case(team=None)
    earlier = NOON - dt.timedelta(days=1)

    def clock(target, cycle=1, on=case, **fields):
        fields.setdefault("due_at", NOON)
        fields.setdefault("policy", policy)
        return SLAClockFactory(case=on, target=target, cycle=cycle, started_at=earlier, **fields)

    fr, nr, res = SLATarget.FIRST_RESPONSE, SLATarget.NEXT_RESPONSE, SLATarget.RESOLUTION
    clock(fr, state=ClockState.STOPPED, stopped_at=NOON)  # achieved
    clock(fr, on=other, state=ClockState.STOPPED, stopped_at=NOON, breached=True)  # breached
    clock(nr, 1, state=ClockState.RUNNING, breached=True)  # breached while running, due in scope
    clock(nr, 2, state=ClockState.RUNNING, breached=False)  # undecided
    clock(nr, 3, state=ClockState.STOPPED, stopped_at=earlier)  # decided the day before
    clock(nr, 4, state=ClockState.RUNNING, breached=True, due_at=earlier)  # breached the day before
    clock(nr, 5, state=ClockState.STOPPED, stopped_at=NOON, due_at=None)  # no target: never decided
    clock(nr, 6, state=ClockState.STOPPED, stopped_at=NOON, due_at=earlier, breached=True)  # breached, stopped today
    clock(res, state=ClockState.PAUSED, breached=True)  # paused after its breach
    clock(res, on=other, state=ClockState.STOPPED, stopped_at=NOON, policy=None)

    sla = operations_figures(SCOPE)["sla"]

    assert sla[fr] == {"achieved": 1, "breached": 1, "compliance": 0.5}
    assert sla[nr] == {"achieved": 0, "breached": 2, "compliance": 0.0}
    assert sla[res] == {"achieved": 1, "breached": 1, "compliance": 0.5}
    assert sla["breaches_by_team"] == {str(team.pk): 3, "": 1}
    assert sla["breaches_by_policy"] == {str(policy.pk): 4}


def test_a_resolution_met_before_its_target_was_used_up_counts_as_achieved():
    # cases.sla leaves such a clock without a due time: its policy's target is what says it had one.
    with_target = SLAPolicyFactory(resolution_minutes=480)
    without_target = SLAPolicyFactory(resolution_minutes=None)
    for policy in (with_target, without_target):
        SLAClockFactory(
            case=make_case(),
            target=SLATarget.RESOLUTION,
            started_at=NOON - dt.timedelta(hours=2),
            state=ClockState.STOPPED,
            stopped_at=NOON,
            due_at=None,
            policy=policy,
        )

    assert operations_figures(SCOPE)["sla"][SLATarget.RESOLUTION] == {"achieved": 1, "breached": 0, "compliance": 1.0}


# --- backlog -----------------------------------------------------------------------


def test_backlog_counts_cases_open_at_the_end_of_each_local_day():
    first, last = dt.date(2026, 6, 10), dt.date(2026, 6, 12)
    day = dt.timedelta(days=1)
    make_case(created_at=NOON - 5 * day)  # open all along
    resolved_case(10, at=NOON + day, created_at=NOON - day)  # open at the end of the 10th, resolved on the 11th
    make_case(created_at=NOON + 2 * day)  # created on the 12th
    resolved_case(10, at=NOON - day, created_at=NOON - 2 * day)  # resolved before the scope
    make_case(created_at=NOON + 3 * day)  # created after the scope
    target = make_case(created_at=NOON + 5 * day)
    make_case(created_at=NOON - day, merged_into=target)  # merged: never counted

    assert backlog_series(KpiScope.for_days(first, last, UTC)) == [
        (dt.date(2026, 6, 10), 2),
        (dt.date(2026, 6, 11), 1),
        (dt.date(2026, 6, 12), 2),
    ]


def test_backlog_cuts_days_in_the_scope_zone():
    # 02:00 UTC on the 11th is 22:00 on the 10th in New York.
    make_case(created_at=dt.datetime(2026, 6, 11, 2, 0, tzinfo=dt.UTC))

    scope = KpiScope.for_days(dt.date(2026, 6, 9), dt.date(2026, 6, 10), NEW_YORK)

    assert backlog_series(scope) == [(dt.date(2026, 6, 9), 0), (dt.date(2026, 6, 10), 1)]


def test_backlog_honours_the_team_filter():
    team = TeamFactory()
    make_case(created_at=NOON - minutes(60), team=team)
    make_case(created_at=NOON - minutes(60))

    assert backlog_series(KpiScope.for_days(DAY, DAY, UTC, team_id=team.pk)) == [(DAY, 1)]


# --- day boundaries ----------------------------------------------------------------


def test_case_answered_at_2330_in_new_york_counts_on_that_local_day_not_the_utc_day():
    # 2026-06-10 23:30 EDT is 2026-06-11 03:30 UTC.
    answered_case(10, at=dt.datetime(2026, 6, 11, 3, 30, tzinfo=dt.UTC))

    on_the_10th = KpiScope.for_days(dt.date(2026, 6, 10), dt.date(2026, 6, 10), NEW_YORK)
    on_the_11th = KpiScope.for_days(dt.date(2026, 6, 11), dt.date(2026, 6, 11), NEW_YORK)
    both = KpiScope.for_days(dt.date(2026, 6, 10), dt.date(2026, 6, 11), NEW_YORK)

    assert operations_figures(on_the_10th)["first_response"]["count"] == 1
    assert operations_figures(on_the_11th)["first_response"]["count"] == 0
    assert list(operations_parts(both)) == [(dt.date(2026, 6, 10), "")]


def test_dst_day_in_new_york_is_cut_at_local_midnights():
    # 2026-03-08 runs from 05:00 UTC (EST midnight) to 04:00 UTC on the 9th (EDT midnight): 23 hours.
    utc = dt.UTC
    answered_case(10, at=dt.datetime(2026, 3, 8, 4, 59, tzinfo=utc))  # 23:59 EST on the 7th
    answered_case(20, at=dt.datetime(2026, 3, 8, 5, 0, tzinfo=utc))  # 00:00 EST on the 8th
    answered_case(30, at=dt.datetime(2026, 3, 9, 3, 59, tzinfo=utc))  # 23:59 EDT on the 8th
    answered_case(40, at=dt.datetime(2026, 3, 9, 4, 0, tzinfo=utc))  # 00:00 EDT on the 9th

    dst_day = KpiScope.for_days(dt.date(2026, 3, 8), dt.date(2026, 3, 8), NEW_YORK)
    three_days = KpiScope.for_days(dt.date(2026, 3, 7), dt.date(2026, 3, 9), NEW_YORK)
    parts = operations_parts(three_days)

    assert operations_figures(dst_day)["first_response"]["median"] == pytest.approx(25.0)
    assert {day: part["first_response_minutes"].values for (day, _), part in parts.items()} == {
        dt.date(2026, 3, 7): [10.0],
        dt.date(2026, 3, 8): [20.0, 30.0],
        dt.date(2026, 3, 9): [40.0],
    }


# --- filters ------------------------------------------------------------------------


@pytest.fixture
def two_of_each():
    """Two channels, teams and agents; the 'one' side answers in 10 and 20 minutes, the other in 99."""
    one = {"origin_channel": ChannelFactory(), "team": TeamFactory(), "assignee": UserFactory()}
    other = {"origin_channel": ChannelFactory(), "team": TeamFactory(), "assignee": UserFactory()}
    answered_case(10, **one)
    answered_case(20, **one)
    answered_case(99, **other)
    case = make_case(last_responded_at=NOON, **one)
    SocialPostFactory(case=case, channel=one["origin_channel"], posted_at=NOON)
    SocialPostFactory(case=make_case(**other), channel=other["origin_channel"], posted_at=NOON)
    return one


@pytest.mark.parametrize(
    ("scope_field", "fixture_field"),
    [("channel_id", "origin_channel"), ("team_id", "team"), ("agent_id", "assignee")],
)
def test_figures_are_filtered_by_the_scope_channel_team_or_agent(two_of_each, scope_field, fixture_field):
    scope = KpiScope.for_days(DAY, DAY, UTC, **{scope_field: two_of_each[fixture_field].pk})

    figures = operations_figures(scope)

    assert figures["first_response"]["count"] == 2
    assert figures["first_response"]["median"] == pytest.approx(15.0)
    assert figures["response_rate"] == {"actionable": 1, "answered": 1, "rate": 1.0}
    assert figures["volume"]["inbound_posts"] == 1


# --- raw figures equal figures from merged parts ----------------------------------


PROPERTY_DAYS = (dt.date(2026, 3, 6), dt.date(2026, 3, 10))  # across New York's DST change


def spread_dataset(size: int, seed: int = 7) -> dict:
    """`size` cases of each kind over five New York days, several channels, teams, agents and policies."""
    rng = random.Random(seed)
    channels = [ChannelFactory() for _ in range(3)]
    teams = [TeamFactory() for _ in range(2)] + [None]
    agents = [UserFactory() for _ in range(3)] + [None]
    policies = [SLAPolicyFactory(), SLAPolicyFactory(), None]
    start = dt.datetime(2026, 3, 6, 3, 0, tzinfo=dt.UTC)  # 22:00 on the 5th in New York: some fall outside

    def instant() -> dt.datetime:
        return start + dt.timedelta(minutes=rng.randrange(0, 6 * 24 * 60), seconds=rng.randrange(60))

    def who() -> dict:
        return {"origin_channel": rng.choice(channels), "team": rng.choice(teams), "assignee": rng.choice(agents)}

    for _ in range(size):
        at = instant()
        case = answered_case(rng.choice([3, 15, 45, 90, 300, 2000]) + rng.random(), at=at, created_at=at, **who())
        if rng.random() < 0.7:
            SLAClockFactory(
                case=case,
                state=ClockState.STOPPED,
                stopped_at=at,
                business_minutes=rng.choice([None, 1.5, 12.0, 40.0, 300.0]),
                breached=rng.random() < 0.3,
                policy=rng.choice(policies),
            )
        done = resolved_case(rng.randrange(30, 5000), at=instant(), created_at=instant(), **who())
        SLAClockFactory(
            case=done,
            target=SLATarget.RESOLUTION,
            state=rng.choice([ClockState.STOPPED, ClockState.RUNNING, ClockState.PAUSED]),
            stopped_at=done.resolved_at,
            due_at=instant(),
            breached=rng.random() < 0.5,
            business_minutes=float(rng.randrange(0, 900)),
            policy=rng.choice(policies),
        )
        CaseEventFactory(
            case=done,
            kind=CaseEventKind.STATUS_CHANGE,
            occurred_at=instant(),
            payload=rng.choice([{"from": "resolved", "to": "open"}, {"from": "open", "to": "pending"}]),
        )
        post_case = rng.choice([case, done, None])
        SocialPostFactory(
            case=post_case,
            channel=rng.choice(channels),
            posted_at=instant(),
            engagement_type=rng.choice(EngagementType.values),
            intent=rng.choice(Intent.values),
        )
        if post_case is not None:
            Case.objects.filter(pk=post_case.pk).update(last_responded_at=instant())
    merged_target = answered_case(5, at=start + dt.timedelta(days=1), **who())
    answered_case(7, at=start + dt.timedelta(days=1), merged_into=merged_target, **who())
    return {"channels": channels, "teams": teams, "agents": agents}


def assert_same_figures(from_parts: dict, raw: dict) -> None:
    assert from_parts.keys() == raw.keys()
    for name, value in raw.items():
        if isinstance(value, dict):
            assert_same_figures(from_parts[name], value)
        elif value is None:
            assert from_parts[name] is None, name
        else:
            assert from_parts[name] == pytest.approx(value), name


def test_merged_daily_parts_give_the_raw_figures():
    spread_dataset(40)
    scope = KpiScope.for_days(*PROPERTY_DAYS, NEW_YORK)

    raw = operations_figures(scope)
    parts = operations_parts(scope)

    assert raw["first_response"]["count"] > 20 and raw["sla"]["breaches_by_policy"]  # the data is not trivial
    assert {day for day, _ in parts} == {PROPERTY_DAYS[0] + dt.timedelta(days=n) for n in range(5)}
    assert_same_figures(operations_figures_from_parts(merge_parts(parts.values())), raw)


@pytest.mark.parametrize(
    ("dimension", "group", "scope_field"),
    [
        (RollupDimension.AGENT, "agents", "agent_id"),
        (RollupDimension.TEAM, "teams", "team_id"),
        (RollupDimension.CHANNEL, "channels", "channel_id"),
    ],
)
def test_parts_of_one_dimension_key_give_the_figures_of_the_scope_filtered_to_it(dimension, group, scope_field):
    data = spread_dataset(40)
    scope = KpiScope.for_days(*PROPERTY_DAYS, NEW_YORK)
    parts = operations_parts(scope, dimension=dimension)

    for member in data[group]:
        if member is None:
            continue
        key = str(member.pk)
        mine = merge_parts(named for (_, part_key), named in parts.items() if part_key == key)
        filtered = KpiScope.for_days(*PROPERTY_DAYS, NEW_YORK, **{scope_field: member.pk})

        assert_same_figures(operations_figures_from_parts(mine), operations_figures(filtered))


def test_parts_keys_of_items_without_an_agent_are_empty():
    answered_case(10, assignee=None)
    agent = UserFactory()
    answered_case(20, assignee=agent)

    parts = operations_parts(SCOPE, dimension=RollupDimension.AGENT)

    assert {key: named["first_response_minutes"].values for (_, key), named in parts.items()} == {
        "": [10.0],
        str(agent.pk): [20.0],
    }


# --- query budget --------------------------------------------------------------------


@pytest.mark.parametrize("size", [2, 25])
def test_operations_figures_use_a_constant_number_of_queries(size, django_assert_max_num_queries):
    spread_dataset(size, seed=size)
    scope = KpiScope.for_days(*PROPERTY_DAYS, NEW_YORK)

    with django_assert_max_num_queries(7):
        operations_figures(scope)
    with django_assert_max_num_queries(7):
        operations_parts(scope, dimension=RollupDimension.TEAM)
    with django_assert_max_num_queries(1):
        backlog_series(scope)
