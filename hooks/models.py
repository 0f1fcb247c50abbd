"""Outbound webhooks: who subscribes to which events, and the log of every delivery.

A WebhookSubscription is a receiver's URL, the events it wants and the
secret its deliveries are signed with. The secret is stored in clear: an
HMAC needs the key itself, so a hash would not do; admins can read and copy
it in the admin (docs/WEBHOOKS.md).

A WebhookDelivery is one event for one subscription: the row is written
first and sent after commit (hooks.services), so the log is complete even
when the broker loses a task. (subscription, event_id) is unique: emitting
the same event twice delivers it once. The partial index on next_attempt_at
serves the sweeper, which looks only at deliveries still to be sent.
"""

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models

from socialcrm.db import choices_check


class WebhookEvent(models.TextChoices):
    CASE_CREATED = "case.created", "Case created"
    CASE_UPDATED = "case.updated", "Case updated"
    CASE_ASSIGNED = "case.assigned", "Case assigned"
    SLA_WARNING = "sla.warning", "SLA warning"
    SLA_BREACHED = "sla.breached", "SLA breached"
    SURVEY_ANSWERED = "survey.answered", "Survey answered"
    POST_RECEIVED = "post.received", "Post received"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "Pending"  # not tried yet
    FAILED = "failed", "Failed, will retry"  # the last attempt failed; next_attempt_at says when again
    DELIVERED = "delivered", "Delivered"
    DEAD = "dead", "Dead (gave up)"  # every attempt failed; only a redelivery by hand sends it again


# Deliveries the sweeper and the task may still send.
SENDABLE_STATUSES = (DeliveryStatus.PENDING, DeliveryStatus.FAILED)


def validate_events(value) -> None:
    """A non-empty list of known event names, each once."""
    if not isinstance(value, list) or not value:
        raise ValidationError("Choose at least one event.", code="invalid")
    unknown = [name for name in value if name not in WebhookEvent.values]
    if unknown:
        raise ValidationError(
            "Unknown event(s): %(unknown)s. Known: %(known)s.",
            code="invalid_choice",
            params={"unknown": ", ".join(map(str, unknown)), "known": ", ".join(WebhookEvent.values)},
        )
    if len(set(value)) != len(value):
        raise ValidationError("An event is listed twice.", code="invalid")


def new_webhook_secret() -> str:
    """A fresh signing secret: 32 random bytes, URL-safe."""
    return "whsec_" + secrets.token_urlsafe(32)


validate_webhook_url = URLValidator(schemes=["http", "https"])


class WebhookSubscription(models.Model):
    name = models.CharField(max_length=100, help_text="Who receives it, e.g. 'Billing CRM'.")
    url = models.URLField(max_length=1000, validators=[validate_webhook_url], help_text="http:// or https:// only.")
    events = models.JSONField(default=list, validators=[validate_events], help_text="Event names it receives.")
    secret = models.CharField(
        max_length=100,
        default=new_webhook_secret,
        editable=False,
        help_text="Key of the HMAC-SHA256 signature; generated on create.",
    )
    is_active = models.BooleanField(default=True, help_text="Off: no new deliveries are created or sent.")
    paused_at = models.DateTimeField(
        null=True, blank=True, help_text="Set when the receiver kept failing: nothing is sent until resumed."
    )
    pause_reason = models.CharField(max_length=300, blank=True)
    consecutive_failures = models.PositiveIntegerField(
        default=0, help_text="Failed attempts in a row, across its deliveries; a success resets it."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = "webhook subscription"

    def __str__(self) -> str:
        return self.name

    @property
    def is_sending(self) -> bool:
        return self.is_active and self.paused_at is None


class WebhookDelivery(models.Model):
    subscription = models.ForeignKey(WebhookSubscription, on_delete=models.CASCADE, related_name="deliveries")
    event = models.CharField(max_length=32, choices=WebhookEvent.choices)
    event_id = models.UUIDField(help_text="The event's id: the same in every subscription's delivery of it.")
    payload = models.JSONField(default=dict, help_text="The event's data, as sent under 'data'.")
    status = models.CharField(max_length=16, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(
        null=True, blank=True, help_text="When it may be sent (again); empty once delivered or dead."
    )
    response_code = models.PositiveSmallIntegerField(null=True, blank=True)
    response_excerpt = models.CharField(max_length=500, blank=True, help_text="The start of the last response body.")
    last_error = models.CharField(max_length=500, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = "webhook delivery"
        verbose_name_plural = "webhook deliveries"
        permissions = [("redeliver_webhookdelivery", "Can redeliver a webhook delivery")]
        indexes = [
            # The sweeper: due deliveries still to be sent, oldest due first.
            models.Index(
                fields=["next_attempt_at"],
                condition=models.Q(status__in=["pending", "failed"]),
                name="webhook_delivery_due_idx",
            ),
            # The log of one subscription, newest first.
            models.Index(fields=["subscription", "-id"], name="webhook_delivery_sub_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["subscription", "event_id"], name="webhook_delivery_event_unique"),
            choices_check("status", DeliveryStatus, "webhook_delivery_status_valid"),
            choices_check("event", WebhookEvent, "webhook_delivery_event_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.event} to {self.subscription_id} ({self.status})"
