"""The console's writes: claim, assign, note, reply (with its collision guard), tags, escalation, merge, resolve."""

import datetime as dt
import threading

import pytest
from django.db import connection, connections

from cases.choices import CaseEventKind, CaseStatus, ChannelKind, Priority
from cases.models import Case, CaseEvent, SLAClock
from cases.services import (
    CHANNEL_TEXT_LIMITS,
    CaseChangeError,
    CaseClaimed,
    StaleCase,
    case_add_note,
    case_assign,
    case_change_status,
    case_claim,
    case_escalate,
    case_merge,
    case_reply,
    case_resolve,
    case_set_tags,
)
from channels_app.models import OutboundMessage, SocialPost
from channels_app.pipeline import ingest_posts
from tests.channels.helpers import T0, post
from tests.factories import (
    AgentProfileFactory,
    CaseFactory,
    ChannelFactory,
    SLAPolicyFactory,
    SocialPostFactory,
    SocialProfileFactory,
    TagFactory,
    TeamFactory,
    UserFactory,
)
from tests.roles import user_in_group

pytestmark = pytest.mark.django_db

# The day of T0 is not today, so times on the timeline are shown with their date.
AT = r"(2026-11-02 )?"


def minutes(value):
    return T0 + dt.timedelta(minutes=value)


def dana(external_id, at, text, **fields):
    return post(external_id, at, text, author="dana_r", author_name="Dana Reyes", **fields)


@pytest.fixture
def channel():
    SLAPolicyFactory(name="Default", is_default=True, first_response_minutes=240, resolution_minutes=48 * 60)
    return ChannelFactory(name="Acme on X", brand_handles=["AcmeAirCare"], brand_terms=["Acme Air"])


@pytest.fixture
def case(channel):
    ingest_posts(channel=channel, posts=[dana(1, 0, "@AcmeAirCare my bag never arrived in Lima, AC12 yesterday")])
    return SocialPost.objects.get(external_id="1").case


@pytest.fixture
def rosa():
    return UserFactory(username="rosa", first_name="Rosa", last_name="Diaz")


@pytest.fixture
def sam():
    return UserFactory(username="sam", first_name="Sam", last_name="Okafor")


def last_event_id(case):
    return CaseEvent.objects.filter(case=case).order_by("-pk").values_list("pk", flat=True).first()


def queue(capture, **arguments):
    """case_reply with publishing captured, not run: no channel is called."""
    with capture(execute=False) as callbacks:
        message = case_reply(**arguments)
    assert len(callbacks) == 1
    return message


# -- claim --------------------------------------------------------------------------------


def test_claiming_an_unassigned_case_makes_it_the_agents_and_keeps_it_new(case, rosa):
    claimed = case_claim(case=case, agent=rosa)

    assert (claimed.assignee, claimed.status) == (rosa, CaseStatus.NEW)
    event = CaseEvent.objects.get(case=case, kind=CaseEventKind.ASSIGNMENT)
    assert event.actor == rosa
    assert event.payload == {"from": None, "to": rosa.pk, "claimed": True}


def test_claiming_ones_own_case_again_changes_nothing(case, rosa):
    case_claim(case=case, agent=rosa)

    again = case_claim(case=case, agent=rosa)

    assert again.assignee == rosa
    assert CaseEvent.objects.filter(case=case, kind=CaseEventKind.ASSIGNMENT).count() == 1


def test_claim_by_second_agent_is_refused_naming_the_holder(case, rosa, sam):
    case_claim(case=case, agent=rosa)

    with pytest.raises(CaseClaimed, match=f"^SC-{case.pk} is already assigned to Rosa Diaz") as refused:
        case_claim(case=case, agent=sam)

    assert refused.value.holder == rosa
    assert Case.objects.get(pk=case.pk).assignee == rosa


def test_claim_names_the_holder_by_username_when_they_have_no_name(case, sam):
    case_claim(case=case, agent=UserFactory(username="night-shift", first_name="", last_name=""))

    with pytest.raises(CaseClaimed, match="already assigned to night-shift"):
        case_claim(case=case, agent=sam)


