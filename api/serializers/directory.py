"""Serializers of the directory resources: customers and their profiles, channels, posts and their
import, canned responses, SLA policies, calendars, teams, agents, surveys and the KPI figures.

They shape and validate; they decide nothing. A tier change, a merge, an
agent's availability and the ingestion of imported posts are the services'
(the views call them); an SLA policy is validated by SLAPolicy.clean(), the
same rule the admin applies. A channel's credentials and a survey's token
are never serialized.
"""

from __future__ import annotations

import copy
import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cases.choices import ChannelKind, CustomerTier, EngagementType, Priority
from cases.models import (
    AgentProfile,
    BusinessCalendar,
    CannedResponse,
    CannedResponseVariant,
    Customer,
    Holiday,
    OpeningInterval,
    SLAPolicy,
    Team,
)
from channels_app.models import Channel, SocialPost, SocialProfile
from channels_app.pipeline import InvalidPost, NormalizedPost
from kpis.models import SatisfactionSurvey

NOTES_MAX = 10_000
CANNED_BODY_MAX = 5_000
IMPORT_MAX_POSTS = 500
IMPORT_TEXT_MAX = 20_000
IMPORT_CHANNEL_KINDS = (ChannelKind.WEBHOOK, ChannelKind.IMPORT)
PREVIEW_YEARS = (1970, 2200)
# What the stored rows hold (SocialPost, SocialProfile); the pipeline trusts its input to fit.
IMPORT_TEXT_LIMITS = {
    "text": IMPORT_TEXT_MAX,
    "author_id": 255,
    "author_handle": 255,
    "author_name": 255,
    "author_email": 254,
    "url": 1000,
    "language": 16,
    "in_reply_to_id": 255,
    "in_reply_to_handle": 255,
    "conversation_id": 255,
}
IMPORT_COUNT_LIMITS = {"like_count": 2**31 - 1, "share_count": 2**31 - 1, "author_followers": 2**63 - 1}


def _user_name(user) -> str:
    return user.get_full_name() or user.get_username()


# -- customers ---------------------------------------------------------------------------------


class SocialProfileSerializer(serializers.ModelSerializer):
    class Meta:
        model = SocialProfile
        fields = ["id", "kind", "handle", "display_name", "followers_count", "verified"]
        read_only_fields = fields


class CustomerSerializer(serializers.ModelSerializer):
    """A customer with their social profiles. `tier` changes go through customer_change_tier()
    (the view), so the customer's open cases get their SLA policy evaluated again."""

    profiles = SocialProfileSerializer(many=True, read_only=True)
    notes = serializers.CharField(max_length=NOTES_MAX, required=False, allow_blank=True)
    churn_risk = serializers.FloatField(min_value=0.0, max_value=1.0, required=False)

    class Meta:
        model = Customer
        fields = [
            "id",
            "name",
            "email",
            "phone",
            "tier",
            "influence",
            "max_followers",
            "churn_risk",
            "churned_at",
            "merged_into",
            "notes",
            "created_at",
            "updated_at",
            "profiles",
        ]
        read_only_fields = ["influence", "max_followers", "merged_into", "created_at", "updated_at"]


class CustomerMergeSerializer(serializers.Serializer):
    into = serializers.PrimaryKeyRelatedField(
        queryset=Customer.objects.all(), help_text="The customer that stays: this one is merged into it."
    )


# -- channels and posts ------------------------------------------------------------------------


class ChannelSerializer(serializers.ModelSerializer):
    """What a channel is and how its polling goes; never its credentials (nor the names of
    the variables holding them), its cursor or its options."""

    brand_handles = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = Channel
        fields = ["id", "kind", "name", "is_active", "brand_handles", "last_success_at", "last_error"]
        read_only_fields = fields


class PostAuthorSerializer(serializers.ModelSerializer):
    customer = serializers.IntegerField(source="customer_id", read_only=True)

    class Meta:
        model = SocialProfile
        fields = ["id", "kind", "handle", "display_name", "customer"]
        read_only_fields = fields


class PostSerializer(serializers.ModelSerializer):
    author = PostAuthorSerializer(read_only=True, allow_null=True)

    class Meta:
        model = SocialPost
        fields = [
            "id",
            "channel",
            "external_id",
            "author",
            "direction",
            "text",
            "url",
            "language",
            "posted_at",
            "in_reply_to_external_id",
            "conversation_id",
            "engagement_type",
            "intent",
            "sentiment_label",
            "sentiment_polarity",
            "like_count",
            "share_count",
            "case",
            "ingested_at",
            "deleted_at",
        ]
        read_only_fields = fields


def _string(description: str, **extra) -> dict:
    return {"type": "string", "description": description, **extra}


