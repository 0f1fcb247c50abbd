"""Routing rules and automatic assignment (cases.routing, cases.services.routing)."""

import datetime as dt
import random
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from cases import services
from cases.choices import CaseEventKind, CaseStatus, ChannelKind, CustomerTier, EngagementType, Intent, Priority
from cases.models import AgentProfile, Case, CaseEvent, RoutingRule
from cases.routing import AgentCandidate, RoutingFacts, pick_agent, select_rule
from cases.services import CaseChangeError
from cases.tasks import route_cases_task
from channels_app.pipeline import ingest_posts
from tests.channels.helpers import post
from tests.factories import (
    AgentProfileFactory,
    BusinessCalendarFactory,
    CaseFactory,
    ChannelFactory,
    CustomerFactory,
    OpeningIntervalFactory,
    RoutingRuleFactory,
    SocialPostFactory,
    TeamFactory,
    UserFactory,
)

UTC = dt.UTC
# Monday 30 November 2026: London is on UTC in winter.
MONDAY = dt.datetime(2026, 11, 30, tzinfo=UTC)


def agent(team, *, username=None, **fields) -> AgentProfile:
    user = UserFactory(**({"username": username} if username else {}))
    profile = AgentProfileFactory(user=user, **fields)
    profile.teams.add(team)
    return profile


def new_case(team=None, **fields) -> Case:
    return CaseFactory(**({"team": team, "status": CaseStatus.NEW, "language": "en"} | fields))


def assignment_events(case, key):
    return [e.payload for e in CaseEvent.objects.filter(case=case, kind=CaseEventKind.ASSIGNMENT) if key in e.payload]


# -- select_rule (pure) ------------------------------------------------------------------


def rule(name="r", position=100, *, is_active=True, stop=True, pk=None, **conditions):
    names = ["channel_kinds", "languages", "intents", "engagement_types", "priorities", "customer_tiers", "terms"]
    values = {name: [] for name in names}
    return RoutingRule(name=name, position=position, is_active=is_active, stop=stop, pk=pk, **(values | conditions))


def test_rules_are_tried_in_position_order_and_the_first_match_decides():
    late, early = rule("late", 20, pk=1), rule("early", 10, pk=2)

    assert select_rule([late, early], RoutingFacts()).name == "early"


def test_inactive_rules_are_skipped():
    assert select_rule([rule("off", 1, is_active=False), rule("on", 2)], RoutingFacts()).name == "on"


def test_a_rule_with_no_conditions_matches_anything():
    assert select_rule([rule("any")], RoutingFacts(channel_kind="x", text="hello")).name == "any"


def test_no_rule_matches_gives_none():
    assert select_rule([rule(priorities=["urgent"])], RoutingFacts(priority="low")) is None
    assert select_rule([], RoutingFacts()) is None


@pytest.mark.parametrize(
    ("condition", "values", "fact", "matching", "other"),
    [
        ("channel_kinds", [ChannelKind.X, ChannelKind.FACEBOOK], "channel_kind", ChannelKind.FACEBOOK, "email"),
        ("languages", ["es"], "language", "es", "en"),
        ("intents", [Intent.SALES_LEAD], "intent", Intent.SALES_LEAD, Intent.COMPLAINT),
        ("engagement_types", [EngagementType.PROGRESSIVE], "engagement_type", "progressive", "reactive"),
        ("priorities", [Priority.URGENT, Priority.HIGH], "priority", Priority.HIGH, Priority.NORMAL),
        ("customer_tiers", [CustomerTier.VIP], "customer_tier", CustomerTier.VIP, CustomerTier.STANDARD),
    ],
)
def test_each_condition_matches_only_its_values(condition, values, fact, matching, other):
    rules = [rule("conditioned", 1, **{condition: values})]

    assert select_rule(rules, RoutingFacts(**{fact: matching})) is rules[0]
    assert select_rule(rules, RoutingFacts(**{fact: other})) is None