def test_claim_of_another_teams_case_is_refused(case):
    Case.objects.filter(pk=case.pk).update(team=TeamFactory(name="Baggage"))
    outsider = AgentProfileFactory(user__username="lee").user

    with pytest.raises(CaseChangeError, match="a team you are not in"):
        case_claim(case=case, agent=outsider)


def test_a_claim_is_one_conditional_update_and_a_few_reads(case, rosa, django_assert_max_num_queries):
    # Permissions (two) and teams of the agent, the update, the event, its audit entry, the reload;
    # a savepoint and its release.
    with django_assert_max_num_queries(9):
        case_claim(case=case, agent=rosa)


# -- assign -------------------------------------------------------------------------------


def test_assigning_to_someone_else_without_the_reassign_permission_is_refused(case):
    agent, colleague = user_in_group("Agents", username="ana"), UserFactory(username="ben")

    with pytest.raises(CaseChangeError, match="You may not reassign cases"):
        case_assign(case=case, assignee=colleague, actor=agent)

    assert Case.objects.get(pk=case.pk).assignee is None


def test_taking_another_agents_case_needs_the_reassign_permission(case, rosa):
    agent = user_in_group("Agents", username="ana")
    case_claim(case=case, agent=rosa)

    with pytest.raises(CaseChangeError, match="You may not reassign cases"):
        case_assign(case=case, assignee=agent, actor=agent)


def test_an_agent_may_take_an_unassigned_case_and_release_it(case):
    agent = user_in_group("Agents", username="ana")

    assert case_assign(case=case, assignee=agent, actor=agent).assignee == agent
    assert case_assign(case=case, assignee=None, actor=agent).assignee is None

    payloads = list(
        CaseEvent.objects.filter(case=case, kind=CaseEventKind.ASSIGNMENT).values_list("payload", flat=True)
    )
    assert list(payloads) == [{"from": None, "to": agent.pk}, {"from": agent.pk, "to": None}]


def test_a_manager_reassigns_and_moves_the_team_in_one_event(case, rosa, sam):
    manager = user_in_group("Managers", username="mia")
    team = TeamFactory(name="Baggage")
    case_claim(case=case, agent=rosa)

    moved = case_assign(case=case, assignee=sam, actor=manager, team=team)

    assert (moved.assignee, moved.team) == (sam, team)
    event = CaseEvent.objects.filter(case=case, kind=CaseEventKind.ASSIGNMENT).latest("pk")
    assert event.actor == manager
    assert event.payload == {"from": rosa.pk, "to": sam.pk, "from_team": None, "to_team": team.pk}


# -- notes --------------------------------------------------------------------------------


def test_a_note_is_stored_stripped_and_leaves_the_clocks_alone(case, rosa):
    clocks = list(SLAClock.objects.filter(case=case).values())
    due = Case.objects.filter(pk=case.pk).values("sla_next_due_at", "sla_next_alert_at").get()

    note = case_add_note(case=case, author=rosa, body="  Called the Lima desk: bag found, on AC 14 tonight.\n")

    assert (note.kind, note.actor, note.body) == (
        CaseEventKind.INTERNAL_NOTE,
        rosa,
        "Called the Lima desk: bag found, on AC 14 tonight.",
    )
    assert list(SLAClock.objects.filter(case=case).values()) == clocks
    assert Case.objects.filter(pk=case.pk).values("sla_next_due_at", "sla_next_alert_at").get() == due


@pytest.mark.parametrize(("body", "error"), [("   ", "needs text"), ("x" * 10_001, "at most 10,000 characters")])
def test_an_empty_or_overlong_note_is_refused(case, rosa, body, error):
    with pytest.raises(CaseChangeError, match=error):
        case_add_note(case=case, author=rosa, body=body)

    assert not CaseEvent.objects.filter(kind=CaseEventKind.INTERNAL_NOTE).exists()


# -- replies ------------------------------------------------------------------------------