# The generic channel's post, as NormalizedPost.from_json reads it (docs/FORMATS.md).
NORMALIZED_POST_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["external_id", "posted_at"],
    "additionalProperties": False,
    "properties": {
        "external_id": _string("The post's id on the source; unique per channel.", maxLength=255),
        "posted_at": _string("ISO 8601 with a time zone, or unix seconds.", format="date-time"),
        "text": _string("The post's text.", maxLength=IMPORT_TEXT_MAX),
        "author_id": _string("The author's id on the source.", maxLength=255),
        "author_handle": _string("The author's handle.", maxLength=255),
        "author_name": _string("The author's display name.", maxLength=255),
        "author_followers": {"type": "integer", "minimum": 0, "maximum": 2**63 - 1},
        "author_verified": {"type": "boolean"},
        "author_email": _string("The author's e-mail address.", maxLength=254),
        "url": _string("Where the post can be read.", maxLength=1000),
        "language": _string("The source's language tag, a hint.", maxLength=16),
        "in_reply_to_id": _string("The id of the post this one answers.", maxLength=255),
        "in_reply_to_handle": _string("Whose post this one answers.", maxLength=255),
        "conversation_id": _string("The thread's root id on the source.", maxLength=255),
        "is_direct": {"type": "boolean", "description": "A direct message to the brand."},
        "is_outbound": {
            "type": "boolean",
            "nullable": True,
            "description": "Written by the brand; absent: decided from the channel's brand handles.",
        },
        "like_count": {"type": "integer", "minimum": 0, "maximum": 2**31 - 1},
        "share_count": {"type": "integer", "minimum": 0, "maximum": 2**31 - 1},
        "raw": {"type": "object", "additionalProperties": True, "description": "The item as the source gave it."},
    },
}


@extend_schema_field(
    {
        "oneOf": [
            NORMALIZED_POST_SCHEMA,
            {"type": "array", "items": NORMALIZED_POST_SCHEMA, "minItems": 1, "maxItems": IMPORT_MAX_POSTS},
        ]
    }
)
class NormalizedPostsField(serializers.JSONField):
    """One post, or a list of posts, of the generic format."""


def _import_problem(post: NormalizedPost) -> str:
    for name, limit in IMPORT_TEXT_LIMITS.items():
        if len(getattr(post, name)) > limit:
            return f"{name} longer than {limit} characters"
    for name, limit in IMPORT_COUNT_LIMITS.items():
        if (getattr(post, name) or 0) > limit:
            return f"{name} above {limit}"
    return ""


class PostImportSerializer(serializers.Serializer):
    """Posts for a webhook or import channel; every post must be valid or none is ingested."""

    channel = serializers.PrimaryKeyRelatedField(
        queryset=Channel.objects.all(), help_text="A channel of kind webhook or import."
    )
    posts = NormalizedPostsField(help_text=f"One post or a list of at most {IMPORT_MAX_POSTS}.")

    def validate_channel(self, channel: Channel) -> Channel:
        if channel.kind not in IMPORT_CHANNEL_KINDS:
            raise serializers.ValidationError(
                f"Posts are imported into a webhook or import channel; “{channel.name}” is {channel.kind}."
            )
        return channel

    def validate_posts(self, value: Any) -> list[NormalizedPost]:
        items = [value] if isinstance(value, dict) else value
        if not isinstance(items, list):
            raise serializers.ValidationError("Send a post (a JSON object) or a list of posts.")
        if not items:
            raise serializers.ValidationError("Send at least one post.")
        if len(items) > IMPORT_MAX_POSTS:
            raise serializers.ValidationError(f"Send at most {IMPORT_MAX_POSTS} posts per request.")
        posts, errors = [], {}
        for index, item in enumerate(items):
            try:
                post = NormalizedPost.from_json(item)
            except InvalidPost as error:
                errors[str(index)] = [f"Post {index}: {error}."]
                continue
            problem = _import_problem(post)
            if problem:
                errors[str(index)] = [f"Post {index}: {problem}."]
                continue
            posts.append(post)
        if errors:
            raise serializers.ValidationError(errors)
        return posts


class PostImportResultSerializer(serializers.Serializer):
    received = serializers.IntegerField()
    stored = serializers.IntegerField(help_text="New posts stored.")
    duplicates = serializers.IntegerField(help_text="Posts already stored (ingesting twice changes nothing).")
    refreshed = serializers.IntegerField(help_text="Duplicates whose like or share counts grew.")
    cases_opened = serializers.IntegerField()
    cases_merged = serializers.IntegerField()


# -- canned responses --------------------------------------------------------------------------


class CannedResponseVariantSerializer(serializers.ModelSerializer):
    class Meta:
        model = CannedResponseVariant
        fields = ["id", "channel_kind", "body"]
        read_only_fields = fields


