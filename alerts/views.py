"""Alert pages: the list, one spike's page, acknowledge and close, and the console banner.

Thin: selectors read, alerts.services.alert_set_status writes. Who sees
what: holders of alerts.view_spikealert (agents and managers) see open
alerts and the banner; holders of alerts.change_spikealert (managers) also
see acknowledged and closed ones and move them along.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from alerts import selectors
from alerts.models import AlertStatus, CapacityAlert, SpikeAlert
from alerts.services import AlertChangeError, alert_set_status

STATUS_FILTERS = {
    "open": [AlertStatus.OPEN],
    "acknowledged": [AlertStatus.ACKNOWLEDGED],
    "closed": [AlertStatus.CLOSED],
    "all": list(AlertStatus.values),
}


def _is_manager(user) -> bool:
    return user.has_perm("alerts.change_spikealert")


@login_required
@permission_required("alerts.view_spikealert", raise_exception=True)
@require_GET
def alert_list(request):
    manager = _is_manager(request.user)
    shown = request.GET.get("status", "open") if manager else "open"
    if shown not in STATUS_FILTERS:
        shown = "open"
    statuses = STATUS_FILTERS[shown]
    context = {
        "spikes": selectors.spike_alerts(statuses=statuses),
        "capacity": selectors.capacity_alerts(statuses=statuses),
        "manager": manager,
        "shown": shown,
        "filters": list(STATUS_FILTERS),
    }
    return render(request, "alerts/list.html", context)


@login_required
@permission_required("alerts.view_spikealert", raise_exception=True)
@require_GET
def spike_detail(request, pk: int):
    page = selectors.spike_page(pk=pk)
    if page is None or (page.alert.status != AlertStatus.OPEN and not _is_manager(request.user)):
        raise Http404("No such alert.")
    context = {"page": page, "alert": page.alert, "manager": _is_manager(request.user)}
    return render(request, "alerts/detail.html", context)


def _set_status(request, alert, back: str):
    try:
        alert = alert_set_status(alert=alert, status=request.POST.get("status", ""), actor=request.user)
    except AlertChangeError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"{alert} is {alert.get_status_display().lower()}.")
    response = redirect(back)
    response.status_code = 303  # See Other: a reload does not post again
    return response


@login_required
@permission_required("alerts.change_spikealert", raise_exception=True)
@require_POST
def spike_status(request, pk: int):
    alert = get_object_or_404(SpikeAlert, pk=pk)
    back = reverse("alerts:list") if request.POST.get("next") == "list" else reverse("alerts:detail", args=[pk])
    return _set_status(request, alert, back)


@login_required
@permission_required("alerts.change_capacityalert", raise_exception=True)
@require_POST
def capacity_status(request, pk: int):
    return _set_status(request, get_object_or_404(CapacityAlert, pk=pk), reverse("alerts:list"))


@login_required
@require_GET
def console_banner(request):
    """The console's banner (htmx, polled): open alerts of the last day; empty for who may not see them."""
    items = selectors.banner_alerts(now=timezone.now()) if request.user.has_perm("alerts.view_spikealert") else []
    return render(request, "alerts/partials/console_banner.html", {"items": items})
