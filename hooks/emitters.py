"""One function per webhook event: build its payload from ids and emit it.

The domain services (cases, channels_app, kpis) call these after their own
write, inside their transaction: deliveries are enqueued on commit, so a
rolled-back change sends nothing. Each emitter first asks whether anyone
subscribes (one query) and builds nothing when no one does.

Event ids are stable where the event happens once (a case is created once,
a clock warns once), so a retried caller does not deliver twice; for
repeatable events (case.updated, case.assigned) pass `event_key`, e.g. the
CaseEvent's id, to get the same guarantee.

Payload shapes are documented in docs/WEBHOOKS.md; they carry ids and the
fields an integration routes on, not whole records (the REST API has those),
and of the customer only id, name and tier.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.urls import NoReverseMatch, reverse

from hooks.models import WebhookEvent
from hooks.services import webhook_emit, webhook_emit_many, webhook_event_id, webhook_subscriber_ids


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def _user(user) -> dict | None:
    if user is None:
        return None
    return {"id": user.pk, "username": user.get_username(), "name": user.get_full_name() or user.get_username()}


def _case_url(case_id: int) -> str:
    try:
        return settings.SITE_URL + reverse("console:case", args=[case_id])
    except NoReverseMatch:
        return ""


def case_payload(case) -> dict:
    """The `case` object of case.* and sla.* events (a Case with its relations selected)."""
    channel = case.origin_channel
    return {
        "id": case.pk,
        "reference": case.reference,
        "url": _case_url(case.pk),
        "subject": case.subject,
        "status": case.status,
        "priority": case.priority,
        "intent": case.intent,
        "engagement_type": case.engagement_type,
        "sentiment": case.sentiment_label,
        "language": case.language,
        "channel": {"id": channel.pk, "kind": channel.kind, "name": channel.name} if channel else None,
        "customer": {"id": case.customer_id, "name": case.customer.name, "tier": case.customer.tier},
        "team": {"id": case.team_id, "name": case.team.name} if case.team_id else None,
        "assignee": _user(case.assignee),
        "created_at": _iso(case.created_at),
        "updated_at": _iso(case.updated_at),
        "first_response_due_at": _iso(case.first_response_due_at),
        "resolution_due_at": _iso(case.resolution_due_at),
        "resolved_at": _iso(case.resolved_at),
        "merged_into": case.merged_into_id,
    }


def _load_case(case_id: int):
    from cases.models import Case

    return Case.objects.select_related("customer", "origin_channel", "team", "assignee").filter(pk=case_id).first()


def _wanted(event: str) -> bool:
    return bool(webhook_subscriber_ids(event))


def case_created(case_id: int) -> list[int]:
    """case.created: a new case (from a post, an e-mail, or logged by hand)."""
    return cases_created([case_id])


def cases_created(case_ids: Iterable[int]) -> list[int]:
    """case.created for each case of an ingested batch: a few queries for the whole batch."""
    from cases.models import Case

    case_ids = list(case_ids)
    if not case_ids or not _wanted(WebhookEvent.CASE_CREATED):
        return []
    cases = (
        Case.objects.select_related("customer", "origin_channel", "team", "assignee")
        .filter(pk__in=case_ids)
        .order_by("pk")
    )
    items = [(webhook_event_id(f"case.created:{case.pk}"), {"case": case_payload(case)}) for case in cases]
    return webhook_emit_many(WebhookEvent.CASE_CREATED, items)


def case_updated(case_id: int, *, changes: Iterable[str] = (), event_key: str | None = None) -> list[int]:
    """case.updated: status, priority, tags, escalation, merge, resolution… `changes` names what
    changed (e.g. ["status"]); `event_key` (e.g. f"caseevent:{event.pk}") makes it idempotent."""
    if not _wanted(WebhookEvent.CASE_UPDATED) or (case := _load_case(case_id)) is None:
        return []
    event_id = webhook_event_id(f"case.updated:{case_id}:{event_key}") if event_key else None
    return webhook_emit(
        WebhookEvent.CASE_UPDATED, {"case": case_payload(case), "changes": sorted(set(changes))}, event_id=event_id
    )


def case_assigned(
    case_id: int,
    *,
    previous_assignee_id: int | None = None,
    actor_id: int | None = None,
    event_key: str | None = None,
) -> list[int]:
    """case.assigned: the assignee (or team) changed, by a person (actor) or routing (no actor)."""
    if not _wanted(WebhookEvent.CASE_ASSIGNED) or (case := _load_case(case_id)) is None:
        return []
    event_id = webhook_event_id(f"case.assigned:{case_id}:{event_key}") if event_key else None
    payload = {"case": case_payload(case), "previous_assignee_id": previous_assignee_id, "actor_id": actor_id}
    return webhook_emit(WebhookEvent.CASE_ASSIGNED, payload, event_id=event_id)


def cases_assigned_by_routing(assignments: Iterable[tuple[int, int]]) -> list[int]:
    """case.assigned for each (case id, event id) automatic assignment of a routing pass: a few
    queries for the whole pass (no actor, no previous assignee: routing assigns unassigned cases)."""
    from cases.models import Case

    event_of = dict(assignments)
    if not event_of or not _wanted(WebhookEvent.CASE_ASSIGNED):
        return []
    cases = (
        Case.objects.select_related("customer", "origin_channel", "team", "assignee")
        .filter(pk__in=event_of)
        .order_by("pk")
    )
    items = [
        (
            webhook_event_id(f"case.assigned:{case.pk}:caseevent:{event_of[case.pk]}"),
            {"case": case_payload(case), "previous_assignee_id": None, "actor_id": None},
        )
        for case in cases
    ]
    return webhook_emit_many(WebhookEvent.CASE_ASSIGNED, items)


def _sla(event: str, clock_ids: Iterable[int]) -> list[int]:
    from cases.models import SLAClock

    clock_ids = list(clock_ids)
    if not clock_ids or not _wanted(event):
        return []
    clocks = (
        SLAClock.objects.select_related(
            "case__customer", "case__origin_channel", "case__team", "case__assignee", "policy"
        )
        .filter(pk__in=clock_ids)
        .order_by("pk")
    )
    items = []
    for clock in clocks:
        payload = {
            "clock": {
                "id": clock.pk,
                "target": clock.target,
                "cycle": clock.cycle,
                "policy": {"id": clock.policy_id, "name": clock.policy.name} if clock.policy_id else None,
                "started_at": _iso(clock.started_at),
                "warn_at": _iso(clock.warn_at),
                "due_at": _iso(clock.due_at),
                "breached": clock.breached,
            },
            "case": case_payload(clock.case),
        }
        items.append((webhook_event_id(f"{event}:{clock.pk}"), payload))
    return webhook_emit_many(event, items)


def sla_warning(clock_id: int) -> list[int]:
    """sla.warning: an SLA clock passed its warning point (once per clock)."""
    return _sla(WebhookEvent.SLA_WARNING, [clock_id])


def sla_breached(clock_id: int) -> list[int]:
    """sla.breached: an SLA clock ran past its due time (once per clock)."""
    return _sla(WebhookEvent.SLA_BREACHED, [clock_id])


def sla_warnings(clock_ids: Iterable[int]) -> list[int]:
    """sla.warning for the clocks one SLA scan batch warned: a few queries for the lot."""
    return _sla(WebhookEvent.SLA_WARNING, clock_ids)


def slas_breached(clock_ids: Iterable[int]) -> list[int]:
    """sla.breached for the clocks one SLA scan batch found overdue: a few queries for the lot."""
    return _sla(WebhookEvent.SLA_BREACHED, clock_ids)


def survey_answered(survey_id: int) -> list[int]:
    """survey.answered: a customer answered a satisfaction survey (once per survey)."""
    from kpis.models import SatisfactionSurvey

    if not _wanted(WebhookEvent.SURVEY_ANSWERED):
        return []
    survey = SatisfactionSurvey.objects.select_related("case", "agent", "team", "channel").filter(pk=survey_id).first()
    if survey is None or survey.answered_at is None:
        return []
    payload = {
        "survey": {
            "id": survey.pk,
            "case_id": survey.case_id,
            "case_reference": survey.case.reference,
            "score": survey.score,
            "comment": survey.comment,
            "sent_at": _iso(survey.sent_at),
            "answered_at": _iso(survey.answered_at),
            "agent": _user(survey.agent),
            "team": {"id": survey.team_id, "name": survey.team.name} if survey.team_id else None,
            "channel": {"id": survey.channel_id, "kind": survey.channel.kind} if survey.channel_id else None,
        }
    }
    return webhook_emit(
        WebhookEvent.SURVEY_ANSWERED, payload, event_id=webhook_event_id(f"survey.answered:{survey_id}")
    )


def post_payload(post) -> dict:
    author = post.author
    return {
        "id": post.pk,
        "channel": {"id": post.channel_id, "kind": post.channel.kind, "name": post.channel.name},
        "external_id": post.external_id,
        "url": post.url,
        "direction": post.direction,
        "text": post.text,
        "language": post.language,
        "posted_at": _iso(post.posted_at),
        "author": (
            {"id": author.pk, "customer_id": author.customer_id, "handle": author.handle, "name": author.display_name}
            if author
            else None
        ),
        "engagement_type": post.engagement_type,
        "intent": post.intent,
        "sentiment": post.sentiment_label,
        "case_id": post.case_id,
    }


def posts_received(post_ids: Iterable[int]) -> list[int]:
    """post.received for each post of an ingested batch: a few queries for the whole batch."""
    from channels_app.models import SocialPost

    post_ids = list(post_ids)
    if not post_ids or not _wanted(WebhookEvent.POST_RECEIVED):
        return []
    posts = SocialPost.objects.select_related("channel", "author").filter(pk__in=post_ids).order_by("pk")
    items = [(webhook_event_id(f"post.received:{post.pk}"), {"post": post_payload(post)}) for post in posts]
    return webhook_emit_many(WebhookEvent.POST_RECEIVED, items)


def post_received(post_id: int) -> list[int]:
    """post.received: a post was ingested (once per post)."""
    return posts_received([post_id])
