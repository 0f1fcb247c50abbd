"""Filters of GET /api/v1/cases/ (django-filter): the inbox's filters, and ranges of times.

Owns CaseFilter. Filters narrow the caller's visible cases (the view starts
from cases_visible_to()), so no filter can reveal a case the console would
hide. Each filter is a condition on the case row or one join (origin
channel kind): the list stays at a constant number of queries. A value that
is not valid (an unknown status, a malformed date) is a 400 with the
field, not an empty list.
"""

from __future__ import annotations

import django_filters
from django.db.models import Q, QuerySet
from rest_framework.exceptions import ValidationError

from api.filter_fields import UtcDateTimeFilter
from cases.choices import CaseStatus, ChannelKind, EngagementType, Intent, Priority, SentimentLabel
from cases.models import Case

BREACH_FLAGS = ("first_response_breached", "next_response_breached", "resolution_breached")


class CaseFilter(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=CaseStatus.choices, help_text="Repeat for several.")
    priority = django_filters.MultipleChoiceFilter(choices=Priority.choices, help_text="Repeat for several.")
    channel = django_filters.NumberFilter(field_name="origin_channel_id", help_text="Origin channel id.")
    channel_kind = django_filters.ChoiceFilter(field_name="origin_channel__kind", choices=ChannelKind.choices)
    assignee = django_filters.CharFilter(
        method="filter_assignee", help_text="A user id, 'me', or 'none' for unassigned cases."
    )
    team = django_filters.CharFilter(method="filter_team", help_text="A team id, or 'none' for cases in no team.")
    engagement_type = django_filters.ChoiceFilter(choices=EngagementType.choices)
    intent = django_filters.ChoiceFilter(choices=Intent.choices)
    sentiment = django_filters.ChoiceFilter(field_name="sentiment_label", choices=SentimentLabel.choices)
    tag = django_filters.NumberFilter(field_name="tags", help_text="Tag id.")
    created_after = UtcDateTimeFilter(field_name="created_at", lookup_expr="gte")
    created_before = UtcDateTimeFilter(field_name="created_at", lookup_expr="lt")
    due_after = UtcDateTimeFilter(
        field_name="sla_next_due_at", lookup_expr="gte", help_text="Next SLA due time at or after."
    )
    due_before = UtcDateTimeFilter(
        field_name="sla_next_due_at", lookup_expr="lt", help_text="Next SLA due time before."
    )
    breached = django_filters.BooleanFilter(method="filter_breached", help_text="Any SLA target breached.")
    q = django_filters.CharFilter(method="filter_q", max_length=200, help_text="Text in the subject.")

    class Meta:
        model = Case
        fields: list[str] = []

    def _id_or_none(self, value: str, name: str) -> int | None:
        if value.lower() == "none":
            return None
        try:
            return int(value)
        except ValueError:
            raise ValidationError({name: [f"Enter an id or 'none', not {value!r}."]}) from None

    def filter_assignee(self, queryset: QuerySet[Case], name: str, value: str) -> QuerySet[Case]:
        if value.lower() == "me":
            return queryset.filter(assignee=self.request.user)
        user_id = self._id_or_none(value, name)
        return queryset.filter(assignee__isnull=True) if user_id is None else queryset.filter(assignee_id=user_id)

    def filter_team(self, queryset: QuerySet[Case], name: str, value: str) -> QuerySet[Case]:
        team_id = self._id_or_none(value, name)
        return queryset.filter(team__isnull=True) if team_id is None else queryset.filter(team_id=team_id)

    def filter_breached(self, queryset: QuerySet[Case], name: str, value: bool | None) -> QuerySet[Case]:
        if value is None:
            return queryset
        any_breach = Q()
        for flag in BREACH_FLAGS:
            any_breach |= Q(**{flag: True})
        return queryset.filter(any_breach) if value else queryset.exclude(any_breach)

    def filter_q(self, queryset: QuerySet[Case], name: str, value: str) -> QuerySet[Case]:
        # The inbox's search (posts' full text, @handles) is private to cases.selectors.inbox
        # (_search); until it is exported, the API searches subjects.
        value = value.strip()
        return queryset.filter(subject__icontains=value) if value else queryset
