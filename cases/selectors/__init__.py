"""Reads of the case domain. Each selector does its own select_related so
callers never trigger a query per row."""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Lower

from cases.business_time import CalendarSpec, HolidaySpec, WeeklyInterval
from cases.choices import OPEN_STATUSES
from cases.models import BusinessCalendar, Case, CaseEvent, Customer, SLAClock, Team
from cases.sla import TIMELINE_EVENT_KINDS, TimelineEntry, timeline_entry


def cases_visible_to(*, user: AbstractBaseUser) -> QuerySet[Case]:
    """Cases a user may see: all for holders of cases.view_all_cases;
    otherwise those of the user's teams, assigned to them, or not yet in any team."""
    cases = Case.objects.all()
    if user.has_perm("cases.view_all_cases"):
        return cases
    team_ids = list(user.agent_profile.teams.values_list("id", flat=True)) if hasattr(user, "agent_profile") else []
    return cases.filter(Q(team_id__in=team_ids) | Q(assignee=user) | Q(team__isnull=True))


def open_cases_for(*, user: AbstractBaseUser, limit: int = 50) -> list[Case]:
    """The newest open cases the user may see, with what a list row shows."""
    return list(
        cases_visible_to(user=user)
        .filter(status__in=OPEN_STATUSES)
        .select_related("customer", "origin_channel", "assignee", "team")
        .order_by("-created_at", "-id")[:limit]
    )


@dataclass(frozen=True)
class MergeSuggestion:
    reason: str
    customers: tuple[Customer, ...]


def customer_merge_suggestions(*, limit: int = 50) -> list[MergeSuggestion]:
    """Customers that look like one person: the same e-mail address, or the
    same handle and display name on profiles of different channel kinds.
    Four queries, whatever the number of customers."""
    # Looked up by name: profiles belong to channels_app, which builds on this app.
    SocialProfile = apps.get_model("channels_app", "SocialProfile")
    live = Customer.objects.filter(merged_into__isnull=True)
    groups: dict[tuple[str, str], set[int]] = defaultdict(set)

    shared_emails = (
        live.exclude(email="").annotate(key=Lower("email")).values("key").annotate(n=Count("id")).filter(n__gt=1)
    )
    for customer_id, key in (
        live.annotate(key=Lower("email")).filter(key__in=shared_emails.values("key")[:limit]).values_list("id", "key")
    ):
        groups[("same e-mail address", key)].add(customer_id)

    live_profiles = (
        SocialProfile.objects.filter(customer__merged_into__isnull=True)
        .exclude(handle="")
        .exclude(display_name="")
        .annotate(handle_key=Lower("handle"), name_key=Lower("display_name"))
    )
    shared_handles = {
        (row["handle_key"], row["name_key"])
        for row in live_profiles.values("handle_key", "name_key")
        .annotate(customers=Count("customer", distinct=True), kinds=Count("kind", distinct=True))
        .filter(customers__gt=1, kinds__gt=1)[:limit]
    }
    if shared_handles:
        handles = {handle for handle, _name in shared_handles}
        for customer_id, handle, name in live_profiles.filter(handle_key__in=handles).values_list(
            "customer_id", "handle_key", "name_key"
        ):
            if (handle, name) in shared_handles:
                groups[("same handle and name on different channels", f"@{handle}")].add(customer_id)

    customers = live.in_bulk({customer_id for ids in groups.values() for customer_id in ids})
    suggestions = [
        MergeSuggestion(reason=f"{reason}: {key}", customers=tuple(customers[pk] for pk in sorted(ids)))
        for (reason, key), ids in groups.items()
        if len(ids) > 1
    ]
    return suggestions[:limit]


MANAGERS_GROUP = "Managers"


def active_manager_ids() -> list[int]:
    """Ids of the active members of the Managers group: who escalations notify. One query."""
    return list(
        get_user_model()
        .objects.filter(groups__name=MANAGERS_GROUP, is_active=True)
        .values_list("pk", flat=True)
        .distinct()
    )


def calendar_spec(calendar: BusinessCalendar) -> CalendarSpec:
    """The CalendarSpec of one BusinessCalendar: uses its prefetched intervals
    and holidays when present, else queries them (two queries)."""
    return CalendarSpec(
        time_zone=calendar.time_zone,
        intervals=[
            WeeklyInterval(row.weekday, row.opens_at, row.closes_at) for row in calendar.opening_intervals.all()
        ],
        holidays=[HolidaySpec(row.date, row.starts_at, row.ends_at) for row in calendar.holidays.all()],
        always_open=calendar.always_open,
        name=calendar.name,
    )


