"""What an agent does to a case from the console: claim, assign, note, reply, tag, escalate, merge, resolve.

Owns case_claim(), case_assign(), case_add_note(), case_reply(),
case_set_tags(), case_escalate(), case_merge() and case_resolve(). Views
parse input and call one of these; status and priority changes go through
cases.services.cases, so their clocks are re-planned in one place. A reply
leaves this app only through channels_app's outbox (outbound_enqueue),
imported at call time: cases does not import channels_app at load.

Invariants:
- Each change is one transaction that records one CaseEvent naming its
  actor, with a payload saying what changed; a call that changes nothing
  records nothing. Read-then-write changes lock the case row first
  (select_for_update), two cases in id order.
- A claim is a conditional UPDATE on "still unassigned": of two agents
  claiming at once exactly one wins, the other gets CaseClaimed naming the
  winner.
- A merged case takes no more changes: it is closed and points to the case
  that carries its conversation (posts, replies, notes); its status history
  stays with it, so the target's clocks follow the target's own statuses.
- Collision guard for replies: the console passes `seen_event_id`, the
  highest CaseEvent id its page showed. A reply is refused (StaleCase,
  saying what changed) when the case has since got an inbound post, or a
  reply, note, status change or assignment by someone else (the agent's own
  changes and automatic acknowledgements do not count), or when another
  agent's reply queued after that event is still being sent (a queued reply
  becomes an event only once the channel has it).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import F, Max, Min, Q, Subquery, Value
from django.db.models.functions import Concat
from django.utils import timezone

from audit.models import AuditAction
from audit.services import audit_record
from cases.choices import CaseEventKind, CaseStatus, ChannelKind, priority_above
from cases.models import Case, CaseEvent, SLAClock, Tag, Team
from cases.selectors import cases_visible_to
from cases.services.cases import CaseChangeError, case_change_priority, case_change_status
from cases.services.sla import sla_refresh
from cases.webhook_events import emit

if TYPE_CHECKING:
    from channels_app.models import OutboundMessage, SocialPost

NOTE_MAX_LENGTH = 10_000
# Characters a reply may have on each channel kind; None: no limit. X counts
# some characters (URLs, CJK) as more than one; the channel refuses those few.
CHANNEL_TEXT_LIMITS: dict[str, int | None] = {
    ChannelKind.X: 280,
    ChannelKind.FACEBOOK: 8000,
    ChannelKind.EMAIL: None,
    ChannelKind.WEBHOOK: None,
    ChannelKind.RSS: None,
    ChannelKind.IMPORT: None,
    ChannelKind.PHONE: None,
}
# Events that make a reply drafted before them stale.
COLLISION_KINDS = (
    CaseEventKind.INBOUND_POST,
    CaseEventKind.OUTBOUND_REPLY,
    CaseEventKind.INTERNAL_NOTE,
    CaseEventKind.STATUS_CHANGE,
    CaseEventKind.ASSIGNMENT,
)


class CaseClaimed(CaseChangeError):
    """The case is already someone else's; `holder` is that user."""

    def __init__(self, holder: AbstractBaseUser, case: Case) -> None:
        self.holder = holder
        self.case = case
        super().__init__(f"{case.reference} is already assigned to {display_name(holder)}.")


class StaleCase(CaseChangeError):
    """The case changed since the agent's page was loaded; the message says what changed."""


def display_name(user: AbstractBaseUser | None) -> str:
    if user is None:
        return "nobody"
    return user.get_full_name() or user.get_username()


