"""FilterSets of the directory resources of the API (customers, channels, posts, canned responses,
SLA policies, teams, agents, surveys).

Filters only narrow a queryset the view already restricted to what the user
may see; they never widen it. A bad value (an unknown enum value, a date
that does not parse, an unknown id) is a 400 with the field named, as
django-filter's backend raises it.
"""

from __future__ import annotations

import django_filters as filters
from django import forms
from django.db.models import Q, QuerySet

from api.filter_fields import UtcDateTimeFilter
from cases.choices import CustomerTier, EngagementType, InfluenceTier, Intent, SentimentLabel
from cases.models import AgentProfile, CannedResponse, Customer, SLAPolicy, Team
from channels_app.choices import ChannelKind, Direction
from channels_app.models import Channel, SocialPost
from kpis.models import SatisfactionSurvey

TEXT_SEARCH_MAX = 200


class IdFilter(filters.NumberFilter):
    """An id: a whole number (NumberFilter alone takes decimals)."""

    field_class = forms.IntegerField


class CustomerFilter(filters.FilterSet):
    tier = filters.ChoiceFilter(choices=CustomerTier.choices)
    influence = filters.ChoiceFilter(choices=InfluenceTier.choices)
    churned = filters.BooleanFilter(field_name="churned_at", lookup_expr="isnull", exclude=True)
    merged = filters.BooleanFilter(field_name="merged_into", lookup_expr="isnull", exclude=True)
    q = filters.CharFilter(method="search", max_length=TEXT_SEARCH_MAX, label="Part of the name or e-mail address.")

    class Meta:
        model = Customer
        fields = ["tier", "influence", "churned", "merged", "q"]

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        return queryset.filter(Q(name__icontains=value) | Q(email__icontains=value)) if value else queryset


class ChannelFilter(filters.FilterSet):
    kind = filters.ChoiceFilter(choices=ChannelKind.choices)
    is_active = filters.BooleanFilter()

    class Meta:
        model = Channel
        fields = ["kind", "is_active"]


class PostFilter(filters.FilterSet):
    channel = IdFilter(field_name="channel_id")
    case = IdFilter(field_name="case_id")
    direction = filters.ChoiceFilter(choices=Direction.choices)
    engagement_type = filters.ChoiceFilter(choices=EngagementType.choices)
    intent = filters.ChoiceFilter(choices=Intent.choices)
    sentiment = filters.ChoiceFilter(field_name="sentiment_label", choices=SentimentLabel.choices)
    posted_after = UtcDateTimeFilter(field_name="posted_at", lookup_expr="gte")
    posted_before = UtcDateTimeFilter(field_name="posted_at", lookup_expr="lt")
    q = filters.CharFilter(
        field_name="text", lookup_expr="icontains", max_length=TEXT_SEARCH_MAX, label="Part of the text."
    )

    class Meta:
        model = SocialPost
        fields = [
            "channel",
            "case",
            "direction",
            "engagement_type",
            "intent",
            "sentiment",
            "posted_after",
            "posted_before",
            "q",
        ]


class CannedResponseFilter(filters.FilterSet):
    team = IdFilter(field_name="team_id")
    is_active = filters.BooleanFilter()
    q = filters.CharFilter(method="search", max_length=TEXT_SEARCH_MAX, label="Part of the shortcut or title.")

    class Meta:
        model = CannedResponse
        fields = ["team", "is_active", "q"]

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        return queryset.filter(Q(shortcut__icontains=value) | Q(title__icontains=value)) if value else queryset


class SLAPolicyFilter(filters.FilterSet):
    is_active = filters.BooleanFilter()
    calendar = IdFilter(field_name="calendar_id")

    class Meta:
        model = SLAPolicy
        fields = ["is_active", "calendar"]


class TeamFilter(filters.FilterSet):
    handles_sales = filters.BooleanFilter()
    is_escalation_team = filters.BooleanFilter()

    class Meta:
        model = Team
        fields = ["handles_sales", "is_escalation_team"]


class AgentFilter(filters.FilterSet):
    team = IdFilter(field_name="teams", label="Id of a team the agent belongs to.")
    available = filters.BooleanFilter(field_name="is_available")

    class Meta:
        model = AgentProfile
        fields = ["team", "available"]


class SurveyFilter(filters.FilterSet):
    answered = filters.BooleanFilter(field_name="answered_at", lookup_expr="isnull", exclude=True)
    score = filters.TypedChoiceFilter(choices=[(n, str(n)) for n in range(1, 6)], coerce=int)
    sent_after = UtcDateTimeFilter(field_name="sent_at", lookup_expr="gte")
    sent_before = UtcDateTimeFilter(field_name="sent_at", lookup_expr="lt")
    case = IdFilter(field_name="case_id")

    class Meta:
        model = SatisfactionSurvey
        fields = ["answered", "score", "sent_after", "sent_before", "case"]
