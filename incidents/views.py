"""The incident pages, their actions and the case page's incident panel.

Thin: each view parses a form, calls one service or selector, and renders or
redirects (303) with a message; a refused change (IncidentError) is a
message, never a 500. Who may do what (granted by incidents/migrations/0002_roles.py):
- see incidents: incidents.view_incident (Agents, Managers, Admins);
- declare one and change its status: add_incident / change_incident (Managers, Admins);
- link and unlink cases: add_incidentcase / delete_incidentcase (Agents too),
  only cases the user can see (the service checks);
- bulk reply: incidents.send_bulk_reply (Managers, Admins): one text to
  every open case is a public statement, not an agent's everyday reply.
"""

from __future__ import annotations

import uuid
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect

from cases.models import Case
from cases.selectors import cases_visible_to
from cases.views.case import fragment_login_required
from incidents import selectors, services
from incidents.forms import BulkReplyForm, CaseLinkForm, IncidentForm, LinkForm, StatusForm
from incidents.models import BulkReplyStatus, Incident, IncidentStatus
from incidents.services import IncidentError


def _errors(form) -> str:
    return " ".join(
        f"{'' if name == '__all__' else name + ': '}{' '.join(errors)}" for name, errors in form.errors.items()
    )


def _see_other(request, url: str):
    if request.htmx:
        return HttpResponseClientRedirect(url)
    response = redirect(url)
    response.status_code = 303  # the browser GETs the page; a reload does not post again
    return response


def _to_incident(request, incident: Incident):
    return _see_other(request, reverse("incidents:detail", args=[incident.pk]))


def incident_action(*permissions: str):
    """A POST on one incident by a logged-in user holding `permissions`; IncidentError becomes a message."""

    def decorate(view):
        @login_required
        @permission_required(("incidents.view_incident", *permissions), raise_exception=True)
        @require_POST
        @wraps(view)
        def wrapper(request, pk: int):
            incident = get_object_or_404(Incident, pk=pk)
            try:
                outcome = view(request, incident)
            except IncidentError as error:
                messages.error(request, str(error))
                outcome = None
            return outcome if outcome is not None else _to_incident(request, incident)

        return wrapper

    return decorate


@login_required
@permission_required("incidents.view_incident", raise_exception=True)
@require_http_methods(["GET", "POST"])
def incident_list(request):
    form = IncidentForm(request.POST or None)
    if request.method == "POST":
        if not request.user.has_perm("incidents.add_incident"):
            messages.error(request, "You may not declare incidents; ask a manager.")
            return _see_other(request, reverse("incidents:list"))
        if form.is_valid():
            data = form.cleaned_data
            try:
                incident = services.incident_create(
                    title=data["title"],
                    actor=request.user,
                    description=data["description"],
                    severity=data["severity"],
                    started_at=data["started_at"],
                    public_message=data["public_message"],
                )
            except IncidentError as error:
                messages.error(request, str(error))
            else:
                messages.success(request, f"Incident \u2018{incident.title}\u2019 declared: link its cases below.")
                return _to_incident(request, incident)
    status = request.GET.get("status", "")
    status = status if status in IncidentStatus.values else ""
    context = {
        "incidents": list(selectors.incident_list(status=status)[:200]),
        "form": form,
        "status": status,
        "statuses": IncidentStatus.choices,
    }
    return render(request, "incidents/list.html", context, status=400 if form.is_bound and form.errors else 200)


@login_required
@permission_required("incidents.view_incident", raise_exception=True)
@require_GET
def incident_detail(request, pk: int):
    incident = get_object_or_404(Incident.objects.select_related("created_by"), pk=pk)
    page = selectors.incident_page(incident=incident, user=request.user)
    context = {
        "incident": incident,
        "page": page,
        "statuses": IncidentStatus.choices,
        "bulk_form": BulkReplyForm(initial={"text": incident.public_message, "token": uuid.uuid4()}),
    }
    return render(request, "incidents/detail.html", context)


@incident_action("incidents.change_incident")
def incident_status(request, incident: Incident):
    form = StatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, f"Not changed: {_errors(form)}")
        return None
    incident = services.incident_update_status(
        incident=incident, status=form.cleaned_data["status"], actor=request.user
    )
    messages.success(request, f"Status: {incident.get_status_display()}.")
    return None