def _lock(case: Case) -> Case:
    """The case reloaded and locked for this transaction; refused when it was merged."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    if case.merged_into_id:
        raise CaseChangeError(f"{case.reference} was merged into SC-{case.merged_into_id}; work on that case.")
    return case


def _event(case: Case, kind: str, actor, payload: dict, *, at: dt.datetime | None = None, body: str = "") -> CaseEvent:
    return CaseEvent.objects.create(
        case=case, kind=kind, actor=actor, payload=payload, body=body, occurred_at=at or timezone.now()
    )


def case_claim(*, case: Case, agent: AbstractBaseUser) -> Case:
    """Make an unassigned case the agent's. Claiming one's own case changes nothing.

    Raises CaseClaimed when someone else holds it, CaseChangeError when the
    case is outside the agent's teams or merged. Status is left as it is:
    a claimed new case is still new until someone answers or opens it.
    """
    now = timezone.now()
    with transaction.atomic():
        # One conditional UPDATE: of concurrent claims the database lets one match.
        won = (
            cases_visible_to(user=agent)
            .filter(pk=case.pk, assignee__isnull=True, merged_into__isnull=True)
            .update(assignee=agent, updated_at=now)
        )
        if won:
            event = _event(
                case, CaseEventKind.ASSIGNMENT, agent, {"from": None, "to": agent.pk, "claimed": True}, at=now
            )
            emit("case_assigned", case.pk, actor_id=agent.pk, event_key=f"caseevent:{event.pk}")
            audit_record(action=AuditAction.CASE_ASSIGNED, actor=agent, target=case, detail=event.payload)
            return Case.objects.get(pk=case.pk)
    case = Case.objects.select_related("assignee").get(pk=case.pk)
    if case.merged_into_id:
        raise CaseChangeError(f"{case.reference} was merged into SC-{case.merged_into_id}; work on that case.")
    if case.assignee_id == agent.pk:
        return case
    if case.assignee is not None:
        raise CaseClaimed(case.assignee, case)
    raise CaseChangeError(f"{case.reference} belongs to a team you are not in.")


def case_assign(
    *, case: Case, assignee: AbstractBaseUser | None, actor: AbstractBaseUser, team: Team | None = None
) -> Case:
    """Assign a case to `assignee` (None: unassign), and move it to `team` when given.

    Without cases.reassign_case an agent may only take an unassigned case
    or release their own, in the same team: taking a case from someone else,
    giving it to someone else or moving it to another team needs the
    permission.
    """
    if assignee is not None and not assignee.is_active:
        raise CaseChangeError(f"{display_name(assignee)} is not an active user.")
    with transaction.atomic():
        case = _lock(case)
        old_assignee, old_team = case.assignee_id, case.team_id
        new_assignee = assignee.pk if assignee else None
        new_team = team.pk if team else old_team
        if (new_assignee, new_team) == (old_assignee, old_team):
            return case
        own_only = new_assignee in (None, actor.pk) and old_assignee in (None, actor.pk) and new_team == old_team
        if not own_only and not actor.has_perm("cases.reassign_case"):
            raise CaseChangeError("You may not reassign cases.")
        case.assignee_id, case.team_id = new_assignee, new_team
        case.save(update_fields=["assignee", "team", "updated_at"])
        payload: dict = {"from": old_assignee, "to": new_assignee}
        if new_team != old_team:
            payload |= {"from_team": old_team, "to_team": new_team}
        event = _event(case, CaseEventKind.ASSIGNMENT, actor, payload)
        emit(
            "case_assigned",
            case.pk,
            previous_assignee_id=old_assignee,
            actor_id=actor.pk,
            event_key=f"caseevent:{event.pk}",
        )
        audit_record(action=AuditAction.CASE_ASSIGNED, actor=actor, target=case, detail=payload)
    return case


def case_add_note(*, case: Case, author: AbstractBaseUser, body: str) -> CaseEvent:
    """Add an internal note to the timeline. Notes start and stop no SLA clock, so nothing is re-planned."""
    body = (body or "").strip()
    if not body:
        raise CaseChangeError("A note needs text.")
    if len(body) > NOTE_MAX_LENGTH:
        raise CaseChangeError(f"A note has at most {NOTE_MAX_LENGTH:,} characters (this one has {len(body):,}).")
    with transaction.atomic():
        case = _lock(case)
        return _event(case, CaseEventKind.INTERNAL_NOTE, author, {}, body=body)


def case_reply(
    *,
    case: Case,
    author: AbstractBaseUser,
    text: str,
    reply_to: SocialPost | None = None,
    seen_event_id: int | None = None,
    is_automatic: bool = False,
) -> OutboundMessage:
    """Queue an agent's public reply; returns the OutboundMessage (channels_app publishes it on commit).

    `reply_to` is the customer's post to answer, on any of their channels
    (default: their latest inbound post on the case, as the outbox picks it);
    the reply goes out on that post's channel and must fit its length limit.
    `seen_event_id`: the highest CaseEvent id the agent's page showed; the
    reply is refused (StaleCase) when the case changed since (see the module
    docstring). None skips the guard (automatic messages, imports).
    The case's status is not changed here: the sent reply, ingested as the
    brand's post, stops the response clocks and moves a new case to open.
    """
    # Called here, not at load: cases must not import channels_app (ARCHITECTURE, "one narrow door").
    from channels_app.services import OutboundError, outbound_enqueue

    text = (text or "").strip()
    if not text:
        raise CaseChangeError("A reply needs text.")
    with transaction.atomic():
        case = _lock(case)
        if seen_event_id is not None:
            _check_not_stale(case, author=author, seen_event_id=seen_event_id)
        parent = _reply_target(case, reply_to)
        limit = CHANNEL_TEXT_LIMITS.get(parent.channel.kind)
        if limit is not None and len(text) > limit:
            label = ChannelKind(parent.channel.kind).label
            raise CaseChangeError(f"Replies on {label} have at most {limit:,} characters (this one has {len(text):,}).")
        try:
            message = outbound_enqueue(case=case, text=text, author=author, reply_to=parent, is_automatic=is_automatic)
        except OutboundError as error:
            raise CaseChangeError(f"{case.reference}: {error}.") from error
        if not is_automatic:
            detail = {"state": "queued", "outbound_message": message.pk, "channel": parent.channel_id}
            audit_record(action=AuditAction.CASE_REPLY_SENT, actor=author, target=case, detail=detail)
        return message


def _reply_target(case: Case, reply_to: SocialPost | None) -> SocialPost:
    """The post a reply answers, with its channel: `reply_to` checked to be the customer's, or their latest."""
    SocialPost = apps.get_model("channels_app", "SocialPost")
    posts = SocialPost.objects.select_related("channel", "author")
    if reply_to is None:
        # The outbox's own default, found here so its channel's length limit can be checked.
        parent = posts.filter(case=case, direction="inbound", deleted_at=None).order_by("-posted_at", "-id").first()
        if parent is None:
            raise CaseChangeError(f"{case.reference} has no customer post to answer through a channel.")
        return parent
    parent = posts.filter(pk=reply_to.pk).first()
    if parent is None or parent.author is None or parent.author.customer_id != case.customer_id:
        raise CaseChangeError(f"That post is not by the customer of {case.reference}.")
    if parent.deleted_at is not None:
        raise CaseChangeError("That post was deleted on the channel; answer another one.")
    return parent


