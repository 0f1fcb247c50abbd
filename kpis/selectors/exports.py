"""The per-case export for BI tools: one row per case created in a period, streamed.

Owns case_export_rows() and CASE_EXPORT_COLUMNS. One query, read in
chunks (a server-side cursor on PostgreSQL), whatever the number of cases:
each case's first-response and resolution clocks (cycle 1) and its latest
answered survey are correlated subqueries, not a query per row.
"""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import OuterRef, Subquery

from cases.choices import SLATarget
from cases.models import Case, SLAClock
from kpis.models import SatisfactionSurvey
from kpis.scope import KpiScope

CASE_EXPORT_COLUMNS = [
    "case",
    "created_at",
    "channel_kind",
    "team_id",
    "assignee_id",
    "status",
    "priority",
    "engagement_type",
    "intent",
    "first_message_at",
    "first_responded_at",
    "first_response_minutes",
    "first_response_due_at",
    "first_response_sla",
    "resolved_at",
    "resolution_minutes",
    "resolution_due_at",
    "resolution_sla",
    "csat_score",
    "sentiment_start",
    "sentiment_end",
]
CHUNK = 2000


def _clock(target: str, field: str) -> Subquery:
    return Subquery(SLAClock.objects.filter(case=OuterRef("pk"), target=target, cycle=1).values(field)[:1])


def _minutes(start, end) -> float | None:
    return round((end - start).total_seconds() / 60, 2) if start and end else None


def case_export_rows(scope: KpiScope) -> Iterator[list]:
    """Rows (CASE_EXPORT_COLUMNS order) of the cases created in the scope, honouring its filter."""
    cases = Case.objects.filter(created_at__gte=scope.start, created_at__lt=scope.end, merged_into__isnull=True)
    if scope.channel_id:
        cases = cases.filter(origin_channel_id=scope.channel_id)
    if scope.team_id:
        cases = cases.filter(team_id=scope.team_id)
    if scope.agent_id:
        cases = cases.filter(assignee_id=scope.agent_id)
    score = SatisfactionSurvey.objects.filter(case=OuterRef("pk"), answered_at__isnull=False).order_by("-answered_at")
    rows = (
        cases.order_by("created_at", "pk")
        .annotate(
            first_response_due=_clock(SLATarget.FIRST_RESPONSE, "due_at"),
            first_response_late=_clock(SLATarget.FIRST_RESPONSE, "breached"),
            resolution_due=_clock(SLATarget.RESOLUTION, "due_at"),
            resolution_late=_clock(SLATarget.RESOLUTION, "breached"),
            csat=Subquery(score.values("score")[:1]),
        )
        .values_list(
            "pk",
            "created_at",
            "origin_channel__kind",
            "team_id",
            "assignee_id",
            "status",
            "priority",
            "engagement_type",
            "intent",
            "first_message_at",
            "first_responded_at",
            "first_response_due",
            "first_response_late",
            "resolved_at",
            "resolution_due",
            "resolution_late",
            "csat",
            "sentiment_start",
            "sentiment_latest",
        )
    )
    for (
        pk,
        created_at,
        kind,
        team_id,
        assignee_id,
        status,
        priority,
        engagement,
        intent,
        first_message_at,
        first_responded_at,
        first_due,
        first_late,
        resolved_at,
        resolution_due,
        resolution_late,
        csat,
        sentiment_start,
        sentiment_end,
    ) in rows.iterator(chunk_size=CHUNK):
        yield [
            f"SC-{pk}",
            created_at.isoformat(),
            kind or "",
            team_id or "",
            assignee_id or "",
            status,
            priority,
            engagement,
            intent,
            first_message_at.isoformat() if first_message_at else "",
            first_responded_at.isoformat() if first_responded_at else "",
            _minutes(first_message_at, first_responded_at),
            first_due.isoformat() if first_due else "",
            _achieved(first_due, first_late, first_responded_at),
            resolved_at.isoformat() if resolved_at else "",
            _minutes(first_message_at, resolved_at),
            resolution_due.isoformat() if resolution_due else "",
            _achieved(resolution_due, resolution_late, resolved_at),
            csat or "",
            sentiment_start if sentiment_start is not None else "",
            sentiment_end if sentiment_end is not None else "",
        ]


def _achieved(due, breached, done) -> str:
    """breached, achieved, running (no verdict yet) or empty (no target)."""
    if due is None:
        return ""
    if breached:
        return "breached"
    return "achieved" if done else "running"
