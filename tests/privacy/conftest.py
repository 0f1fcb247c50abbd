"""A customer with something in every kind of row privacy covers: Dana Reyes, who complained on
X about a lost bag, got a reply, was merged with her e-mail identity and answered a survey."""

import datetime as dt

import pytest

from cases.choices import CaseEventKind, CaseStatus, ChannelKind
from channels_app.choices import Direction, OutboundStatus
from tests.factories import (
    CaseEventFactory,
    CaseFactory,
    ChannelFactory,
    CustomerFactory,
    OutboundMessageFactory,
    SatisfactionSurveyFactory,
    SocialPostFactory,
    SocialProfileFactory,
    UserFactory,
)

AT = dt.datetime(2026, 3, 7, 15, 0, tzinfo=dt.UTC)
SECRETS = (
    "Dana Reyes",
    "dana.reyes@mail.example",
    "+1 212 555 0143",
    "dana_r",
    "Dana R.",
    "bag never arrived in Lima",
    "AC12",
    "Lima",
    "Dana wants a call back",
    "twitter.com/dana_r",
    "my luggage tag number is 0012",
    "rebooked you",
)


@pytest.fixture
def dana():
    rosa = UserFactory(username="rosa")
    x = ChannelFactory(name="Acme on X", kind=ChannelKind.X, brand_handles=["AcmeAirCare"])
    customer = CustomerFactory(
        name="Dana Reyes", email="dana.reyes@mail.example", phone="+1 212 555 0143", notes="VIP flyer from Lima"
    )
    earlier = CustomerFactory(name="Dana R.", email="", notes="Wrote by e-mail in 2025")
    earlier.merged_into = customer
    earlier.save()
    profile = SocialProfileFactory(
        customer=customer,
        kind=ChannelKind.X,
        external_user_id="2244994945",
        handle="dana_r",
        display_name="Dana Reyes",
        profile_url="https://twitter.com/dana_r",
    )
    case = CaseFactory(
        customer=customer,
        origin_channel=x,
        subject="My bag never arrived in Lima, AC12 yesterday",
        status=CaseStatus.RESOLVED,
        first_message_at=AT,
        first_responded_at=AT + dt.timedelta(minutes=42),
        resolved_at=AT + dt.timedelta(hours=5),
        assignee=rosa,
        created_at=AT,
    )
    inbound = SocialPostFactory(
        channel=x,
        author=profile,
        case=case,
        external_id="1852017720541925392",
        text="@AcmeAirCare my bag never arrived in Lima, AC12 yesterday. my luggage tag number is 0012",
        url="https://twitter.com/dana_r/status/1852017720541925392",
        raw={"author": {"username": "dana_r", "name": "Dana Reyes"}},
        posted_at=AT,
        sentiment_label="negative",
        sentiment_polarity=-0.6,
    )
    reply = OutboundMessageFactory(
        case=case,
        channel=x,
        reply_to=inbound,
        author=rosa,
        text="Sorry Dana! We found the bag in Bogotá and rebooked you a delivery to Lima today.",
        status=OutboundStatus.SENT,
        external_id="1852017720541999999",
        external_url="https://twitter.com/AcmeAirCare/status/1852017720541999999",
        sent_at=AT + dt.timedelta(minutes=42),
    )
    SocialPostFactory(
        channel=x,
        author=None,
        case=case,
        direction=Direction.OUTBOUND,
        external_id="1852017720541999999",
        text="@dana_r Sorry Dana! We found the bag in Bogotá and rebooked you a delivery to Lima today.",
        posted_at=AT + dt.timedelta(minutes=42),
    )
    CaseEventFactory(case=case, kind=CaseEventKind.INTERNAL_NOTE, body="Dana wants a call back at +1 212 555 0143")
    CaseEventFactory(
        case=case,
        kind=CaseEventKind.ESCALATION,
        body="",
        payload={"rule": "manual", "reason": "Dana Reyes is a VIP flyer, bag never arrived in Lima"},
    )
    SatisfactionSurveyFactory(
        case=case,
        sent_at=AT + dt.timedelta(hours=5),
        answered_at=AT + dt.timedelta(hours=6),
        score=4,
        comment="Rosa was great but AC12 lost my bag in Lima",
        agent=rosa,
        channel=x,
    )
    return {"customer": customer, "earlier": earlier, "profile": profile, "case": case, "reply": reply, "agent": rosa}
