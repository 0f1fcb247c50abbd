"""API views of outbound webhooks (docs/WEBHOOKS.md).

- /api/v1/webhook-subscriptions/: CRUD by the hooks model permissions (only
  Admins hold them); the signing secret is in the answer to create and to
  POST {id}/rotate-secret/ only. POST {id}/pause/ and {id}/resume/ need the
  change permission.
- /api/v1/webhook-deliveries/: the delivery log, read-only, filtered; POST
  {id}/redeliver/ needs hooks.redeliver_webhookdelivery.

Thin: hooks.selectors reads, hooks.services writes.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from api.errors import Conflict
from api.serializers.webhooks import (
    WebhookDeliverySerializer,
    WebhookSubscriptionSerializer,
    WebhookSubscriptionWithSecretSerializer,
)
from hooks.filters import WebhookDeliveryFilter, WebhookSubscriptionFilter
from hooks.selectors import webhook_deliveries, webhook_subscriptions
from hooks.services import (
    WebhookError,
    webhook_redeliver,
    webhook_subscription_create,
    webhook_subscription_pause,
    webhook_subscription_resume,
    webhook_subscription_rotate_secret,
    webhook_subscription_update,
)


class _HasPerm(permissions.BasePermission):
    perm = ""

    def has_permission(self, request, view) -> bool:
        return bool(request.user and request.user.is_authenticated and request.user.has_perm(self.perm))


class CanChangeSubscription(_HasPerm):
    perm = "hooks.change_webhooksubscription"


class CanRedeliver(_HasPerm):
    perm = "hooks.redeliver_webhookdelivery"


def _validation(error: DjangoValidationError) -> serializers.ValidationError:
    return serializers.ValidationError(
        error.message_dict if hasattr(error, "error_dict") else {"non_field_errors": error.messages}
    )


@extend_schema_view(
    create=extend_schema(responses={201: WebhookSubscriptionWithSecretSerializer}),
)
class WebhookSubscriptionViewSet(viewsets.ModelViewSet):
    serializer_class = WebhookSubscriptionSerializer
    filterset_class = WebhookSubscriptionFilter
    ordering_fields = ["id", "name", "created_at"]

    def get_queryset(self):
        return webhook_subscriptions()

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            subscription = webhook_subscription_create(**serializer.validated_data, created_by=request.user)
        except DjangoValidationError as error:
            raise _validation(error) from None
        return Response(WebhookSubscriptionWithSecretSerializer(subscription).data, status=status.HTTP_201_CREATED)

    def perform_update(self, serializer):
        try:
            serializer.instance = webhook_subscription_update(
                subscription=serializer.instance, **serializer.validated_data
            )
        except DjangoValidationError as error:
            raise _validation(error) from None

    @extend_schema(request=None, responses={200: WebhookSubscriptionSerializer})
    @action(detail=True, methods=["post"], permission_classes=[CanChangeSubscription])
    def pause(self, request, pk=None):
        """Pause: nothing is sent until resumed (deliveries are still recorded)."""
        subscription = self.get_object()
        webhook_subscription_pause(subscription=subscription, reason=f"Paused by {request.user.get_username()}")
        return Response(WebhookSubscriptionSerializer(subscription).data)

    @extend_schema(request=None, responses={200: WebhookSubscriptionSerializer})
    @action(detail=True, methods=["post"], permission_classes=[CanChangeSubscription])
    def resume(self, request, pk=None):
        """Resume: clear the failure count and send the deliveries that waited."""
        subscription = self.get_object()
        webhook_subscription_resume(subscription=subscription)
        return Response(WebhookSubscriptionSerializer(subscription).data)

    @extend_schema(request=None, responses={200: WebhookSubscriptionWithSecretSerializer})
    @action(detail=True, methods=["post"], url_path="rotate-secret", permission_classes=[CanChangeSubscription])
    def rotate_secret(self, request, pk=None):
        """A new signing secret, in the answer; deliveries from now on are signed with it."""
        subscription = webhook_subscription_rotate_secret(subscription=self.get_object())
        return Response(WebhookSubscriptionWithSecretSerializer(subscription).data)


class WebhookDeliveryViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = WebhookDeliverySerializer
    filterset_class = WebhookDeliveryFilter
    ordering_fields = ["id", "created_at"]

    def get_queryset(self):
        return webhook_deliveries()

    @extend_schema(request=None, responses={202: WebhookDeliverySerializer})
    @action(detail=True, methods=["post"], permission_classes=[CanRedeliver])
    def redeliver(self, request, pk=None):
        """Send it again with a fresh set of attempts (409 while its subscription is paused or inactive)."""
        delivery = self.get_object()
        try:
            delivery = webhook_redeliver(delivery=delivery)
        except WebhookError as error:
            raise Conflict(str(error)) from None
        return Response(WebhookDeliverySerializer(delivery).data, status=status.HTTP_202_ACCEPTED)


def register(router) -> None:
    """Add this module's viewsets to the API router."""
    router.register("webhook-subscriptions", WebhookSubscriptionViewSet, basename="webhook-subscription")
    router.register("webhook-deliveries", WebhookDeliveryViewSet, basename="webhook-delivery")