class CannedResponseSerializer(serializers.ModelSerializer):
    body = serializers.CharField(max_length=CANNED_BODY_MAX)
    variants = CannedResponseVariantSerializer(many=True, read_only=True)

    class Meta:
        model = CannedResponse
        fields = ["id", "title", "shortcut", "body", "team", "is_active", "variants", "created_at", "updated_at"]
        read_only_fields = ["created_at", "updated_at"]


# -- SLA policies and calendars ----------------------------------------------------------------


def _choices_list(choices) -> serializers.ListField:
    return serializers.ListField(
        child=serializers.ChoiceField(choices=choices.choices),
        required=False,
        allow_empty=True,
        max_length=len(choices.choices),
        help_text="Empty: any.",
    )


def _target_minutes(help_text: str) -> serializers.IntegerField:
    return serializers.IntegerField(
        min_value=1, max_value=10_000_000, required=False, allow_null=True, help_text=help_text
    )


class SLAPolicySerializer(serializers.ModelSerializer):
    """An SLA policy; validated by SLAPolicy.clean() as in the admin."""

    priorities = _choices_list(Priority)
    channel_kinds = _choices_list(ChannelKind)
    customer_tiers = _choices_list(CustomerTier)
    engagement_types = _choices_list(EngagementType)
    first_response_minutes = _target_minutes("Business minutes; empty: no promise.")
    next_response_minutes = _target_minutes("Business minutes; empty: no promise.")
    resolution_minutes = _target_minutes("Business minutes; empty: no promise.")
    warning_ratio = serializers.FloatField(min_value=0.0, max_value=1.0, required=False)

    class Meta:
        model = SLAPolicy
        fields = [
            "id",
            "name",
            "position",
            "is_active",
            "is_default",
            "priorities",
            "channel_kinds",
            "customer_tiers",
            "engagement_types",
            "first_response_minutes",
            "next_response_minutes",
            "resolution_minutes",
            "warning_ratio",
            "calendar",
            "pause_while_pending",
            "pause_while_on_hold",
            "escalation_action",
            "escalation_team",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]
        # validate_is_default says which policy holds the default, rather than DRF's generic unique message.
        extra_kwargs = {"is_default": {"validators": []}}

    def validate_is_default(self, value: bool) -> bool:
        # One default policy (a database constraint): said as a message, not an integrity error.
        if value:
            current = SLAPolicy.objects.filter(is_default=True)
            if self.instance is not None:
                current = current.exclude(pk=self.instance.pk)
            current = current.first()
            if current is not None:
                raise serializers.ValidationError(f"“{current}” is the default policy: unset it there first.")
        return value

    def validate(self, attrs: dict) -> dict:
        candidate = copy.copy(self.instance) if self.instance is not None else SLAPolicy()
        for name, value in attrs.items():
            setattr(candidate, name, value)
        try:
            candidate.clean()
        except DjangoValidationError as error:
            raise serializers.ValidationError(
                error.message_dict if hasattr(error, "error_dict") else {"non_field_errors": error.messages}
            ) from None
        return attrs


class OpeningIntervalSerializer(serializers.ModelSerializer):
    crosses_midnight = serializers.BooleanField(read_only=True)

    class Meta:
        model = OpeningInterval
        fields = ["weekday", "opens_at", "closes_at", "crosses_midnight"]
        read_only_fields = fields


class HolidaySerializer(serializers.ModelSerializer):
    class Meta:
        model = Holiday
        fields = ["date", "name", "starts_at", "ends_at"]
        read_only_fields = fields


class BusinessCalendarSerializer(serializers.ModelSerializer):
    opening_intervals = OpeningIntervalSerializer(many=True, read_only=True)
    holidays = HolidaySerializer(many=True, read_only=True)

    class Meta:
        model = BusinessCalendar
        fields = ["id", "name", "time_zone", "always_open", "opening_intervals", "holidays", "updated_at"]
        read_only_fields = fields


class CalendarPreviewQuerySerializer(serializers.Serializer):
    start = serializers.DateTimeField(
        required=False,
        help_text="ISO 8601; without an offset it is read in the calendar's time zone. Empty: now.",
    )
    minutes = serializers.IntegerField(
        min_value=1, max_value=525_600, required=False, help_text="Business minutes to add to the start."
    )
    policy = serializers.PrimaryKeyRelatedField(
        queryset=SLAPolicy.objects.all(),
        required=False,
        help_text="An SLA policy: the due time of each of its targets under this calendar.",
    )

    def validate_start(self, value: dt.datetime) -> dt.datetime:
        # Business time is computed over real calendar days: keep far from datetime's limits.
        if not PREVIEW_YEARS[0] <= value.year <= PREVIEW_YEARS[1]:
            raise serializers.ValidationError(f"Choose a start from {PREVIEW_YEARS[0]} to {PREVIEW_YEARS[1]}.")
        return value

    def validate(self, attrs: dict) -> dict:
        if "minutes" not in attrs and "policy" not in attrs:
            raise serializers.ValidationError("Give minutes, a policy, or both.")
        return attrs


