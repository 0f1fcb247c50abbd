"""Priority weights an admin tunes: one active PriorityWeightSet row.

Owns the storage of the weights only; cases.priority documents each weight
and computes with them, cases.selectors.priority_weights() reads the active
row (no row: cases.priority.DEFAULT_WEIGHTS). Invariants, checked by the
database as well as by clean(): every weight is non-negative, the label
thresholds descend (urgent > high > normal), the very-viral velocity is not
below the viral one, and at most one row is active.
"""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from cases.priority import DEFAULT_WEIGHTS, WEIGHT_HELP, WEIGHT_NAMES


def _weight(name: str, *validators) -> models.FloatField:
    return models.FloatField(
        default=getattr(DEFAULT_WEIGHTS, name),
        help_text=WEIGHT_HELP[name],
        validators=[MinValueValidator(0.0), *validators],
    )


class PriorityWeightSet(models.Model):
    """The weights and label thresholds of case priority (see cases.priority)."""

    name = models.CharField(max_length=100, default="Priority weights")
    is_active = models.BooleanField(
        default=True, help_text="The active set is the one ingestion uses; without one, the documented defaults."
    )

    negative_sentiment = _weight("negative_sentiment")
    negative_label_floor = _weight("negative_label_floor", MaxValueValidator(1.0))
    intent_churn_threat = _weight("intent_churn_threat")
    intent_complaint = _weight("intent_complaint")
    intent_question = _weight("intent_question")
    intent_sales_lead = _weight("intent_sales_lead")
    intent_other = _weight("intent_other")
    intent_praise = _weight("intent_praise")
    influence_low = _weight("influence_low")
    influence_medium = _weight("influence_medium")
    influence_high = _weight("influence_high")
    influence_top = _weight("influence_top")
    verified = _weight("verified")
    tier_standard = _weight("tier_standard")
    tier_premium = _weight("tier_premium")
    tier_vip = _weight("tier_vip")
    engagement_reactive = _weight("engagement_reactive")
    engagement_proactive = _weight("engagement_proactive")
    engagement_progressive = _weight("engagement_progressive")
    engagement_none = _weight("engagement_none")
    viral_velocity = _weight("viral_velocity")
    viral_points = _weight("viral_points")
    very_viral_velocity = _weight("very_viral_velocity")
    very_viral_points = _weight("very_viral_points")
    waiting_minutes_per_point = _weight("waiting_minutes_per_point", MinValueValidator(1.0))
    waiting_cap = _weight("waiting_cap")
    urgent_at = _weight("urgent_at")
    high_at = _weight("high_at")
    normal_at = _weight("normal_at")

    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "priority weight set"
        constraints = [
            models.UniqueConstraint(
                fields=["is_active"], condition=models.Q(is_active=True), name="priority_weights_one_active"
            ),
            models.CheckConstraint(
                condition=models.Q(**{f"{name}__gte": 0 for name in WEIGHT_NAMES}),
                name="priority_weights_nonneg",
            ),
            models.CheckConstraint(
                condition=models.Q(
                    urgent_at__gt=models.F("high_at"),
                    high_at__gt=models.F("normal_at"),
                    very_viral_velocity__gte=models.F("viral_velocity"),
                    negative_label_floor__lte=1,
                    waiting_minutes_per_point__gte=1,
                ),
                name="priority_weights_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}{' (active)' if self.is_active else ''}"

    def clean(self) -> None:
        super().clean()
        errors = {}
        if self.high_at is not None and self.urgent_at is not None and not self.urgent_at > self.high_at:
            errors["urgent_at"] = "Must be above the high threshold."
        if self.high_at is not None and self.normal_at is not None and not self.high_at > self.normal_at:
            errors["high_at"] = "Must be above the normal threshold."
        if (
            self.viral_velocity is not None
            and self.very_viral_velocity is not None
            and self.very_viral_velocity < self.viral_velocity
        ):
            errors["very_viral_velocity"] = "Must not be below the viral velocity."
        if errors:
            raise ValidationError(errors)