def test_a_reply_is_queued_in_the_outbox_on_the_customers_latest_post(
    case, channel, rosa, django_capture_on_commit_callbacks
):
    ingest_posts(channel=channel, posts=[dana(2, 5, "@AcmeAirCare it had my laptop in it", reply_to=1)])

    message = queue(
        django_capture_on_commit_callbacks,
        case=case,
        author=rosa,
        text="  So sorry Dana! It's on AC 14 tonight; we'll deliver it to your hotel.  ",
        seen_event_id=last_event_id(case),
    )

    message = OutboundMessage.objects.get(pk=message.pk)
    assert (message.case, message.author, message.channel, message.reply_to.external_id) == (case, rosa, channel, "2")
    assert message.text == "So sorry Dana! It's on AC 14 tonight; we'll deliver it to your hotel."
    assert (message.status, message.is_automatic) == ("queued", False)
    assert Case.objects.get(pk=case.pk).status == CaseStatus.NEW  # the sent reply, once ingested, opens it


def test_a_reply_may_answer_the_customers_post_on_another_of_their_channels(
    case, rosa, django_capture_on_commit_callbacks
):
    mail = ChannelFactory(kind=ChannelKind.EMAIL, name="care@acme")
    profile = SocialProfileFactory(customer=case.customer, kind=ChannelKind.EMAIL, handle="dana@mail.example")
    letter = SocialPostFactory(channel=mail, author=profile, text="Following up by e-mail about my bag.")
    long_text = "Dear Dana, " + "here is everything we know about your bag. " * 20  # over X's 280, fine by e-mail

    message = queue(django_capture_on_commit_callbacks, case=case, author=rosa, text=long_text, reply_to=letter)

    assert (message.channel, message.reply_to) == (mail, letter)


def test_a_reply_longer_than_280_characters_is_refused_on_x(case, rosa):
    assert CHANNEL_TEXT_LIMITS[ChannelKind.X] == 280

    with pytest.raises(CaseChangeError, match=r"X \(Twitter\) have at most 280 characters \(this one has 281\)"):
        case_reply(case=case, author=rosa, text="a" * 281)

    assert not OutboundMessage.objects.exists()


def test_a_reply_of_exactly_280_characters_fits_on_x(case, rosa, django_capture_on_commit_callbacks):
    assert len(queue(django_capture_on_commit_callbacks, case=case, author=rosa, text="a" * 280).text) == 280


def test_a_reply_to_another_customers_post_is_refused(case, rosa):
    stranger_post = SocialPostFactory(channel=case.origin_channel)

    with pytest.raises(CaseChangeError, match=f"not by the customer of SC-{case.pk}"):
        case_reply(case=case, author=rosa, text="Hello!", reply_to=stranger_post)


def test_an_empty_reply_is_refused(case, rosa):
    with pytest.raises(CaseChangeError, match="needs text"):
        case_reply(case=case, author=rosa, text=" \n ")


def test_a_reply_on_a_case_without_a_customer_post_is_refused(rosa):
    with pytest.raises(CaseChangeError, match="no customer post to answer"):
        case_reply(case=CaseFactory(), author=rosa, text="Hello!")


def test_a_reply_after_the_customer_wrote_again_is_refused_naming_them(case, channel, rosa):
    seen = last_event_id(case)
    ingest_posts(channel=channel, posts=[dana(2, 5, "@AcmeAirCare hello??", reply_to=1)])

    with pytest.raises(StaleCase, match=f"SC-{case.pk} changed: Dana Reyes wrote again at {AT}10:05"):
        case_reply(case=case, author=rosa, text="We're on it!", seen_event_id=seen)

    assert not OutboundMessage.objects.exists()


def test_a_reply_after_another_agents_sent_reply_is_refused_naming_them(case, channel, rosa, sam):
    seen = last_event_id(case)
    ingest_posts(channel=channel, posts=[post(2, 3, "@dana_r Found it, on AC 14 tonight.", outbound=True, reply_to=1)])
    CaseEvent.objects.filter(kind=CaseEventKind.OUTBOUND_REPLY).update(actor=rosa)  # as the outbox records it

    with pytest.raises(StaleCase, match=f"Rosa Diaz replied at {AT}10:03"):
        case_reply(case=case, author=sam, text="Looking into it!", seen_event_id=seen)


