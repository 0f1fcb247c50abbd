"""Serializers of the cases resource: what a case looks like over the API, and what each action accepts.

Owns the read shape of a case (CaseSerializer) and of a timeline event
(CaseEventSerializer), and one small input serializer per write: they check
types, enums, lengths and that ids exist (400 with field details); whether a
change is allowed is the services' call (cases.services), never decided here.
Reads need the case's customer, origin_channel, team and assignee joined and
its tags prefetched (api.views.cases does it): no query per row.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cases.choices import CaseStatus, ChannelKind, Priority
from cases.models import Case, CaseEvent, Customer, Tag, Team
from cases.selectors.case_view import display_name
from cases.services.console import NOTE_MAX_LENGTH
from channels_app.models import Channel, SocialPost

# As the console's forms (cases/views/case.py): the same limits over both doors.
REPLY_MAX_LENGTH = 20_000
STATUS_REASON_MAX_LENGTH = 200
ESCALATION_REASON_MAX_LENGTH = 500
CONTACT_TEXT_MAX_LENGTH = 20_000
# A contact logged by hand happened already; a clock a little ahead is tolerated.
FUTURE_TOLERANCE = dt.timedelta(minutes=5)
# Kinds of contact logged by hand (POST /cases/ with channel_kind).
MAX_TAGS = 100
# The priority action's choices: a priority to hold, or "auto" to release it.
PRIORITY_OR_AUTO = [*Priority.choices, ("auto", "Automatic")]
HAND_LOGGED_KINDS = [(ChannelKind.PHONE.value, ChannelKind.PHONE.label), (ChannelKind.EMAIL.value, "E-mail")]


# -- read shapes ----------------------------------------------------------------------------------


class CaseCustomerSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)


class CaseChannelSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    kind = serializers.ChoiceField(choices=ChannelKind.choices, read_only=True)
    name = serializers.CharField(read_only=True)


class CaseTeamSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)


class CaseUserSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    username = serializers.CharField(read_only=True)
    name = serializers.SerializerMethodField()

    def get_name(self, user) -> str:
        return display_name(user)


class CaseTagSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)
    color = serializers.CharField(read_only=True)


class CasePriorityFactorSerializer(serializers.Serializer):
    name = serializers.CharField(read_only=True)
    detail = serializers.CharField(read_only=True)
    points = serializers.FloatField(read_only=True)


class CaseSerializer(serializers.ModelSerializer):
    """A case as lists and details show it."""

    reference = serializers.CharField(read_only=True, help_text="SC-<id>, as people name the case.")
    customer = CaseCustomerSerializer(read_only=True)
    origin_channel = CaseChannelSerializer(read_only=True, allow_null=True)
    team = CaseTeamSerializer(read_only=True, allow_null=True)
    assignee = CaseUserSerializer(read_only=True, allow_null=True)
    tags = CaseTagSerializer(many=True, read_only=True)
    priority_factors = serializers.SerializerMethodField(help_text="Why the score: each factor's points.")
    priority_held = serializers.SerializerMethodField(
        help_text="Set by hand: the priority holds until POST priority 'auto' releases it."
    )
    url = serializers.HyperlinkedIdentityField(view_name="api:case-detail")

    class Meta:
        model = Case
        fields = [
            "id",
            "reference",
            "url",
            "subject",
            "customer",
            "status",
            "priority",
            "priority_score",
            "priority_factors",
            "priority_held",
            "engagement_type",
            "intent",
            "language",
            "origin_channel",
            "team",
            "assignee",
            "tags",
            "first_message_at",
            "last_customer_message_at",
            "first_responded_at",
            "last_responded_at",
            "resolved_at",
            "closed_at",
            "first_response_due_at",
            "next_response_due_at",
            "resolution_due_at",
            "sla_next_due_at",
            "sla_warned",
            "first_response_breached",
            "next_response_breached",
            "resolution_breached",
            "sentiment_label",
            "sentiment_start",
            "sentiment_latest",
            "merged_into",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(CasePriorityFactorSerializer(many=True))
    def get_priority_factors(self, case: Case) -> list[dict]:
        factors = []
        for factor in case.priority_factors or []:
            if isinstance(factor, list | tuple) and len(factor) == 3:
                factors.append({"name": factor[0], "detail": factor[1], "points": factor[2]})
        return factors

    def get_priority_held(self, case: Case) -> bool:
        return bool(case.priority_hold)


class CaseEventSerializer(serializers.ModelSerializer):
    """One timeline entry. `description` is the console's sentence for it."""

    actor = CaseUserSerializer(read_only=True, allow_null=True)
    post = serializers.IntegerField(source="post_id", read_only=True, allow_null=True, help_text="SocialPost id.")
    outbound_message = serializers.IntegerField(source="outbound_message_id", read_only=True, allow_null=True)
    payload = serializers.JSONField(read_only=True, help_text="What changed; keys depend on the kind.")
    description = serializers.SerializerMethodField()

    class Meta:
        model = CaseEvent
        fields = ["id", "kind", "actor", "body", "post", "outbound_message", "payload", "occurred_at", "description"]
        read_only_fields = fields

    def get_description(self, event: CaseEvent) -> str:
        return self.context.get("descriptions", {}).get(event.pk, "")


