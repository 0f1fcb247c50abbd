"""Serializers of the compensation API: a request as read (its status, reasons, flags and decision),
the input of a new request, and the note of a decision. Rules live in goodwill.services."""

from decimal import Decimal

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from goodwill.choices import CompensationCategory, CompensationKind
from goodwill.models import CompensationRequest


@extend_schema_field(
    {"type": "string", "enum": CompensationKind.values, "description": "credit, refund or gift"},
    component_name="CompensationKindEnum",
)
class CompensationKindField(serializers.ChoiceField):
    """The kind as one named schema component: "kind" names other choice sets elsewhere in the API."""

    def __init__(self, **kwargs):
        super().__init__(choices=CompensationKind.choices, **kwargs)


class CompensationFlagSerializer(serializers.Serializer):
    rule = serializers.CharField(help_text="The collusion rule, e.g. same_phone.")
    detail = serializers.CharField(help_text="The reason shown to the approver.")


class CompensationRequestSerializer(serializers.ModelSerializer):
    flags = CompensationFlagSerializer(many=True, read_only=True)
    kind = CompensationKindField(read_only=True)

    class Meta:
        model = CompensationRequest
        fields = [
            "id",
            "case",
            "customer",
            "requested_by",
            "kind",
            "amount",
            "currency",
            "reason",
            "category",
            "status",
            "needs_approval",
            "approval_reason",
            "approval_detail",
            "flags",
            "review_required",
            "decided_by",
            "decided_at",
            "decision_note",
            "created_at",
        ]
        read_only_fields = fields


class CompensationRequestCreateSerializer(serializers.Serializer):
    case = serializers.IntegerField(min_value=1, help_text="The case's id (SC-<id>).")
    kind = CompensationKindField()
    amount = serializers.DecimalField(max_digits=10, decimal_places=2, min_value=Decimal("0.01"))
    currency = serializers.RegexField(r"^[A-Za-z]{3}$", help_text="ISO 4217 code, e.g. USD.")
    category = serializers.ChoiceField(choices=CompensationCategory.choices)
    reason = serializers.CharField(max_length=2000)


class CompensationDecisionSerializer(serializers.Serializer):
    note = serializers.CharField(
        required=False, allow_blank=True, max_length=2000, help_text="Required to reject: the requester reads it."
    )
