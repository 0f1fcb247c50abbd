"""API views of privacy requests: /api/v1/customers/{id}/export/ and /api/v1/customers/{id}/erase/.

Admins only: privacy.export_customer_data and privacy.erase_customer_data.
Each call is recorded as a PrivacyRequest (so the admin lists it with the
others) and audited by the service. Thin: privacy.services does the work.
"""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from api.errors import Conflict
from cases.models import Customer
from privacy.models import PrivacyRequest, PrivacyRequestKind, PrivacyRequestStatus
from privacy.services import privacy_request_run


class _HasPerm(permissions.BasePermission):
    perm = ""

    def has_permission(self, request, view) -> bool:
        return bool(request.user and request.user.is_authenticated and request.user.has_perm(self.perm))


class CanExport(_HasPerm):
    perm = "privacy.export_customer_data"


class CanErase(_HasPerm):
    perm = "privacy.erase_customer_data"


class ErasureRequestSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000, help_text="The customer's request: ticket, e-mail, date.")


class ErasureResultSerializer(serializers.Serializer):
    customer = serializers.IntegerField()
    privacy_request = serializers.IntegerField()
    erased_at = serializers.DateTimeField()
    counts = serializers.DictField(child=serializers.IntegerField(), help_text="Rows anonymized, by kind.")


class CustomerPrivacyViewSet(viewsets.GenericViewSet):
    queryset = Customer.objects.all()
    serializer_class = ErasureRequestSerializer  # the only request body; schema generation reads it
    permission_classes = [CanExport]
    filter_backends: list = []
    pagination_class = None

    @extend_schema(
        summary="Export a customer's personal data",
        description="Profiles, posts, cases with their events, surveys and replies, as one JSON "
        "document (format socialcrm.customer-export.v1). Recorded as a privacy request and audited.",
        request=None,
        responses={200: OpenApiTypes.OBJECT},
    )
    @action(detail=True, methods=["get"], permission_classes=[CanExport])
    def export(self, request, pk=None):
        privacy_request = PrivacyRequest.objects.create(
            customer=self.get_object(), kind=PrivacyRequestKind.EXPORT, requested_by=request.user, reason="API"
        )
        privacy_request = privacy_request_run(privacy_request=privacy_request, actor=request.user)
        return Response(privacy_request.export)

    @extend_schema(
        summary="Erase a customer's personal data",
        description="Anonymizes the customer, their profiles, posts, cases, surveys and replies in "
        "place; counts, statuses, times and KPIs are kept (docs/AUDIT.md). Erasing again redoes it.",
        request=ErasureRequestSerializer,
        responses={200: ErasureResultSerializer},
    )
    @action(detail=True, methods=["post"], permission_classes=[CanErase])
    def erase(self, request, pk=None):
        customer = self.get_object()
        body = ErasureRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        privacy_request = PrivacyRequest.objects.create(
            customer=customer,
            kind=PrivacyRequestKind.ERASURE,
            requested_by=request.user,
            reason=body.validated_data["reason"],
        )
        privacy_request = privacy_request_run(privacy_request=privacy_request, actor=request.user)
        if privacy_request.status != PrivacyRequestStatus.DONE:
            raise Conflict(privacy_request.error)
        record = customer.erasure
        result = {
            "customer": customer.pk,
            "privacy_request": privacy_request.pk,
            "erased_at": record.erased_at,
            "counts": record.counts,
        }
        return Response(ErasureResultSerializer(result).data, status=status.HTTP_200_OK)


def register(router) -> None:
    """Add this module's routes: detail actions only, next to the customers resource."""
    router.register("customers", CustomerPrivacyViewSet, basename="customer-privacy")
