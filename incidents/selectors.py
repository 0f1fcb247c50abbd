"""Reads of incidents: the list with its counts, the incident page, the case page's panel.

Owns incident_list(), incident_page(), incident_series() and
case_incident_panel(). Invariants:
- Every read costs a constant number of queries whatever the number of
  incidents, linked cases and posts: counts and chart points are SQL
  aggregates (COUNT with FILTER, TruncHour/TruncDate with AVG), rows come
  with what they show joined.
- Incidents themselves are visible to everyone who may view them; their
  linked cases are listed only as cases_visible_to() allows (the others are
  counted, not shown). Counts and charts cover every linked case: they are
  figures, not case contents.
- Chart buckets are hours while the incident spans up to CHART_HOURLY_SPAN,
  days after that, in the current time zone; buckets without posts are kept
  (zero volume, no sentiment) so the x axis is time, not rows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.apps import apps
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Avg, Count, Q, QuerySet
from django.db.models.functions import TruncDate, TruncHour
from django.utils import timezone

from cases.choices import OPEN_STATUSES
from cases.models import Case
from cases.selectors import cases_visible_to
from incidents.models import Incident, IncidentBulkReply, IncidentCase, IncidentStatus

CHART_HOURLY_SPAN = dt.timedelta(days=3)
# Posts this long before the declared start still show: complaints come before the declaration.
CHART_LOOKBACK = dt.timedelta(hours=12)
LINKED_CASES_LIMIT = 200
BULK_REPLIES_LIMIT = 20


def incident_list(*, status: str = "") -> QuerySet[Incident]:
    """Incidents newest first, each with `case_count` and `open_count` (its linked cases, and the open
    ones among them) and its creator: one query."""
    incidents = Incident.objects.select_related("created_by").annotate(
        case_count=Count("links"),
        open_count=Count("links", filter=Q(links__case__status__in=OPEN_STATUSES)),
    )
    if status:
        incidents = incidents.filter(status=status)
    return incidents.order_by("-started_at", "-id")


def open_incidents() -> list[Incident]:
    """Incidents a case may be linked to (not resolved), newest first: one query."""
    return list(Incident.objects.exclude(status=IncidentStatus.RESOLVED).order_by("-started_at", "-id"))


@dataclass(frozen=True)
class SeriesPoint:
    at: dt.datetime | dt.date
    label: str
    posts: int
    polarity: float | None


@dataclass(frozen=True)
class IncidentSeries:
    bucket: str  # "hour" or "day"
    points: list[SeriesPoint]

    @property
    def volume(self) -> list[tuple[str, int]]:
        return [(point.label, point.posts) for point in self.points]

    @property
    def sentiment(self) -> list[tuple[str, float | None]]:
        return [(point.label, point.polarity) for point in self.points]

    @property
    def total_posts(self) -> int:
        return sum(point.posts for point in self.points)


def incident_series(*, incident: Incident, now: dt.datetime | None = None) -> IncidentSeries:
    """Inbound posts of the incident's linked cases per hour (or day) with their mean sentiment
    polarity, from CHART_LOOKBACK before its start to its resolution (or now). One query."""
    SocialPost = apps.get_model("channels_app", "SocialPost")
    now = now or timezone.now()
    zone = timezone.get_current_timezone()
    start = incident.started_at - CHART_LOOKBACK
    end = incident.resolved_at or now
    daily = end - incident.started_at > CHART_HOURLY_SPAN
    trunc = TruncDate("posted_at", tzinfo=zone) if daily else TruncHour("posted_at", tzinfo=zone)
    rows = (
        SocialPost.objects.filter(
            case__incident_link__incident=incident,
            direction="inbound",
            posted_at__gte=start,
            posted_at__lte=end,
        )
        .annotate(bucket=trunc)
        .values("bucket")
        .annotate(posts=Count("id"), polarity=Avg("sentiment_polarity"))
        .order_by("bucket")
    )
    found = {_bucket_key(row["bucket"], daily, zone): row for row in rows}
    points = []
    for at in _buckets(start, end, daily, zone):
        row = found.get(at, {})
        label = f"{at:%d %b}" if daily else f"{at:%d %b %H:00}"
        points.append(SeriesPoint(at, label, row.get("posts", 0), row.get("polarity")))
    return IncidentSeries(bucket="day" if daily else "hour", points=points)


def _bucket_key(value, daily: bool, zone) -> dt.datetime | dt.date:
    if daily:
        return value
    return timezone.localtime(value, zone).replace(minute=0, second=0, microsecond=0)


def _buckets(start: dt.datetime, end: dt.datetime, daily: bool, zone) -> list:
    """Every bucket from start to end: local dates, or local hours stepped in UTC (so a DST change
    neither repeats nor skips a real hour)."""
    if daily:
        first, last = timezone.localtime(start, zone).date(), timezone.localtime(end, zone).date()
        return [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]
    hour = start.astimezone(dt.UTC).replace(minute=0, second=0, microsecond=0)
    buckets = []
    while hour <= end:
        local = timezone.localtime(hour, zone).replace(minute=0, second=0, microsecond=0)
        if not buckets or buckets[-1] != local:
            buckets.append(local)
        hour += dt.timedelta(hours=1)
    return buckets


@dataclass
class IncidentPage:
    incident: Incident
    links: list[IncidentCase]  # the linked cases the user can see, newest link first (LINKED_CASES_LIMIT at most)
    hidden_count: int  # linked cases the user cannot see
    case_count: int
    open_count: int  # what a bulk reply would answer
    series: IncidentSeries
    bulk_replies: list[IncidentBulkReply]


def incident_page(*, incident: Incident, user: AbstractBaseUser, now: dt.datetime | None = None) -> IncidentPage:
    """What the incident page shows. Four queries (and one for the user's teams), whatever the
    number of linked cases, posts and bulk replies."""
    visible = cases_visible_to(user=user).values("pk")
    counts = IncidentCase.objects.filter(incident=incident).aggregate(
        cases=Count("id"),
        open=Count("id", filter=Q(case__status__in=OPEN_STATUSES)),
        visible=Count("id", filter=Q(case__in=visible)),
    )
    links = list(
        IncidentCase.objects.filter(incident=incident, case__in=visible)
        .select_related("case__customer", "case__origin_channel", "case__assignee", "linked_by")
        .order_by("-linked_at", "-id")[:LINKED_CASES_LIMIT]
    )
    bulk_replies = list(
        IncidentBulkReply.objects.filter(incident=incident)
        .select_related("author")
        .order_by("-created_at", "-id")[:BULK_REPLIES_LIMIT]
    )
    return IncidentPage(
        incident=incident,
        links=links,
        hidden_count=counts["cases"] - counts["visible"],
        case_count=counts["cases"],
        open_count=counts["open"],
        series=incident_series(incident=incident, now=now),
        bulk_replies=bulk_replies,
    )


@dataclass
class CasePanel:
    case: Case
    link: IncidentCase | None
    choices: list[Incident]  # open incidents to link the case to, when it has none


def case_incident_panel(*, case: Case) -> CasePanel:
    """The case page's incident panel: the case's incident, or the open incidents to link it to. Two queries at most."""
    link = IncidentCase.objects.select_related("incident", "linked_by").filter(case=case).first()
    return CasePanel(case=case, link=link, choices=[] if link else open_incidents())
