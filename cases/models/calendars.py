"""Business calendars: when a team is open, in which time zone, and holidays.

The arithmetic over these rows (add_business_minutes, business_minutes_between)
lives in cases.business_time; these models only hold the configuration.
"""

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.core.exceptions import ValidationError
from django.db import models

from cases.choices import Weekday
from socialcrm.db import range_check


def validate_time_zone(value: str) -> None:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValidationError(f"{value!r} is not an IANA time zone (e.g. Europe/London).") from None


class BusinessCalendar(models.Model):
    name = models.CharField(max_length=100, unique=True)
    time_zone = models.CharField(max_length=64, default="UTC", validators=[validate_time_zone])
    always_open = models.BooleanField(default=False, help_text="24/7: opening hours and holidays are ignored.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({'24/7' if self.always_open else self.time_zone})"


class OpeningInterval(models.Model):
    """One opening interval of a weekday, in the calendar's local time.

    An interval whose closing time is at or before its opening time runs
    past midnight into the next day (a night shift). Several intervals on
    one day model split shifts.
    """

    calendar = models.ForeignKey(BusinessCalendar, on_delete=models.CASCADE, related_name="opening_intervals")
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices)
    opens_at = models.TimeField()
    closes_at = models.TimeField()

    class Meta:
        ordering = ["calendar", "weekday", "opens_at"]
        constraints = [
            range_check("weekday", 0, 6, "opening_interval_weekday_0_6"),
            models.UniqueConstraint(fields=["calendar", "weekday", "opens_at"], name="opening_interval_unique_start"),
        ]

    def __str__(self) -> str:
        return f"{Weekday(self.weekday).label} {self.opens_at:%H:%M}-{self.closes_at:%H:%M}"

    @property
    def crosses_midnight(self) -> bool:
        return self.closes_at <= self.opens_at


class Holiday(models.Model):
    """A closed day, or part of a day when start and end times are given."""

    calendar = models.ForeignKey(BusinessCalendar, on_delete=models.CASCADE, related_name="holidays")
    date = models.DateField()
    name = models.CharField(max_length=100)
    starts_at = models.TimeField(null=True, blank=True, help_text="Empty with ends_at empty: the whole day.")
    ends_at = models.TimeField(null=True, blank=True)

    class Meta:
        ordering = ["calendar", "date"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(starts_at__isnull=True) & models.Q(ends_at__isnull=True))
                | (
                    models.Q(starts_at__isnull=False)
                    & models.Q(ends_at__isnull=False)
                    & models.Q(ends_at__gt=models.F("starts_at"))
                ),
                name="holiday_whole_day_or_valid_part",
            ),
        ]
        indexes = [models.Index(fields=["calendar", "date"], name="holiday_calendar_date_idx")]

    def __str__(self) -> str:
        return f"{self.date} {self.name}"

    @property
    def is_whole_day(self) -> bool:
        return self.starts_at is None