@incident_action("incidents.add_incidentcase")
def incident_link(request, incident: Incident):
    form = LinkForm(request.POST)
    if not form.is_valid():
        messages.error(request, f"Nothing linked: {_errors(form)}")
        return None
    ids = form.case_ids_to_link()
    if not ids:
        messages.error(request, "Nothing linked: name at least one case.")
        return None
    result = services.incident_link_cases(incident=incident, case_ids=ids, actor=request.user)
    if result.linked:
        messages.success(request, f"Linked {', '.join(case.reference for case in result.linked)}.")
    if result.already:
        messages.info(request, f"Already linked: {', '.join(case.reference for case in result.already)}.")
    for reason in result.refused:
        messages.error(request, f"Not linked: {reason}")
    return None


@incident_action("incidents.delete_incidentcase")
def incident_unlink(request, incident: Incident):
    case = Case.objects.filter(pk=_int(request.POST.get("case"))).first()
    if case is None:
        raise IncidentError("No such case.")
    if services.incident_unlink_case(incident=incident, case=case, actor=request.user):
        messages.success(request, f"{case.reference} is no longer linked to \u2018{incident.title}\u2019.")
    if request.POST.get("back") == "case":
        return _see_other(request, reverse("console:case", args=[case.pk]))
    return None


@incident_action("incidents.send_bulk_reply")
def incident_bulk_reply(request, incident: Incident):
    form = BulkReplyForm(request.POST)
    if not form.is_valid():
        messages.error(request, f"Not sent: {_errors(form)}")
        return None
    bulk, created = services.incident_bulk_reply(
        incident=incident, author=request.user, text=form.cleaned_data["text"], token=form.cleaned_data["token"]
    )
    if not created:
        messages.info(request, "This bulk reply was already sent; nothing was sent again.")
        return None
    bulk.refresh_from_db()
    if bulk.status == BulkReplyStatus.DONE:  # sent in this request (Celery runs eagerly in the embedded mode)
        failed = f"; {len(bulk.failures)} could not be answered (see below)" if bulk.failures else ""
        messages.success(request, f"Bulk reply queued on {bulk.sent_count} cases{failed}.")
    else:
        messages.success(request, "Bulk reply accepted: the replies are being queued; results show below.")
    return None


@fragment_login_required
@permission_required(("incidents.view_incident", "incidents.add_incidentcase"), raise_exception=True)
@require_GET
def incident_suggest(request, pk: int):
    """Open cases matching the keywords, to tick in the link form (an htmx fragment)."""
    incident = get_object_or_404(Incident, pk=pk)
    query = request.GET.get("q", "")[:200]
    cases = services.incident_suggest_cases(incident=incident, user=request.user, keywords=query)
    return render(request, "incidents/partials/suggestions.html", {"incident": incident, "cases": cases, "q": query})


def _visible_case(request, case_pk: int) -> Case:
    case = cases_visible_to(user=request.user).filter(pk=case_pk).first()
    if case is None:
        raise Http404("No such case.")
    return case


@fragment_login_required
@permission_required(("cases.view_case", "incidents.view_incident"), raise_exception=True)
@require_GET
def case_panel(request, case_pk: int):
    """The case page's incident panel (loaded by htmx): the case's incident, or a form to link it."""
    panel = selectors.case_incident_panel(case=_visible_case(request, case_pk))
    return render(request, "incidents/partials/case_panel.html", {"panel": panel})


@login_required
@permission_required(("cases.view_case", "incidents.view_incident", "incidents.add_incidentcase"), raise_exception=True)
@require_POST
def case_link(request, case_pk: int):
    """Link one case to an incident from the case page; back to the case page."""
    case = _visible_case(request, case_pk)
    form = CaseLinkForm(request.POST)
    incident = Incident.objects.filter(pk=form.cleaned_data["incident"]).first() if form.is_valid() else None
    if incident is None:
        messages.error(request, "Not linked: choose an incident.")
    else:
        try:
            result = services.incident_link_cases(incident=incident, case_ids=[case.pk], actor=request.user)
        except IncidentError as error:
            messages.error(request, str(error))
        else:
            for reason in result.refused:
                messages.error(request, f"Not linked: {reason}")
            if result.linked:
                messages.success(request, f"{case.reference} linked to \u2018{incident.title}\u2019.")
    return _see_other(request, reverse("console:case", args=[case.pk]))


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