def test_a_reply_while_another_agents_reply_is_still_being_sent_is_refused(
    case, rosa, sam, django_capture_on_commit_callbacks
):
    seen = last_event_id(case)
    queue(django_capture_on_commit_callbacks, case=case, author=rosa, text="Found it!", seen_event_id=seen)

    with pytest.raises(StaleCase, match=r"Rosa Diaz replied at .* \(still being sent\)"):
        case_reply(case=case, author=sam, text="Looking into it!", seen_event_id=seen)


def test_a_note_or_status_change_by_someone_else_makes_the_reply_stale(case, rosa, sam):
    seen = last_event_id(case)
    case_add_note(case=case, author=rosa, body="I'll take this one.")

    with pytest.raises(StaleCase, match="Rosa Diaz added a note at"):
        case_reply(case=case, author=sam, text="Hello!", seen_event_id=seen)

    seen = last_event_id(case)
    case_change_status(case=case, status=CaseStatus.PENDING, actor=rosa)
    with pytest.raises(StaleCase, match=r"Rosa Diaz set the status to Pending \(waiting on customer\) at"):
        case_reply(case=case, author=sam, text="Hello!", seen_event_id=seen)


def test_an_assignment_by_someone_else_makes_the_reply_stale(case, rosa, sam):
    seen = last_event_id(case)
    case_claim(case=case, agent=rosa)

    with pytest.raises(StaleCase, match="Rosa Diaz claimed it at"):
        case_reply(case=case, author=sam, text="Hello!", seen_event_id=seen)


def test_the_agents_own_changes_do_not_make_their_reply_stale(case, rosa, django_capture_on_commit_callbacks):
    seen = last_event_id(case)
    case_claim(case=case, agent=rosa)
    case_add_note(case=case, author=rosa, body="Checking with Lima.")

    message = queue(django_capture_on_commit_callbacks, case=case, author=rosa, text="On it!", seen_event_id=seen)

    assert message.author == rosa


def test_a_reply_on_a_merged_case_is_refused(channel, rosa):
    ingest_posts(
        channel=channel,
        posts=[dana(1, 0, "@AcmeAirCare my bag never arrived"), dana(2, 30, "@AcmeAirCare also my refund?")],
    )
    first, second = (SocialPost.objects.get(external_id=str(n)).case for n in (1, 2))
    case_merge(source=second, target=first, actor=rosa)

    with pytest.raises(CaseChangeError, match=f"merged into SC-{first.pk}"):
        case_reply(case=second, author=rosa, text="Hello!")


# -- tags ---------------------------------------------------------------------------------


def test_setting_tags_replaces_them_and_names_what_was_added_and_removed(case, rosa):
    baggage, refund, vip = TagFactory(name="baggage"), TagFactory(name="refund"), TagFactory(name="vip")
    case.tags.set([baggage, vip])

    tagged = case_set_tags(case=case, tag_ids=[baggage.pk, refund.pk], actor=rosa)

    assert set(tagged.tags.values_list("name", flat=True)) == {"baggage", "refund"}
    event = CaseEvent.objects.get(case=case, kind=CaseEventKind.TAGS_CHANGE)
    assert (event.actor, event.payload) == (rosa, {"added": ["refund"], "removed": ["vip"]})


def test_setting_the_same_tags_records_nothing_and_unknown_ids_are_refused(case, rosa):
    baggage = TagFactory(name="baggage")
    case_set_tags(case=case, tag_ids=[baggage.pk], actor=rosa)
    case_set_tags(case=case, tag_ids=[baggage.pk], actor=rosa)

    with pytest.raises(CaseChangeError, match="Unknown tag ids: 987654"):
        case_set_tags(case=case, tag_ids=[baggage.pk, 987654], actor=rosa)

    assert CaseEvent.objects.filter(case=case, kind=CaseEventKind.TAGS_CHANGE).count() == 1


# -- escalation ---------------------------------------------------------------------------


