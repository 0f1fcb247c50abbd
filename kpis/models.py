"""Satisfaction surveys, KPI settings and daily KPI rollups.

KpiSettings (one row) holds the brand's time zone for cutting days and the
cost of a call; ContactCost the cost of one contact per channel kind;
SelfServiceResolution the contacts that never became cases (knowledge base,
IVR, community), for call deflection. KpiRollup rows are written only by
the rollup task and read by the KPI pages; one row per (day, metric,
dimension, dimension value), so a rollup that runs twice overwrites instead
of doubling.
"""

import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from cases.choices import ChannelKind
from socialcrm.db import choices_check, range_check


def validate_time_zone(value: str) -> None:
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ValidationError(f"{value!r} is not an IANA time zone, e.g. Europe/Paris.") from None


class SurveyDelivery(models.TextChoices):
    REPLY = "reply", "Reply on the case's channel"
    DIRECT_MESSAGE = "dm", "Direct message"
    EMAIL = "email", "E-mail"


class SatisfactionSurvey(models.Model):
    """A CSAT survey sent after a case is resolved; answered through a signed token link."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="surveys")
    token = models.CharField(max_length=200, unique=True, help_text="Signed token of the answer link.")
    sent_at = models.DateTimeField()
    expires_at = models.DateTimeField(null=True, blank=True, help_text="The link answers nothing after this.")
    delivery = models.CharField(max_length=16, choices=SurveyDelivery.choices, default=SurveyDelivery.REPLY)
    # Who and where, frozen at resolve time: CSAT per agent, team and channel
    # must not move when a case is reassigned later.
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    team = models.ForeignKey("cases.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    channel = models.ForeignKey(
        "channels_app.Channel", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
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
            choices_check("delivery", SurveyDelivery, "survey_delivery_valid"),
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


class KpiSettings(models.Model):
    """The brand's KPI settings: one row (pk 1), edited in admin; absent means the defaults."""

    time_zone = models.CharField(
        max_length=64,
        default="UTC",
        validators=[validate_time_zone],
        help_text="KPI days run from midnight to midnight here.",
    )
    currency = models.CharField(max_length=3, default="USD")
    cost_per_call = models.DecimalField(
        max_digits=10, decimal_places=2, default=25, help_text="What one phone call costs: the saving of a deflection."
    )
    survey_expiry_days = models.PositiveSmallIntegerField(default=14, help_text="A survey link expires after this.")
    active_customer_days = models.PositiveSmallIntegerField(
        default=90, help_text="A customer is active at a date when they wrote within this many days before it."
    )

    class Meta:
        verbose_name = "KPI settings"
        verbose_name_plural = "KPI settings"
        constraints = [models.CheckConstraint(condition=models.Q(pk=1), name="kpi_settings_single_row")]

    def __str__(self) -> str:
        return "KPI settings"

    def save(self, *args, **kwargs):
        self.pk = 1
        super().save(*args, **kwargs)


class ContactCost(models.Model):
    """What one contact costs on a kind of channel (an agent's time, tools): cost of service."""

    channel_kind = models.CharField(max_length=16, choices=ChannelKind.choices, unique=True)
    cost_per_contact = models.DecimalField(max_digits=10, decimal_places=2)

    class Meta:
        ordering = ["channel_kind"]
        constraints = [
            choices_check("channel_kind", ChannelKind, "contact_cost_kind_valid"),
            models.CheckConstraint(condition=models.Q(cost_per_contact__gte=0), name="contact_cost_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_kind_display()}: {self.cost_per_contact}"


class SelfServiceSource(models.TextChoices):
    KNOWLEDGE_BASE = "knowledge_base", "Knowledge base article"
    COMMUNITY = "community", "Community answer"
    IVR = "ivr", "Phone menu (IVR)"
    OTHER = "other", "Other"


class SelfServiceResolution(models.Model):
    """A customer who found their answer without an agent: the numerator of call deflection."""

    occurred_at = models.DateTimeField()
    source = models.CharField(max_length=16, choices=SelfServiceSource.choices, default=SelfServiceSource.OTHER)
    reference = models.CharField(max_length=255, blank=True, help_text="The article, thread or menu that helped.")
    visitor_key = models.CharField(
        max_length=64, blank=True, help_text="A pseudonymous visitor id, to check no case followed."
    )
    customer = models.ForeignKey(
        "cases.Customer", null=True, blank=True, on_delete=models.SET_NULL, related_name="self_service_resolutions"
    )

    class Meta:
        ordering = ["-occurred_at", "-id"]
        indexes = [models.Index(fields=["occurred_at"], name="self_service_occurred_idx")]
        constraints = [choices_check("source", SelfServiceSource, "self_service_source_valid")]

    def __str__(self) -> str:
        return f"{self.get_source_display()} at {self.occurred_at:%Y-%m-%d %H:%M}"


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
    value = models.FloatField(help_text="The day's figure: a count, a share, a median.")
    sample_size = models.PositiveIntegerField(default=0, help_text="How many items the figure is computed from.")
    total = models.FloatField(default=0.0, help_text="Sum of the items' values, so means over several days are exact.")
    packed_values = models.BinaryField(
        default=b"",
        blank=True,
        help_text="Distribution metrics: every item's value, sorted, as little-endian float64 "
        "(kpis.parts.pack_values), so percentiles over several days are exact.",
    )
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
