"""People moving an alert along: acknowledge it (someone is on it), close it (dealt with).

Owns alert_set_status(). An open alert can be acknowledged or closed; an
acknowledged one closed; a closed one stays closed. The change is a
conditional UPDATE on the status it moves from, so two managers pressing
at once record one acknowledgement, and the second is told who won.
Who may do it (alerts.change_spikealert, alerts.change_capacityalert) is
checked here, not only in the view.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone

from alerts.models import AlertStatus, CapacityAlert, SpikeAlert

MOVES_FROM = {
    AlertStatus.ACKNOWLEDGED: (AlertStatus.OPEN,),
    AlertStatus.CLOSED: (AlertStatus.OPEN, AlertStatus.ACKNOWLEDGED),
}


class AlertChangeError(Exception):
    """The change is refused: the message says why, for the person who asked."""


def alert_set_status(
    *, alert: SpikeAlert | CapacityAlert, status: str, actor: AbstractBaseUser
) -> SpikeAlert | CapacityAlert:
    """Acknowledge or close an alert; returns it reloaded. Raises AlertChangeError when refused."""
    model = type(alert)
    permission = f"alerts.change_{model._meta.model_name}"
    if not actor.has_perm(permission):
        raise AlertChangeError("Only managers acknowledge or close alerts.")
    if status not in MOVES_FROM:
        raise AlertChangeError(f"An alert cannot be set to {status!r}.")
    now = timezone.now()
    changes = {"status": status, "updated_at": now}
    if status == AlertStatus.ACKNOWLEDGED:
        changes |= {"acknowledged_by": actor, "acknowledged_at": now}
    else:
        changes["closed_at"] = now
    moved = model.objects.filter(pk=alert.pk, status__in=MOVES_FROM[status]).update(**changes)
    current = model.objects.select_related("acknowledged_by").get(pk=alert.pk)
    if not moved:
        raise AlertChangeError(f"This alert is already {current.get_status_display().lower()}.")
    return current
