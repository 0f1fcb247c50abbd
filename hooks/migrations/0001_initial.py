"""Webhook subscriptions and deliveries; admins get every permission of both.

Only admins manage webhooks (a subscription's secret and URL decide where
case data goes): Agents and Managers get nothing here. Frozen list, as in
cases 0003_roles.
"""

import django.core.validators
import django.db.models.deletion
from django.conf import settings
from django.contrib.auth.management import create_permissions
from django.db import migrations, models

import hooks.models

ADMIN = [
    *(
        f"{action}_{model}"
        for model in ("webhooksubscription", "webhookdelivery")
        for action in ("add", "change", "delete", "view")
    ),
    "redeliver_webhookdelivery",
]


def _permissions(apps, codenames):
    Permission = apps.get_model("auth", "Permission")
    return Permission.objects.filter(content_type__app_label="hooks", codename__in=codenames)


def grant(apps, schema_editor):
    app_config = apps.get_app_config("hooks")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    group = apps.get_model("auth", "Group").objects.filter(name="Admins").first()
    if group is not None:
        group.permissions.add(*_permissions(apps, ADMIN))


def revoke(apps, schema_editor):
    group = apps.get_model("auth", "Group").objects.filter(name="Admins").first()
    if group is not None:
        group.permissions.remove(*_permissions(apps, ADMIN))


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("cases", "0003_roles"),
    ]

    operations = [
        migrations.CreateModel(
            name="WebhookSubscription",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("name", models.CharField(help_text="Who receives it, e.g. 'Billing CRM'.", max_length=100)),
                (
                    "url",
                    models.URLField(
                        help_text="http:// or https:// only.",
                        max_length=1000,
                        validators=[django.core.validators.URLValidator(schemes=["http", "https"])],
                    ),
                ),
                (
                    "events",
                    models.JSONField(
                        default=list, help_text="Event names it receives.", validators=[hooks.models.validate_events]
                    ),
                ),
                (
                    "secret",
                    models.CharField(
                        default=hooks.models.new_webhook_secret,
                        editable=False,
                        help_text="Key of the HMAC-SHA256 signature; generated on create.",
                        max_length=100,
                    ),
                ),
                (
                    "is_active",
                    models.BooleanField(default=True, help_text="Off: no new deliveries are created or sent."),
                ),
                (
                    "paused_at",
                    models.DateTimeField(
                        blank=True,
                        help_text="Set when the receiver kept failing: nothing is sent until resumed.",
                        null=True,
                    ),
                ),
                ("pause_reason", models.CharField(blank=True, max_length=300)),
                (
                    "consecutive_failures",
                    models.PositiveIntegerField(
                        default=0, help_text="Failed attempts in a row, across its deliveries; a success resets it."
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                (
                    "created_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "webhook subscription",
                "ordering": ["name", "id"],
            },
        ),
        migrations.CreateModel(
            name="WebhookDelivery",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "event",
                    models.CharField(
                        choices=[
                            ("case.created", "Case created"),
                            ("case.updated", "Case updated"),
                            ("case.assigned", "Case assigned"),
                            ("sla.warning", "SLA warning"),
                            ("sla.breached", "SLA breached"),
                            ("survey.answered", "Survey answered"),
                            ("post.received", "Post received"),
                        ],
                        max_length=32,
                    ),
                ),
                (
                    "event_id",
                    models.UUIDField(help_text="The event's id: the same in every subscription's delivery of it."),
                ),
                ("payload", models.JSONField(default=dict, help_text="The event's data, as sent under 'data'.")),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("pending", "Pending"),
                            ("failed", "Failed, will retry"),
                            ("delivered", "Delivered"),
                            ("dead", "Dead (gave up)"),
                        ],
                        default="pending",
                        max_length=16,
                    ),
                ),
                ("attempts", models.PositiveSmallIntegerField(default=0)),
                (
                    "next_attempt_at",
                    models.DateTimeField(
                        blank=True, help_text="When it may be sent (again); empty once delivered or dead.", null=True
                    ),
                ),
                ("response_code", models.PositiveSmallIntegerField(blank=True, null=True)),
                (
                    "response_excerpt",
                    models.CharField(blank=True, help_text="The start of the last response body.", max_length=500),
                ),
                ("last_error", models.CharField(blank=True, max_length=500)),
                ("delivered_at", models.DateTimeField(blank=True, null=True)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                (
                    "subscription",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="deliveries",
                        to="hooks.webhooksubscription",
                    ),
                ),
            ],
            options={
                "verbose_name": "webhook delivery",
                "verbose_name_plural": "webhook deliveries",
                "ordering": ["-id"],
                "permissions": [("redeliver_webhookdelivery", "Can redeliver a webhook delivery")],
                "indexes": [
                    models.Index(
                        condition=models.Q(("status__in", ["pending", "failed"])),
                        fields=["next_attempt_at"],
                        name="webhook_delivery_due_idx",
                    ),
                    models.Index(fields=["subscription", "-id"], name="webhook_delivery_sub_idx"),
                ],
                "constraints": [
                    models.UniqueConstraint(fields=("subscription", "event_id"), name="webhook_delivery_event_unique"),
                    models.CheckConstraint(
                        condition=models.Q(("status__in", ["pending", "failed", "delivered", "dead"])),
                        name="webhook_delivery_status_valid",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            (
                                "event__in",
                                [
                                    "case.created",
                                    "case.updated",
                                    "case.assigned",
                                    "sla.warning",
                                    "sla.breached",
                                    "survey.answered",
                                    "post.received",
                                ],
                            )
                        ),
                        name="webhook_delivery_event_valid",
                    ),
                ],
            },
        ),
        migrations.RunPython(grant, revoke),
    ]
