"""Automatic acknowledgements: a customer writing while their team is off shift is told when to expect an answer.

Per channel (on or off, its own template); only for messages addressed to
the brand, written recently, once per customer message; the message goes
through the outbox as automatic, so it stops no SLA clock.
"""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from cases import services
from cases.acknowledgement import DEFAULT_ACKNOWLEDGEMENT, render_acknowledgement, validate_acknowledgement_template
from cases.choices import CaseEventKind, CaseStatus, EngagementType
from channels_app.models import OutboundMessage
from tests.factories import (
    BusinessCalendarFactory,
    CaseFactory,
    ChannelFactory,
    CustomerFactory,
    OpeningIntervalFactory,
    SocialPostFactory,
    TeamFactory,
)

# Monday 30 November 2026, 07:00 in London (UTC in winter); the team opens at 09:00.
EARLY = dt.datetime(2026, 11, 30, 7, 0, tzinfo=dt.UTC)


@pytest.fixture
def day_team():
    calendar = BusinessCalendarFactory(time_zone="Europe/London")
    OpeningIntervalFactory(calendar=calendar, weekday=0, opens_at=dt.time(9), closes_at=dt.time(17))
    return TeamFactory(calendar=calendar)


@pytest.fixture
def x_channel():
    return ChannelFactory(name="Acme on X", kind="x", acknowledge_off_hours=True)


def waiting_case(team, channel, *, written=EARLY - dt.timedelta(minutes=10), **fields):
    customer = CustomerFactory(name="Maria Lopez")
    case = CaseFactory(
        **{
            "customer": customer,
            "team": team,
            "origin_channel": channel,
            "status": CaseStatus.NEW,
            "engagement_type": EngagementType.REACTIVE,
            "first_message_at": written,
            "last_customer_message_at": written,
        }
        | fields
    )
    SocialPostFactory(channel=channel, case=case, posted_at=written, text="@AcmeAirCare where is my refund?")
    return case


def acknowledgements(case):
    return list(OutboundMessage.objects.filter(case=case, is_automatic=True).values_list("text", flat=True))


@pytest.mark.django_db
def test_off_shift_the_customer_is_told_when_the_team_answers_once(day_team, x_channel):
    case = waiting_case(day_team, x_channel)

    services.case_auto_assign(case_id=case.pk, now=EARLY)
    services.case_auto_assign(case_id=case.pk, now=EARLY + dt.timedelta(minutes=20))

    assert acknowledgements(case) == [
        f"Hi Maria, thanks for reaching out. Our care team is away right now; "
        f"we will answer by Mon 30 Nov, 09:00 (Europe/London) (SC-{case.pk})."
    ]
    event = case.events.get(kind=CaseEventKind.ASSIGNMENT, payload__has_key="acknowledged")
    assert event.payload["expected"] == "2026-11-30T09:00:00+00:00"


@pytest.mark.django_db
def test_the_acknowledgement_does_not_count_as_a_response(day_team, x_channel):
    case = waiting_case(day_team, x_channel)

    services.case_auto_assign(case_id=case.pk, now=EARLY)

    case.refresh_from_db()
    assert (case.status, case.first_responded_at, case.assignee_id) == (CaseStatus.NEW, None, None)
    assert OutboundMessage.objects.get(case=case).is_automatic


@pytest.mark.django_db
def test_a_later_first_response_due_time_is_what_the_customer_is_promised(day_team, x_channel):
    due = dt.datetime(2026, 11, 30, 11, 30, tzinfo=dt.UTC)
    case = waiting_case(day_team, x_channel, first_response_due_at=due)
    x_channel.acknowledgement_template = "Back to you by {expected_time}, {expected_in} from now."
    x_channel.save()

    services.case_auto_assign(case_id=case.pk, now=EARLY)

    assert acknowledgements(case) == ["Back to you by Mon 30 Nov, 11:30 (Europe/London), about 4 hours from now."]


@pytest.mark.django_db
def test_a_new_customer_message_off_shift_is_acknowledged_again(day_team, x_channel):
    case = waiting_case(day_team, x_channel)
    services.case_auto_assign(case_id=case.pk, now=EARLY)

    later = EARLY + dt.timedelta(minutes=40)
    type(case).objects.filter(pk=case.pk).update(last_customer_message_at=later)
    services.case_auto_assign(case_id=case.pk, now=later + dt.timedelta(minutes=1))

    assert len(acknowledgements(case)) == 2


@pytest.mark.parametrize(
    ("channel_fields", "case_fields"),
    [
        pytest.param({"acknowledge_off_hours": False}, {}, id="channel-turned-off"),
        pytest.param({}, {"engagement_type": EngagementType.PROACTIVE}, id="not-addressed-to-the-brand"),
        pytest.param({}, {"written": EARLY - dt.timedelta(days=2)}, id="an-old-post-imported-late"),
    ],
)
@pytest.mark.django_db
def test_no_acknowledgement_when_it_would_not_help(day_team, channel_fields, case_fields):
    channel = ChannelFactory(**({"kind": "x", "acknowledge_off_hours": True} | channel_fields))
    case = waiting_case(day_team, channel, **case_fields)

    services.case_auto_assign(case_id=case.pk, now=EARLY)

    assert acknowledgements(case) == []
    assert case.events.filter(payload__has_key="waiting_for_shift").exists()  # it still waits


@pytest.mark.django_db
def test_on_shift_there_is_nothing_to_acknowledge(day_team, x_channel):
    case = waiting_case(day_team, x_channel, written=EARLY + dt.timedelta(hours=2))

    services.case_auto_assign(case_id=case.pk, now=EARLY + dt.timedelta(hours=2, minutes=5))

    assert acknowledgements(case) == []


# -- the template (pure) -------------------------------------------------------------------------


def test_template_placeholders_are_filled_in_the_teams_time_zone():
    text = render_acknowledgement(
        "{name}: {reference} by {expected_time} ({expected_in})",
        name="Jean-Luc Picard",
        reference="SC-7",
        expected=dt.datetime(2026, 7, 6, 13, 0, tzinfo=dt.UTC),
        now=dt.datetime(2026, 7, 6, 12, 20, tzinfo=dt.UTC),
        zone="America/New_York",
    )

    assert text == "Jean-Luc: SC-7 by Mon 6 Jul, 09:00 (America/New_York) (about 40 minutes)"


def test_a_customer_without_a_name_is_greeted_as_there():
    text = render_acknowledgement(
        DEFAULT_ACKNOWLEDGEMENT,
        name="  ",
        reference="SC-9",
        expected=dt.datetime(2026, 7, 8, 9, 0, tzinfo=dt.UTC),
        now=dt.datetime(2026, 7, 6, 9, 0, tzinfo=dt.UTC),
        zone="UTC",
    )

    assert text.startswith("Hi there, thanks")


@pytest.mark.parametrize(
    ("template", "message"),
    [
        ("Hi {customer}", r"Unknown placeholder\(s\): customer"),
        ("Hi {name", "broken placeholder"),
    ],
)
def test_a_template_with_an_unknown_or_broken_placeholder_is_refused(template, message):
    with pytest.raises(ValidationError, match=message):
        validate_acknowledgement_template(template)


def test_the_default_template_is_valid():
    validate_acknowledgement_template(DEFAULT_ACKNOWLEDGEMENT)
