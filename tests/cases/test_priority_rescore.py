"""What re-scores a case's priority, and what re-scoring may not undo.

A new message re-scores a case; so do a customer's reach or verification
changing and a stored post's shares growing fast when the channel shows it
again. A label a person set holds until released; an escalation leaves a
floor the score may not go under.
"""

import datetime as dt

import pytest
from django.utils import timezone

from cases.choices import CaseEventKind, Priority, priority_held
from cases.models import Case, CaseEvent
from cases.services import case_change_priority, case_release_priority, cases_escalate_by_rules, cases_rescore
from cases.tasks import rescore_cases_task
from channels_app.models import SocialPost
from channels_app.pipeline import ingest_posts
from tests.channels.helpers import post
from tests.factories import ChannelFactory, SLAPolicyFactory, UserFactory


@pytest.fixture
def channel():
    SLAPolicyFactory(name="Default", is_default=True, first_response_minutes=60, resolution_minutes=1440)
    return ChannelFactory(name="Acme on X", brand_handles=["AcmeAirCare"], brand_terms=["Acme Air"])


def _now_post(external_id, text, *, minutes_ago=1, **fields):
    item = post(external_id, 0, text, **fields)
    item.posted_at = timezone.now() - dt.timedelta(minutes=minutes_ago)
    return item


def _case_of(external_id) -> Case:
    return SocialPost.objects.select_related("case").get(external_id=external_id).case


@pytest.fixture
def enqueued(monkeypatch):
    """The rescore_cases tasks ingestion enqueues on commit, recorded instead of sent to the broker;
    run_enqueued() then runs them as the worker would."""
    calls = []
    monkeypatch.setattr(rescore_cases_task, "delay", lambda *args: calls.append(args))
    return calls


def run_enqueued(calls) -> None:
    for args in calls:
        rescore_cases_task(*args)


def _factor_names(case) -> set[str]:
    return {name for name, _detail, _points in case.priority_factors}


# -- pure ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("scored", "hold", "floor", "shown"),
    [
        (Priority.LOW, "", "", Priority.LOW),
        (Priority.LOW, Priority.URGENT, "", Priority.URGENT),
        (Priority.URGENT, Priority.LOW, "", Priority.LOW),  # a person may also lower it
        (Priority.LOW, "", Priority.HIGH, Priority.HIGH),
        (Priority.URGENT, "", Priority.HIGH, Priority.URGENT),  # the score may still raise it
        (Priority.NORMAL, Priority.LOW, Priority.HIGH, Priority.LOW),  # the hold beats the floor
    ],
)
def test_held_priority_is_the_hold_else_the_score_not_below_the_floor(scored, hold, floor, shown):
    assert priority_held(scored, hold=hold, floor=floor) == shown


# -- a hand-set label holds ----------------------------------------------------------------------


@pytest.mark.django_db
def test_a_new_message_keeps_a_hand_set_priority_but_updates_the_score(channel):
    ingest_posts(channel=channel, posts=[post("1", 0, "@AcmeAirCare how do I add a bag?")])
    case = _case_of("1")
    rosa = UserFactory(username="rosa")
    case_change_priority(case=case, priority=Priority.URGENT, actor=rosa, reason="journalist")
    before = Case.objects.get(pk=case.pk).priority_score

    ingest_posts(
        channel=channel, posts=[post("2", 5, "@AcmeAirCare hello?? still nothing, this is awful", reply_to="1")]
    )

    case.refresh_from_db()
    assert (case.priority, case.priority_hold) == (Priority.URGENT, Priority.URGENT)
    assert case.priority_score > before  # the new message was scored; the label stayed
    change = CaseEvent.objects.get(case=case, kind=CaseEventKind.PRIORITY_CHANGE)
    assert change.payload == {
        "from": Priority.NORMAL,
        "to": Priority.URGENT,
        "manual": True,
        "held": True,
        "reason": "journalist",
    }


@pytest.mark.django_db
def test_a_hand_lowered_priority_survives_an_angry_message(channel):
    ingest_posts(channel=channel, posts=[post("1", 0, "@AcmeAirCare how do I add a bag?")])
    case = case_change_priority(case=_case_of("1"), priority=Priority.LOW)

    ingest_posts(
        channel=channel,
        posts=[post("2", 5, "@AcmeAirCare worst airline ever, I will cancel and never fly again", reply_to="1")],
    )

    case.refresh_from_db()
    assert case.priority == Priority.LOW
    assert "sentiment" in _factor_names(case)


@pytest.mark.django_db
def test_releasing_a_hand_set_priority_returns_to_the_scored_label_and_records_it(channel):
    ingest_posts(channel=channel, posts=[post("1", 0, "@AcmeAirCare how do I add a bag?")])
    case = case_change_priority(case=_case_of("1"), priority=Priority.URGENT)

    case = case_release_priority(case=case)

    assert (case.priority, case.priority_hold) == (Priority.NORMAL, "")
    kinds = list(
        CaseEvent.objects.filter(case=case, kind=CaseEventKind.PRIORITY_CHANGE)
        .order_by("id")
        .values_list("payload", flat=True)
    )
    assert kinds[1] == {"from": Priority.URGENT, "to": Priority.URGENT, "released": True}
    assert kinds[2]["to"] == Priority.NORMAL


@pytest.mark.django_db
def test_setting_the_same_label_by_hand_twice_records_one_event(channel):
    ingest_posts(channel=channel, posts=[post("1", 0, "@AcmeAirCare how do I add a bag?")])
    case = _case_of("1")

    case_change_priority(case=case, priority=Priority.HIGH)
    case_change_priority(case=case, priority=Priority.HIGH)

    assert CaseEvent.objects.filter(case=case, kind=CaseEventKind.PRIORITY_CHANGE).count() == 1


