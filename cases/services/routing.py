"""Routing and automatic assignment: put a case in a team, then give it to an agent.

Owns case_route(), case_auto_assign(), cases_assign_waiting() and
agent_set_availability(). Which rule matches and which agent is picked are
decided by cases.routing (pure); this module reads the facts, locks, counts
and writes. Every decision is a CaseEvent of kind assignment with no actor:
{"routed": True, "rule", "team", "skill"} when a rule placed the case,
{"auto": True, "rule": "least_loaded", "to", "load", "capacity"} when an
agent got it, {"waiting_for_shift": <next opening>} when the team is off
shift, {"handed_back": True} when an agent going unavailable gave it back,
{"acknowledged": <outbound message id>, "expected": ...} when the customer
was told off shift when to expect an answer.

Invariants:
- An agent is never given more open cases than their capacity by this
  module, and a case is never assigned twice, however many workers run at
  once. One transaction locks the case rows first, then the team members'
  AgentProfile rows in id order (every writer here takes them in that
  order, so workers queue instead of deadlocking), counts their open cases
  after the locks are held (so it sees every assignment committed before),
  and writes with a conditional UPDATE on "still unassigned".
  Manual assignment (cases.services.console) may exceed capacity: a
  person's choice overrides the automatic limit.
- Outside a team's coverage hours (its calendar; none is 24/7) cases wait
  unassigned; cases_assign_waiting(), run by beat, assigns them when the
  team opens, and also retries cases that found every agent full.
- A case waiting for the shift may get an automatic acknowledgement
  (Channel.acknowledge_off_hours, cases.acknowledgement): only for
  messages addressed to the brand (reactive), written within the last
  ACKNOWLEDGE_WITHIN, once per customer message (the dedupe key names the
  message's time). It goes through the outbox as an automatic message, so
  it stops no SLA clock.
- The skill a case needs comes from the rule that routed it (the latest
  routed event naming the case's current team), so a case moved by hand to
  another team needs no skill there.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import replace

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Case as SqlCase
from django.db.models import Count, IntegerField, Value, When
from django.utils import timezone

from audit.models import AuditAction
from audit.services import audit_record_many
from cases.acknowledgement import render_acknowledgement
from cases.business_time import NoOpeningHours
from cases.choices import OPEN_STATUSES, CaseEventKind, CaseStatus, EngagementType
from cases.models import AgentProfile, Case, CaseEvent, RoutingRule, Team
from cases.routing import AgentCandidate, RoutingFacts, pick_agent, select_rule
from cases.selectors import calendar_specs, teams_on_shift
from cases.services.cases import CaseChangeError
from cases.webhook_events import emit

WAITING_BATCH_SIZE = 500
# An acknowledgement answers someone waiting now; a post imported from last week gets none.
ACKNOWLEDGE_WITHIN = dt.timedelta(hours=12)
logger = logging.getLogger(__name__)
Membership = AgentProfile.teams.through


def case_route(*, case_id: int, now: dt.datetime | None = None) -> Case | None:
    """Evaluate the routing rules for a case, move it to the rule's team, then auto-assign it.

    The team is set only while the case is unassigned: a case an agent
    already holds stays where it is. Returns None when the case is gone.
    """
    now = now or timezone.now()
    with transaction.atomic():
        case = (
            Case.objects.select_for_update(of=("self",))
            .select_related("customer", "origin_channel")
            .filter(pk=case_id)
            .first()
        )
        if case is None:
            return None
        if case.merged_into_id or case.status not in OPEN_STATUSES or case.assignee_id:
            return case
        rule = select_rule(RoutingRule.objects.filter(is_active=True), _facts(case))
        last = (
            CaseEvent.objects.filter(case=case, kind=CaseEventKind.ASSIGNMENT, payload__routed=True)
            .order_by("-id")
            .values_list("payload", flat=True)
            .first()
        )
        # Routing the same case again to the same rule and team records nothing.
        if rule is not None and (rule.team_id, rule.name) != (case.team_id, (last or {}).get("rule")):
            payload = {
                "routed": True,
                "rule": rule.name,
                "team": rule.team_id,
                "from_team": case.team_id,
                "skill": rule.required_skill,
            }
            case.team_id = rule.team_id
            case.save(update_fields=["team", "updated_at"])
            CaseEvent.objects.create(case=case, kind=CaseEventKind.ASSIGNMENT, payload=payload, occurred_at=now)
    return case_auto_assign(case_id=case_id, now=now)


def _facts(case: Case) -> RoutingFacts:
    """The routing facts of a case; its text is the subject and its first inbound post (one query)."""
    from django.apps import apps

    SocialPost = apps.get_model("channels_app", "SocialPost")
    first_text = (
        SocialPost.objects.filter(case_id=case.pk, direction="inbound")
        .order_by("posted_at", "id")
        .values_list("text", flat=True)
        .first()
    )
    return RoutingFacts(
        channel_kind=case.origin_channel.kind if case.origin_channel else "",
        language=case.language,
        intent=case.intent,
        engagement_type=case.engagement_type,
        priority=case.priority,
        customer_tier=case.customer.tier,
        text=f"{case.subject}\n{first_text or ''}",
    )


def case_auto_assign(*, case_id: int, now: dt.datetime | None = None) -> Case | None:
    """Give an open, unassigned case of a team to the least-loaded able agent of that team.

    Off shift, the case waits (one waiting_for_shift event per shift); when
    every agent is full, unavailable or lacks the language or skill, it stays
    unassigned without an event, for cases_assign_waiting() to retry.
    Returns the case (None when it is gone).
    """
    now = now or timezone.now()
    with transaction.atomic():
        case = Case.objects.select_for_update().filter(pk=case_id).first()
        if not _assignable(case):
            return case
        team = Team.objects.select_related("calendar").get(pk=case.team_id)
        next_opening = _next_opening(team, now)
        if next_opening != now:
            _record_waiting(case, next_opening, now)
            if next_opening is not None:
                _acknowledge(case, team, next_opening, now)
            return case
        _assign_locked([case], now=now)
    return case


def _assignable(case: Case | None) -> bool:
    return (
        case is not None
        and case.team_id is not None
        and case.assignee_id is None
        and case.merged_into_id is None
        and case.status in OPEN_STATUSES
    )


def _next_opening(team: Team, now: dt.datetime) -> dt.datetime | None:
    """`now` when the team is on shift, the next opening when not, None when it never opens."""
    if team.calendar_id is None:
        return now
    spec = calendar_specs(calendar_ids=[team.calendar_id])[team.calendar_id]
    if spec.is_open(now):
        return now
    try:
        return spec.next_opening(now)
    except NoOpeningHours:
        return None


def _record_waiting(case: Case, next_opening: dt.datetime | None, now: dt.datetime) -> None:
    """One event per case and shift: the dedupe key names the opening waited for. Expects the case locked."""
    opening = next_opening.isoformat() if next_opening else None
    key = f"routing:waiting:{opening or 'never'}"
    if not CaseEvent.objects.filter(case=case, dedupe_key=key).exists():
        CaseEvent.objects.create(
            case=case,
            kind=CaseEventKind.ASSIGNMENT,
            payload={"waiting_for_shift": opening, "team": case.team_id},
            occurred_at=now,
            dedupe_key=key,
        )


def _acknowledge(case: Case, team: Team, next_opening: dt.datetime, now: dt.datetime) -> None:
    """Tell the customer when to expect an answer, once per customer message (see the module
    docstring). Expects the case locked; a channel that cannot take the reply logs and moves on."""
    from channels_app.models import Channel
    from channels_app.services.outbox import OutboundError, outbound_enqueue

    last_message = case.last_customer_message_at
    if (
        case.origin_channel_id is None
        or case.engagement_type != EngagementType.REACTIVE
        or last_message is None
        or now - last_message > ACKNOWLEDGE_WITHIN
    ):
        return
    channel = Channel.objects.only("acknowledge_off_hours", "acknowledgement_template").get(pk=case.origin_channel_id)
    key = f"routing:acknowledged:{last_message.isoformat()}"
    if not channel.acknowledge_off_hours or CaseEvent.objects.filter(case=case, dedupe_key=key).exists():
        return
    expected = max(next_opening, case.first_response_due_at or next_opening)
    # The team's zone, for the customer's wording; the calendar's spec was read by _next_opening.
    zone = team.calendar.time_zone
    text = render_acknowledgement(
        channel.acknowledgement_template,
        name=case.customer.name,
        reference=case.reference,
        expected=expected,
        now=now,
        zone=zone,
    )
    try:
        message = outbound_enqueue(case=case, text=text, is_automatic=True)
    except OutboundError as error:
        logger.warning("no acknowledgement for %s: %s", case.reference, error)
        return
    CaseEvent.objects.create(
        case=case,
        kind=CaseEventKind.ASSIGNMENT,
        payload={"acknowledged": message.pk, "expected": expected.isoformat(), "team": team.pk},
        occurred_at=now,
        dedupe_key=key,
    )


def cases_assign_waiting(*, now: dt.datetime | None = None, limit: int = WAITING_BATCH_SIZE) -> int:
    """Assign open, unassigned cases of teams on shift now, highest priority first; returns how many.

    A constant number of queries per call, whatever the number of cases or
    teams. Cases another worker holds are skipped (SKIP LOCKED), not waited for.
    """
    now = now or timezone.now()
    on_shift = teams_on_shift(now)
    if not on_shift:
        return 0
    with transaction.atomic():
        cases = list(
            Case.objects.select_for_update(skip_locked=True)
            .filter(team_id__in=on_shift, assignee__isnull=True, merged_into__isnull=True, status__in=OPEN_STATUSES)
            .order_by("-priority_score", "id")[:limit]
        )
        return len(_assign_locked(cases, now=now)) if cases else 0


def _assign_locked(cases: list[Case], *, now: dt.datetime) -> list[Case]:
    """Assign these cases, which this transaction has locked and checked assignable; returns those assigned.

    Eight queries whatever the number of cases: memberships, the profiles
    locked in id order, their open-case counts, the routed skills, then one
    UPDATE of the cases, one INSERT of the events, one of their audit entries
    and one UPDATE of the profiles.
    """
    team_ids = {case.team_id for case in cases}
    members: dict[int, list[int]] = defaultdict(list)
    for team_id, profile_id in Membership.objects.filter(team_id__in=team_ids).values_list(
        "team_id", "agentprofile_id"
    ):
        members[team_id].append(profile_id)
    profile_ids = sorted({profile_id for ids in members.values() for profile_id in ids})
    if not profile_ids:
        return []
    # The locks that serialize workers: held until commit, taken in id order.
    profiles = {
        profile.pk: profile
        for profile in AgentProfile.objects.select_for_update(of=("self",))
        .filter(pk__in=profile_ids, is_available=True, user__is_active=True)
        .order_by("pk")
        .only("id", "user_id", "capacity", "languages", "skills", "last_assigned_at", "is_available")
    }
    if not profiles:
        return []
    # Counted after the locks: every assignment committed by another worker is seen.
    loads = dict(
        Case.objects.filter(assignee_id__in=[p.user_id for p in profiles.values()], status__in=OPEN_STATUSES)
        .values_list("assignee_id")
        .annotate(n=Count("id"))
        .values_list("assignee_id", "n")
    )
    candidates = {
        profile.pk: AgentCandidate(
            user_id=profile.user_id,
            open_cases=loads.get(profile.user_id, 0),
            capacity=profile.capacity,
            available=profile.is_available,
            languages=tuple(profile.languages or ()),
            skills=tuple(profile.skills or ()),
            last_assigned_at=profile.last_assigned_at,
        )
        for profile in profiles.values()
    }
    skills = _routed_skills(cases)
    assigned: list[tuple[Case, AgentCandidate]] = []
    touched: set[int] = set()
    for case in cases:
        team_profiles = [pk for pk in members.get(case.team_id, ()) if pk in candidates]
        chosen = pick_agent(
            [candidates[pk] for pk in team_profiles], language=case.language, skill=skills.get(case.pk, "")
        )
        if chosen is None:
            continue
        assigned.append((case, chosen))
        profile_id = next(pk for pk in team_profiles if candidates[pk] is chosen)
        # Later cases of the batch see this one: the load grows, and the turn moves on
        # (a microsecond per case keeps the batch's order when `now` is shared).
        candidates[profile_id] = replace(
            chosen,
            open_cases=chosen.open_cases + 1,
            last_assigned_at=now + dt.timedelta(microseconds=len(assigned) - 1),
        )
        profiles[profile_id].last_assigned_at = candidates[profile_id].last_assigned_at
        touched.add(profile_id)
    if not assigned:
        return []
    updated = Case.objects.filter(pk__in=[case.pk for case, _ in assigned], assignee__isnull=True).update(
        assignee_id=SqlCase(
            *(When(pk=case.pk, then=Value(agent.user_id)) for case, agent in assigned), output_field=IntegerField()
        ),
        updated_at=now,
    )
    if updated != len(assigned):
        # Impossible while the rows are locked; refuse to record events for assignments that did not happen.
        raise RuntimeError(f"auto-assignment updated {updated} of {len(assigned)} locked cases")
    events = CaseEvent.objects.bulk_create(
        CaseEvent(
            case=case,
            kind=CaseEventKind.ASSIGNMENT,
            occurred_at=now,
            payload={
                "auto": True,
                "rule": "least_loaded",
                "from": None,
                "to": agent.user_id,
                "load": agent.open_cases,
                "capacity": agent.capacity,
            },
        )
        for case, agent in assigned
    )
    emit("cases_assigned_by_routing", [(event.case_id, event.pk) for event in events])
    audit_record_many(action=AuditAction.CASE_ASSIGNED, targets=[(event.case, event.payload) for event in events])
    AgentProfile.objects.bulk_update([profiles[pk] for pk in sorted(touched)], ["last_assigned_at"])
    for case, agent in assigned:
        case.assignee_id = agent.user_id
    return [case for case, _ in assigned]


def _routed_skills(cases: Iterable[Case]) -> dict[int, str]:
    """The skill each case needs: from its latest routed event naming its current team (one query)."""
    teams = {case.pk: case.team_id for case in cases}
    skills: dict[int, str] = {}
    rows = (
        CaseEvent.objects.filter(case_id__in=list(teams), kind=CaseEventKind.ASSIGNMENT, payload__routed=True)
        .order_by("case_id", "id")
        .values_list("case_id", "payload")
    )
    for case_id, payload in rows:
        if payload.get("team") == teams[case_id]:
            skills[case_id] = payload.get("skill") or ""
    return skills


def agent_set_availability(*, agent: AbstractBaseUser, available: bool, actor: AbstractBaseUser) -> AgentProfile:
    """Mark an agent available or not. Going unavailable hands back their unstarted cases
    (open, new, never answered) and auto-assigns each to someone else where possible.

    An agent sets their own availability; setting someone else's needs
    cases.change_agentprofile.
    """
    if actor.pk != agent.pk and not actor.has_perm("cases.change_agentprofile"):
        raise CaseChangeError("You may not change other agents' availability.")
    now = timezone.now()
    with transaction.atomic():
        # The profile first, as auto-assignment takes it: an assignment in flight
        # finishes before this, and none to this agent starts after.
        profile = AgentProfile.objects.select_for_update().get(user=agent)
        if profile.is_available == available:
            return profile
        profile.is_available = available
        profile.save(update_fields=["is_available"])
        if available:
            return profile
        handed_back = list(
            Case.objects.select_for_update()
            .filter(
                assignee=agent,
                status=CaseStatus.NEW,
                first_responded_at__isnull=True,
                merged_into__isnull=True,
            )
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        if handed_back:
            Case.objects.filter(pk__in=handed_back).update(assignee=None, updated_at=now)
            CaseEvent.objects.bulk_create(
                CaseEvent(
                    case_id=case_id,
                    kind=CaseEventKind.ASSIGNMENT,
                    actor=actor,
                    occurred_at=now,
                    payload={"handed_back": True, "from": agent.pk, "to": None},
                )
                for case_id in handed_back
            )
            detail = {"handed_back": True, "from": agent.pk, "to": None}
            handed = [(Case(pk=case_id), detail) for case_id in handed_back]
            audit_record_many(action=AuditAction.CASE_ASSIGNED, actor=actor, targets=handed)
    # Outside the transaction: each assignment takes the team's profile locks on its own.
    for case_id in handed_back:
        case_auto_assign(case_id=case_id, now=now)
    return profile
