"""KPI pages for managers."""

from django.contrib.auth.decorators import login_required, permission_required
from django.shortcuts import render

from kpis import selectors


@login_required
@permission_required("kpis.view_kpi_dashboard", raise_exception=True)
def dashboard(request):
    return render(request, "kpis/dashboard.html", {"overview": selectors.overview()})