class CaseOutboundReplySerializer(serializers.Serializer):
    """A reply queued in the outbox: it is sent in the background; its event appears once the channel has it."""

    id = serializers.IntegerField(read_only=True)
    status = serializers.CharField(read_only=True)
    channel = serializers.IntegerField(source="channel_id", read_only=True)
    reply_to = serializers.IntegerField(source="reply_to_id", read_only=True, allow_null=True)
    text = serializers.CharField(read_only=True)
    created_at = serializers.DateTimeField(read_only=True)


class CaseApiErrorBodySerializer(serializers.Serializer):
    status = serializers.IntegerField()
    code = serializers.CharField()
    message = serializers.CharField()

    def get_fields(self) -> dict:
        # "fields" is the name of Serializer's own property: declared here instead.
        fields = super().get_fields()
        fields["fields"] = serializers.DictField(
            child=serializers.ListField(child=serializers.CharField()),
            required=False,
            help_text="Validation errors by field (non_field_errors for the whole input).",
        )
        return fields


class CaseErrorSerializer(serializers.Serializer):
    """api.errors' one error shape."""

    error = CaseApiErrorBodySerializer()


# -- inputs ---------------------------------------------------------------------------------------


def _known_tags(tag_ids: list[int]) -> list[int]:
    """The ids, each once, after checking they all exist (one query)."""
    wanted = sorted(set(tag_ids))
    unknown = sorted(set(wanted) - set(Tag.objects.filter(pk__in=wanted).values_list("pk", flat=True)))
    if unknown:
        raise serializers.ValidationError(f"Unknown tag ids: {', '.join(map(str, unknown))}.")
    return wanted


def _users():
    # Whom the console offers: active users who answer cases.
    return get_user_model()._default_manager.filter(is_active=True, agent_profile__isnull=False)


class CaseCreateSerializer(serializers.Serializer):
    """A contact logged by hand (a call, an e-mail outside a connected mailbox): it opens a case."""

    customer = serializers.PrimaryKeyRelatedField(queryset=Customer.objects.all())
    channel_kind = serializers.ChoiceField(
        choices=HAND_LOGGED_KINDS,
        required=False,
        help_text="How the customer got in touch; the case's channel is the one active channel of that kind "
        "(a phone case may have none). Give this or origin_channel.",
    )
    origin_channel = serializers.PrimaryKeyRelatedField(queryset=Channel.objects.all(), required=False)
    subject = serializers.CharField(max_length=255, required=False, allow_blank=True)
    text = serializers.CharField(max_length=CONTACT_TEXT_MAX_LENGTH, help_text="What the customer said or wrote.")
    first_message_at = serializers.DateTimeField(required=False, help_text="When they got in touch (default: now).")

    def validate_customer(self, customer: Customer) -> Customer:
        if customer.merged_into_id:
            raise serializers.ValidationError(
                f"This customer was merged into customer {customer.merged_into_id}; log the contact there."
            )
        return customer

    def validate_first_message_at(self, value: dt.datetime) -> dt.datetime:
        if value > timezone.now() + FUTURE_TOLERANCE:
            raise serializers.ValidationError("A contact logged by hand cannot be in the future.")
        return value

    def validate(self, attrs: dict) -> dict:
        if ("channel_kind" in attrs) == ("origin_channel" in attrs):
            raise serializers.ValidationError({"channel_kind": ["Give either channel_kind or origin_channel."]})
        return attrs


