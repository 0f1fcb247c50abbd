"""Telling managers about new alerts: one notification per manager and alert, each alert once."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence

from cases.models import Notification
from socialcrm.db import insert_ignoring_conflicts


def alerts_notify_managers(
    alerts: Sequence,
    *,
    managers: Sequence[int],
    kind: str,
    message: Callable[[object], str],
    link: Callable[[object], str],
    dedupe_key: Callable[[object], str],
    now: dt.datetime,
) -> int:
    """Notify every manager of each of `alerts` (SpikeAlert or CapacityAlert rows not yet notified) and
    mark them notified. Two queries; a notification already sent is not sent again (its dedupe key)."""
    if not alerts:
        return 0
    insert_ignoring_conflicts(
        Notification,
        [
            Notification(
                recipient_id=manager_id,
                kind=kind,
                message=message(alert)[:300],
                link=link(alert),
                dedupe_key=dedupe_key(alert),
            )
            for alert in alerts
            for manager_id in managers
        ],
    )
    type(alerts[0]).objects.filter(pk__in=[alert.pk for alert in alerts]).update(notified_at=now, updated_at=now)
    return len(alerts)
