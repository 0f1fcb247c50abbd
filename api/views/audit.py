"""API view of the audit trail: /api/v1/audit-entries/, read-only, for audit.view_auditentry
(the Admins group). Filters: action (repeatable), actor, target_type, target_id,
occurred_after, occurred_before. Nothing here writes: entries are append-only (audit.models)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import viewsets

from api.serializers.audit import AuditEntrySerializer
from audit.filters import AuditEntryFilter
from audit.models import AuditEntry


@extend_schema_view(
    list=extend_schema(summary="List audit entries (newest first)"),
    retrieve=extend_schema(summary="An audit entry"),
)
class AuditEntryViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = AuditEntry.objects.all()
    serializer_class = AuditEntrySerializer
    filterset_class = AuditEntryFilter
    ordering_fields = ["id"]


def register(router) -> None:
    """Add this module's viewsets to the API router."""
    router.register("audit-entries", AuditEntryViewSet, basename="audit-entry")
