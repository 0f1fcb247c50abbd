"""FilterSet of the audit API list (api/views/audit.py): action, actor, target, a time window."""

import django_filters

from api.filter_fields import UtcDateTimeFilter
from audit.models import AuditAction, AuditEntry


class AuditEntryFilter(django_filters.FilterSet):
    action = django_filters.MultipleChoiceFilter(choices=AuditAction.choices)
    actor = django_filters.NumberFilter(field_name="actor_id", help_text="The acting user's id.")
    target_type = django_filters.CharFilter(max_length=100, help_text="app_label.model, e.g. cases.case.")
    target_id = django_filters.CharFilter(max_length=64)
    occurred_after = UtcDateTimeFilter(field_name="occurred_at", lookup_expr="gte", label="From (inclusive).")
    occurred_before = UtcDateTimeFilter(field_name="occurred_at", lookup_expr="lt", label="To (exclusive).")

    class Meta:
        model = AuditEntry
        fields = ["action", "actor", "target_type", "target_id", "occurred_after", "occurred_before"]
