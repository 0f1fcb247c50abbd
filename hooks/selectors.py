"""Reads of outbound webhooks: the querysets the API and admin list, with their relations selected."""

from django.db.models import QuerySet

from hooks.models import WebhookDelivery, WebhookSubscription


def webhook_subscriptions() -> QuerySet[WebhookSubscription]:
    return WebhookSubscription.objects.select_related("created_by")


def webhook_deliveries() -> QuerySet[WebhookDelivery]:
    return WebhookDelivery.objects.select_related("subscription")
