"""Reads for the KPI pages. Read-only over cases and channels_app."""

import datetime as dt

from django.db.models import Count, Q
from django.utils import timezone

from cases.choices import OPEN_STATUSES, CaseStatus
from cases.models import Case
from channels_app.choices import Direction
from channels_app.models import SocialPost
from kpis.models import SatisfactionSurvey


def overview(*, now: dt.datetime | None = None) -> dict:
    """Headline counts for the last seven days, in a constant number of queries."""
    now = now or timezone.now()
    since = now - dt.timedelta(days=7)
    cases = Case.objects.aggregate(
        open=Count("id", filter=Q(status__in=OPEN_STATUSES)),
        new_last_7_days=Count("id", filter=Q(created_at__gte=since)),
        resolved_last_7_days=Count(
            "id", filter=Q(status__in=[CaseStatus.RESOLVED, CaseStatus.CLOSED], resolved_at__gte=since)
        ),
    )
    inbound = SocialPost.objects.filter(direction=Direction.INBOUND, posted_at__gte=since).count()
    surveys = SatisfactionSurvey.objects.filter(answered_at__gte=since).aggregate(
        answered=Count("id"), satisfied=Count("id", filter=Q(score__gte=4))
    )
    csat_share = surveys["satisfied"] / surveys["answered"] if surveys["answered"] else None
    return {
        **cases,
        "inbound_posts_last_7_days": inbound,
        "surveys_answered": surveys["answered"],
        "csat_share": csat_share,
    }