class PolicyDueTimesSerializer(serializers.Serializer):
    policy = serializers.IntegerField()
    first_response = serializers.DateTimeField(allow_null=True)
    next_response = serializers.DateTimeField(allow_null=True)
    resolution = serializers.DateTimeField(allow_null=True)


class CalendarPreviewSerializer(serializers.Serializer):
    calendar = serializers.IntegerField()
    time_zone = serializers.CharField()
    start = serializers.DateTimeField()
    minutes = serializers.IntegerField(allow_null=True)
    due_at = serializers.DateTimeField(allow_null=True, help_text="The start plus `minutes` business minutes.")
    policy_due = PolicyDueTimesSerializer(allow_null=True)


# -- teams and agents --------------------------------------------------------------------------


class TeamMemberSerializer(serializers.ModelSerializer):
    user = serializers.IntegerField(source="user_id", read_only=True)
    username = serializers.CharField(source="user.username", read_only=True)
    name = serializers.SerializerMethodField()
    available = serializers.BooleanField(source="is_available", read_only=True)

    class Meta:
        model = AgentProfile
        fields = ["user", "username", "name", "available"]

    def get_name(self, profile: AgentProfile) -> str:
        return _user_name(profile.user)


class TeamSerializer(serializers.ModelSerializer):
    members = TeamMemberSerializer(many=True, read_only=True)

    class Meta:
        model = Team
        fields = [
            "id",
            "name",
            "description",
            "calendar",
            "lead",
            "handles_sales",
            "is_escalation_team",
            "members",
            "created_at",
        ]
        read_only_fields = fields


class AgentSerializer(serializers.ModelSerializer):
    """An agent's routing profile; only `available` is written, through agent_set_availability()."""

    id = serializers.IntegerField(source="user_id", read_only=True, help_text="The user's id.")
    username = serializers.CharField(source="user.username", read_only=True)
    name = serializers.SerializerMethodField()
    teams = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    languages = serializers.ListField(child=serializers.CharField(), read_only=True)
    skills = serializers.ListField(child=serializers.CharField(), read_only=True)
    available = serializers.BooleanField(source="is_available")

    class Meta:
        model = AgentProfile
        fields = ["id", "username", "name", "teams", "languages", "skills", "capacity", "available"]
        read_only_fields = ["capacity"]

    def get_name(self, profile: AgentProfile) -> str:
        return _user_name(profile.user)


# -- surveys -----------------------------------------------------------------------------------


class SurveySerializer(serializers.ModelSerializer):
    class Meta:
        model = SatisfactionSurvey
        fields = [
            "id",
            "case",
            "sent_at",
            "expires_at",
            "delivery",
            "agent",
            "team",
            "channel",
            "answered_at",
            "score",
            "comment",
        ]
        read_only_fields = fields


# -- KPIs --------------------------------------------------------------------------------------


class KpiQuerySerializer(serializers.Serializer):
    """The KPI filter, for the schema only: kpis.forms.KpiFilterForm validates it, as on the page."""

    start = serializers.DateField(required=False, help_text="First day (brand's time zone). Default: 30 days back.")
    end = serializers.DateField(required=False, help_text="Last day, included. Default: today.")
    channel = serializers.IntegerField(required=False, help_text="A channel id (managers only).")
    team = serializers.IntegerField(required=False, help_text="A team id (managers only).")
    agent = serializers.IntegerField(required=False, help_text="A user id (managers only; agents get their own).")


class KpiPeriodSerializer(serializers.Serializer):
    start = serializers.DateField()
    end = serializers.DateField(help_text="The last day, included (today ends now).")
    time_zone = serializers.CharField()
    channel = serializers.IntegerField(allow_null=True)
    team = serializers.IntegerField(allow_null=True)
    agent = serializers.IntegerField(allow_null=True)


class KpiSummarySerializer(serializers.Serializer):
    period = KpiPeriodSerializer()
    figures = serializers.JSONField(help_text="The figures the KPI page shows, as kpis.selectors computes them.")
    churn = serializers.JSONField(help_text="Churn over the period, overall, social-care customers and the rest.")
    leads = serializers.JSONField(
        help_text="Sales leads from social posts: created (and how many are new, contacted, won now), won and lost "
        "in the period, won value per currency, conversion rate (docs/KPIS.md)."
    )


class KpiSeriesSerializer(serializers.Serializer):
    period = KpiPeriodSerializer()
    series = serializers.ListField(
        child=serializers.JSONField(), help_text="One entry per day: day, backlog, churned and the day's figures."
    )


def jsonable(value: Any) -> Any:
    """Figures with dates as ISO strings and Decimals (money) as exact strings."""
    if isinstance(value, dict):
        return {str(key): jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(item) for item in value]
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value
