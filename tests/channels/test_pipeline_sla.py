"""SLA clocks kept by ingestion: started at the message as posted, stopped by human replies,
paused and resumed by status, untouched by closing remarks and automatic acknowledgements.

T0 (tests.channels.helpers) is Monday 2026-11-02 10:00 UTC; the policy is 24/7
so the arithmetic stays visible; business hours are tested in tests/cases.
"""

import datetime as dt

import pytest

from cases.choices import CaseEventKind, CaseStatus
from cases.models import CaseEvent, SLAClock
from cases.services import case_change_status
from channels_app.models import SocialPost
from channels_app.pipeline import ingest_posts
from tests.channels.helpers import T0, post
from tests.factories import ChannelFactory, SLAPolicyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def channel():
    SLAPolicyFactory(
        name="Default",
        is_default=True,
        first_response_minutes=60,
        next_response_minutes=120,
        resolution_minutes=24 * 60,
        pause_while_pending=True,
    )
    return ChannelFactory(name="Acme on X", brand_handles=["AcmeAirCare"], brand_terms=["Acme Air"])


def minutes(value):
    return T0 + dt.timedelta(minutes=value)


def clocks(case):
    return {(clock.target, clock.cycle): clock for clock in SLAClock.objects.filter(case=case)}


def case_of(channel, external_id):
    return SocialPost.objects.select_related("case").get(channel=channel, external_id=external_id).case


def test_a_new_case_gets_its_clocks_from_the_message_as_posted(channel):
    ingest_posts(channel=channel, posts=[post(1, 0, "@AcmeAirCare my bag never arrived in Lisbon, no one answers")])

    case = case_of(channel, "1")
    first, resolution = clocks(case)["first_response", 1], clocks(case)["resolution", 1]
    assert (first.started_at, first.due_at, first.warn_at, first.state) == (T0, minutes(60), minutes(48), "running")
    assert (resolution.started_at, resolution.due_at) == (T0, minutes(24 * 60))
    assert (case.first_response_due_at, case.sla_next_due_at, case.sla_next_alert_at) == (
        minutes(60),
        minutes(60),
        minutes(48),
    )


def test_a_brand_reply_stops_the_first_response_clock_and_a_follow_up_starts_a_next_response_cycle(channel):
    ingest_posts(
        channel=channel,
        posts=[
            post(1, 0, "@AcmeAirCare my bag never arrived in Lisbon"),
            post(2, 30, "@9001 Sorry to hear that, DM us the tag number", reply_to=1, outbound=True),
            post(3, 50, "@AcmeAirCare sent it, when will I hear back about the bag", reply_to=2),
        ],
    )

    case = case_of(channel, "1")
    stored = clocks(case)
    assert (stored["first_response", 1].stopped_at, stored["first_response", 1].stop_reason) == (minutes(30), "reply")
    assert stored["first_response", 1].business_minutes == 30
    cycle = stored["next_response", 1]
    assert (cycle.started_at, cycle.due_at, cycle.state) == (minutes(50), minutes(170), "running")
    assert case.next_response_due_at == minutes(170)
    assert case.sla_next_due_at == minutes(170)


def test_an_automatic_acknowledgement_is_on_the_timeline_but_no_response(channel):
    ingest_posts(
        channel=channel,
        posts=[
            post(1, 0, "@AcmeAirCare charged twice for my seat upgrade"),
            post(
                2,
                1,
                "@9001 Thanks, we got your message and reply within 1 hour.",
                reply_to=1,
                outbound=True,
                is_automatic=True,
            ),
        ],
    )

    case = case_of(channel, "1")
    assert case.first_responded_at is None
    assert case.status == CaseStatus.NEW
    assert clocks(case)["first_response", 1].state == "running"
    reply_event = CaseEvent.objects.get(case=case, kind=CaseEventKind.OUTBOUND_REPLY)
    assert reply_event.payload["automatic"] is True