def test_escalating_raises_the_priority_one_step_and_records_why(case, rosa):
    escalated = case_escalate(case=case, actor=rosa, reason="  Customer is a travel blogger  ")

    assert escalated.priority == Priority.HIGH
    event = CaseEvent.objects.get(case=case, kind=CaseEventKind.ESCALATION)
    assert event.actor == rosa
    assert event.payload == {"rule": "manual", "reason": "Customer is a travel blogger", "from": "normal", "to": "high"}
    change = CaseEvent.objects.get(case=case, kind=CaseEventKind.PRIORITY_CHANGE)
    assert (change.actor, change.payload["reason"]) == (rosa, "escalated: Customer is a travel blogger")


def test_escalating_to_a_team_unassigns_and_urgent_stays_urgent(case, rosa):
    tier2 = TeamFactory(name="Tier 2", is_escalation_team=True)
    case_claim(case=case, agent=rosa)
    Case.objects.filter(pk=case.pk).update(priority=Priority.URGENT)

    escalated = case_escalate(case=case, actor=rosa, reason="Threatens to sue", team=tier2)

    assert (escalated.priority, escalated.team, escalated.assignee) == (Priority.URGENT, tier2, None)
    assert CaseEvent.objects.get(case=case, kind=CaseEventKind.ESCALATION).payload == {
        "rule": "manual",
        "reason": "Threatens to sue",
        "from_team": None,
        "to_team": tier2.pk,
        "from_assignee": rosa.pk,
    }


def test_escalating_without_a_reason_or_to_an_ordinary_team_is_refused(case, rosa):
    with pytest.raises(CaseChangeError, match="Say why"):
        case_escalate(case=case, actor=rosa, reason=" ")
    with pytest.raises(CaseChangeError, match="Sales is not an escalation team"):
        case_escalate(case=case, actor=rosa, reason="Angry", team=TeamFactory(name="Sales"))

    assert Case.objects.get(pk=case.pk).priority == Priority.NORMAL


# -- merge --------------------------------------------------------------------------------


@pytest.fixture
def two_cases(channel):
    """Two cases of Dana's: the bag (first, at 10:00) and the refund (at 10:30)."""
    ingest_posts(
        channel=channel,
        posts=[
            dana(1, 0, "@AcmeAirCare my bag never arrived in Lima"),
            dana(2, 30, "@AcmeAirCare and where is my refund for the seat upgrade?"),
            dana(3, 50, "@AcmeAirCare hello?", reply_to=2),
        ],
    )
    bag, refund = (SocialPost.objects.get(external_id=str(n)).case for n in (1, 2))
    assert bag != refund
    return bag, refund


def test_merging_moves_the_timeline_and_replans_the_target_from_both(
    two_cases, rosa, django_capture_on_commit_callbacks
):
    bag, refund = two_cases
    reply = queue(django_capture_on_commit_callbacks, case=bag, author=rosa, text="Looking for your bag!")
    bag_events = set(bag.events.values_list("pk", flat=True))

    # When the earlier case is merged into the later one
    target = case_merge(source=bag, target=refund, actor=rosa)

    # Then the conversation is one case, its clocks counting from the bag's first message
    assert set(SocialPost.objects.filter(case=target).values_list("external_id", flat=True)) == {"1", "2", "3"}
    assert bag_events <= set(target.events.values_list("pk", flat=True))
    assert OutboundMessage.objects.get(pk=reply.pk).case == target
    assert (target.first_message_at, target.last_customer_message_at) == (minutes(0), minutes(50))
    assert target.first_response_due_at == minutes(240)
    assert SLAClock.objects.get(case=target, target="first_response").started_at == minutes(0)
    # And the source is a closed record pointing to it
    bag.refresh_from_db()
    assert (bag.status, bag.merged_into, bag.sla_next_due_at, bag.sla_next_alert_at) == (
        CaseStatus.CLOSED,
        target,
        None,
        None,
    )
    assert bag.resolved_at is not None and bag.closed_at is not None
    assert not SLAClock.objects.filter(case=bag).exists()
    on_target = CaseEvent.objects.get(case=target, kind=CaseEventKind.MERGE)
    on_source = CaseEvent.objects.get(case=bag, kind=CaseEventKind.MERGE)
    assert (on_target.actor, on_target.payload["merged_case"]) == (rosa, bag.pk)
    assert (on_source.actor, on_source.payload) == (rosa, {"merged_into": target.pk, "manual": True})


