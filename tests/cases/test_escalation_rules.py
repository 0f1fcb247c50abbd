"""Escalation rules (cases.escalation, cases.services.escalation): each rule fires for its
facts and not for near misses, once per case however often the task runs, raising the
priority, moving to the escalation team, notifying managers, in constant queries.
"""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cases.choices import (
    CaseEventKind,
    CaseStatus,
    CustomerTier,
    InfluenceTier,
    Intent,
    NotificationKind,
    Priority,
    SentimentLabel,
)
from cases.escalation import (
    COMPLAINT_SURGE,
    INFLUENCER_NEGATIVE,
    PREMIUM_CHURN_THREAT,
    SURGE_THRESHOLD,
    SURGE_WINDOW,
    VIRAL,
    EscalationFacts,
    fired_rules,
    virality_points,
)
from cases.models import Case, CaseEvent, Notification
from cases.services import cases_escalate_by_rules, cases_escalate_complaint_surges
from cases.tasks import escalate_cases_task
from channels_app.pipeline import NormalizedPost, ingest_posts
from tests.factories import (
    CaseFactory,
    ChannelFactory,
    CustomerFactory,
    SLAPolicyFactory,
    TeamFactory,
    UserFactory,
)
from tests.roles import user_in_group

VIRAL_FACTORS = [["virality", "40 shares/hour (40 shares, 3 likes)", 10.0]]


# Pure rules ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("facts", "rule"),
    [
        (EscalationFacts(influence=InfluenceTier.HIGH, sentiment_label=SentimentLabel.NEGATIVE), INFLUENCER_NEGATIVE),
        (EscalationFacts(influence=InfluenceTier.TOP, sentiment_label=SentimentLabel.NEGATIVE), INFLUENCER_NEGATIVE),
        (EscalationFacts(virality_points=10.0), VIRAL),
        (EscalationFacts(intent=Intent.CHURN_THREAT, customer_tier=CustomerTier.PREMIUM), PREMIUM_CHURN_THREAT),
        (EscalationFacts(intent=Intent.CHURN_THREAT, customer_tier=CustomerTier.VIP), PREMIUM_CHURN_THREAT),
        (EscalationFacts(similar_open_complaints=SURGE_THRESHOLD), COMPLAINT_SURGE),
    ],
)
def test_each_rule_fires_on_its_facts_alone(facts, rule):
    assert fired_rules(facts) == [rule]


@pytest.mark.parametrize(
    "facts",
    [
        EscalationFacts(),
        EscalationFacts(influence=InfluenceTier.MEDIUM, sentiment_label=SentimentLabel.NEGATIVE),
        EscalationFacts(influence=InfluenceTier.TOP, sentiment_label=SentimentLabel.NEUTRAL),
        EscalationFacts(virality_points=0.0),
        EscalationFacts(intent=Intent.CHURN_THREAT, customer_tier=CustomerTier.STANDARD),
        EscalationFacts(intent=Intent.COMPLAINT, customer_tier=CustomerTier.VIP),
        EscalationFacts(similar_open_complaints=SURGE_THRESHOLD - 1),
    ],
)
def test_near_misses_fire_nothing(facts):
    assert fired_rules(facts) == []


def test_virality_points_read_the_stored_priority_breakdown():
    assert virality_points([*VIRAL_FACTORS, ["intent", "complaint", 20.0]]) == 10.0
    assert virality_points([["intent", "complaint", 20.0]]) == 0.0
    assert virality_points([]) == 0.0


# The service -------------------------------------------------------------------


@pytest.fixture
def managers(db):
    return [user_in_group("Managers", username=f"manager_{n}") for n in range(2)]


