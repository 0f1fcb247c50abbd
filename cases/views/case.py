"""The case page of the agent console, its actions, the presence heartbeat and the timeline fragment.

Thin: each view parses its input with a small form, calls one selector or
service, and renders or redirects. Who may do what:
- every view needs a login and cases.view_case, and the case must be in
  cases_visible_to(user): otherwise 404, so a case number cannot be probed;
- actions need cases.change_case too; reassigning is checked again by the
  service (cases.reassign_case).
An action POST redirects back to the case page (303) with a message; a
refused change (CaseChangeError) is a message, never a 500. A refused
reply re-renders the page instead, keeping the draft, with a fresh timeline
and seen_event_id: the agent reads what changed and sends again.
"""

from __future__ import annotations

import re
from functools import wraps

from django import forms
from django.apps import apps
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required, permission_required
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseClientRedirect

from cases.choices import CaseStatus, Priority
from cases.models import Case, Tag, Team
from cases.presence import POLL_SECONDS, presence_others, presence_touch
from cases.selectors import cases_visible_to
from cases.selectors.case_view import case_for_page, case_page, case_timeline, latest_event_id
from cases.services import (
    CaseChangeError,
    StaleCase,
    case_add_note,
    case_assign,
    case_change_priority,
    case_change_status,
    case_claim,
    case_escalate,
    case_merge,
    case_release_priority,
    case_reply,
    case_resolve,
    case_set_tags,
)

# -- forms: what each action accepts ------------------------------------------------------------


class ReplyForm(forms.Form):
    text = forms.CharField(strip=False, max_length=20_000)
    reply_to = forms.IntegerField(required=False, min_value=1)
    seen_event_id = forms.IntegerField(required=False, min_value=0)


class NoteForm(forms.Form):
    body = forms.CharField(max_length=10_000)


class StatusForm(forms.Form):
    status = forms.ChoiceField(choices=CaseStatus.choices)
    reason = forms.CharField(required=False, max_length=200)


class PriorityForm(forms.Form):
    # "auto" releases a hand-set priority: the score decides again.
    priority = forms.ChoiceField(choices=[*Priority.choices, ("auto", "Automatic")])


class AssignForm(forms.Form):
    assignee = forms.ModelChoiceField(
        queryset=get_user_model()._default_manager.filter(is_active=True, agent_profile__isnull=False), required=False
    )
    team = forms.ModelChoiceField(queryset=Team.objects.all(), required=False)


class TagsForm(forms.Form):
    tags = forms.ModelMultipleChoiceField(queryset=Tag.objects.all(), required=False)


class EscalateForm(forms.Form):
    reason = forms.CharField(max_length=500)
    team = forms.ModelChoiceField(queryset=Team.objects.filter(is_escalation_team=True), required=False)


REFERENCE_RE = re.compile(r"(?:SC-?)?(\d{1,18})", re.IGNORECASE)


class MergeForm(forms.Form):
    target = forms.CharField(max_length=30, label="Merge into case")

    def clean_target(self) -> int:
        match = REFERENCE_RE.fullmatch(self.cleaned_data["target"].strip())
        if not match:
            raise forms.ValidationError("Enter a case reference such as SC-123.")
        return int(match.group(1))


def _errors(form: forms.Form) -> str:
    return " ".join(
        f"{'' if name == '__all__' else name + ': '}{' '.join(errors)}" for name, errors in form.errors.items()
    )


# -- helpers ---------------------------------------------------------------------------------------


def _case_or_404(request, pk: int, visible=None) -> Case:
    try:
        return case_for_page(visible=visible if visible is not None else cases_visible_to(user=request.user), pk=pk)
    except Case.DoesNotExist:
        raise Http404("No such case.") from None


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _back(request, case_pk: int) -> HttpResponse:
    url = reverse("console:case", args=[case_pk])
    if request.htmx:
        return HttpResponseClientRedirect(url)
    response = redirect(url)
    response.status_code = 303  # See Other: the browser GETs the page, a reload does not repost
    return response