def _check_not_stale(case: Case, *, author: AbstractBaseUser, seen_event_id: int) -> None:
    """Raise StaleCase when someone else touched the case after event `seen_event_id` (two queries at most)."""
    from channels_app.choices import OutboundStatus

    event = (
        CaseEvent.objects.filter(case=case, pk__gt=seen_event_id, kind__in=COLLISION_KINDS)
        .exclude(actor=author)
        .exclude(kind=CaseEventKind.OUTBOUND_REPLY, payload__has_key="automatic")
        .select_related("actor", "post__author")
        .order_by("pk")
        .first()
    )
    if event is not None:
        raise StaleCase(f"{case.reference} changed: {_describe(case, event)}. Reload the case before replying.")
    # A reply queued by another agent is an event only once sent: look for those in flight.
    seen_at = CaseEvent.objects.filter(pk=seen_event_id).values("created_at")[:1]
    in_flight = (
        case.outbound_messages.filter(created_at__gt=Subquery(seen_at), is_automatic=False)
        .filter(
            Q(status__in=[OutboundStatus.QUEUED, OutboundStatus.SENDING])
            | Q(status=OutboundStatus.FAILED, next_attempt_at__isnull=False)
        )
        .exclude(author=author)
        .select_related("author")
        .order_by("pk")
        .first()
    )
    if in_flight is not None:
        raise StaleCase(
            f"{case.reference} changed: {display_name(in_flight.author)} replied at {_when(in_flight.created_at)}"
            " (still being sent). Reload the case before replying."
        )


def _when(at: dt.datetime) -> str:
    local = timezone.localtime(at)
    return f"{local:%H:%M}" if local.date() == timezone.localdate() else f"{local:%Y-%m-%d %H:%M}"


