"""Teams, the agents in them, tags and canned responses."""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from cases.choices import ChannelKind
from socialcrm.db import choices_check, range_check

SHORTCUT_RE = re.compile(r"[a-z0-9][a-z0-9_-]*")


def validate_shortcut(value: str) -> None:
    if not SHORTCUT_RE.fullmatch(value):
        raise ValidationError("Use lower-case letters, digits, '-' and '_' (e.g. 'refund-delay').")


class Team(models.Model):
    name = models.CharField(max_length=100, unique=True)
    description = models.TextField(blank=True)
    calendar = models.ForeignKey(
        "cases.BusinessCalendar",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="teams",
        help_text="Coverage hours; empty means around the clock.",
    )
    lead = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="led_teams"
    )
    handles_sales = models.BooleanField(default=False, help_text="Receives progressive (sales) opportunities.")
    is_escalation_team = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class AgentProfile(models.Model):
    """What routing needs to know about a user who answers cases."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="agent_profile")
    teams = models.ManyToManyField(Team, blank=True, related_name="members")
    languages = models.JSONField(default=list, blank=True, help_text='ISO 639-1 codes, e.g. ["en", "es"].')
    skills = models.JSONField(default=list, blank=True, help_text='Free-form skills, e.g. ["billing", "outages"].')
    capacity = models.PositiveSmallIntegerField(default=10, help_text="Open cases at most.")
    is_available = models.BooleanField(default=True)
    last_assigned_at = models.DateTimeField(
        null=True, blank=True, help_text="When routing last assigned this agent a case: the round-robin turn."
    )
    hourly_cost = models.DecimalField(
        max_digits=8, decimal_places=2, default=0, help_text="Loaded cost per hour, for cost of service."
    )

    class Meta:
        ordering = ["user__username"]
        constraints = [range_check("capacity", 0, 500, "agent_capacity_0_500")]

    def __str__(self) -> str:
        return self.user.get_full_name() or self.user.get_username()


class Tag(models.Model):
    name = models.SlugField(max_length=50, unique=True)
    color = models.CharField(max_length=7, default="#6b7280", help_text="Hex colour, e.g. #dc2626.")

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=models.Q(color__regex=r"^#[0-9A-Fa-f]{6}$"), name="tag_color_hex"),
        ]

    def __str__(self) -> str:
        return self.name


class CannedResponse(models.Model):
    """A reusable reply. Body placeholders use template syntax: {{ customer.first_name }}."""

    title = models.CharField(max_length=120)
    shortcut = models.CharField(max_length=40, unique=True, validators=[validate_shortcut])
    body = models.TextField()
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.CASCADE, help_text="Empty: available to every team."
    )
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["shortcut"]

    def __str__(self) -> str:
        return f"/{self.shortcut} {self.title}"

    def body_for(self, channel_kind: str) -> str:
        """The variant written for this channel kind, else the default body."""
        for variant in self.variants.all():
            if variant.channel_kind == channel_kind:
                return variant.body
        return self.body


class CannedResponseVariant(models.Model):
    """A channel-specific wording, e.g. a shorter one for X's 280 characters."""

    response = models.ForeignKey(CannedResponse, on_delete=models.CASCADE, related_name="variants")
    channel_kind = models.CharField(max_length=16, choices=ChannelKind.choices)
    body = models.TextField()

    class Meta:
        constraints = [
            choices_check("channel_kind", ChannelKind, "canned_variant_kind_valid"),
            models.UniqueConstraint(fields=["response", "channel_kind"], name="canned_variant_unique_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.response.shortcut} ({self.channel_kind})"
