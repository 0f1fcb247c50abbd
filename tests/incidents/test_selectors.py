"""Incident reads: list counts, and volume and sentiment over time from hand-made posts."""

import datetime as dt

import pytest
from django.utils import timezone

from cases.choices import CaseStatus
from channels_app.choices import Direction
from incidents.models import IncidentStatus
from incidents.selectors import incident_list, incident_series
from tests.channels.helpers import T0
from tests.factories import CaseFactory, SocialPostFactory
from tests.incidents.factories import IncidentCaseFactory, IncidentFactory

pytestmark = pytest.mark.django_db


def at(hours, minutes=0):
    return T0 + dt.timedelta(hours=hours, minutes=minutes)


def linked_case(incident, **fields):
    return IncidentCaseFactory(incident=incident, case=CaseFactory(**fields)).case


def test_the_list_counts_linked_and_open_cases_of_each_incident():
    outage = IncidentFactory(title="Payment page down", started_at=at(0))
    IncidentFactory(title="Charger recall", started_at=at(-48))
    for status in (CaseStatus.NEW, CaseStatus.PENDING, CaseStatus.RESOLVED):
        linked_case(outage, status=status, resolved_at=at(1) if status == CaseStatus.RESOLVED else None)

    rows = {incident.title: (incident.case_count, incident.open_count) for incident in incident_list()}

    assert rows == {"Payment page down": (3, 2), "Charger recall": (0, 0)}


def test_the_list_filters_by_status():
    IncidentFactory(title="Payment page down")
    IncidentFactory(title="Charger recall", status=IncidentStatus.RESOLVED, resolved_at=timezone.now())

    assert [incident.title for incident in incident_list(status="resolved")] == ["Charger recall"]


def test_volume_and_sentiment_per_hour_of_a_short_incident():
    outage = IncidentFactory(started_at=at(0), status=IncidentStatus.RESOLVED, resolved_at=at(5))
    case = linked_case(outage)
    other = linked_case(outage)
    unlinked = CaseFactory()
    SocialPostFactory(case=case, posted_at=at(-1, 50), sentiment_polarity=-0.5, text="app won't let me check in")
    SocialPostFactory(case=case, posted_at=at(0, 5), sentiment_polarity=-0.8, text="STILL broken, flight soon!!")
    SocialPostFactory(case=other, posted_at=at(0, 40), sentiment_polarity=-0.4, text="check-in error here too")
    SocialPostFactory(case=other, posted_at=at(2, 10), sentiment_polarity=-0.6, text="hours later and still nothing")
    SocialPostFactory(case=other, posted_at=at(2, 20), sentiment_polarity=None, text="?")
    # Not counted: the brand's reply, a post of a case outside the incident, one after it was resolved.
    SocialPostFactory(case=case, posted_at=at(0, 30), direction=Direction.OUTBOUND, text="We're on it, sorry!")
    SocialPostFactory(case=unlinked, posted_at=at(0, 20), sentiment_polarity=0.9, text="love the new lounge")
    SocialPostFactory(case=case, posted_at=at(6), sentiment_polarity=0.5, text="works now, thanks")

    series = incident_series(incident=outage)

    assert series.bucket == "hour"
    assert series.points[0].label == "01 Nov 22:00"  # twelve hours before the start
    assert series.points[-1].label == "02 Nov 15:00"
    assert len(series.points) == 18
    around = {point.label: (point.posts, point.polarity) for point in series.points[10:15]}
    assert around == {
        "02 Nov 08:00": (0, None),
        "02 Nov 09:00": (1, -0.5),
        "02 Nov 10:00": (2, pytest.approx(-0.6)),
        "02 Nov 11:00": (0, None),
        "02 Nov 12:00": (2, -0.6),
    }
    assert series.total_posts == 5


def test_an_incident_over_three_days_is_charted_per_local_day():
    outage = IncidentFactory(started_at=at(0), status=IncidentStatus.RESOLVED, resolved_at=at(24 * 4))
    case = linked_case(outage)
    SocialPostFactory(case=case, posted_at=at(1), sentiment_polarity=-0.2, text="no hot water in room 214")
    # 02:00 UTC on 3 November is still 2 November in New York.
    SocialPostFactory(case=case, posted_at=at(16), sentiment_polarity=-0.6, text="still no hot water")
    SocialPostFactory(case=case, posted_at=at(24 * 2), sentiment_polarity=0.4, text="fixed, thank you")

    with timezone.override("America/New_York"):
        series = incident_series(incident=outage)

    assert series.bucket == "day"
    assert [(point.label, point.posts, point.polarity) for point in series.points] == [
        ("01 Nov", 0, None),
        ("02 Nov", 2, pytest.approx(-0.4)),
        ("03 Nov", 0, None),
        ("04 Nov", 1, 0.4),
        ("05 Nov", 0, None),
        ("06 Nov", 0, None),
    ]


@pytest.mark.parametrize("posts", [2, 40])
def test_the_series_is_one_query_whatever_the_number_of_posts(posts, django_assert_num_queries):
    outage = IncidentFactory(started_at=at(0), status=IncidentStatus.RESOLVED, resolved_at=at(3))
    case = linked_case(outage)
    for n in range(posts):
        SocialPostFactory(case=case, posted_at=at(0, n), sentiment_polarity=-0.1)

    with django_assert_num_queries(1):
        series = incident_series(incident=outage)

    assert series.total_posts == posts
