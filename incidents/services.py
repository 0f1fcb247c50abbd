"""Writes of incidents: declare, change status, link and unlink cases, bulk reply, suggest cases to link.

Owns incident_create(), incident_update_status(), incident_link_cases(),
incident_unlink_case(), incident_bulk_reply() (the form's call: stores the
request once per token and enqueues it) and bulk_reply_send() (the task's
call: the replies themselves). incident_suggest_cases() reads, but lives
here beside the link form it serves.

Invariants:
- A user links or unlinks only cases cases_visible_to() shows them; a case
  belongs to one incident at most (the database says so too). Each link and
  unlink records a CaseEvent of kind "incident" on the case, naming the actor.
- Linking locks the cases (in id order) before reading their links, so two
  agents linking the same case at once cannot both win; the cost is a
  constant number of queries whatever the number of cases.
- A bulk reply goes through cases.services.case_reply for each open linked
  case, so each reply is an OutboundMessage published by the outbox and,
  once sent, counts as that case's response (is_automatic=False). A case
  that cannot be answered (no customer post, the channel's length limit) is
  reported and the others still go out.
- bulk_reply_send is one transaction: the replies and the "done" mark commit
  together (publishing starts on commit), so a task that runs twice or dies
  halfway never answers a case twice.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.utils import timezone

from cases.choices import OPEN_STATUSES, CaseEventKind
from cases.models import Case, CaseEvent
from cases.selectors import cases_visible_to
from cases.services import CaseChangeError, case_reply
from incidents.models import BulkReplyStatus, Incident, IncidentBulkReply, IncidentCase, IncidentStatus

TITLE_MAX_LENGTH = 200
BULK_REPLY_MAX_LENGTH = 10_000
# Customers complain before anyone declares the incident: suggestions look back this far.
SUGGEST_LOOKBACK = dt.timedelta(hours=12)
SUGGEST_LIMIT = 25


class IncidentError(ValueError):
    """A change refused, with a message for the user."""


@dataclass
class LinkResult:
    linked: list[Case] = field(default_factory=list)
    already: list[Case] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)


def incident_create(
    *,
    title: str,
    actor: AbstractBaseUser,
    description: str = "",
    severity: str = "major",
    started_at: dt.datetime | None = None,
    public_message: str = "",
) -> Incident:
    title = (title or "").strip()
    if not title:
        raise IncidentError("An incident needs a title.")
    started_at = started_at or timezone.now()
    if started_at > timezone.now() + dt.timedelta(minutes=5):
        raise IncidentError("An incident cannot start in the future.")
    return Incident.objects.create(
        title=title[:TITLE_MAX_LENGTH],
        description=(description or "").strip(),
        severity=severity,
        started_at=started_at,
        public_message=(public_message or "").strip(),
        created_by=actor,
    )


def incident_update_status(*, incident: Incident, status: str, actor: AbstractBaseUser) -> Incident:
    """Move the incident to `status`: resolving sets resolved_at, reopening clears it.
    The status it already has changes nothing."""
    if status not in IncidentStatus.values:
        raise IncidentError(f"Unknown incident status {status!r}.")
    with transaction.atomic():
        incident = Incident.objects.select_for_update().get(pk=incident.pk)
        if incident.status == status:
            return incident
        incident.status = status
        if status == IncidentStatus.RESOLVED:
            # Never before its start: a start corrected later than "now" still gives a valid row.
            incident.resolved_at = max(timezone.now(), incident.started_at)
        else:
            incident.resolved_at = None
        incident.save(update_fields=["status", "resolved_at", "updated_at"])
    return incident


def _link_event(case_id: int, incident: Incident, actor, action: str, at: dt.datetime) -> CaseEvent:
    return CaseEvent(
        case_id=case_id,
        kind=CaseEventKind.INCIDENT,
        actor=actor,
        payload={"incident_id": incident.pk, "title": incident.title, "action": action},
        occurred_at=at,
    )


def incident_link_cases(*, incident: Incident, case_ids: Iterable[int], actor: AbstractBaseUser) -> LinkResult:
    """Link the cases to the incident. Cases already in it are reported as such; cases the actor
    cannot see (or that do not exist), merged cases and cases of another incident are refused,
    each with a reason, and the others are linked. Six queries whatever the number of cases."""
    wanted = sorted(set(case_ids))
    result = LinkResult()
    now = timezone.now()
    with transaction.atomic():
        # Locked, so the incident cannot be resolved while its cases are being linked.
        incident = Incident.objects.select_for_update().get(pk=incident.pk)
        if incident.is_resolved:
            raise IncidentError(f"\u2018{incident.title}\u2019 is resolved: reopen it to link cases.")
        if not wanted:
            return result
        cases = {
            case.pk: case
            for case in cases_visible_to(user=actor)
            .filter(pk__in=wanted)
            .order_by("pk")
            .select_for_update(of=("self",))
        }
        links = {
            link.case_id: link
            for link in IncidentCase.objects.filter(case_id__in=list(cases)).select_related("incident")
        }
        for pk in wanted:
            case = cases.get(pk)
            link = links.get(pk)
            if case is None:
                result.refused.append(f"SC-{pk}: no such case among those you can see.")
            elif case.merged_into_id:
                result.refused.append(f"{case.reference} was merged into SC-{case.merged_into_id}; link that case.")
            elif link is not None and link.incident_id == incident.pk:
                result.already.append(case)
            elif link is not None:
                result.refused.append(f"{case.reference} is already linked to \u2018{link.incident.title}\u2019.")
            else:
                result.linked.append(case)
        IncidentCase.objects.bulk_create(
            IncidentCase(incident=incident, case=case, linked_by=actor, linked_at=now) for case in result.linked
        )
        CaseEvent.objects.bulk_create(_link_event(case.pk, incident, actor, "linked", now) for case in result.linked)
    return result


def incident_unlink_case(*, incident: Incident, case: Case, actor: AbstractBaseUser) -> bool:
    """Take the case out of the incident; False when it was not in it. The actor must see the case."""
    if not cases_visible_to(user=actor).filter(pk=case.pk).exists():
        raise IncidentError(f"{case.reference}: no such case among those you can see.")
    with transaction.atomic():
        deleted, _ = IncidentCase.objects.filter(incident=incident, case=case).delete()
        if deleted:
            _link_event(case.pk, incident, actor, "unlinked", timezone.now()).save()
    return bool(deleted)


def incident_bulk_reply(
    *, incident: Incident, author: AbstractBaseUser, text: str, token: uuid.UUID
) -> tuple[IncidentBulkReply, bool]:
    """Store a bulk reply to send and enqueue its sending on commit; returns (row, created).

    `token` is the form's one-time key: the same form submitted twice (a
    double click, a reload) finds the first row and sends nothing more.
    Permission (incidents.send_bulk_reply) is the view's to check.
    """
    from incidents.tasks import send_bulk_reply_task  # the tasks module imports this one

    text = (text or "").strip()
    if not text:
        raise IncidentError("A bulk reply needs text.")
    if len(text) > BULK_REPLY_MAX_LENGTH:
        raise IncidentError(f"A bulk reply has at most {BULK_REPLY_MAX_LENGTH:,} characters.")
    existing = IncidentBulkReply.objects.filter(token=token).first()
    if existing is None:
        try:
            # A savepoint: a concurrent submit of the same token fails this insert, not the caller's transaction.
            with transaction.atomic():
                bulk = IncidentBulkReply.objects.create(incident=incident, author=author, text=text, token=token)
        except IntegrityError:
            existing = IncidentBulkReply.objects.get(token=token)
        else:
            transaction.on_commit(lambda: send_bulk_reply_task.delay(bulk.pk))
            return bulk, True
    if existing.incident_id != incident.pk:
        raise IncidentError("This form was already used for another incident; reload the page.")
    return existing, False


def bulk_reply_send(*, bulk_reply_id: int) -> IncidentBulkReply | None:
    """Queue one reply per open linked case of the bulk reply's incident; returns the row (None when gone).

    A row already done is returned as it is. Cases are answered in id order
    (case_reply locks each), each in a savepoint: a refused case is recorded
    in `failures` and the others go on. Cases the author can no longer see
    are reported too, not answered.
    """
    with transaction.atomic():
        bulk = (
            IncidentBulkReply.objects.select_for_update(of=("self",))
            .select_related("author", "incident")
            .filter(pk=bulk_reply_id)
            .first()
        )
        if bulk is None or bulk.status == BulkReplyStatus.DONE:
            return bulk
        open_cases = list(
            Case.objects.filter(incident_link__incident_id=bulk.incident_id, status__in=OPEN_STATUSES).order_by("pk")
        )
        visible = (
            set(
                cases_visible_to(user=bulk.author)
                .filter(pk__in=[case.pk for case in open_cases])
                .values_list("pk", flat=True)
            )
            if bulk.author is not None
            else set()
        )
        sent, failures = 0, []
        for case in open_cases:
            if case.pk not in visible:
                failures.append(_failure(case, "the author cannot see this case"))
                continue
            try:
                with transaction.atomic():
                    case_reply(case=case, author=bulk.author, text=bulk.text, seen_event_id=None, is_automatic=False)
            except CaseChangeError as error:
                failures.append(_failure(case, str(error)))
            else:
                sent += 1
        bulk.status, bulk.sent_count, bulk.failures, bulk.finished_at = (
            BulkReplyStatus.DONE,
            sent,
            failures,
            timezone.now(),
        )
        bulk.save(update_fields=["status", "sent_count", "failures", "finished_at"])
    return bulk


def _failure(case: Case, error: str) -> dict:
    return {"case_id": case.pk, "reference": case.reference, "error": error}


def incident_suggest_cases(*, incident: Incident, user: AbstractBaseUser, keywords: str, limit: int = SUGGEST_LIMIT):
    """Open cases the user can see, in no incident, first written in the incident's window (from
    SUGGEST_LOOKBACK before its start to its resolution), whose customer posts match `keywords`
    (the console's search: full-text on PostgreSQL, `@handle` for a customer). Newest first; one query."""
    from cases.selectors.inbox import _search  # the console's search, so both find the same cases

    keywords = (keywords or "").strip()
    if not keywords:
        return []
    cases = cases_visible_to(user=user).filter(
        status__in=OPEN_STATUSES,
        merged_into__isnull=True,
        incident_link__isnull=True,
        first_message_at__gte=incident.started_at - SUGGEST_LOOKBACK,
    )
    if incident.resolved_at:
        cases = cases.filter(first_message_at__lte=incident.resolved_at)
    return list(
        _search(cases, keywords).select_related("customer", "origin_channel", "assignee").order_by("-pk")[:limit]
    )
