"""Reads of the console's case page: the case, its clocks, its timeline, its customer, what the forms offer.

Owns case_page() (everything the page shows) and case_timeline() (the
timeline alone, for the htmx refresh and "show earlier"), with
describe_event() and fill_placeholders() which they use. Writes are
cases.services; this module never writes.

Invariants:
- A constant number of queries whatever the number of events, posts,
  profiles, past cases and surveys: each list is one query with what its
  rows show joined (docs/PERFORMANCE.md); the page costs at most 20 with
  the request's own session, user and permission queries.
- The caller passes `visible`, the user's cases_visible_to() queryset:
  the case, past cases and surveys are read through it, so nothing of a
  case the user may not open shows up here.
- The timeline is the latest TIMELINE_LIMIT events by id, shown oldest
  first by time; "show earlier" is a keyset on the lowest id shown. Ids,
  not times, page it because a page must always contain the case's highest
  event id: the reply form sends it back as `seen_event_id`, and
  case_reply() refuses a reply drafted before a later event (StaleCase).
  Replies still in the outbox (queued, sending, failed) are not events yet;
  the latest page shows them too, with their delivery status.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from cases.choices import (
    CaseEventKind,
    CaseStatus,
    ClockState,
    EscalationAction,
    Priority,
    SLATarget,
)
from cases.escalation import RULE_LABELS
from cases.models import AgentProfile, CannedResponse, Case, CaseEvent, SLAClock, Tag, Team

TIMELINE_LIMIT = 200
PAST_CASES_LIMIT = 10
SURVEYS_LIMIT = 10
REPLY_TARGETS_LIMIT = 10
PENDING_REPLIES_LIMIT = 50

# The placeholders a canned response may use, filled server-side. Anything
# else between braces stays as written: bodies are not templates, so an
# admin's text can never run template code.
PLACEHOLDER_RE = re.compile(r"\{\{\s*(customer\.first_name|customer\.name|agent\.first_name|case\.reference)\s*\}\}")


# -- timeline ------------------------------------------------------------------------------------


@dataclass
class TimelineItem:
    """One row of the timeline: an event, or a reply still in the outbox (`message` without `event`)."""

    kind: str  # "inbound", "outbound", "note", "change"
    at: dt.datetime
    event: CaseEvent | None = None
    message: object | None = None  # channels_app OutboundMessage
    sentence: str = ""

    def __post_init__(self) -> None:
        if self.message is None and self.event is not None:
            self.message = self.event.outbound_message

    @property
    def order(self) -> tuple:
        return (self.at, 0 if self.event else 1, self.event.pk if self.event else self.message.pk)

    @property
    def post(self):
        return self.event.post if self.event else None

    @property
    def channel(self):
        if self.post is not None:
            return self.post.channel
        return self.message.channel if self.message is not None else None

    @property
    def who(self) -> str:
        """Who wrote it: the customer's handle, the replying agent, the note's author."""
        if self.kind == "inbound":
            author = self.post.author if self.post else None
            if author is None:
                return "customer"
            return handle_label(author) or "customer"
        author = getattr(self.message, "author", None) or (self.event.actor if self.event else None)
        return display_name(author) or ("Brand" if self.kind == "outbound" else "someone")

    @property
    def link(self) -> str:
        """Where it is on the channel: the sent reply's URL, else the post's."""
        return getattr(self.message, "external_url", "") or getattr(self.post, "url", "") or ""


@dataclass
class TimelinePage:
    items: list[TimelineItem]
    earlier_than: int | None  # "show earlier" cursor: the lowest event id shown; None when nothing is earlier
    seen_event_id: int | None  # the highest event id shown (on the latest page: the case's highest)


@dataclass
class _Names:
    """Display names of the users and teams event payloads refer to by id."""

    users: dict[int, str] = field(default_factory=dict)
    teams: dict[int, str] = field(default_factory=dict)

    def user(self, user_id) -> str:
        if user_id is None:
            return "nobody"
        return self.users.get(user_id, f"user #{user_id}")

    def team(self, team_id) -> str:
        if team_id is None:
            return "no team"
        return self.teams.get(team_id, f"team #{team_id}")


def handle_label(profile) -> str:
    """How a profile is named on its channel: @handle on social networks, the address for e-mail and phone."""
    if profile.handle:
        return profile.handle if profile.kind in ("email", "phone") else f"@{profile.handle}"
    return profile.display_name or profile.external_user_id


def display_name(user: AbstractBaseUser | None) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


def _label(enum, value) -> str:
    return enum(value).label if value in enum.values else str(value)


def _target(payload: dict) -> str:
    label = _label(SLATarget, payload.get("target", "")).lower()
    cycle = payload.get("cycle")
    return f"{label} #{cycle}" if payload.get("target") == SLATarget.NEXT_RESPONSE and cycle else label


def _time(value) -> str:
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value)
        except ValueError:
            return value
    if not isinstance(value, dt.datetime):
        return "—"
    return f"{timezone.localtime(value):%Y-%m-%d %H:%M}"


def _join(parts: Iterable[str]) -> str:
    parts = [part for part in parts if part]
    return "; ".join(parts)


def describe_event(event: CaseEvent, names: _Names) -> str:
    """A readable sentence for an event that is not a message or a note ("Rosa changed the priority ...")."""
    payload = event.payload or {}
    who = display_name(event.actor)
    by = f"{who} " if who else ""
    kind = event.kind
    reason = f" ({payload['reason']})" if payload.get("reason") else ""
    if kind == CaseEventKind.STATUS_CHANGE:
        old, new = _label(CaseStatus, payload.get("from")), _label(CaseStatus, payload.get("to"))
        return f"{by or 'The '}{'changed the status' if who else 'status changed'} from {old} to {new}{reason}."
    if kind == CaseEventKind.PRIORITY_CHANGE:
        old, new = _label(Priority, payload.get("from")), _label(Priority, payload.get("to"))
        score = f" (score {payload['score']:.2f})" if isinstance(payload.get("score"), int | float) else ""
        if who:
            return f"{who} changed the priority from {old} to {new}{reason}."
        return f"The priority changed from {old} to {new}{score}{reason}."
    if kind == CaseEventKind.ASSIGNMENT:
        return _describe_assignment(payload, who, names)
    if kind == CaseEventKind.ESCALATION:
        return _describe_escalation(payload, who, names)
    if kind == CaseEventKind.SLA_WARNING:
        return f"SLA warning: the {_target(payload)} target is due at {_time(payload.get('due_at'))}."
    if kind == CaseEventKind.SLA_BREACH:
        return f"SLA breached: the {_target(payload)} target was missed."
    if kind == CaseEventKind.SLA_RECOMPUTED:
        changes = [
            f"{name.removesuffix('_due_at').replace('_', ' ')} due {_time(old)} → {_time(payload['due'].get(name))}"
            for name, old in (payload.get("previous_due") or {}).items()
            if isinstance(payload.get("due"), dict) and payload["due"].get(name) != old
        ]
        detail = f": {_join(changes)}" if changes else ""
        return f"SLA due times recomputed{reason}{detail}."
    if kind == CaseEventKind.TAGS_CHANGE:
        added, removed = payload.get("added") or [], payload.get("removed") or []
        parts = [f"added {', '.join(added)}" if added else "", f"removed {', '.join(removed)}" if removed else ""]
        return f"{by or 'Tags changed: '}{' and '.join(part for part in parts if part) or 'changed no tags'}."
    if kind == CaseEventKind.MERGE:
        manual = f"{who} merged" if who else "Merged"
        if payload.get("merged_into"):
            return f"{manual} this case into SC-{payload['merged_into']}."
        if payload.get("merged_case"):
            how = "" if who or payload.get("manual") else " (the same conversation)"
            return f"{manual} SC-{payload['merged_case']} into this case{how}."
        if payload.get("customer_merged"):
            return f"{manual} customer #{payload['customer_merged']} into customer #{payload.get('into')}."
        return f"{manual} cases."
    if kind == CaseEventKind.SURVEY:
        score = payload.get("score")
        return f"The customer rated the case {score}/5 in the satisfaction survey." if score else "Satisfaction survey."
    if kind == CaseEventKind.INCIDENT:
        title = f"\u2018{payload.get('title') or 'an incident'}\u2019"
        verb = "Unlinked from" if payload.get("action") == "unlinked" else "Linked to"
        return f"{verb} incident {title}{f' by {who}' if who else ''}."
    if kind == CaseEventKind.REPLY_FAILED:
        final = " Gave up: use Retry to send it again." if payload.get("final") else " It will be retried."
        return f"A reply failed to send (attempt {payload.get('attempt', '?')}): {payload.get('error', '')}.{final}"
    return f"{event.get_kind_display()}{reason}."


def _describe_assignment(payload: dict, who: str, names: _Names) -> str:
    if isinstance(payload.get("assignee"), str):  # the demo data names people instead of ids
        team = f" in {payload['team']}" if payload.get("team") else ""
        return f"Assigned to {payload['assignee']}{team}."
    if payload.get("claimed"):
        return f"{who or 'Someone'} claimed the case."
    to = payload.get("to")
    if to is None:
        sentence = f"{who or 'Someone'} unassigned the case (was {names.user(payload.get('from'))})"
    elif who and payload.get("from") is None and names.users.get(to) == who:
        sentence = f"{who} took the case"
    else:
        sentence = f"{who or 'Someone'} assigned the case to {names.user(to)}"
    if "to_team" in payload:
        sentence += f" and moved it from {names.team(payload.get('from_team'))} to {names.team(payload['to_team'])}"
    return sentence + "."


def _describe_escalation(payload: dict, who: str, names: _Names) -> str:
    if payload.get("rule") == "sla_breach":
        head = f"Escalated after the {_target(payload)} SLA breach: {_label(EscalationAction, payload.get('action'))}"
    elif payload.get("rule") in RULE_LABELS:
        head = f"Escalated for {RULE_LABELS[payload['rule']]}"
    else:
        head = f"{who or 'Someone'} escalated the case" + (f": {payload['reason']}" if payload.get("reason") else "")
    parts = []
    if payload.get("to") in Priority.values:
        parts.append(f"priority {_label(Priority, payload.get('from'))} → {_label(Priority, payload['to'])}")
    if "to_assignee" in payload:
        parts.append(f"reassigned to {names.user(payload['to_assignee'])}")
    if "to_team" in payload:
        parts.append(f"moved to {names.team(payload['to_team'])}, unassigned")
    if payload.get("notified") is not None:
        parts.append(f"{payload['notified']} managers notified")
    return head + (f" ({_join(parts)})" if parts else "") + "."


def _referenced_ids(events: Iterable[CaseEvent]) -> tuple[set[int], set[int]]:
    """User and team ids named in payloads (assignments, escalations)."""
    users, teams = set(), set()
    for event in events:
        if event.kind not in (CaseEventKind.ASSIGNMENT, CaseEventKind.ESCALATION):
            continue
        payload = event.payload or {}
        if event.kind == CaseEventKind.ASSIGNMENT:
            users.update(payload.get(name) for name in ("from", "to"))
        users.update(payload.get(name) for name in ("from_assignee", "to_assignee"))
        teams.update(payload.get(name) for name in ("from_team", "to_team"))
    return {pk for pk in users if isinstance(pk, int)}, {pk for pk in teams if isinstance(pk, int)}


def _events(case: Case, before: int | None, limit: int) -> tuple[list[CaseEvent], bool]:
    events = (
        CaseEvent.objects.filter(case=case)
        .select_related("post__author", "post__channel", "outbound_message", "actor")
        .order_by("-pk")
    )
    if before is not None:
        events = events.filter(pk__lt=before)
    rows = list(events[: limit + 1])
    return rows[:limit], len(rows) > limit


def _pending_replies(case: Case) -> list:
    """Replies of the case still in the outbox: no event until the channel has them."""
    OutboundMessage = apps.get_model("channels_app", "OutboundMessage")
    return list(
        OutboundMessage.objects.filter(case=case)
        .exclude(status="sent")
        .select_related("author", "channel")
        .order_by("created_at", "pk")[:PENDING_REPLIES_LIMIT]
    )


_ITEM_KIND = {
    CaseEventKind.INBOUND_POST: "inbound",
    CaseEventKind.OUTBOUND_REPLY: "outbound",
    CaseEventKind.INTERNAL_NOTE: "note",
}


def _timeline(events: list[CaseEvent], pending: list, has_earlier: bool, names: _Names) -> TimelinePage:
    items = [
        TimelineItem(
            kind=_ITEM_KIND.get(event.kind, "change"),
            at=event.occurred_at,
            event=event,
            sentence="" if event.kind in _ITEM_KIND else describe_event(event, names),
        )
        for event in events
    ]
    items += [TimelineItem(kind="outbound", at=message.created_at, message=message) for message in pending]
    items.sort(key=lambda item: item.order)
    ids = [event.pk for event in events]
    return TimelinePage(
        items=items,
        earlier_than=min(ids) if has_earlier and ids else None,
        seen_event_id=max(ids) if ids else None,
    )


def _names_for(
    events: list[CaseEvent], *, known_users: Iterable[AbstractBaseUser] = (), teams: Iterable[Team] = ()
) -> tuple[_Names, set[int], set[int]]:
    """Names already at hand, and the user and team ids still to load."""
    names = _Names(
        users={user.pk: display_name(user) for user in known_users if user is not None},
        teams={team.pk: team.name for team in teams if team is not None},
    )
    for event in events:
        if event.actor_id:
            names.users[event.actor_id] = display_name(event.actor)
    user_ids, team_ids = _referenced_ids(events)
    return names, user_ids - set(names.users), team_ids - set(names.teams)


def case_timeline(*, case: Case, user: AbstractBaseUser, before: int | None = None) -> TimelinePage:
    """The latest TIMELINE_LIMIT events (or those before event id `before`), with replies
    still in the outbox on the latest page. Two queries, and one each for names of
    users and teams that payloads refer to when there are any."""
    events, has_earlier = _events(case, before, TIMELINE_LIMIT)
    pending = _pending_replies(case) if before is None else []
    names, user_ids, team_ids = _names_for(events, known_users=[user, case.assignee], teams=[case.team])
    if user_ids:
        names.users |= {u.pk: display_name(u) for u in get_user_model()._default_manager.filter(pk__in=user_ids)}
    if team_ids:
        names.teams |= dict(Team.objects.filter(pk__in=team_ids).values_list("pk", "name"))
    return _timeline(events, pending, has_earlier, names)


# -- SLA clocks ----------------------------------------------------------------------------------


@dataclass
class ClockView:
    label: str
    clock: SLAClock
    tone: str  # "ok", "warning", "breached", "done", "paused"
    status: str
    cycles: int = 1
    breached_cycles: int = 0


def _clock_view(clock: SLAClock, now: dt.datetime) -> ClockView:
    label = clock.get_target_display()
    if clock.target == SLATarget.NEXT_RESPONSE:
        label += f" #{clock.cycle}"
    minutes = f" in {clock.business_minutes:,.0f} business min" if clock.business_minutes is not None else ""
    if clock.state == ClockState.STOPPED:
        tone = "breached" if clock.breached else "done"
        status = ("Breached" if clock.breached else "Achieved") + minutes
    elif clock.state == ClockState.PAUSED:
        tone, status = ("breached" if clock.breached else "paused"), f"Paused{minutes}"
    elif clock.breached or (clock.due_at and clock.due_at <= now):
        tone, status = "breached", "Overdue"
    elif clock.warned_at or (clock.warn_at and clock.warn_at <= now):
        tone, status = "warning", "Due soon"
    else:
        tone, status = "ok", "Running" if clock.due_at else "Running, no target"
    return ClockView(label=label, clock=clock, tone=tone, status=status)


def case_clocks(*, case: Case, now: dt.datetime | None = None) -> list[ClockView]:
    """First response, the latest next-response cycle (with how many cycles and breaches) and resolution. One query."""
    now = now or timezone.now()
    clocks = list(SLAClock.objects.filter(case=case).order_by("target", "cycle"))
    nexts = [clock for clock in clocks if clock.target == SLATarget.NEXT_RESPONSE]
    shown = [clock for clock in clocks if clock.target != SLATarget.NEXT_RESPONSE]
    views = [_clock_view(clock, now) for clock in shown]
    if nexts:
        latest = _clock_view(nexts[-1], now)
        latest.cycles, latest.breached_cycles = len(nexts), sum(clock.breached for clock in nexts)
        views.append(latest)
    order = [SLATarget.FIRST_RESPONSE, SLATarget.NEXT_RESPONSE, SLATarget.RESOLUTION]
    return sorted(views, key=lambda view: order.index(view.clock.target) if view.clock.target in order else 9)


# -- reply form ------------------------------------------------------------------------------------


@dataclass
class ReplyTarget:
    post: object  # channels_app SocialPost with channel and author
    limit: int | None  # characters a reply may have on its channel; None: no limit


@dataclass
class CannedOption:
    response: CannedResponse
    bodies: dict[str, str]  # by channel kind, "" for the default body, placeholders filled


def fill_placeholders(body: str, values: dict[str, str]) -> str:
    """Replace the known placeholders ({{ customer.first_name }}...) by their values; leave anything else."""
    return PLACEHOLDER_RE.sub(lambda match: values.get(match.group(1), match.group(0)), body)


def placeholder_values(*, case: Case, agent: AbstractBaseUser, fallback_name: str = "") -> dict[str, str]:
    name = case.customer.name or fallback_name
    return {
        "customer.first_name": name.split()[0] if name.split() else "",
        "customer.name": name,
        "agent.first_name": getattr(agent, "first_name", "") or agent.get_username(),
        "case.reference": case.reference,
    }


def reply_targets(*, case: Case) -> list[ReplyTarget]:
    """The customer's latest inbound posts across their channels (one query), newest first."""
    from cases.services.console import CHANNEL_TEXT_LIMITS  # services import selectors at load

    SocialPost = apps.get_model("channels_app", "SocialPost")
    posts = (
        SocialPost.objects.filter(author__customer_id=case.customer_id, direction="inbound", deleted_at__isnull=True)
        .select_related("channel", "author")
        .order_by("-posted_at", "-pk")[:REPLY_TARGETS_LIMIT]
    )
    return [ReplyTarget(post=post, limit=CHANNEL_TEXT_LIMITS.get(post.channel.kind)) for post in posts]


