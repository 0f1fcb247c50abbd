"""Hourly term counts and spike alerts: what the beat task alerts.count_and_detect_spikes runs.

Owns alerts_count_and_detect_spikes(). For each active listening rule:

1. Count. The inbound posts of the rule's channels posted in the previous
   and the current UTC hour (not deleted; in the rule's languages, or of
   unknown language, when it names languages) are read once, as (id, text,
   sentiment, posted_at) through an iterator, and matched in Python
   (alerts.terms: whole words, case-insensitive, exclusions applied). Each
   (term, hour), the rule's total "*" included, is upserted into
   TermHourCount, zeros too: recounting replaces, so a second run changes
   nothing. The read is bounded by two hours of the rule's channels, on
   the (channel, -posted_at) index.
2. Test. The current hour (partial: a spike is found as soon as the posts
   so far are one) and the previous hour, when it was not yet tested after
   its end, are tested against the 168 hours before each (alerts.spikes;
   an hour without a row counts 0).
3. Alert. A flagged (rule, term, hour) gets one SpikeAlert (unique); a
   later run of the same hour refreshes its figures and samples, never its
   status. Managers are told once per alert: one Notification each (kind
   spike, link to the alert page, dedupe key per alert), then notified_at
   is set.

A constant number of queries per rule, whatever the number of posts.
Safe to run twice or on two workers at once: upserts, inserts ignoring
conflicts and per-recipient dedupe keys.
"""

from __future__ import annotations

import datetime as dt
import heapq
from collections import defaultdict
from dataclasses import dataclass, field

from django.apps import apps
from django.db import transaction
from django.db.models import Prefetch, Q
from django.urls import reverse
from django.utils import timezone

from alerts.models import SpikeAlert, TermHourCount
from alerts.selectors import alert_settings, spike_params
from alerts.services.notify import alerts_notify_managers
from alerts.spikes import SpikeCheck, SpikeParams, check_spike
from alerts.terms import TermMatcher
from cases.choices import NotificationKind, SentimentLabel
from cases.selectors import active_manager_ids
from socialcrm.db import bulk_update_columns, insert_ignoring_conflicts, upsert_rows

HOUR = dt.timedelta(hours=1)
BASELINE_HOURS = 168
SAMPLE_SIZE = 5
FIGURES = ("count", "baseline", "std", "z", "negative_share", "sample_post_ids")


