"""SLA policies: which promise applies to a case, and its targets.

Selecting a policy and computing due times belong to cases.sla; this module
holds only the configuration that admins edit.
"""

from django.core.exceptions import ValidationError
from django.db import models

from cases.choices import ChannelKind, CustomerTier, EngagementType, EscalationAction, Priority
from socialcrm.db import choices_check, range_check


def _validate_subset(values, choices: type[models.Choices], label: str) -> None:
    if not isinstance(values, list) or not all(isinstance(value, str) for value in values):
        raise ValidationError(f"{label} must be a list of values.")
    unknown = sorted(set(values) - set(choices.values))
    if unknown:
        raise ValidationError(f"Unknown {label}: {', '.join(map(str, unknown))}. Allowed: {', '.join(choices.values)}.")


def _positive_or_null(field: str, name: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=models.Q(**{f"{field}__isnull": True}) | models.Q(**{f"{field}__gt": 0}), name=name
    )


class SLAPolicy(models.Model):
    """A response-time promise.

    Policies are tried in `position` order; the first whose conditions all
    match applies (an empty condition list matches anything); the default
    policy applies when none matches. Each target may be empty (no promise).
    """

    name = models.CharField(max_length=100, unique=True)
    position = models.PositiveIntegerField(default=100, help_text="Lower is evaluated first.")
    is_active = models.BooleanField(default=True)
    is_default = models.BooleanField(default=False, help_text="Applies when no other policy matches.")
    # Conditions: lists of enum values; empty means "any".
    priorities = models.JSONField(default=list, blank=True)
    channel_kinds = models.JSONField(default=list, blank=True)
    customer_tiers = models.JSONField(default=list, blank=True)
    engagement_types = models.JSONField(default=list, blank=True)
    # Targets in business minutes of the calendar.
    first_response_minutes = models.PositiveIntegerField(null=True, blank=True)
    next_response_minutes = models.PositiveIntegerField(null=True, blank=True)
    resolution_minutes = models.PositiveIntegerField(null=True, blank=True)
    warning_ratio = models.FloatField(default=0.8, help_text="Warn when this share of a target has elapsed (0 to 1).")
    calendar = models.ForeignKey(
        "cases.BusinessCalendar",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sla_policies",
        help_text="Empty: clocks run around the clock (24/7).",
    )
    pause_while_pending = models.BooleanField(default=True, help_text="Stop the resolution clock while pending.")
    pause_while_on_hold = models.BooleanField(default=False, help_text="Stop the resolution clock while on hold.")
    escalation_action = models.CharField(
        max_length=24, choices=EscalationAction.choices, default=EscalationAction.NOTIFY_MANAGERS
    )
    escalation_team = models.ForeignKey(
        "cases.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = "SLA policy"
        verbose_name_plural = "SLA policies"
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"], condition=models.Q(is_default=True), name="sla_policy_single_default"
            ),
            _positive_or_null("first_response_minutes", "sla_first_response_positive"),
            _positive_or_null("next_response_minutes", "sla_next_response_positive"),
            _positive_or_null("resolution_minutes", "sla_resolution_positive"),
            range_check("warning_ratio", 0.0, 1.0, "sla_warning_ratio_0_1"),
            choices_check("escalation_action", EscalationAction, "sla_escalation_action_valid"),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        _validate_subset(self.priorities, Priority, "priorities")
        _validate_subset(self.channel_kinds, ChannelKind, "channel kinds")
        _validate_subset(self.customer_tiers, CustomerTier, "customer tiers")
        _validate_subset(self.engagement_types, EngagementType, "engagement types")
        if (
            self.first_response_minutes
            and self.resolution_minutes
            and self.resolution_minutes < self.first_response_minutes
        ):
            raise ValidationError("The resolution target cannot be shorter than the first-response target.")
        if self.escalation_action == EscalationAction.REASSIGN_TO_TEAM and not self.escalation_team_id:
            raise ValidationError({"escalation_team": "Choose the team that escalated cases move to."})
