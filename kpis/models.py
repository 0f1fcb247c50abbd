"""Satisfaction surveys and daily KPI rollups.

KpiRollup rows are written only by kpis rollup tasks and read by the KPI
pages; one row per (day, metric, dimension, dimension value), so a rollup
that runs twice overwrites instead of doubling.
"""

from django.db import models

from socialcrm.db import choices_check, range_check


class SatisfactionSurvey(models.Model):
    """A CSAT survey sent after a case is resolved; answered through a signed token link."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="surveys")
    token = models.CharField(max_length=200, unique=True, help_text="Signed token of the answer link.")
    sent_at = models.DateTimeField()
    answered_at = models.DateTimeField(null=True, blank=True)
    score = models.PositiveSmallIntegerField(null=True, blank=True, help_text="1 (very unhappy) to 5 (very happy).")
    comment = models.TextField(blank=True)

    class Meta:
        ordering = ["-sent_at", "-id"]
        indexes = [
            models.Index(fields=["sent_at"], name="survey_sent_idx"),
            models.Index(
                fields=["answered_at"], condition=models.Q(answered_at__isnull=False), name="survey_answered_idx"
            ),
        ]
        constraints = [
            range_check("score", 1, 5, "survey_score_1_5", nullable=True),
            models.CheckConstraint(
                condition=models.Q(score__isnull=True, answered_at__isnull=True)
                | models.Q(score__isnull=False, answered_at__isnull=False),
                name="survey_score_iff_answered",
            ),
            models.CheckConstraint(
                condition=models.Q(answered_at__isnull=True) | models.Q(answered_at__gte=models.F("sent_at")),
                name="survey_answered_after_sent",
            ),
        ]

    def __str__(self) -> str:
        return f"Survey for SC-{self.case_id}: {self.score or 'unanswered'}"


class RollupDimension(models.TextChoices):
    ALL = "all", "All"
    CHANNEL = "channel", "Channel"
    TEAM = "team", "Team"
    AGENT = "agent", "Agent"


class KpiRollup(models.Model):
    day = models.DateField()
    metric = models.CharField(max_length=64, help_text="e.g. first_response_minutes_median, csat_share.")
    dimension = models.CharField(max_length=16, choices=RollupDimension.choices, default=RollupDimension.ALL)
    dimension_key = models.CharField(max_length=64, blank=True, help_text="Id of the channel, team or agent.")
    value = models.FloatField()
    sample_size = models.PositiveIntegerField(default=0)
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-day", "metric"]
        permissions = [("view_kpi_dashboard", "Can view the KPI pages")]
        indexes = [models.Index(fields=["metric", "dimension", "day"], name="kpi_rollup_series_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["day", "metric", "dimension", "dimension_key"], name="kpi_rollup_unique_point"
            ),
            choices_check("dimension", RollupDimension, "kpi_rollup_dimension_valid"),
            models.CheckConstraint(
                condition=models.Q(dimension=RollupDimension.ALL, dimension_key="")
                | (~models.Q(dimension=RollupDimension.ALL) & ~models.Q(dimension_key="")),
                name="kpi_rollup_key_matches_dimension",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.metric}[{self.dimension}:{self.dimension_key}] = {self.value}"