# -- an escalation leaves a floor ----------------------------------------------------------------


@pytest.mark.django_db
def test_a_calm_message_after_an_escalation_does_not_lower_the_priority_below_it(channel):
    influencer = {"author": "7007", "author_followers": 250_000}
    ingest_posts(
        channel=channel,
        posts=[post("1", 0, "@AcmeAirCare my bag is lost and your staff were rude", **influencer)],
    )
    case = _case_of("1")
    cases_escalate_by_rules(case_ids=[case.pk])
    case.refresh_from_db()
    escalated = case.priority
    assert case.priority_floor == escalated

    ingest_posts(
        channel=channel,
        posts=[post("2", 30, "@AcmeAirCare ok found it, thank you so much", reply_to="1", **influencer)],
    )

    case.refresh_from_db()
    assert case.priority == escalated
    assert case.priority_hold == ""


# -- what else re-scores ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_shares_growing_fast_on_a_post_seen_again_rescore_and_escalate_its_case(
    channel, enqueued, django_capture_on_commit_callbacks
):
    ingest_posts(channel=channel, posts=[_now_post("1", "@AcmeAirCare your app charged me twice", minutes_ago=90)])
    case = _case_of("1")
    assert "virality" not in _factor_names(case)

    # The same post polled again: 3000 shares in the hour and a half since it was posted.
    again = _now_post("1", "@AcmeAirCare your app charged me twice", minutes_ago=90, share_count=3000, like_count=40)
    with django_capture_on_commit_callbacks(execute=True):
        result = ingest_posts(channel=channel, posts=[again])
    run_enqueued(enqueued)

    assert result.refreshed == 1
    case.refresh_from_db()
    assert "virality" in _factor_names(case)
    stored = SocialPost.objects.get(external_id="1")
    assert stored.share_count == 3000 and stored.counts_observed_at is not None
    assert CaseEvent.objects.filter(case=case, kind=CaseEventKind.ESCALATION, dedupe_key="rule:viral").exists()


@pytest.mark.django_db
def test_slow_share_growth_on_a_post_seen_again_enqueues_nothing(channel, django_capture_on_commit_callbacks):
    ingest_posts(channel=channel, posts=[_now_post("1", "@AcmeAirCare your app charged me twice", minutes_ago=600)])

    again = _now_post("1", "@AcmeAirCare your app charged me twice", minutes_ago=600, share_count=30)
    with django_capture_on_commit_callbacks() as callbacks:
        ingest_posts(channel=channel, posts=[again])

    assert callbacks == []
    assert SocialPost.objects.get(external_id="1").share_count == 30


@pytest.mark.django_db
def test_a_customer_reaching_a_new_influence_tier_has_their_other_open_cases_rescored(
    channel, enqueued, django_capture_on_commit_callbacks
):
    ingest_posts(channel=channel, posts=[post("1", 0, "@AcmeAirCare how do I add a bag?", author_followers=300)])
    case = _case_of("1")
    assert "influence" not in _factor_names(case)

    # A post that opens no case (not about the brand) tells us the author now has 150k followers.
    unrelated = post("2", 60 * 24 * 3, "What a sunset over the bay tonight", author_followers=150_000)
    with django_capture_on_commit_callbacks(execute=True):
        ingest_posts(channel=channel, posts=[unrelated])
    assert enqueued == [([], [case.customer_id], "the customer's reach or verification changed")]
    run_enqueued(enqueued)

    assert SocialPost.objects.get(external_id="2").case_id is None
    case.refresh_from_db()
    assert ["influence", "over 100k followers", 30.0] in case.priority_factors
    reason = CaseEvent.objects.get(case=case, kind=CaseEventKind.PRIORITY_CHANGE).payload["reason"]
    assert reason == "the customer's reach or verification changed"


@pytest.mark.django_db
def test_a_profile_becoming_verified_rescores_the_customers_open_cases(
    channel, enqueued, django_capture_on_commit_callbacks
):
    ingest_posts(channel=channel, posts=[post("1", 0, "@AcmeAirCare how do I add a bag?", author_verified=False)])
    case = _case_of("1")

    with django_capture_on_commit_callbacks(execute=True):
        ingest_posts(channel=channel, posts=[post("2", 4000, "Morning run done", author_verified=True)])
    run_enqueued(enqueued)

    case.refresh_from_db()
    assert "verified" in _factor_names(case)


@pytest.mark.django_db
def test_follower_counts_moving_within_a_tier_enqueue_no_rescoring(channel, django_capture_on_commit_callbacks):
    ingest_posts(channel=channel, posts=[post("1", 0, "@AcmeAirCare how do I add a bag?", author_followers=2_000)])

    with django_capture_on_commit_callbacks() as callbacks:
        ingest_posts(channel=channel, posts=[post("2", 4000, "Morning run done", author_followers=2_400)])

    assert callbacks == []


@pytest.mark.django_db
def test_rescoring_skips_closed_cases_and_costs_constant_queries(channel, django_assert_max_num_queries):
    for index in range(1, 6):
        ingest_posts(channel=channel, posts=[post(str(index), index * 60 * 24 * 40, f"@AcmeAirCare question {index}?")])
    cases = list(Case.objects.order_by("pk"))
    Case.objects.filter(pk=cases[0].pk).update(status="resolved", resolved_at=timezone.now())

    with django_assert_max_num_queries(12):
        rescored = cases_rescore(customer_ids=[cases[0].customer_id], reason="test")

    assert sorted(rescored) == [case.pk for case in cases[1:]]