def influencer_case(**fields):
    customer = CustomerFactory(influence=InfluenceTier.TOP)
    return CaseFactory(customer=customer, sentiment_label=SentimentLabel.NEGATIVE, **fields)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("make_case", "rule"),
    [
        (lambda: influencer_case(), INFLUENCER_NEGATIVE),
        (lambda: CaseFactory(priority_factors=VIRAL_FACTORS), VIRAL),
        (
            lambda: CaseFactory(customer=CustomerFactory(tier=CustomerTier.VIP), intent=Intent.CHURN_THREAT),
            PREMIUM_CHURN_THREAT,
        ),
    ],
)
def test_each_rule_escalates_once_however_often_it_runs(managers, make_case, rule):
    case = make_case()

    # When the task runs twice (a redelivery, a second batch touching the case)
    assert escalate_cases_task([case.pk]) == 1
    assert escalate_cases_task([case.pk]) == 0

    # Then one escalation event names the rule, one notification per manager
    events = CaseEvent.objects.filter(case=case, kind=CaseEventKind.ESCALATION)
    assert [event.payload["rule"] for event in events] == [rule]
    assert events.get().dedupe_key == f"rule:{rule}"
    notified = Notification.objects.filter(case=case, kind=NotificationKind.ESCALATION)
    assert sorted(notified.values_list("recipient_id", flat=True)) == sorted(m.pk for m in managers)
    case.refresh_from_db()
    assert case.priority == Priority.HIGH  # one step up from normal, not two


@pytest.mark.django_db
def test_a_complaint_surge_on_one_channel_escalates_the_recent_complaints(managers):
    channel, other = ChannelFactory(), ChannelFactory()
    surge = [CaseFactory(origin_channel=channel, intent=Intent.COMPLAINT) for _ in range(SURGE_THRESHOLD)]
    elsewhere = CaseFactory(origin_channel=other, intent=Intent.COMPLAINT)
    question = CaseFactory(origin_channel=channel, intent=Intent.QUESTION)
    old = CaseFactory(origin_channel=channel, intent=Intent.COMPLAINT)
    Case.objects.filter(pk=old.pk).update(created_at=timezone.now() - SURGE_WINDOW - dt.timedelta(minutes=1))
    ids = [case.pk for case in [*surge, elsewhere, question, old]]

    assert cases_escalate_by_rules(case_ids=ids) == SURGE_THRESHOLD
    assert cases_escalate_by_rules(case_ids=ids) == 0

    escalated = set(CaseEvent.objects.filter(kind=CaseEventKind.ESCALATION).values_list("case_id", flat=True))
    assert escalated == {case.pk for case in surge}
    assert CaseEvent.objects.filter(payload__rule=COMPLAINT_SURGE).count() == SURGE_THRESHOLD


@pytest.mark.django_db
def test_one_short_of_a_surge_escalates_nothing(managers):
    channel = ChannelFactory()
    cases = [CaseFactory(origin_channel=channel, intent=Intent.COMPLAINT) for _ in range(SURGE_THRESHOLD - 1)]
    assert cases_escalate_by_rules(case_ids=[case.pk for case in cases]) == 0


@pytest.mark.django_db
def test_escalation_moves_the_case_to_the_escalation_team_unassigned(managers):
    TeamFactory(name="Care")
    escalations = TeamFactory(name="Escalations", is_escalation_team=True)
    rosa = UserFactory(username="rosa")
    case = influencer_case(priority=Priority.HIGH, assignee=rosa)

    cases_escalate_by_rules(case_ids=[case.pk])

    case.refresh_from_db()
    assert (case.priority, case.team, case.assignee) == (Priority.URGENT, escalations, None)
    event = CaseEvent.objects.get(case=case, kind=CaseEventKind.ESCALATION)
    assert event.payload == {
        "rule": INFLUENCER_NEGATIVE,
        "action": "raise_priority",
        "from": Priority.HIGH,
        "to": Priority.URGENT,
        "from_team": None,
        "to_team": escalations.pk,
        "from_assignee": rosa.pk,
        "notified": 2,
    }


@pytest.mark.django_db
def test_two_rules_raise_two_steps_capped_at_urgent_and_a_later_rule_escalates_again(managers):
    case = influencer_case(priority=Priority.HIGH, priority_factors=VIRAL_FACTORS)

    assert cases_escalate_by_rules(case_ids=[case.pk]) == 2
    case.refresh_from_db()
    assert case.priority == Priority.URGENT
    rules = CaseEvent.objects.filter(case=case, kind=CaseEventKind.ESCALATION).values_list("payload__rule", flat=True)
    assert sorted(rules) == [INFLUENCER_NEGATIVE, VIRAL]

    # When the customer later threatens to leave as a VIP
    case.customer.tier = CustomerTier.VIP
    case.customer.save()
    Case.objects.filter(pk=case.pk).update(intent=Intent.CHURN_THREAT)
    assert cases_escalate_by_rules(case_ids=[case.pk]) == 1
    assert Notification.objects.filter(case=case).count() == 3 * len(managers)


