"""Pages of goodwill compensation: the case panel, a request's page, the approval queue and the auditors' report.

Thin: forms parse, goodwill.selectors read, goodwill.services write. Who may do what:
- the case panel and a request's page need goodwill.view_compensationrequest
  and the case visible to the user (cases_visible_to), else 404;
- requesting needs goodwill.add_compensationrequest;
- the approval queue, approving and rejecting need goodwill.approve_compensation
  (the service also refuses the requester: four eyes);
- the report and its CSV need goodwill.view_compensation_report; each export is audited.
A refused request or decision (CompensationRefused) is a message, never a 500.
"""

from __future__ import annotations

import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from audit import services as audit_services
from cases.models import Case
from cases.selectors import cases_visible_to
from goodwill import selectors, services
from goodwill.forms import CompensationRequestForm, DecisionForm, ReportFilterForm
from goodwill.models import CompensationRequest, GoodwillPolicy

REPORT_COLUMNS = [
    "month",
    "agent",
    "customer",
    "requests",
    "given",
    "given_sums",
    "needed_approval",
    "approved",
    "rejected",
    "pending",
    "flagged",
    "approved_by",
]


def _case_or_404(request, case_pk: int) -> Case:
    case = cases_visible_to(user=request.user).select_related("customer").filter(pk=case_pk).first()
    if case is None:
        raise Http404("No such case.")
    return case


def _render_panel(request, case: Case, form=None, notice: str = "", status: int = 200):
    settings = GoodwillPolicy.load()
    context = {
        "case": case,
        "compensations": selectors.case_compensations(case_id=case.pk),
        "form": form or CompensationRequestForm(initial={"currency": settings.currency}),
        "policy": settings,
        "notice": notice,
    }
    return render(request, "goodwill/partials/case_panel.html", context, status=status)


@require_GET
@login_required
@permission_required("goodwill.view_compensationrequest", raise_exception=True)
def case_panel(request, case_pk: int):
    return _render_panel(request, _case_or_404(request, case_pk))


@require_POST
@login_required
@permission_required("goodwill.add_compensationrequest", raise_exception=True)
def request_create(request, case_pk: int):
    case = _case_or_404(request, case_pk)
    form = CompensationRequestForm(request.POST)
    if form.is_valid():
        try:
            compensation = services.compensation_request(
                case=case, requester=request.user, request=request, **form.cleaned_data
            )
        except services.CompensationRefused as refused:
            form.add_error(None, str(refused))
        else:
            if compensation.needs_approval:
                notice = f"Compensation #{compensation.pk} waits for a manager's approval."
            else:
                notice = f"Compensation #{compensation.pk} granted."
            if request.htmx:
                return _render_panel(request, case, notice=notice)
            messages.success(request, notice)
            return redirect(reverse("console:case", args=[case.pk]))
    if request.htmx:
        return _render_panel(request, case, form=form, status=400)
    messages.error(request, " ".join(form.non_field_errors()) or "Check the compensation form.")
    return redirect(reverse("console:case", args=[case.pk]))


def _compensation_or_404(request, pk: int) -> CompensationRequest:
    try:
        return selectors.compensation_for_page(user=request.user, pk=pk)
    except CompensationRequest.DoesNotExist:
        raise Http404("No such compensation request.") from None


@require_GET
@login_required
@permission_required("goodwill.view_compensationrequest", raise_exception=True)
def request_detail(request, pk: int):
    compensation = _compensation_or_404(request, pk)
    if not request.user.has_perm("goodwill.approve_compensation"):
        _case_or_404(request, compensation.case_id)
    context = {"compensation": compensation, "form": DecisionForm()}
    return render(request, "goodwill/request.html", context)


def _decide(request, pk: int, decide):
    compensation = _compensation_or_404(request, pk)
    form = DecisionForm(request.POST)
    if form.is_valid():
        try:
            decide(compensation=compensation, approver=request.user, note=form.cleaned_data["note"], request=request)
        except services.CompensationRefused as refused:
            messages.error(request, str(refused))
        else:
            messages.success(request, f"Compensation #{compensation.pk} decided.")
    else:
        messages.error(request, "The note is too long.")
    if request.POST.get("next") == "approvals":
        response = redirect(reverse("goodwill:approvals"))
    else:
        response = redirect(reverse("goodwill:request_detail", args=[pk]))
    response.status_code = 303  # See Other: a reload does not post the decision again
    return response


@require_POST
@login_required
@permission_required("goodwill.approve_compensation", raise_exception=True)
def request_approve(request, pk: int):
    return _decide(request, pk, services.compensation_approve)


@require_POST
@login_required
@permission_required("goodwill.approve_compensation", raise_exception=True)
def request_reject(request, pk: int):
    return _decide(request, pk, services.compensation_reject)


@require_GET
@login_required
@permission_required("goodwill.approve_compensation", raise_exception=True)
def approvals(request):
    context = {
        "pending": selectors.pending_compensations(),
        "under_review": selectors.under_review_compensations(),
        "form": DecisionForm(),
    }
    return render(request, "goodwill/approvals.html", context)


@require_GET
@login_required
@permission_required("goodwill.view_compensation_report", raise_exception=True)
def report(request):
    # Always bound: an empty filter is valid and means this year up to this month.
    form = ReportFilterForm(request.GET, agents=selectors.report_agents())
    if not form.is_valid():
        return render(request, "goodwill/report.html", {"form": form, "rows": None}, status=400)
    data = form.cleaned_data
    agent = data.get("agent")
    rows = selectors.compensation_report(
        month_from=data["month_from"], month_to=data["month_to"], agent_id=agent.pk if agent else None
    )
    if request.GET.get("export") == "csv":
        audit_services.audit_record(
            action="compensation.report_exported",
            actor=request.user,
            detail={
                "month_from": data["month_from"].isoformat(),
                "month_to": data["month_to"].isoformat(),
                "agent": agent.pk if agent else None,
                "rows": len(rows),
            },
            request=request,
        )
        return _csv(rows, data)
    query = request.GET.copy()
    query["export"] = "csv"
    return render(request, "goodwill/report.html", {"form": form, "rows": rows, "export_query": query.urlencode()})


def _csv(rows, data) -> HttpResponse:
    name = f"compensation-{data['month_from']:%Y-%m}-{data['month_to']:%Y-%m}.csv"
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    writer = csv.writer(response)
    writer.writerow(REPORT_COLUMNS)
    for row in rows:
        writer.writerow(
            [
                f"{row.month:%Y-%m}",
                _safe(row.agent),
                _safe(row.customer),
                row.requests,
                row.given,
                row.sums_text,
                row.needed_approval,
                row.approved,
                row.rejected,
                row.pending,
                row.flagged,
                _safe("; ".join(row.approvers)),
            ]
        )
    return response


def _safe(text: str) -> str:
    """A cell a spreadsheet will not run as a formula (names come from customers)."""
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
