"""SLA policies (the promise admins configure) and SLA clocks (how each case kept it).

Selecting a policy and planning clocks belong to cases.sla; writing clocks
to cases.services.sla. SLAClock rows are derived from a case's timeline and
its policy, so they can always be recomputed; only the scan's bookkeeping
(warned_at, breach_recorded_at) is state of its own.
"""

from django.core.exceptions import ValidationError
from django.db import models

from cases.choices import (
    ChannelKind,
    ClockState,
    ClockStop,
    CustomerTier,
    EngagementType,
    EscalationAction,
    Priority,
    SLATarget,
)
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
        if (
            self.next_response_minutes
            and self.resolution_minutes
            and self.resolution_minutes < self.next_response_minutes
        ):
            raise ValidationError("The resolution target cannot be shorter than the next-response target.")
        if self.escalation_action == EscalationAction.REASSIGN_TO_TEAM and not self.escalation_team_id:
            raise ValidationError({"escalation_team": "Choose the team that escalated cases move to."})


class SLAClock(models.Model):
    """One clock of one case: the first response, each next-response cycle, or the resolution.

    Started at a customer message (as posted on the channel); stopped by the
    first public, human agent reply after it (response clocks) or by
    resolving the case (all clocks). The resolution clock pauses while the
    policy says so (pending, on hold) and resumes on reopening; its
    business minutes count only running time. `breached` is true when the
    clock ran past its due time (still running, or stopped late).
    """

    # The unique (case, target, cycle) index serves lookups by case.
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="sla_clocks", db_index=False)
    target = models.CharField(max_length=16, choices=SLATarget.choices)
    cycle = models.PositiveSmallIntegerField(default=1, help_text="1 for first response and resolution; n for next.")
    policy = models.ForeignKey(SLAPolicy, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    started_at = models.DateTimeField()
    warn_at = models.DateTimeField(null=True, blank=True)
    due_at = models.DateTimeField(null=True, blank=True, help_text="Empty: the policy sets no target, or paused.")
    stopped_at = models.DateTimeField(null=True, blank=True)
    stop_reason = models.CharField(max_length=16, choices=ClockStop.choices, blank=True)
    state = models.CharField(max_length=16, choices=ClockState.choices, default=ClockState.RUNNING)
    breached = models.BooleanField(default=False)
    business_minutes = models.FloatField(
        null=True, blank=True, help_text="Business minutes the clock ran, when it stopped or paused."
    )
    # The scan's bookkeeping: each alert is recorded once.
    warned_at = models.DateTimeField(null=True, blank=True)
    breach_recorded_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["case", "started_at", "target", "cycle"]
        verbose_name = "SLA clock"
        constraints = [
            models.UniqueConstraint(fields=["case", "target", "cycle"], name="sla_clock_unique_cycle"),
            choices_check("target", SLATarget, "sla_clock_target_valid"),
            choices_check("state", ClockState, "sla_clock_state_valid"),
            models.CheckConstraint(
                condition=models.Q(stop_reason="") | models.Q(stop_reason__in=ClockStop.values),
                name="sla_clock_stop_reason_valid",
            ),
            models.CheckConstraint(
                condition=~models.Q(state=ClockState.STOPPED) | models.Q(stopped_at__isnull=False),
                name="sla_clock_stopped_has_time",
            ),
            models.CheckConstraint(
                condition=models.Q(business_minutes__isnull=True) | models.Q(business_minutes__gte=0),
                name="sla_clock_minutes_nonneg",
            ),
        ]
        indexes = [
            # KPIs: clocks stopped in a period, per target.
            models.Index(fields=["target", "stopped_at"], name="sla_clock_target_stopped_idx"),
        ]

    def __str__(self) -> str:
        cycle = f" #{self.cycle}" if self.target == SLATarget.NEXT_RESPONSE else ""
        return f"{self.get_target_display()}{cycle} on SC-{self.case_id} ({self.state})"