@pytest.mark.django_db
def test_closed_cases_are_not_escalated(managers):
    case = influencer_case(status=CaseStatus.RESOLVED, resolved_at=timezone.now())
    assert cases_escalate_by_rules(case_ids=[case.pk]) == 0
    assert not Notification.objects.exists()


@pytest.mark.django_db
def test_queries_do_not_grow_with_the_number_of_cases(managers):
    TeamFactory(name="Escalations", is_escalation_team=True)

    def run(count):
        ids = [influencer_case(priority_factors=VIRAL_FACTORS).pk for _ in range(count)]
        with CaptureQueriesContext(connection) as queries:
            assert cases_escalate_by_rules(case_ids=ids) == 2 * count
        return len(queries)

    assert run(3) == run(20)


# Through ingestion ---------------------------------------------------------------

T0 = timezone.now().replace(second=0, microsecond=0)


def post(external_id, text, *, author="9001", reply_to=""):
    return NormalizedPost(
        external_id=str(external_id),
        posted_at=T0,
        text=text,
        author_id=author,
        author_handle=f"user{author}",
        in_reply_to_id=str(reply_to),
    )


@pytest.mark.django_db
def test_ingestion_enqueues_escalation_only_for_cases_whose_facts_fire_a_rule(
    managers, django_capture_on_commit_callbacks
):
    SLAPolicyFactory(name="Default", is_default=True)
    SLAPolicyFactory(name="Urgent", priorities=[Priority.URGENT], first_response_minutes=15, position=1)
    channel = ChannelFactory(name="Acme on X", brand_handles=["AcmeAirCare"], brand_terms=["Acme Air"])

    # Given a plain complaint: no rule fires, no escalation is enqueued (surges are the beat's);
    # the one callback announces the complaint to listeners such as leads (posts_stored)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        ingest_posts(channel=channel, posts=[post(1, "@AcmeAirCare my flight was cancelled, rebook me please")])
    case = Case.objects.get()
    assert len(callbacks) == 1

    # When the customer, now a VIP, writes again threatening to leave
    case.customer.tier = CustomerTier.VIP
    case.customer.save()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        ingest_posts(
            channel=channel,
            posts=[
                post(2, "@AcmeAirCare I'm cancelling my membership and switching to SkyJet, done with you", reply_to=1)
            ],
        )
    case.refresh_from_db()
    assert case.intent == Intent.CHURN_THREAT
    # one escalation task for the batch (the touched existing case fires a rule), and the announcement
    assert len(callbacks) == 2

    # Then the worker escalates it, and the SLA is re-planned under the urgent policy
    Case.objects.filter(pk=case.pk).update(priority=Priority.HIGH)
    assert escalate_cases_task([case.pk]) == 1
    case.refresh_from_db()
    assert case.priority == Priority.URGENT
    assert CaseEvent.objects.filter(case=case, kind=CaseEventKind.SLA_RECOMPUTED).exists()
    assert case.sla_policy.name == "Urgent"


@pytest.mark.django_db
def test_ingestion_enqueues_nothing_when_the_batch_touches_no_case(django_capture_on_commit_callbacks):
    channel = ChannelFactory(name="Acme on X", brand_handles=["AcmeAirCare"], brand_terms=["Acme Air"])
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        ingest_posts(channel=channel, posts=[])
    assert callbacks == []


@pytest.mark.django_db
def test_the_beat_escalates_a_complaint_surge_once(managers):
    channel = ChannelFactory(name="Acme on X")
    now = timezone.now()
    cases = [
        CaseFactory(origin_channel=channel, intent=Intent.COMPLAINT, status=CaseStatus.OPEN)
        for _ in range(SURGE_THRESHOLD)
    ]
    CaseFactory(origin_channel=ChannelFactory(name="Other"), intent=Intent.COMPLAINT)  # another channel: no surge

    first = cases_escalate_complaint_surges(now=now)
    again = cases_escalate_complaint_surges(now=now)

    assert (first, again) == (SURGE_THRESHOLD, 0)
    fired = CaseEvent.objects.filter(kind=CaseEventKind.ESCALATION, dedupe_key="rule:complaint_surge")
    assert sorted(fired.values_list("case_id", flat=True)) == sorted(case.pk for case in cases)