def _describe(case: Case, event: CaseEvent) -> str:
    """What an event did, for a person: "Dana wrote again at 14:02", "Rosa replied at 14:01"."""
    at = _when(event.occurred_at)
    who = display_name(event.actor) if event.actor else None
    if event.kind == CaseEventKind.INBOUND_POST:
        author = event.post.author if event.post else None
        name = (author.display_name if author else "") or case.customer.name or "The customer"
        return f"{name} wrote again at {at}"
    if event.kind == CaseEventKind.OUTBOUND_REPLY:
        return f"{who} replied at {at}" if who else f"a reply was posted on the channel at {at}"
    if event.kind == CaseEventKind.INTERNAL_NOTE:
        return f"{who or 'someone'} added a note at {at}"
    if event.kind == CaseEventKind.STATUS_CHANGE:
        status = event.payload.get("to", "")
        label = CaseStatus(status).label if status in CaseStatus.values else status
        return f"{who} set the status to {label} at {at}" if who else f"the status became {label} at {at}"
    if event.payload.get("claimed"):
        return f"{who} claimed it at {at}"
    to_id = event.payload.get("to")
    to = display_name(get_user_model()._default_manager.filter(pk=to_id).first()) if to_id else "nobody"
    return f"{who or 'someone'} assigned it to {to} at {at}"


def case_set_tags(*, case: Case, tag_ids: Iterable[int], actor: AbstractBaseUser) -> Case:
    """Replace the case's tags by these; the event names the tags added and removed."""
    wanted = set(tag_ids)
    tags = Tag.objects.in_bulk(wanted)
    unknown = sorted(wanted - set(tags))
    if unknown:
        raise CaseChangeError(f"Unknown tag ids: {', '.join(map(str, unknown))}.")
    with transaction.atomic():
        case = _lock(case)
        current = {tag.pk: tag for tag in case.tags.all()}
        added = sorted(tags[pk].name for pk in wanted - set(current))
        removed = sorted(current[pk].name for pk in set(current) - wanted)
        if not added and not removed:
            return case
        case.tags.set(tags.values())
        case.save(update_fields=["updated_at"])
        event = _event(case, CaseEventKind.TAGS_CHANGE, actor, {"added": added, "removed": removed})
        emit("case_updated", case.pk, changes=["tags"], event_key=f"caseevent:{event.pk}")
    return case


def case_escalate(*, case: Case, actor: AbstractBaseUser, reason: str, team: Team | None = None) -> Case:
    """Escalate by hand: priority up one step (urgent stays urgent; the SLA policy is
    evaluated again) and, with `team`, move to that escalation team, unassigned."""
    reason = (reason or "").strip()
    if not reason:
        raise CaseChangeError("Say why the case is escalated.")
    if team is not None and not team.is_escalation_team:
        raise CaseChangeError(f"{team.name} is not an escalation team.")
    with transaction.atomic():
        case = _lock(case)
        payload: dict = {"rule": "manual", "reason": reason}
        higher = priority_above(case.priority)
        if higher:
            payload |= {"from": case.priority, "to": higher}
            case = case_change_priority(
                case=case, priority=higher, actor=actor, reason=f"escalated: {reason}", escalation=True
            )
        if team is not None and (team.pk, None) != (case.team_id, case.assignee_id):
            payload |= {"from_team": case.team_id, "to_team": team.pk, "from_assignee": case.assignee_id}
            case.team_id, case.assignee_id = team.pk, None
            case.save(update_fields=["team", "assignee", "updated_at"])
        event = _event(case, CaseEventKind.ESCALATION, actor, payload)
        emit("case_updated", case.pk, changes=["escalation"], event_key=f"caseevent:{event.pk}")
    return case