def test_conditions_all_must_hold():
    rules = [rule("both", channel_kinds=["x"], priorities=["urgent"])]

    assert select_rule(rules, RoutingFacts(channel_kind="x", priority="urgent")) is rules[0]
    assert select_rule(rules, RoutingFacts(channel_kind="x", priority="low")) is None


def test_language_compares_primary_subtag_and_unknown_language_does_not_match_a_language_rule():
    rules = [rule("pt", languages=["pt"])]

    assert select_rule(rules, RoutingFacts(language="pt-BR")) is rules[0]
    assert select_rule(rules, RoutingFacts(language="")) is None


@pytest.mark.parametrize(
    ("text", "matches"),
    [
        ("I want a REFUND now", True),
        ("refund!", True),
        ("Already refunded, thanks", False),
        ("please cancel   my account today", True),
        ("#outage again?", True),
        ("no outage here", False),
        ("", False),
    ],
)
def test_terms_match_whole_words_or_phrases_ignoring_case(text, matches):
    rules = [rule("terms", terms=["refund", "cancel my account", "#outage"])]

    assert (select_rule(rules, RoutingFacts(text=text)) is not None) is matches


def test_a_matching_rule_without_stop_is_replaced_by_a_later_match():
    provisional = rule("provisional", 1, stop=False, pk=1)
    specific = rule("specific", 2, priorities=["urgent"], pk=2)

    assert select_rule([provisional, specific], RoutingFacts(priority="urgent")) is specific
    assert select_rule([provisional, specific], RoutingFacts(priority="low")) is provisional


# -- pick_agent (pure) -------------------------------------------------------------------


def candidate(user_id, load=0, capacity=5, **fields):
    return AgentCandidate(user_id=user_id, open_cases=load, capacity=capacity, **fields)


def test_the_least_loaded_agent_is_picked():
    assert pick_agent([candidate(1, 3), candidate(2, 1), candidate(3, 2)]).user_id == 2


def test_ties_go_to_the_agent_assigned_longest_ago_never_assigned_first_then_lowest_id():
    at = MONDAY
    agents = [
        candidate(1, last_assigned_at=at),
        candidate(2, last_assigned_at=at - dt.timedelta(minutes=5)),
        candidate(3),
        candidate(4),
    ]

    assert pick_agent(agents).user_id == 3
    assert pick_agent(agents[:2]).user_id == 2


def test_unavailable_full_wrong_language_or_missing_skill_agents_are_not_picked():
    agents = [
        candidate(1, available=False),
        candidate(2, load=5, capacity=5),
        candidate(3, languages=("en",)),
        candidate(4, load=1, languages=("es",), skills=("Billing",)),
    ]

    assert pick_agent(agents, language="es", skill="billing").user_id == 4
    assert pick_agent(agents, language="es", skill="outages") is None
    assert pick_agent(agents, language="fr") is None


def test_an_agent_with_no_languages_listed_takes_any_language():
    assert pick_agent([candidate(1, languages=())], language="ja").user_id == 1


def test_round_robin_after_treats_close_loads_as_equal():
    agents = [candidate(1, load=2, last_assigned_at=MONDAY), candidate(2, load=3)]

    assert pick_agent(agents).user_id == 1
    assert pick_agent(agents, round_robin_after=1).user_id == 2


# -- the model -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_rule_clean_refuses_unknown_values_and_bad_languages_and_terms():
    team = TeamFactory()
    RoutingRule(name="ok", team=team, channel_kinds=["x"], languages=["es"], terms=["refund"]).full_clean()
    for bad in (
        {"channel_kinds": ["myspace"]},
        {"intents": ["rant"]},
        {"priorities": "urgent"},
        {"customer_tiers": ["gold"]},
        {"engagement_types": ["hostile"]},
        {"languages": ["Spanish"]},
        {"terms": ["  "]},
        {"terms": "refund"},
    ):
        with pytest.raises(ValidationError):
            RoutingRule(name="bad", team=team, **bad).full_clean()