def test_thanks_after_resolution_keeps_the_case_resolved_and_starts_no_clock(channel):
    ingest_posts(
        channel=channel,
        posts=[
            post(1, 0, "@AcmeAirCare my bag never arrived in Lisbon"),
            post(2, 30, "@9001 Found it! It is on the 18:40 flight, delivered tonight.", reply_to=1, outbound=True),
        ],
    )
    case = case_change_status(case=case_of(channel, "1"), status=CaseStatus.RESOLVED, at=minutes(40))

    ingest_posts(channel=channel, posts=[post(3, 90, "@AcmeAirCare thanks so much, all sorted!", reply_to=2)])

    case.refresh_from_db()
    assert case.status == CaseStatus.RESOLVED
    assert case_of(channel, "3") == case  # on the timeline
    assert ("next_response", 1) not in clocks(case)
    assert case.sla_next_due_at is None and case.sla_next_alert_at is None
    assert CaseEvent.objects.get(case=case, post__external_id="3").payload["closing"] is True


def test_a_new_request_after_resolution_reopens_and_resumes_the_resolution_clock(channel):
    ingest_posts(
        channel=channel,
        posts=[
            post(1, 0, "@AcmeAirCare my bag never arrived in Lisbon"),
            post(2, 30, "@9001 It is on the 18:40 flight, delivered tonight.", reply_to=1, outbound=True),
        ],
    )
    case_change_status(case=case_of(channel, "1"), status=CaseStatus.RESOLVED, at=minutes(60))

    ingest_posts(
        channel=channel,
        posts=[post(3, 600, "@AcmeAirCare it never came, the courier says no bag was given to them", reply_to=2)],
    )

    case = case_of(channel, "1")
    stored = clocks(case)
    assert case.status == CaseStatus.OPEN
    # 60 minutes ran before resolving; the remaining 1,380 count from the reopening at 600.
    assert stored["resolution", 1].due_at == minutes(600 + 24 * 60 - 60)
    assert stored["next_response", 1].started_at == minutes(600)


def test_the_customer_answering_a_pending_case_resumes_its_resolution_clock(channel):
    ingest_posts(
        channel=channel,
        posts=[
            post(1, 0, "@AcmeAirCare refund for cancelled flight AC123 still not received"),
            post(2, 20, "@9001 Can you DM us the booking reference?", reply_to=1, outbound=True),
        ],
    )
    case = case_change_status(case=case_of(channel, "1"), status=CaseStatus.PENDING, at=minutes(20))
    assert clocks(case)["resolution", 1].state == "paused"
    assert case.resolution_due_at is None

    ingest_posts(channel=channel, posts=[post(3, 200, "@AcmeAirCare it is QX7PLM, paid by card", reply_to=2)])

    case.refresh_from_db()
    assert case.status == CaseStatus.OPEN
    assert clocks(case)["resolution", 1].state == "running"
    assert case.resolution_due_at == minutes(200 + 24 * 60 - 20)  # 180 paused minutes added


def test_clocks_do_not_depend_on_the_order_posts_arrive_in(channel):
    posts = [
        post(1, 0, "@AcmeAirCare my bag never arrived in Lisbon"),
        post(2, 30, "@9001 Sorry, DM us the tag number", reply_to=1, outbound=True),
        post(3, 50, "@AcmeAirCare sent, what happens now with the bag", reply_to=2),
        post(4, 300, "@9001 It is on its way to you", reply_to=3, outbound=True),
    ]
    other = ChannelFactory(name="Acme on X (replay)", brand_handles=["AcmeAirCare"], brand_terms=["Acme Air"])

    ingest_posts(channel=channel, posts=posts)
    for single in reversed(posts):
        ingest_posts(channel=other, posts=[single])

    def shape(chan):
        case = case_of(chan, "1")
        return sorted(
            (c.target, c.cycle, c.started_at, c.due_at, c.stopped_at, c.state, c.breached)
            for c in clocks(case).values()
        )

    assert shape(channel) == shape(other)
    assert ("next_response", 1, minutes(50), minutes(170), minutes(300), "stopped", True) in shape(channel)
