"""Serializer of the audit trail API: entries as recorded, read-only."""

from rest_framework import serializers

from audit.models import AuditEntry


class AuditEntrySerializer(serializers.ModelSerializer):
    detail = serializers.JSONField(read_only=True)

    class Meta:
        model = AuditEntry
        fields = [
            "id",
            "occurred_at",
            "actor",
            "actor_label",
            "action",
            "target_type",
            "target_id",
            "target_label",
            "detail",
            "ip",
            "user_agent",
            "path",
        ]
        read_only_fields = fields