class CaseUpdateSerializer(serializers.Serializer):
    """PATCH: the subject and the tags. Status, priority and assignee change only through their actions."""

    ACTION_FIELDS = {"status": "status", "priority": "priority", "assignee": "assign", "team": "assign"}

    subject = serializers.CharField(max_length=255, required=False, allow_blank=True)
    tags = serializers.ListField(
        child=serializers.IntegerField(min_value=1), max_length=MAX_TAGS, required=False, help_text="Tag ids."
    )

    def validate_tags(self, tag_ids: list[int]) -> list[int]:
        return _known_tags(tag_ids)

    def validate(self, attrs: dict) -> dict:
        errors = {
            name: [f"Change it with POST /api/v1/cases/{{id}}/{action}/."]
            for name, action in self.ACTION_FIELDS.items()
            if name in self.initial_data
        }
        if errors:
            raise serializers.ValidationError(errors)
        return attrs


class CaseAssignSerializer(serializers.Serializer):
    assignee = serializers.PrimaryKeyRelatedField(
        queryset=_users(), allow_null=True, help_text="User id of an active agent; null unassigns."
    )
    team = serializers.PrimaryKeyRelatedField(
        queryset=Team.objects.all(), required=False, allow_null=True, help_text="Move to this team too."
    )


class CaseReplySerializer(serializers.Serializer):
    text = serializers.CharField(max_length=REPLY_MAX_LENGTH, trim_whitespace=False)
    reply_to = serializers.PrimaryKeyRelatedField(
        queryset=SocialPost.objects.all(),
        required=False,
        allow_null=True,
        help_text="The customer's post to answer (default: their latest on the case).",
    )
    seen_event_id = serializers.IntegerField(
        min_value=0,
        help_text="The highest timeline event id the writer has seen (0: none). The reply is refused with 409 "
        "when someone else changed the case since.",
    )


class CaseNoteSerializer(serializers.Serializer):
    body = serializers.CharField(max_length=NOTE_MAX_LENGTH)


class CaseStatusSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=CaseStatus.choices)
    reason = serializers.CharField(max_length=STATUS_REASON_MAX_LENGTH, required=False, allow_blank=True, default="")


class CasePrioritySerializer(serializers.Serializer):
    priority = serializers.ChoiceField(
        choices=PRIORITY_OR_AUTO,
        help_text="A priority to hold, or 'auto' to let the score decide again.",
    )


class CaseEscalateSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=ESCALATION_REASON_MAX_LENGTH)
    team = serializers.PrimaryKeyRelatedField(
        queryset=Team.objects.filter(is_escalation_team=True),
        required=False,
        allow_null=True,
        help_text="An escalation team to move the case to, unassigned.",
        error_messages={"does_not_exist": "No escalation team with id {pk_value}."},
    )


class CaseMergeSerializer(serializers.Serializer):
    target = serializers.IntegerField(min_value=1, help_text="Id of the case to merge this one into.")


class CaseResolveSerializer(serializers.Serializer):
    send_survey = serializers.BooleanField(default=True, help_text="Send the customer the satisfaction survey.")


class CaseTagsSerializer(serializers.Serializer):
    tags = serializers.ListField(
        child=serializers.IntegerField(min_value=1), max_length=MAX_TAGS, help_text="Ids of all the case's tags."
    )

    def validate_tags(self, tag_ids: list[int]) -> list[int]:
        return _known_tags(tag_ids)