# -- case_route -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_route_puts_the_case_in_the_rule_team_records_the_rule_and_assigns_an_agent():
    billing = TeamFactory(name="Billing")
    rosa = agent(billing, username="rosa")
    RoutingRuleFactory(name="refunds", position=1, team=billing, terms=["refund"])
    RoutingRuleFactory(name="catch-all", position=2)
    case = new_case(subject="Where is my refund?")

    routed = services.case_route(case_id=case.pk, now=MONDAY)

    assert (routed.team_id, routed.assignee_id) == (billing.pk, rosa.user_id)
    (decision,) = assignment_events(case, "routed")
    assert decision["rule"] == "refunds" and decision["team"] == billing.pk
    (assignment,) = assignment_events(case, "auto")
    assert assignment == {
        "auto": True,
        "rule": "least_loaded",
        "from": None,
        "to": rosa.user_id,
        "load": 0,
        "capacity": 10,
    }


@pytest.mark.django_db
def test_route_matches_terms_in_the_first_inbound_post():
    billing = TeamFactory()
    RoutingRuleFactory(team=billing, terms=["invoice"])
    case = new_case(subject="Hello")
    SocialPostFactory(case=case, text="my invoice is wrong")

    assert services.case_route(case_id=case.pk, now=MONDAY).team_id == billing.pk


@pytest.mark.django_db
def test_route_uses_case_facts_for_conditions():
    vip_team = TeamFactory()
    RoutingRuleFactory(team=vip_team, customer_tiers=["vip"], channel_kinds=["x"], priorities=["high"])
    vip = new_case(customer=CustomerFactory(tier=CustomerTier.VIP), priority=Priority.HIGH)
    standard = new_case(priority=Priority.HIGH)

    assert services.case_route(case_id=vip.pk, now=MONDAY).team_id == vip_team.pk
    assert services.case_route(case_id=standard.pk, now=MONDAY).team_id is None


@pytest.mark.django_db
def test_route_leaves_an_assigned_case_where_it_is_and_routing_twice_records_once():
    team, other = TeamFactory(), TeamFactory()
    RoutingRuleFactory(team=team)
    held = new_case(other, assignee=UserFactory())
    case = new_case()

    assert services.case_route(case_id=held.pk, now=MONDAY).team_id == other.pk
    services.case_route(case_id=case.pk, now=MONDAY)
    services.case_route(case_id=case.pk, now=MONDAY)

    assert len(assignment_events(case, "routed")) == 1
    assert assignment_events(held, "routed") == []


@pytest.mark.django_db
def test_the_routed_rule_skill_is_required_of_the_assignee():
    team = TeamFactory()
    agent(team, username="generalist")
    expert = agent(team, username="expert", skills=["billing"])
    RoutingRuleFactory(team=team, required_skill="billing")
    case = new_case()

    assert services.case_route(case_id=case.pk, now=MONDAY).assignee_id == expert.user_id


@pytest.mark.django_db
def test_the_case_language_is_required_of_the_assignee():
    team = TeamFactory()
    agent(team, username="english", languages=["en"])
    spanish = agent(team, username="spanish", languages=["es", "en"])
    case = new_case(team, language="es")

    assert services.case_auto_assign(case_id=case.pk, now=MONDAY).assignee_id == spanish.user_id


# -- case_auto_assign ------------------------------------------------------------------------


@pytest.mark.django_db
def test_least_loaded_agent_gets_the_case():
    team = TeamFactory()
    busy, free = agent(team, username="busy"), agent(team, username="free")
    for _ in range(2):
        new_case(team, assignee=busy.user)
    new_case(team, assignee=free.user)
    case = new_case(team)

    assert services.case_auto_assign(case_id=case.pk, now=MONDAY).assignee_id == free.user_id
    free.refresh_from_db()
    assert free.last_assigned_at == MONDAY


