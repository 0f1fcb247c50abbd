"""Reads of the alerts app: the settings, the alert lists, one spike's page and the console banner.

Each selector does its own select_related, so a page costs a constant
number of queries whatever the number of alerts, counts or posts.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.apps import apps

from alerts.models import AlertSettings, AlertStatus, CapacityAlert, SpikeAlert, TermHourCount
from alerts.spikes import SpikeParams

LIST_LIMIT = 100
SERIES_HOURS = 48
BANNER_LIMIT = 3
BANNER_WITHIN = dt.timedelta(hours=24)


def alert_settings() -> AlertSettings:
    """The admin's AlertSettings row, else the defaults (an unsaved row: nothing is written on read)."""
    return AlertSettings.objects.filter(pk=1).first() or AlertSettings()


def spike_params(settings: AlertSettings) -> SpikeParams:
    return SpikeParams(
        alpha=settings.alpha,
        z_threshold=settings.z_threshold,
        min_volume=settings.min_volume,
        min_ratio=settings.min_ratio,
    )


def spike_alerts(*, statuses: list[str], limit: int = LIST_LIMIT) -> list[SpikeAlert]:
    """The latest spike alerts in these statuses, newest hour first, with their rule and acknowledger."""
    return list(
        SpikeAlert.objects.filter(status__in=statuses)
        .select_related("rule", "acknowledged_by")
        .order_by("-hour", "-id")[:limit]
    )


def capacity_alerts(*, statuses: list[str], limit: int = LIST_LIMIT) -> list[CapacityAlert]:
    """The latest capacity alerts in these statuses, newest first, with their team and acknowledger."""
    return list(
        CapacityAlert.objects.filter(status__in=statuses)
        .select_related("team", "acknowledged_by")
        .order_by("-window_start", "-id")[:limit]
    )


@dataclass(frozen=True)
class SpikePage:
    alert: SpikeAlert
    series: list[tuple[str, int]]  # ("14:00", posts) per hour, oldest first, the alert's hour last
    samples: list  # SocialPost rows with author and case


def spike_page(*, pk: int) -> SpikePage | None:
    """One spike alert with its term's hourly series (the SERIES_HOURS up to its hour, a missing
    hour as 0) and its sample posts. Three queries; None when the alert is gone."""
    alert = SpikeAlert.objects.select_related("rule", "acknowledged_by").filter(pk=pk).first()
    if alert is None:
        return None
    start = alert.hour - dt.timedelta(hours=SERIES_HOURS - 1)
    counts = dict(
        TermHourCount.objects.filter(
            rule_id=alert.rule_id, term=alert.term, hour__gte=start, hour__lte=alert.hour
        ).values_list("hour", "posts")
    )
    series = []
    for step in range(SERIES_HOURS):
        hour = start + dt.timedelta(hours=step)
        series.append((f"{hour:%a %H:00}", counts.get(hour, 0)))
    SocialPost = apps.get_model("channels_app", "SocialPost")
    posts = SocialPost.objects.select_related("author", "channel").in_bulk(alert.sample_post_ids or [])
    samples = [posts[post_id] for post_id in alert.sample_post_ids or [] if post_id in posts]
    return SpikePage(alert=alert, series=series, samples=samples)


@dataclass(frozen=True)
class BannerItem:
    kind: str  # "spike" or "capacity"
    alert: SpikeAlert | CapacityAlert
    created_at: dt.datetime


def banner_alerts(*, now: dt.datetime, limit: int = BANNER_LIMIT) -> list[BannerItem]:
    """Open spike and capacity alerts created within BANNER_WITHIN, newest first, at most `limit`. Two queries."""
    since = now - BANNER_WITHIN
    spikes = SpikeAlert.objects.filter(status=AlertStatus.OPEN, created_at__gte=since).select_related("rule")
    capacity = CapacityAlert.objects.filter(status=AlertStatus.OPEN, created_at__gte=since).select_related("team")
    items = [BannerItem("spike", alert, alert.created_at) for alert in spikes.order_by("-created_at")[:limit]]
    items += [BannerItem("capacity", alert, alert.created_at) for alert in capacity.order_by("-created_at")[:limit]]
    items.sort(key=lambda item: item.created_at, reverse=True)
    return items[:limit]