def _render_page(
    request, case: Case, visible, *, before=None, draft: str = "", reply_to=None, canned_id=None, status: int = 200
):
    page = case_page(case=case, user=request.user, visible=visible, before=before)
    if canned_id and not draft:  # "Insert" without JavaScript: the filled body, for the default post's channel
        kind = next((t.post.channel.kind for t in page.reply_targets if t.post.pk == page.default_reply_to), "")
        option = next((o for o in page.canned if o.response.pk == canned_id), None)
        draft = option.bodies.get(kind, option.bodies[""]) if option else ""
    presence_touch(case_id=case.pk, user=request.user, typing=bool(draft))
    context = {
        "case": case,
        "page": page,
        "before": before,
        "draft": draft,
        "reply_to": reply_to or page.default_reply_to,
        "canned_bodies": {option.response.pk: option.bodies for option in page.canned},
        "others": presence_others(case_id=case.pk, user=request.user),
        "poll_seconds": POLL_SECONDS,
        "statuses": CaseStatus.choices,
        "priorities": Priority.choices,
    }
    return render(request, "console/case.html", context, status=status)


def case_action(view):
    """An action on a case: POST, logged in, allowed to view and change cases, the case visible (else 404).

    The wrapped view gets the case and returns a success message (or a
    response of its own); a CaseChangeError becomes an error message. Either
    way the browser goes back to the case page.
    """

    @login_required
    @permission_required(("cases.view_case", "cases.change_case"), raise_exception=True)
    @require_POST
    @wraps(view)
    def wrapper(request, pk: int, **kwargs):
        case = _case_or_404(request, pk)
        try:
            outcome = view(request, case, **kwargs)
        except CaseChangeError as error:
            messages.error(request, str(error))
            return _back(request, case.pk)
        if isinstance(outcome, HttpResponse):
            return outcome
        if outcome:
            messages.success(request, outcome)
        return _back(request, case.pk)

    return wrapper