@pytest.mark.django_db
def test_thirty_cases_over_three_equal_agents_go_ten_each_in_rotation():
    team = TeamFactory()
    profiles = [agent(team, username=f"a{i}", capacity=20) for i in range(3)]
    cases = [new_case(team) for _ in range(30)]

    order = [
        services.case_auto_assign(case_id=case.pk, now=MONDAY + dt.timedelta(minutes=i)).assignee_id
        for i, case in enumerate(cases)
    ]

    assert {user_id: order.count(user_id) for user_id in set(order)} == {p.user_id: 10 for p in profiles}
    first_round = order[:3]
    assert sorted(first_round) == sorted(p.user_id for p in profiles)
    assert order == first_round * 10


@pytest.mark.django_db
def test_no_agent_goes_beyond_capacity_and_the_case_waits_when_all_are_full():
    team = TeamFactory()
    profiles = [agent(team, capacity=2) for _ in range(2)]
    cases = [new_case(team) for _ in range(5)]

    results = [services.case_auto_assign(case_id=case.pk, now=MONDAY) for case in cases]

    assert [case.assignee_id is not None for case in results] == [True] * 4 + [False]
    for profile in profiles:
        assert Case.objects.filter(assignee=profile.user).count() == 2
    assert CaseEvent.objects.filter(case=cases[4]).count() == 0


@pytest.mark.django_db
def test_unavailable_agents_and_done_or_unteamed_cases_are_left_alone():
    team = TeamFactory()
    agent(team, is_available=False)
    waiting = new_case(team)
    resolved = new_case(team, status=CaseStatus.RESOLVED, resolved_at=MONDAY)
    unteamed = new_case()
    agent(TeamFactory())

    for case in (waiting, resolved, unteamed):
        assert services.case_auto_assign(case_id=case.pk, now=MONDAY).assignee_id is None
    assert services.case_auto_assign(case_id=0, now=MONDAY) is None


# -- coverage hours -------------------------------------------------------------------------


@pytest.fixture
def day_team():
    calendar = BusinessCalendarFactory(time_zone="Europe/London")
    OpeningIntervalFactory(calendar=calendar, weekday=0, opens_at=dt.time(9), closes_at=dt.time(17))
    return TeamFactory(calendar=calendar)


@pytest.mark.django_db
def test_outside_coverage_hours_the_case_waits_with_one_event_then_is_assigned_at_opening(day_team):
    rosa = agent(day_team)
    case = new_case(day_team)
    early = MONDAY + dt.timedelta(hours=7)

    # Given the team is off shift: the case waits, and says once until when.
    services.case_auto_assign(case_id=case.pk, now=early)
    services.case_auto_assign(case_id=case.pk, now=early + dt.timedelta(minutes=30))
    assert Case.objects.get(pk=case.pk).assignee_id is None
    assert assignment_events(case, "waiting_for_shift") == [
        {"waiting_for_shift": "2026-11-30T09:00:00+00:00", "team": day_team.pk}
    ]
    # Still closed at 08:59: the beat assigns nothing.
    assert services.cases_assign_waiting(now=MONDAY + dt.timedelta(hours=8, minutes=59)) == 0

    # When the shift opens, the beat assigns it.
    assert services.cases_assign_waiting(now=MONDAY + dt.timedelta(hours=9)) == 1
    assert Case.objects.get(pk=case.pk).assignee_id == rosa.user_id


@pytest.mark.django_db
def test_assign_waiting_runs_constant_queries_and_assigns_highest_priority_first(
    day_team, django_assert_max_num_queries
):
    team = TeamFactory()
    agents = [agent(team, capacity=3) for _ in range(2)]
    agent(day_team)
    low = [new_case(team, priority_score=1) for _ in range(6)]
    high = new_case(team, priority_score=90)
    new_case(day_team)  # off shift on a Monday night: stays

    # Teams, calendars (3), cases, members, profiles, loads, skills, 3 writes, the audit entries' INSERT,
    # and a savepoint's 2.
    with django_assert_max_num_queries(15):
        assert services.cases_assign_waiting(now=MONDAY + dt.timedelta(hours=20)) == 6

    assert Case.objects.get(pk=high.pk).assignee_id is not None
    assert Case.objects.filter(pk__in=[c.pk for c in low], assignee__isnull=True).count() == 1
    for profile in agents:
        assert Case.objects.filter(assignee=profile.user).count() == 3


