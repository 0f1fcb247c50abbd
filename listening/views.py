"""The listening pages: the live stream of matching posts, its two actions, and the rules report.

Thin: forms parse, listening.selectors reads, listening.services and
cases.services.outreach write. An htmx request gets the partial only: the
poll for newer posts (prepended, no reload) and "more" pages.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from cases.services.outreach import OutreachError, case_open_from_post
from channels_app.models import SocialPost
from listening.forms import ReportPeriodForm, StreamFilterForm
from listening.selectors import BadCursor, rules_report, stream_page, stream_rules
from listening.services import FeedbackError, feedback_mark_not_relevant

POLL_SECONDS = 15


def _query(form: StreamFilterForm) -> str:
    data = form.data.copy()
    for name in ("after", "newer_than", "fragment"):
        data.pop(name, None)
    return data.urlencode()


@login_required
@permission_required("channels_app.view_socialpost", raise_exception=True)
def stream(request):
    rules = stream_rules()
    form = StreamFilterForm(request.GET, rules=rules)
    filters = form.filters()
    fragment = request.GET.get("fragment", "")
    newer_than = request.GET.get("newer_than", "")
    try:
        page = stream_page(
            filters=filters,
            after=request.GET.get("after") or None,
            newer_than=int(newer_than) if fragment == "newer" and newer_than.isdigit() else None,
            rules=rules,
        )
    except BadCursor as error:
        return HttpResponseBadRequest(str(error))
    context = {
        "form": form,
        "page": page,
        "query": _query(form),
        "poll_seconds": POLL_SECONDS,
        "can_open": request.user.has_perm("cases.add_case"),
        "can_dismiss": request.user.has_perm("listening.add_listeningfeedback"),
        "next": request.get_full_path(),
    }
    if request.htmx and fragment == "newer":
        return render(request, "listening/partials/stream_newer.html", context)
    if request.htmx and fragment == "more":
        return render(request, "listening/partials/stream_more.html", context)
    return render(request, "listening/stream.html", context)


def _back(request):
    target = request.POST.get("next", "")
    return redirect(target if target.startswith("/listening/") else reverse("listening:stream"))


@require_POST
@login_required
@permission_required("cases.add_case", raise_exception=True)
def open_case(request, post_id: int):
    get_object_or_404(SocialPost.objects.only("id"), pk=post_id)
    try:
        case, opened = case_open_from_post(post_id=post_id, actor=request.user)
    except OutreachError as error:
        messages.error(request, str(error))
        return _back(request)
    if not opened:
        messages.info(request, f"This post is already in {case.reference}.")
    return redirect("console:case", pk=case.pk)


@require_POST
@login_required
@permission_required("listening.add_listeningfeedback", raise_exception=True)
def not_relevant(request, post_id: int):
    get_object_or_404(SocialPost.objects.only("id"), pk=post_id)
    rule_id = request.POST.get("rule", "")
    if not rule_id.isdigit():
        return HttpResponseBadRequest("Say which rule the post is not relevant to.")
    try:
        feedback_mark_not_relevant(post_id=post_id, rule_id=int(rule_id), user=request.user)
    except FeedbackError as error:
        return HttpResponseBadRequest(str(error))
    if request.htmx:
        return HttpResponse("")  # the row is swapped out
    messages.success(request, "Marked not relevant: the post is hidden from the stream.")
    return _back(request)


@login_required
@permission_required("listening.view_listening_report", raise_exception=True)
def report(request):
    form = ReportPeriodForm(request.GET or None)
    if not request.GET:
        form = ReportPeriodForm({})
    period = form.period()
    reports = rules_report(start=period[0], end=period[1]) if period else []
    return render(request, "listening/report.html", {"form": form, "reports": reports}, status=200 if period else 400)
