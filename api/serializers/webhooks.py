"""Serializers of the webhook API: subscriptions (the secret appears only when created or
rotated) and the delivery log (read-only). Validation of URLs and events is the model's
(hooks.models); writes go through hooks.services."""

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers

from hooks.models import WebhookDelivery, WebhookEvent, WebhookSubscription, validate_events


class WebhookSubscriptionSerializer(serializers.ModelSerializer):
    events = serializers.ListField(
        # Values as labels: a choice set of its own in the schema (EventsEnum), so it does not
        # collide with the delivery's `event` (EventEnum, with labels) under two names.
        child=serializers.ChoiceField(choices=WebhookEvent.values),
        allow_empty=False,
        max_length=len(WebhookEvent.values),
        help_text="Event names it receives, each once.",
    )
    is_paused = serializers.SerializerMethodField()

    class Meta:
        model = WebhookSubscription
        fields = [
            "id",
            "name",
            "url",
            "events",
            "is_active",
            "is_paused",
            "paused_at",
            "pause_reason",
            "consecutive_failures",
            "created_by",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "paused_at",
            "pause_reason",
            "consecutive_failures",
            "created_by",
            "created_at",
            "updated_at",
        ]

    def get_is_paused(self, obj) -> bool:
        return obj.paused_at is not None

    def validate_events(self, value: list[str]) -> list[str]:
        try:
            validate_events(value)
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.messages) from None
        return value


class WebhookSubscriptionWithSecretSerializer(WebhookSubscriptionSerializer):
    """A subscription with its signing secret: the answer to create and rotate-secret."""

    secret = serializers.CharField(read_only=True, help_text="Key of X-Socialcrm-Signature; keep it safe.")

    class Meta(WebhookSubscriptionSerializer.Meta):
        fields = [*WebhookSubscriptionSerializer.Meta.fields, "secret"]


class WebhookDeliverySerializer(serializers.ModelSerializer):
    subscription_name = serializers.CharField(source="subscription.name", read_only=True)
    payload = serializers.JSONField(read_only=True, help_text="The event's data, as sent under 'data'.")

    class Meta:
        model = WebhookDelivery
        fields = [
            "id",
            "subscription",
            "subscription_name",
            "event",
            "event_id",
            "payload",
            "status",
            "attempts",
            "next_attempt_at",
            "response_code",
            "response_excerpt",
            "last_error",
            "delivered_at",
            "created_at",
        ]
        read_only_fields = fields