def hour_floor(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(dt.UTC).replace(minute=0, second=0, microsecond=0)


@dataclass
class SpikeRunResult:
    rules: int = 0
    posts: int = 0
    hours_tested: int = 0
    alerts: list[int] = field(default_factory=list)  # ids of the alerts flagged this run (new or refreshed)
    notified: int = 0


@dataclass
class _Tally:
    posts: int = 0
    negative: int = 0
    # A bounded min-heap of (negative, posted_at, id): the best five stay, negative and latest first.
    samples: list = field(default_factory=list)

    def add(self, post_id: int, negative: bool, posted_at: dt.datetime) -> None:
        self.posts += 1
        self.negative += negative
        entry = (negative, posted_at, post_id)
        if len(self.samples) < SAMPLE_SIZE:
            heapq.heappush(self.samples, entry)
        elif entry > self.samples[0]:
            heapq.heapreplace(self.samples, entry)

    def sample_ids(self) -> list[int]:
        return [post_id for _negative, _at, post_id in sorted(self.samples, reverse=True)]


def alerts_count_and_detect_spikes(*, now: dt.datetime | None = None) -> SpikeRunResult:
    """Recount, test and alert every active listening rule (see the module docstring)."""
    now = now or timezone.now()
    ListeningRule = apps.get_model("listening", "ListeningRule")
    Channel = apps.get_model("channels_app", "Channel")
    params = spike_params(alert_settings())
    rules = ListeningRule.objects.filter(is_active=True).prefetch_related(
        Prefetch("channels", queryset=Channel.objects.only("id"))
    )
    result = SpikeRunResult()
    managers: list[int] | None = None
    for rule in rules:
        flagged = _run_rule(rule, now=now, params=params, result=result)
        if flagged:
            if managers is None:
                managers = active_manager_ids()
            result.notified += _notify(rule, flagged, managers, now)
        result.rules += 1
    return result


def _run_rule(rule, *, now: dt.datetime, params: SpikeParams, result: SpikeRunResult) -> list[int]:
    """Count, test and write one rule's alerts; returns the ids of its alerts of the two hours."""
    current = hour_floor(now)
    previous = current - HOUR
    matcher = TermMatcher(
        brand_terms=rule.brand_terms,
        product_terms=rule.product_terms,
        competitor_terms=rule.competitor_terms,
        exclusions=rule.exclusions,
    )
    topics = matcher.topics
    tallies = _count(rule, matcher, since=previous, until=current + HOUR, result=result)
    with transaction.atomic():
        upsert_rows(
            TermHourCount,
            ["rule_id", "term", "hour", "posts", "negative_posts"],
            [
                (rule.pk, topic, hour, tally.posts, tally.negative)
                for topic in topics
                for hour in (previous, current)
                for tally in [tallies.get((topic, hour)) or _Tally()]
            ],
            unique_fields=["rule", "term", "hour"],
            update_fields=["posts", "negative_posts"],
        )
        history: dict[str, dict[dt.datetime, int]] = defaultdict(dict)
        previous_tested: set[str] = set()
        for term, hour, posts, evaluated_at in TermHourCount.objects.filter(
            rule=rule, term__in=topics, hour__gte=previous - BASELINE_HOURS * HOUR, hour__lte=current
        ).values_list("term", "hour", "posts", "evaluated_at"):
            history[term][hour] = posts
            if hour == previous and evaluated_at is not None and evaluated_at >= current:
                previous_tested.add(term)
        checks: dict[tuple[str, dt.datetime], SpikeCheck] = {}
        for topic in topics:
            hours = [current] if topic in previous_tested else [previous, current]
            for hour in hours:
                series = history.get(topic, {})
                before = [series.get(hour - step * HOUR, 0) for step in range(BASELINE_HOURS, 0, -1)]
                checks[(topic, hour)] = check_spike(before, series.get(hour, 0), params)
        result.hours_tested += len(checks)
        TermHourCount.objects.filter(
            rule=rule, term__in=topics, hour__in=sorted({hour for _topic, hour in checks})
        ).update(evaluated_at=now)
        flagged = {key: check for key, check in checks.items() if check.flagged}
        if not flagged:
            return []
        return _write_alerts(rule, flagged, tallies, now=now, result=result)


def _count(rule, matcher: TermMatcher, *, since: dt.datetime, until: dt.datetime, result: SpikeRunResult):
    """Tallies per (topic, hour) of the rule's inbound posts in [since, until): one query, iterated."""
    SocialPost = apps.get_model("channels_app", "SocialPost")
    channel_ids = [channel.pk for channel in rule.channels.all()]
    tallies: dict[tuple[str, dt.datetime], _Tally] = {}
    if not channel_ids:
        return tallies
    posts = SocialPost.objects.filter(
        channel_id__in=channel_ids,
        direction="inbound",
        posted_at__gte=since,
        posted_at__lt=until,
        deleted_at__isnull=True,
    )
    if rule.languages:
        posts = posts.filter(Q(language__in=rule.languages) | Q(language=""))
    rows = posts.order_by().values_list("id", "text", "sentiment_label", "posted_at")
    for post_id, text, sentiment, posted_at in rows.iterator(chunk_size=2000):
        result.posts += 1
        topics = matcher.match(text)
        if not topics:
            continue
        hour = hour_floor(posted_at)
        negative = sentiment == SentimentLabel.NEGATIVE
        for topic in topics:
            tallies.setdefault((topic, hour), _Tally()).add(post_id, negative, posted_at)
    return tallies


def _write_alerts(rule, flagged, tallies, *, now: dt.datetime, result: SpikeRunResult) -> list[int]:
    """Insert the new alerts and refresh the figures of those already there (status untouched)."""
    hours = sorted({hour for _term, hour in flagged})
    existing = {
        (alert.term, alert.hour): alert
        for alert in SpikeAlert.objects.filter(rule=rule, hour__in=hours, term__in=[t for t, _h in flagged])
    }
    new, refreshed = [], []
    for (term, hour), check in flagged.items():
        tally = tallies.get((term, hour)) or _Tally()
        figures = {
            "count": check.count,
            "baseline": round(check.baseline, 3),
            "std": round(check.std, 3),
            "z": round(check.z, 3),
            "negative_share": round(tally.negative / tally.posts, 4) if tally.posts else 0.0,
            "sample_post_ids": tally.sample_ids(),
        }
        alert = existing.get((term, hour))
        if alert is None:
            new.append(SpikeAlert(rule=rule, term=term, hour=hour, updated_at=now, **figures))
        elif any(getattr(alert, name) != value for name, value in figures.items()):
            for name, value in figures.items():
                setattr(alert, name, value)
            alert.updated_at = now
            refreshed.append(alert)
    insert_ignoring_conflicts(SpikeAlert, new)
    bulk_update_columns(SpikeAlert, refreshed, [*FIGURES, "updated_at"])
    rows = SpikeAlert.objects.filter(rule=rule, hour__in=hours, term__in=[t for t, _h in flagged])
    ids = [pk for pk, term, hour in rows.values_list("pk", "term", "hour") if (term, hour) in flagged]
    result.alerts += ids
    return ids


def _notify(rule, alert_ids: list[int], managers: list[int], now: dt.datetime) -> int:
    """Tell every manager about each alert not yet notified, once; returns the alerts notified."""
    with transaction.atomic():
        pending = list(SpikeAlert.objects.filter(pk__in=alert_ids, notified_at__isnull=True))
        if not pending:
            return 0
        return alerts_notify_managers(
            pending,
            managers=managers,
            kind=NotificationKind.SPIKE,
            message=lambda alert: _message(rule, alert),
            link=lambda alert: reverse("alerts:detail", args=[alert.pk]),
            dedupe_key=lambda alert: f"alert:spike:{alert.pk}",
            now=now,
        )


def _message(rule, alert: SpikeAlert) -> str:
    return (
        f"Volume spike for {rule.brand}: {alert.topic} had {alert.count} posts at {alert.hour:%H}:00 UTC "
        f"against about {alert.baseline:.0f} expected (z {alert.z:.1f}, {alert.negative_share:.0%} negative)."
    )