# -- availability ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_going_unavailable_hands_back_unstarted_cases_which_go_to_others():
    team = TeamFactory()
    leaving, staying = agent(team, username="leaving"), agent(team, username="staying")
    unstarted = [new_case(team, assignee=leaving.user) for _ in range(2)]
    answered = new_case(team, assignee=leaving.user, first_responded_at=dt.datetime.now(UTC))
    opened = CaseFactory(team=team, assignee=leaving.user, status=CaseStatus.OPEN)

    services.agent_set_availability(agent=leaving.user, available=False, actor=leaving.user)

    leaving.refresh_from_db()
    assert leaving.is_available is False
    for case in unstarted:
        assert Case.objects.get(pk=case.pk).assignee_id == staying.user_id
        assert assignment_events(case, "handed_back") == [{"handed_back": True, "from": leaving.user_id, "to": None}]
    assert Case.objects.get(pk=answered.pk).assignee_id == leaving.user_id
    assert Case.objects.get(pk=opened.pk).assignee_id == leaving.user_id


@pytest.mark.django_db
def test_setting_someone_elses_availability_needs_permission():
    team = TeamFactory()
    rosa, sam = agent(team), agent(team)

    with pytest.raises(CaseChangeError):
        services.agent_set_availability(agent=rosa.user, available=False, actor=sam.user)


# -- concurrency ----------------------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_four_workers_assigning_forty_cases_never_exceed_capacity_nor_assign_twice():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises writers, so nothing runs concurrently")
    team = TeamFactory()
    profiles = [agent(team, capacity=5) for _ in range(3)]
    case_ids = [new_case(team).pk for _ in range(40)]
    barrier = threading.Barrier(4)
    errors = []

    def worker(seed):
        try:
            ids = case_ids[:]
            random.Random(seed).shuffle(ids)
            barrier.wait(timeout=10)
            for case_id in ids:
                services.case_auto_assign(case_id=case_id)
        except Exception as error:  # surfaced by the assertion below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(seed,)) for seed in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert errors == []
    assert Case.objects.filter(pk__in=case_ids, assignee__isnull=False).count() == 15
    for profile in profiles:
        assert Case.objects.filter(assignee=profile.user).count() == 5
    auto_events = CaseEvent.objects.filter(case_id__in=case_ids, kind=CaseEventKind.ASSIGNMENT, payload__auto=True)
    assert auto_events.count() == 15
    assert len(set(auto_events.values_list("case_id", flat=True))) == 15


@pytest.mark.django_db
def test_ingestion_routes_the_cases_it_opens_when_rules_exist(django_capture_on_commit_callbacks):
    care = TeamFactory(name="Care")
    rosa = agent(care, username="rosa_ingest")
    RoutingRuleFactory(name="Everything to care", team=care)
    channel = ChannelFactory(name="Acme on X", brand_handles=["AcmeAirCare"], brand_terms=["Acme Air"])

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        ingest_posts(channel=channel, posts=[post(1, 0, "@AcmeAirCare my flight was cancelled, rebook me please")])
    case = Case.objects.get()
    # After commit: one routing task for the batch (no escalation rule fires), and the complaint
    # announced to listeners such as leads (channels_app.signals.posts_stored).
    assert len(callbacks) == 2

    assert route_cases_task([case.pk]) == 1  # what the worker runs

    case.refresh_from_db()
    assert (case.team, case.assignee) == (care, rosa.user)
    assert CaseEvent.objects.filter(
        case=case, kind=CaseEventKind.ASSIGNMENT, payload__rule="Everything to care"
    ).exists()