def canned_options(*, case: Case, values: dict[str, str], kinds: Iterable[str]) -> list[CannedOption]:
    """Active canned responses for the case's team (or every team), each body filled for
    the default and for each channel kind in `kinds`. Two queries."""
    responses = (
        CannedResponse.objects.filter(is_active=True)
        .filter(Q(team__isnull=True) | Q(team_id=case.team_id))
        .prefetch_related("variants")
        .order_by("shortcut")
    )
    kinds = sorted(set(kinds))
    return [
        CannedOption(
            response=response,
            bodies={"": fill_placeholders(response.body, values)}
            | {kind: fill_placeholders(response.body_for(kind), values) for kind in kinds},
        )
        for response in responses
    ]


# -- the page ------------------------------------------------------------------------------------


@dataclass
class CasePage:
    case: Case
    clocks: list[ClockView]
    timeline: TimelinePage
    tags: list[Tag]  # every tag, `on_case` set on each
    profiles: list
    past_cases: list[Case]
    surveys: list
    reply_targets: list[ReplyTarget]
    default_reply_to: int | None
    canned: list[CannedOption]
    escalation_teams: list[Team]
    teams: list[Team]  # every team, for the assign form; empty without cases.reassign_case
    agents: list  # active agents, for the assign form; empty without cases.reassign_case

    @property
    def case_tags(self) -> list[Tag]:
        return [tag for tag in self.tags if tag.on_case]


