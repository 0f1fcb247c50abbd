"""API of goodwill compensation (docs/GOODWILL.md).

/api/v1/compensation-requests/: list and detail (goodwill.view_compensationrequest;
managers and auditors see every request, others those of the cases they may
see), create (goodwill.add_compensationrequest, on a case the user may see:
granted at once within the limits and unflagged, else pending), POST
{id}/approve/ and {id}/reject/ (goodwill.approve_compensation; four eyes: a
requester's own request answers 409, as does one already decided).

Thin: goodwill.selectors reads, goodwill.services writes.
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from api.errors import Conflict
from api.serializers.goodwill import (
    CompensationDecisionSerializer,
    CompensationRequestCreateSerializer,
    CompensationRequestSerializer,
)
from cases.selectors import cases_visible_to
from goodwill.models import CompensationRequest
from goodwill.selectors import compensations_visible_to
from goodwill.services import (
    CompensationRefused,
    compensation_approve,
    compensation_reject,
    compensation_request,
)


class CanApprove(permissions.BasePermission):
    def has_permission(self, request, view) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and user.has_perm("goodwill.approve_compensation"))


class CompensationRequestViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    serializer_class = CompensationRequestSerializer
    filterset_fields = ["status", "case", "customer", "requested_by", "kind", "category", "review_required"]
    ordering_fields = ["id", "created_at", "amount"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no user
            return CompensationRequest.objects.none()
        return compensations_visible_to(user=self.request.user).order_by("-id")

    @extend_schema(request=CompensationRequestCreateSerializer, responses={201: CompensationRequestSerializer})
    def create(self, request, *args, **kwargs):
        """Request compensation on a case: 201 with status granted, or pending with the reasons and flags."""
        given = CompensationRequestCreateSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = dict(given.validated_data)
        case = cases_visible_to(user=request.user).filter(pk=data.pop("case")).first()
        if case is None:
            raise serializers.ValidationError({"case": ["No such case."]})
        try:
            compensation = compensation_request(case=case, requester=request.user, request=request, **data)
        except CompensationRefused as refused:
            raise serializers.ValidationError({"non_field_errors": [str(refused)]}) from None
        return Response(CompensationRequestSerializer(compensation).data, status=status.HTTP_201_CREATED)

    def _decide(self, request, decide):
        given = CompensationDecisionSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        try:
            compensation = decide(
                compensation=self.get_object(),
                approver=request.user,
                note=given.validated_data.get("note", ""),
                request=request,
            )
        except CompensationRefused as refused:
            raise Conflict(str(refused)) from None
        return Response(CompensationRequestSerializer(compensation).data)

    @extend_schema(request=CompensationDecisionSerializer, responses={200: CompensationRequestSerializer})
    @action(detail=True, methods=["post"], permission_classes=[CanApprove])
    def approve(self, request, pk=None):
        """Approve a pending request (409: your own request, or already decided)."""
        return self._decide(request, compensation_approve)

    @extend_schema(request=CompensationDecisionSerializer, responses={200: CompensationRequestSerializer})
    @action(detail=True, methods=["post"], permission_classes=[CanApprove])
    def reject(self, request, pk=None):
        """Reject a pending request with a note (409: your own request, already decided, or no note)."""
        return self._decide(request, compensation_reject)


def register(router) -> None:
    """Add this module's viewsets to the API router."""
    router.register("compensation-requests", CompensationRequestViewSet, basename="compensation-request")