def fragment_login_required(view):
    """login_required for htmx fragments: a poll after the session expired sends the
    whole page to the login form (HX-Redirect) instead of swapping the form into the page."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated and request.htmx:
            page_url = request.htmx.current_url_abs_path or request.get_full_path()
            return HttpResponseClientRedirect(redirect_to_login(page_url)["Location"])
        return login_required(view)(request, *args, **kwargs)

    return wrapper


def _invalid(request, form: forms.Form) -> None:
    messages.error(request, f"Not saved: {_errors(form)}")


# -- the page and its fragments ------------------------------------------------------------------


@login_required
@permission_required("cases.view_case", raise_exception=True)
@require_GET
def case_detail(request, pk: int):
    visible = cases_visible_to(user=request.user)
    case = _case_or_404(request, pk, visible)
    before, canned_id = _int(request.GET.get("before")), _int(request.GET.get("canned"))
    return _render_page(request, case, visible, before=before, canned_id=canned_id)


@fragment_login_required
@permission_required("cases.view_case", raise_exception=True)
@require_GET
def case_timeline_fragment(request, pk: int):
    """The timeline alone: the latest page (with the reply form's seen_event_id, swapped out of band),
    or with `before`, the page of earlier events that replaces the "show earlier" row."""
    case = _case_or_404(request, pk)
    before = _int(request.GET.get("before"))
    timeline = case_timeline(case=case, user=request.user, before=before)
    template = "console/partials/case_timeline_items.html" if before else "console/partials/case_timeline.html"
    return render(request, template, {"case": case, "timeline": timeline, "oob": True})


@fragment_login_required
@permission_required("cases.view_case", raise_exception=True)
@require_POST
def case_presence(request, pk: int):
    """Heartbeat: record the user on the case (typing or not), answer who else is there and whether
    the case has events newer than the page shows."""
    case = _case_or_404(request, pk)
    presence_touch(case_id=case.pk, user=request.user, typing=request.POST.get("typing") in ("1", "true", "on"))
    seen = _int(request.POST.get("seen_event_id"))
    latest = latest_event_id(case_id=case.pk)
    context = {
        "case": case,
        "others": presence_others(case_id=case.pk, user=request.user),
        "changed": latest is not None and (seen is None or latest > seen),
        "poll_seconds": POLL_SECONDS,
    }
    return render(request, "console/partials/case_presence.html", context)


# -- actions ---------------------------------------------------------------------------------------


@login_required
@permission_required(("cases.view_case", "cases.change_case"), raise_exception=True)
@require_POST
def case_reply_view(request, pk: int):
    visible = cases_visible_to(user=request.user)
    case = _case_or_404(request, pk, visible)
    form = ReplyForm(request.POST)
    draft = request.POST.get("text", "")
    reply_to_id = _int(request.POST.get("reply_to"))
    if not form.is_valid():
        messages.error(request, f"Not sent: {_errors(form)}")
        return _render_page(request, case, visible, draft=draft, reply_to=reply_to_id, status=400)
    SocialPost = apps.get_model("channels_app", "SocialPost")
    reply_to = None
    if form.cleaned_data["reply_to"]:
        reply_to = SocialPost.objects.filter(pk=form.cleaned_data["reply_to"]).first()
        if reply_to is None:
            messages.error(request, "Not sent: the post to answer no longer exists.")
            return _render_page(request, case, visible, draft=draft, status=400)
    try:
        case_reply(
            case=case,
            author=request.user,
            text=form.cleaned_data["text"],
            reply_to=reply_to,
            # A form without it counts as having seen nothing: any event makes it stale.
            seen_event_id=form.cleaned_data["seen_event_id"] or 0,
        )
    except CaseChangeError as error:
        messages.error(request, f"Not sent: {error}")
        status = 409 if isinstance(error, StaleCase) else 400
        return _render_page(request, case, visible, draft=draft, reply_to=reply_to_id, status=status)
    messages.success(request, "Reply queued: it is sent in the background; its status shows on the timeline.")
    return _back(request, case.pk)


@case_action
def case_note_view(request, case: Case):
    form = NoteForm(request.POST)
    if not form.is_valid():
        return _invalid(request, form)
    case_add_note(case=case, author=request.user, body=form.cleaned_data["body"])
    return "Note added."


@case_action
def case_status_view(request, case: Case):
    form = StatusForm(request.POST)
    if not form.is_valid():
        return _invalid(request, form)
    case = case_change_status(
        case=case, status=form.cleaned_data["status"], actor=request.user, reason=form.cleaned_data["reason"]
    )
    return f"Status: {case.get_status_display()}."


@case_action
def case_priority_view(request, case: Case):
    form = PriorityForm(request.POST)
    if not form.is_valid():
        return _invalid(request, form)
    if form.cleaned_data["priority"] == "auto":
        case = case_release_priority(case=case, actor=request.user)
        return f"Priority: {case.get_priority_display()} (automatic)."
    case = case_change_priority(case=case, priority=form.cleaned_data["priority"], actor=request.user)
    return f"Priority: {case.get_priority_display()} (held)."


@case_action
def case_claim_view(request, case: Case):
    case = case_claim(case=case, agent=request.user)
    return f"{case.reference} is yours."


@case_action
def case_assign_view(request, case: Case):
    form = AssignForm(request.POST)
    if not form.is_valid():
        return _invalid(request, form)
    assignee, team = form.cleaned_data["assignee"], form.cleaned_data["team"]
    case = case_assign(case=case, assignee=assignee, actor=request.user, team=team)
    who = (assignee.get_full_name() or assignee.get_username()) if assignee else "nobody"
    return f"{case.reference} assigned to {who}."


@case_action
def case_tags_view(request, case: Case):
    form = TagsForm(request.POST)
    if not form.is_valid():
        return _invalid(request, form)
    case_set_tags(case=case, tag_ids=[tag.pk for tag in form.cleaned_data["tags"]], actor=request.user)
    return "Tags saved."


@case_action
def case_escalate_view(request, case: Case):
    form = EscalateForm(request.POST)
    if not form.is_valid():
        return _invalid(request, form)
    case = case_escalate(
        case=case, actor=request.user, reason=form.cleaned_data["reason"], team=form.cleaned_data["team"]
    )
    return f"{case.reference} escalated (priority {case.get_priority_display()})."


@case_action
def case_merge_view(request, case: Case):
    form = MergeForm(request.POST)
    if not form.is_valid():
        return _invalid(request, form)
    target = cases_visible_to(user=request.user).filter(pk=form.cleaned_data["target"]).first()
    if target is None:
        raise CaseChangeError(f"There is no case SC-{form.cleaned_data['target']} you can see.")
    target = case_merge(source=case, target=target, actor=request.user)
    messages.success(request, f"{case.reference} merged into {target.reference}.")
    return _back(request, target.pk)


@case_action
def case_resolve_view(request, case: Case):
    case = case_resolve(
        case=case, actor=request.user, send_survey=request.POST.get("no_survey") not in ("1", "on", "true")
    )
    return f"{case.reference} resolved."


@case_action
def case_retry_view(request, case: Case, message_id: int):
    from channels_app.services import outbound_retry  # cases reaches channels only through the outbox

    OutboundMessage = apps.get_model("channels_app", "OutboundMessage")
    message = OutboundMessage.objects.filter(pk=message_id, case=case).first()
    if message is None:
        raise Http404("No such reply on this case.")
    if outbound_retry(message=message):
        return "Sending the reply again."
    messages.info(request, "That reply is not failed (it was sent or is being sent): nothing to retry.")
    return None