def case_merge(*, source: Case, target: Case, actor: AbstractBaseUser) -> Case:
    """Merge `source` into `target` (the same customer's): its posts, timeline, replies and tags move.

    The source stays as a closed record pointing to the target, keeping its
    status history; the target's message times span both, and its clocks are
    re-planned from the merged timeline. Both rows are locked in id order.
    """
    if source.pk == target.pk:
        raise CaseChangeError("A case cannot be merged into itself.")
    SocialPost = apps.get_model("channels_app", "SocialPost")
    now = timezone.now()
    with transaction.atomic():
        locked = {
            case.pk: case
            for case in Case.objects.select_for_update().filter(pk__in=[source.pk, target.pk]).order_by("pk")
        }
        if len(locked) != 2:
            raise CaseChangeError("One of the cases no longer exists.")
        source, target = locked[source.pk], locked[target.pk]
        for case in (source, target):
            if case.merged_into_id:
                raise CaseChangeError(f"{case.reference} was already merged into SC-{case.merged_into_id}.")
        if source.customer_id != target.customer_id:
            raise CaseChangeError(
                f"{source.reference} and {target.reference} belong to different customers; merge the customers first."
            )

        # Keys deduplicate one case's events; two cases may hold the same one (an SLA alert of cycle 1).
        taken = target.events.exclude(dedupe_key="").values("dedupe_key")
        source.events.filter(dedupe_key__in=taken).update(
            dedupe_key=Concat(Value(f"{source.reference}:"), F("dedupe_key"))
        )
        moved = {
            "posts": SocialPost.objects.filter(case=source).update(case=target),
            # Status changes stay: they are the source's history, and on the target's
            # timeline they would pause or stop its clocks (a source resolved last week).
            "events": source.events.exclude(kind=CaseEventKind.STATUS_CHANGE).update(case=target),
            "replies": source.outbound_messages.update(case=target),
        }
        Case.objects.filter(merged_into=source).update(merged_into=target)
        target.tags.add(*source.tags.all())
        # The source's timeline now plans the target's clocks; its own go.
        SLAClock.objects.filter(case=source).delete()

        spans = Case.objects.filter(pk__in=[source.pk, target.pk]).aggregate(
            first_message_at=Min("first_message_at"),
            last_customer_message_at=Max("last_customer_message_at"),
            first_responded_at=Min("first_responded_at"),
            last_responded_at=Max("last_responded_at"),
        )
        if spans["first_message_at"] != target.first_message_at:
            target.sentiment_start = source.sentiment_start
        if spans["last_customer_message_at"] != target.last_customer_message_at:
            target.sentiment_latest, target.sentiment_label = source.sentiment_latest, source.sentiment_label
        for name, value in spans.items():
            setattr(target, name, value)
        target.save(update_fields=[*spans, "sentiment_start", "sentiment_latest", "sentiment_label", "updated_at"])

        source.status, source.merged_into = CaseStatus.CLOSED, target
        source.resolved_at, source.closed_at = source.resolved_at or now, now
        source.sla_next_due_at = source.sla_next_alert_at = None
        source.save(
            update_fields=[
                "status",
                "merged_into",
                "resolved_at",
                "closed_at",
                "sla_next_due_at",
                "sla_next_alert_at",
                "updated_at",
            ]
        )
        into = _event(
            target, CaseEventKind.MERGE, actor, {"merged_case": source.pk, "manual": True, "moved": moved}, at=now
        )
        merged = _event(source, CaseEventKind.MERGE, actor, {"merged_into": target.pk, "manual": True}, at=now)
        emit("case_updated", source.pk, changes=["merged_into", "status"], event_key=f"caseevent:{merged.pk}")
        emit("case_updated", target.pk, changes=["merge"], event_key=f"caseevent:{into.pk}")
        audit_record(action=AuditAction.CASE_MERGED, actor=actor, target=target, detail=into.payload)
        sla_refresh(case_ids=[target.pk], reason=f"{source.reference} merged into it", actor=actor, now=now)
    target.refresh_from_db()
    return target


def case_resolve(
    *, case: Case, actor: AbstractBaseUser, at: dt.datetime | None = None, send_survey: bool = True
) -> Case:
    """Resolve the case (its clocks stop); the console's one call for the Resolve button.

    With `send_survey` (the default; the agent may opt out) the customer's
    satisfaction survey is enqueued on commit (kpis.send_survey). Resolving
    a case already resolved enqueues it again harmlessly: the task sends one
    survey per resolution. `robust`: a broker that is down must not turn a
    committed resolution into an error page.
    """
    case = case_change_status(case=case, status=CaseStatus.RESOLVED, actor=actor, at=at)
    if send_survey and case.status == CaseStatus.RESOLVED:
        # Imported here, not at load: cases must not depend on kpis (ARCHITECTURE, one-way dependencies).
        from kpis.tasks import send_survey_task

        case_id, actor_id = case.pk, getattr(actor, "pk", None)
        transaction.on_commit(lambda: send_survey_task.delay(case_id, actor_id), robust=True)
    return case
