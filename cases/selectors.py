"""Reads of the case domain. Each selector does its own select_related so
callers never trigger a query per row."""

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Q, QuerySet

from cases.choices import OPEN_STATUSES
from cases.models import Case


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