def case_for_page(*, visible: QuerySet[Case], pk: int) -> Case:
    """The case with what its header shows joined; raises Case.DoesNotExist outside `visible`."""
    return visible.select_related("customer", "team", "assignee", "origin_channel", "merged_into").get(pk=pk)


def case_page(
    *, case: Case, user: AbstractBaseUser, visible: QuerySet[Case], before: int | None = None, now=None
) -> CasePage:
    """Everything the case page shows but the case itself (case_for_page()).

    `visible` is the user's cases_visible_to() queryset (evaluated lazily, so
    no query of its own). Twelve queries at most, whatever the case's size
    (the users query runs for the assign form of holders of
    cases.reassign_case, or when payloads name users not otherwise known).
    """
    now = now or timezone.now()
    can_reassign = user.has_perm("cases.reassign_case")
    User = get_user_model()

    events, has_earlier = _events(case, before, TIMELINE_LIMIT)
    pending = _pending_replies(case) if before is None else []
    names, user_ids, team_ids = _names_for(events, known_users=[user, case.assignee], teams=[case.team])

    # One query of teams: every team for the assign form, or the escalation teams and those payloads name.
    teams = list(
        Team.objects.order_by("name")
        if can_reassign
        else Team.objects.filter(Q(is_escalation_team=True) | Q(pk__in=team_ids)).order_by("name")
    )
    names.teams |= {team.pk: team.name for team in teams}
    # One query of users, when needed: those payloads name, and every active agent for the assign form.
    agents = []
    if user_ids or can_reassign:
        is_agent = Exists(AgentProfile.objects.filter(user=OuterRef("pk")))
        wanted = Q(pk__in=user_ids) | (Q(is_active=True) & Q(is_agent=True) if can_reassign else Q(pk__in=[]))
        people = list(User._default_manager.annotate(is_agent=is_agent).filter(wanted).order_by("username"))
        names.users |= {person.pk: display_name(person) for person in people}
        agents = [person for person in people if person.is_agent and person.is_active] if can_reassign else []

    on_case = Case.tags.through.objects.filter(case_id=case.pk, tag_id=OuterRef("pk"))
    tags = list(Tag.objects.annotate(on_case=Exists(on_case)).order_by("name"))

    SocialProfile = apps.get_model("channels_app", "SocialProfile")
    SatisfactionSurvey = apps.get_model("kpis", "SatisfactionSurvey")  # kpis builds on cases: looked up by name
    profiles = list(SocialProfile.objects.filter(customer_id=case.customer_id).order_by("-followers_count", "pk"))
    past_cases = list(
        visible.filter(customer_id=case.customer_id)
        .exclude(pk=case.pk)
        .order_by("-created_at", "-pk")[:PAST_CASES_LIMIT]
    )
    surveys = list(
        SatisfactionSurvey.objects.filter(case__in=visible.filter(customer_id=case.customer_id).values("pk")).order_by(
            "-sent_at", "-pk"
        )[:SURVEYS_LIMIT]
    )

    targets = reply_targets(case=case)
    default = next((t.post.pk for t in targets if t.post.case_id == case.pk), targets[0].post.pk if targets else None)
    fallback = next((p.display_name or p.handle for p in profiles if p.display_name or p.handle), "")
    values = placeholder_values(case=case, agent=user, fallback_name=fallback)
    canned = canned_options(case=case, values=values, kinds={t.post.channel.kind for t in targets})

    return CasePage(
        case=case,
        clocks=case_clocks(case=case, now=now),
        timeline=_timeline(events, pending, has_earlier, names),
        tags=tags,
        profiles=profiles,
        past_cases=past_cases,
        surveys=surveys,
        reply_targets=targets,
        default_reply_to=default,
        canned=canned,
        escalation_teams=[team for team in teams if team.is_escalation_team],
        teams=teams if can_reassign else [],
        agents=agents,
    )


def latest_event_id(*, case_id: int) -> int | None:
    """The case's highest event id (one query): what a page that showed less has not seen."""
    return CaseEvent.objects.filter(case_id=case_id).order_by("-pk").values_list("pk", flat=True).first()
