"""Alerts: volume spikes on listening terms and capacity warnings per team.

AlertSettings: the one row of thresholds an admin tunes (spike method and
capacity forecast). TermHourCount: posts per listening rule, term and UTC
hour, recounted by the spike task (the "*" term is the rule's total).
SpikeAlert: one hour of one term found to spike, once per (rule, term,
hour). CapacityAlert: a team whose agents on shift are predicted to miss
due times, once per (team, hour). The detection and forecast themselves
live in alerts.spikes and alerts.capacity (pure); the writes in
alerts.services.
"""

from django.conf import settings
from django.db import models

from socialcrm.db import choices_check, range_check


class AlertStatus(models.TextChoices):
    OPEN = "open", "Open"
    ACKNOWLEDGED = "acknowledged", "Acknowledged"
    CLOSED = "closed", "Closed"


class AlertSettings(models.Model):
    """The thresholds of alerts: one row (id 1); absent, the defaults below apply."""

    z_threshold = models.FloatField(default=3.0, help_text="Flag an hour whose z-score reaches this.")
    min_volume = models.PositiveIntegerField(default=10, help_text="Flag no hour with fewer posts than this.")
    min_ratio = models.FloatField(default=2.0, help_text="Flag no hour below this multiple of its baseline.")
    alpha = models.FloatField(
        default=0.1, help_text="EWMA smoothing of the hourly baseline: 0.1 remembers about 10 hours."
    )
    capacity_horizon_hours = models.PositiveSmallIntegerField(
        default=2, help_text="Forecast the cases due within this many hours."
    )
    replies_per_agent_hour = models.FloatField(
        default=6.0, help_text="Cases one agent answers in an hour (their throughput)."
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "alert settings"
        verbose_name_plural = "alert settings"
        constraints = [
            models.CheckConstraint(condition=models.Q(id=1), name="alert_settings_singleton"),
            range_check("z_threshold", 0.5, 20.0, "alert_settings_z_0_5_20"),
            range_check("min_ratio", 1.0, 100.0, "alert_settings_ratio_1_100"),
            range_check("alpha", 0.01, 1.0, "alert_settings_alpha_0_01_1"),
            range_check("capacity_horizon_hours", 1, 24, "alert_settings_horizon_1_24"),
            range_check("replies_per_agent_hour", 0.5, 120.0, "alert_settings_throughput_0_5_120"),
        ]

    def __str__(self) -> str:
        return "Alert settings"

    def save(self, *args, **kwargs):
        self.pk = 1  # the singleton: saving always writes row 1
        super().save(*args, **kwargs)


class TermHourCount(models.Model):
    rule = models.ForeignKey("listening.ListeningRule", on_delete=models.CASCADE, related_name="+")
    term = models.CharField(max_length=200, help_text='A term of the rule as it writes it, or "*" for the total.')
    hour = models.DateTimeField(help_text="Start of the UTC hour.")
    posts = models.PositiveIntegerField(default=0)
    negative_posts = models.PositiveIntegerField(default=0)
    evaluated_at = models.DateTimeField(
        null=True, blank=True, help_text="When the spike test last ran on this hour (after its end: final)."
    )

    class Meta:
        ordering = ["rule", "term", "-hour"]
        constraints = [
            models.UniqueConstraint(fields=["rule", "term", "hour"], name="term_hour_count_unique"),
            models.CheckConstraint(
                condition=models.Q(negative_posts__lte=models.F("posts")), name="term_hour_negative_within_posts"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.term} {self.hour:%Y-%m-%d %H:00}: {self.posts}"


class AlertBase(models.Model):
    """What every alert has: a status people move, and who acknowledged it."""

    status = models.CharField(max_length=16, choices=AlertStatus.choices, default=AlertStatus.OPEN)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    notified_at = models.DateTimeField(null=True, blank=True, help_text="When managers were told (once).")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True

    @property
    def is_open(self) -> bool:
        return self.status == AlertStatus.OPEN


class SpikeAlert(AlertBase):
    rule = models.ForeignKey("listening.ListeningRule", on_delete=models.CASCADE, related_name="+")
    term = models.CharField(max_length=200, help_text='The term that spiked, or "*" for the rule\'s total.')
    hour = models.DateTimeField(help_text="Start of the UTC hour that spiked.")
    count = models.PositiveIntegerField(help_text="Posts in the hour (so far, while the hour runs).")
    baseline = models.FloatField(help_text="Posts expected: the EWMA of the hours before.")
    std = models.FloatField(help_text="The baseline's standard deviation, as the z-score used it.")
    z = models.FloatField()
    negative_share = models.FloatField(default=0.0, help_text="Share of the hour's posts labelled negative.")
    sample_post_ids = models.JSONField(
        default=list, blank=True, help_text="Up to five posts of the hour, negative ones first."
    )

    class Meta:
        ordering = ["-hour", "-id"]
        indexes = [models.Index(fields=["status", "-created_at"], name="spike_alert_status_idx")]
        constraints = [
            models.UniqueConstraint(fields=["rule", "term", "hour"], name="spike_alert_unique_hour"),
            choices_check("status", AlertStatus, "spike_alert_status_valid"),
            range_check("negative_share", 0.0, 1.0, "spike_alert_negative_share_0_1"),
        ]

    def __str__(self) -> str:
        return f"Spike of {self.topic} at {self.hour:%Y-%m-%d %H:00} UTC"

    @property
    def topic(self) -> str:
        return "all brand terms" if self.term == "*" else self.term


class CapacityAlert(AlertBase):
    team = models.ForeignKey("cases.Team", on_delete=models.CASCADE, related_name="+")
    window_start = models.DateTimeField(help_text="Start of the UTC hour of the forecast.")
    horizon_hours = models.PositiveSmallIntegerField()
    backlog = models.PositiveIntegerField(help_text="Cases waiting for a response due within the horizon.")
    agents_on_shift = models.PositiveIntegerField()
    predicted_breaches = models.PositiveIntegerField()

    class Meta:
        ordering = ["-window_start", "-id"]
        indexes = [models.Index(fields=["status", "-created_at"], name="capacity_alert_status_idx")]
        constraints = [
            models.UniqueConstraint(fields=["team", "window_start"], name="capacity_alert_unique_hour"),
            choices_check("status", AlertStatus, "capacity_alert_status_valid"),
        ]

    def __str__(self) -> str:
        return f"Capacity of {self.team} at {self.window_start:%Y-%m-%d %H:00} UTC"
