"""The sales team's pages: the leads list (with its summary bar and CSV) and one lead's page with its actions.

Thin: leads.forms parses, leads.selectors reads, leads.services writes.
Viewing needs leads.view_lead (Sales, Agents, Managers, Admins); the
actions need leads.change_lead (Sales, Managers, Admins). Actions are
POSTs that redirect back to the lead (an htmx request gets the actions
fragment instead).
"""

from __future__ import annotations

import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from audit.models import AuditAction
from audit.services import audit_record
from kpis.scope import brand_zone
from leads import services
from leads.forms import LeadFilterForm, LostForm, NotesForm, WonForm
from leads.models import Lead
from leads.selectors import LeadFilters, lead_detail, lead_figures, leads_filtered, leads_for_export, leads_page

CSV_COLUMNS = [
    "id",
    "created_at",
    "status",
    "reason",
    "competitor",
    "customer",
    "channel",
    "post_url",
    "post_text",
    "owner",
    "value",
    "currency",
    "contacted_at",
    "closed_at",
    "lost_reason",
]


@login_required
@permission_required("leads.view_lead", raise_exception=True)
def lead_list(request):
    zone = brand_zone()
    form = LeadFilterForm(request.GET, today=timezone.now().astimezone(zone).date())
    if not form.is_valid():
        messages.error(request, "Some filters were not understood and are ignored.")
        form = LeadFilterForm({}, today=form.today)
        form.is_valid()
    filters = form.filters(zone)
    if request.GET.get("export") == "csv":
        audit_record(
            action=AuditAction.EXPORT_CSV,
            request=request,
            detail={"export": "leads", "query": {key: value for key, value in request.GET.items() if key != "export"}},
        )
        return _csv(filters)
    page = leads_page(filters, after=form.cleaned_data.get("after"))
    summary = lead_figures(
        start=filters.start, end=filters.end, leads=leads_filtered(filters, period=False, status=False)
    )
    query = request.GET.copy()
    for name in ("after", "export"):
        query.pop(name, None)
    first, last = form.period()
    context = {
        "form": form,
        "page": page,
        "summary": summary,
        "first": first,
        "last": last,
        "query": query.urlencode(),
        "can_change": request.user.has_perm("leads.change_lead"),
    }
    return render(request, "leads/list.html", context)


@login_required
@permission_required("leads.view_lead", raise_exception=True)
def lead_page(request, pk: int):
    lead = lead_detail(lead_id=pk)
    if lead is None:
        raise Http404("No such lead.")
    return render(request, "leads/detail.html", _detail_context(request, lead))


def _detail_context(request, lead: Lead, **forms) -> dict:
    profiles = list(lead.customer.profiles.all())
    return {
        "lead": lead,
        "profiles": profiles,
        "followers": max((profile.followers_count for profile in profiles), default=0),
        "can_change": request.user.has_perm("leads.change_lead"),
        "won_form": forms.get("won_form") or WonForm(initial={"currency": lead.currency}),
        "lost_form": forms.get("lost_form") or LostForm(),
        "notes_form": forms.get("notes_form") or NotesForm(initial={"notes": lead.notes}),
    }


def _lead_or_404(pk: int) -> Lead:
    lead = Lead.objects.filter(pk=pk).first()
    if lead is None:
        raise Http404("No such lead.")
    return lead


def _done(request, pk: int, **forms):
    if request.htmx:
        lead = lead_detail(lead_id=pk)
        return render(request, "leads/partials/actions.html", _detail_context(request, lead, **forms))
    if forms:
        lead = lead_detail(lead_id=pk)
        return render(request, "leads/detail.html", _detail_context(request, lead, **forms), status=400)
    return redirect("leads:detail", pk=pk)


def _act(request, pk: int, change, success: str):
    try:
        change(_lead_or_404(pk))
    except services.LeadChangeError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, success)
    return _done(request, pk)


@login_required
@permission_required("leads.change_lead", raise_exception=True)
@require_POST
def lead_claim_view(request, pk: int):
    return _act(request, pk, lambda lead: services.lead_claim(lead=lead, user=request.user), "The lead is yours.")


@login_required
@permission_required("leads.change_lead", raise_exception=True)
@require_POST
def lead_contacted_view(request, pk: int):
    return _act(
        request,
        pk,
        lambda lead: services.lead_mark_contacted(lead=lead, actor=request.user),
        "Marked as contacted.",
    )


@login_required
@permission_required("leads.change_lead", raise_exception=True)
@require_POST
def lead_won_view(request, pk: int):
    form = WonForm(request.POST)
    if not form.is_valid():
        return _done(request, pk, won_form=form)
    return _act(
        request,
        pk,
        lambda lead: services.lead_mark_won(
            lead=lead, value=form.cleaned_data["value"], currency=form.cleaned_data["currency"], actor=request.user
        ),
        "Won. Well done.",
    )


@login_required
@permission_required("leads.change_lead", raise_exception=True)
@require_POST
def lead_lost_view(request, pk: int):
    form = LostForm(request.POST)
    if not form.is_valid():
        return _done(request, pk, lost_form=form)
    return _act(
        request,
        pk,
        lambda lead: services.lead_mark_lost(lead=lead, reason=form.cleaned_data["reason"], actor=request.user),
        "Marked as lost.",
    )


@login_required
@permission_required("leads.change_lead", raise_exception=True)
@require_POST
def lead_notes_view(request, pk: int):
    form = NotesForm(request.POST)
    if not form.is_valid():
        return _done(request, pk, notes_form=form)
    return _act(
        request,
        pk,
        lambda lead: services.lead_update_notes(lead=lead, notes=form.cleaned_data["notes"], actor=request.user),
        "Notes saved.",
    )


# -- CSV ----------------------------------------------------------------------------------------


class _Echo:
    def write(self, value: str) -> str:
        return value


def _cell(value):
    # Spreadsheet formula injection: a post a customer wrote must not start with = + - @.
    return f"'{value}" if isinstance(value, str) and value[:1] in ("=", "+", "-", "@") else value


def _csv_row(lead: Lead) -> list:
    return [
        lead.pk,
        lead.created_at.isoformat(),
        lead.status,
        lead.reason,
        lead.competitor,
        lead.customer.name,
        lead.channel.name,
        lead.post.url,
        lead.post.text,
        lead.owner.get_username() if lead.owner else "",
        "" if lead.value is None else str(lead.value),
        lead.currency,
        lead.contacted_at.isoformat() if lead.contacted_at else "",
        lead.closed_at.isoformat() if lead.closed_at else "",
        lead.lost_reason,
    ]


def _csv(filters: LeadFilters) -> StreamingHttpResponse:
    writer = csv.writer(_Echo())

    def lines():
        yield writer.writerow(CSV_COLUMNS)
        for lead in leads_for_export(filters):
            yield writer.writerow([_cell(cell) for cell in _csv_row(lead)])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="leads-{filters.start:%Y-%m-%d}.csv"'
    return response
