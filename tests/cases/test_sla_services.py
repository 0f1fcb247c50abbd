"""Changes that re-plan SLA clocks: status (pause, resolve, reopen), priority and tier
(policy re-evaluated, due times from the original start), and policy edits."""

import datetime as dt

import pytest

from cases.choices import CaseEventKind, CaseStatus, CustomerTier, Priority
from cases.models import CaseEvent, SLAClock, SLAPolicy
from cases.services import (
    CaseChangeError,
    case_change_priority,
    case_change_status,
    customer_change_tier,
    sla_refresh_open_cases,
)
from channels_app.models import SocialPost
from channels_app.pipeline import ingest_posts
from tests.channels.helpers import T0, post
from tests.factories import ChannelFactory, SLAPolicyFactory, UserFactory

pytestmark = pytest.mark.django_db


def minutes(value):
    return T0 + dt.timedelta(minutes=value)


@pytest.fixture
def case():
    SLAPolicyFactory(name="Default", is_default=True, first_response_minutes=240, resolution_minutes=48 * 60)
    SLAPolicyFactory(name="VIP", position=1, customer_tiers=["vip"], first_response_minutes=15, resolution_minutes=480)
    SLAPolicyFactory(
        name="Urgent", position=2, priorities=["urgent"], first_response_minutes=30, resolution_minutes=None
    )
    channel = ChannelFactory(name="Acme on X", brand_handles=["AcmeAirCare"], brand_terms=["Acme Air"])
    ingest_posts(channel=channel, posts=[post(1, 0, "@AcmeAirCare what's the baggage allowance on AC12 to Lima?")])
    return SocialPost.objects.get(external_id="1").case


def test_a_priority_change_re_evaluates_the_policy_from_the_original_start(case):
    agent = UserFactory(username="supervisor")

    case = case_change_priority(case=case, priority=Priority.URGENT, actor=agent)

    assert case.sla_policy.name == "Urgent"
    assert case.first_response_due_at == minutes(30)  # from the first message, not from the change
    assert case.resolution_due_at is None  # the Urgent policy sets no resolution target
    event = CaseEvent.objects.get(case=case, kind=CaseEventKind.SLA_RECOMPUTED)
    assert event.actor == agent
    assert event.payload["previous_due"]["first_response_due_at"] == minutes(240).isoformat()
    assert event.payload["due"]["first_response_due_at"] == minutes(30).isoformat()
    assert "priority changed" in event.payload["reason"]
    assert SLAClock.objects.get(case=case, target="first_response").due_at == minutes(30)


def test_a_tier_change_re_evaluates_the_customers_open_cases(case):
    customer_change_tier(customer=case.customer, tier=CustomerTier.VIP)

    case.refresh_from_db()
    assert (case.sla_policy.name, case.first_response_due_at, case.resolution_due_at) == (
        "VIP",
        minutes(15),
        minutes(480),
    )
    assert CaseEvent.objects.filter(case=case, kind=CaseEventKind.SLA_RECOMPUTED).count() == 1


def test_a_change_that_keeps_the_same_policy_and_due_times_records_nothing(case):
    case_change_priority(case=case, priority=Priority.HIGH)

    assert not CaseEvent.objects.filter(case=case, kind=CaseEventKind.SLA_RECOMPUTED).exists()


def test_resolving_stops_every_clock_and_clears_the_next_due_time(case):
    case = case_change_status(case=case, status=CaseStatus.RESOLVED, at=minutes(90))

    assert case.resolved_at == minutes(90)
    assert case.sla_next_due_at is None and case.sla_next_alert_at is None
    assert set(SLAClock.objects.filter(case=case).values_list("state", "stop_reason")) == {("stopped", "resolved")}


def test_closing_keeps_the_resolution_time_and_reopening_clears_it(case):
    case_change_status(case=case, status=CaseStatus.RESOLVED, at=minutes(90))
    closed = case_change_status(case=case, status=CaseStatus.CLOSED, at=minutes(200))
    reopened = case_change_status(case=case, status=CaseStatus.OPEN, at=minutes(300))

    assert (closed.resolved_at, closed.closed_at) == (minutes(90), minutes(200))
    assert (reopened.resolved_at, reopened.closed_at) == (None, None)
    # 90 minutes ran before resolving; the rest of 48 hours runs from the reopening.
    assert reopened.resolution_due_at == minutes(300 + 48 * 60 - 90)


def test_unknown_values_are_refused_with_a_clear_error(case):
    with pytest.raises(CaseChangeError, match="Unknown status"):
        case_change_status(case=case, status="archived")
    with pytest.raises(CaseChangeError, match="Unknown priority"):
        case_change_priority(case=case, priority="critical")
    with pytest.raises(CaseChangeError, match="Unknown tier"):
        customer_change_tier(customer=case.customer, tier="gold")


def test_editing_a_policy_and_refreshing_moves_open_cases_due_times(case):
    SLAPolicy.objects.filter(name="Default").update(first_response_minutes=120)

    assert sla_refresh_open_cases(reason="policy edited in admin") == 1

    case.refresh_from_db()
    assert case.first_response_due_at == minutes(120)
    assert CaseEvent.objects.get(case=case, kind=CaseEventKind.SLA_RECOMPUTED).payload["reason"] == (
        "policy edited in admin"
    )