def test_a_resolved_source_does_not_stop_the_targets_clocks(two_cases, rosa):
    bag, refund = two_cases
    case_resolve(case=bag, actor=rosa, at=minutes(60))

    target = case_merge(source=bag, target=refund, actor=rosa)

    assert target.status == CaseStatus.NEW
    assert SLAClock.objects.get(case=target, target="resolution").state == "running"
    assert target.resolution_due_at == minutes(48 * 60)


def test_merging_keeps_both_cases_deduplicated_alerts(two_cases, rosa):
    bag, refund = two_cases
    for case in (bag, refund):
        CaseEvent.objects.create(
            case=case,
            kind=CaseEventKind.SLA_WARNING,
            occurred_at=minutes(200),
            dedupe_key="sla-warning:first_response:1",
        )

    target = case_merge(source=bag, target=refund, actor=rosa)

    keys = set(target.events.filter(kind=CaseEventKind.SLA_WARNING).values_list("dedupe_key", flat=True))
    assert keys == {"sla-warning:first_response:1", f"SC-{bag.pk}:sla-warning:first_response:1"}


def test_merging_cases_of_different_customers_is_refused(case, rosa):
    other = CaseFactory()

    with pytest.raises(CaseChangeError, match="different customers"):
        case_merge(source=other, target=case, actor=rosa)

    assert Case.objects.get(pk=other.pk).merged_into is None


def test_merging_into_itself_or_a_merged_case_again_is_refused(two_cases, rosa):
    bag, refund = two_cases
    with pytest.raises(CaseChangeError, match="into itself"):
        case_merge(source=bag, target=bag, actor=rosa)

    case_merge(source=bag, target=refund, actor=rosa)
    with pytest.raises(CaseChangeError, match=f"SC-{bag.pk} was already merged"):
        case_merge(source=refund, target=bag, actor=rosa)


# -- resolve ------------------------------------------------------------------------------


def test_resolving_stops_the_clocks_and_records_the_actor(case, rosa):
    resolved = case_resolve(case=case, actor=rosa, at=minutes(90))

    assert (resolved.status, resolved.resolved_at, resolved.sla_next_due_at) == (CaseStatus.RESOLVED, minutes(90), None)
    event = CaseEvent.objects.get(case=case, kind=CaseEventKind.STATUS_CHANGE)
    assert (event.actor, event.payload) == (rosa, {"from": "new", "to": "resolved"})


# -- concurrency --------------------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_of_two_agents_claiming_at_once_exactly_one_wins():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises writers, so nothing runs concurrently")
    case = CaseFactory(status=CaseStatus.NEW)
    agents = [
        UserFactory(username="rosa", first_name="Rosa", last_name="Diaz"),
        UserFactory(username="sam", first_name="Sam", last_name="Okafor"),
    ]
    barrier = threading.Barrier(2)
    outcomes, errors = {}, []

    def claim(agent):
        try:
            barrier.wait(timeout=10)
            outcomes[agent.username] = case_claim(case=Case(pk=case.pk), agent=agent)
        except CaseClaimed as refused:
            outcomes[agent.username] = refused
        except Exception as error:  # surfaced by the assertion below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=claim, args=(agent,)) for agent in agents]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    winners = [name for name, outcome in outcomes.items() if isinstance(outcome, Case)]
    refusals = [outcome for outcome in outcomes.values() if isinstance(outcome, CaseClaimed)]
    assert len(winners) == 1 and len(refusals) == 1
    winner = next(agent for agent in agents if agent.username == winners[0])
    assert refusals[0].holder == winner
    assert str(refusals[0]) == f"SC-{case.pk} is already assigned to {winner.get_full_name()}."
    assert Case.objects.get(pk=case.pk).assignee == winner
    assert CaseEvent.objects.filter(case=case, kind=CaseEventKind.ASSIGNMENT).count() == 1