def calendar_specs(*, calendar_ids: Iterable[int]) -> dict[int, CalendarSpec]:
    """CalendarSpec of each BusinessCalendar id, in three queries whatever their
    number: the calendars, then their intervals and holidays prefetched.
    Ids of no calendar are left out."""
    calendars = BusinessCalendar.objects.filter(id__in=list(calendar_ids)).prefetch_related(
        "opening_intervals", "holidays"
    )
    return {calendar.id: calendar_spec(calendar) for calendar in calendars}


def teams_on_shift(now: dt.datetime) -> list[int]:
    """Ids of the teams whose business calendar is open at `now` (a team without a calendar always is);
    four queries whatever the number of teams."""
    return list(team_calendars_on_shift(now))


def team_calendars_on_shift(now: dt.datetime) -> dict[int, CalendarSpec | None]:
    """The teams on shift at `now` (see teams_on_shift), each with its calendar (None: always open)."""
    teams = list(Team.objects.values_list("id", "calendar_id"))
    specs = calendar_specs(calendar_ids={calendar_id for _, calendar_id in teams if calendar_id})
    return {
        team_id: specs.get(calendar_id) if calendar_id else None
        for team_id, calendar_id in teams
        if calendar_id is None or (calendar_id in specs and specs[calendar_id].is_open(now))
    }


def case_timelines(*, case_ids: Iterable[int]) -> dict[int, list[TimelineEntry]]:
    """The clock facts of each case's timeline (messages and status changes), in one query."""
    timelines: dict[int, list[TimelineEntry]] = defaultdict(list)
    case_ids = list(case_ids)
    if not case_ids:
        return {}
    rows = CaseEvent.objects.filter(case_id__in=case_ids, kind__in=TIMELINE_EVENT_KINDS).values_list(
        "case_id", "kind", "occurred_at", "payload"
    )
    for case_id, kind, occurred_at, payload in rows:
        entry = timeline_entry(kind, occurred_at, payload or {})
        if entry is not None:
            timelines[case_id].append(entry)
    return dict(timelines)


@dataclass(frozen=True, slots=True)
class ClockMarks:
    """What a stored clock keeps across re-plans: the scan's record of its alerts."""

    id: int
    started_at: dt.datetime
    warned_at: dt.datetime | None
    breach_recorded_at: dt.datetime | None


def clock_marks(*, case_ids: Iterable[int]) -> dict[int, dict[tuple[str, int], ClockMarks]]:
    """Each case's stored clocks by (target, cycle), in one query."""
    marks: dict[int, dict[tuple[str, int], ClockMarks]] = defaultdict(dict)
    case_ids = list(case_ids)
    if not case_ids:
        return {}
    rows = SLAClock.objects.filter(case_id__in=case_ids).values_list(
        "case_id", "target", "cycle", "id", "started_at", "warned_at", "breach_recorded_at"
    )
    for case_id, target, cycle, pk, started_at, warned_at, breach_recorded_at in rows:
        marks[case_id][(target, cycle)] = ClockMarks(pk, started_at, warned_at, breach_recorded_at)
    return dict(marks)


# Submodules, re-exported (imported last: they build on the selectors above).
from cases.selectors.inbox import InboxFilters as InboxFilters  # noqa: E402
from cases.selectors.inbox import inbox_counts as inbox_counts  # noqa: E402
from cases.selectors.inbox import inbox_page as inbox_page  # noqa: E402

# isort: split
# The console's case page (cases.selectors.case_view).
from cases.selectors.case_view import CasePage as CasePage  # noqa: E402
from cases.selectors.case_view import TimelinePage as TimelinePage  # noqa: E402
from cases.selectors.case_view import case_for_page as case_for_page  # noqa: E402
from cases.selectors.case_view import case_page as case_page  # noqa: E402
from cases.selectors.case_view import case_timeline as case_timeline  # noqa: E402
from cases.selectors.case_view import latest_event_id as latest_event_id  # noqa: E402

# isort: split
# Case priority's weights, tuned in admin (cases.priority documents them).
from cases.models import PriorityWeightSet  # noqa: E402
from cases.priority import DEFAULT_WEIGHTS, WEIGHT_NAMES, PriorityWeights  # noqa: E402


def priority_weights() -> PriorityWeights:
    """The weights of case priority: the admin's active PriorityWeightSet, else
    cases.priority.DEFAULT_WEIGHTS. One query: callers load them once per batch
    or request, never per case."""
    row = PriorityWeightSet.objects.filter(is_active=True).values(*WEIGHT_NAMES).first()
    return PriorityWeights(**row) if row else DEFAULT_WEIGHTS


# isort: split
# The user's notifications (cases.selectors.notifications).
from cases.selectors.notifications import UNREAD_CAP as UNREAD_CAP  # noqa: E402
from cases.selectors.notifications import notifications_for as notifications_for  # noqa: E402
from cases.selectors.notifications import unread_count as unread_count  # noqa: E402
