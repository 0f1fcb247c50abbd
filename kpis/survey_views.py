"""The public satisfaction survey page: what a customer opens from the link in the survey message.

No login: the signed token in the URL is the only credential, so the page
shows nothing of the customer but a first name and the case reference, and
is never cached or indexed. GET shows the form (1 to 5 and a comment), POST
records the answer through kpis.services.survey_answer() and thanks the
customer. A link that answers nothing gets a friendly page with its status:
404 when forged or unknown (as for any missing page), 410 Gone when expired
or already answered (the second answer changes nothing).
"""

from __future__ import annotations

from django import forms
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from kpis.services import (
    COMMENT_MAX_LENGTH,
    SCORE_LABELS,
    SurveyAlreadyAnswered,
    SurveyBadAnswer,
    SurveyError,
    SurveyExpired,
    survey_answer,
    survey_check,
)
from socialcrm.ratelimit import rate_limited


class SurveyForm(forms.Form):
    score = forms.TypedChoiceField(
        choices=[(value, f"{value}: {label}") for value, label in SCORE_LABELS.items()],
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose a score from 1 to 5.", "invalid_choice": "Choose a score from 1 to 5."},
    )
    comment = forms.CharField(required=False, max_length=COMMENT_MAX_LENGTH, widget=forms.Textarea)


@never_cache
@rate_limited("survey")
@require_http_methods(["GET", "POST"])
def survey_answer_view(request, token: str):
    try:
        survey = survey_check(token=token)
    except SurveyError as error:
        return _unavailable(request, error)
    form = SurveyForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            survey_answer(token=token, score=form.cleaned_data["score"], comment=form.cleaned_data["comment"])
        except SurveyBadAnswer as error:
            form.add_error(None, str(error))
        except SurveyError as error:
            return _unavailable(request, error)
        else:
            return _page(request, "surveys/thanks.html", {"survey": survey})
    context = {
        "survey": survey,
        "form": form,
        "first_name": _first_name(survey.case.customer.name),
        "reference": survey.case.reference,
    }
    return _page(request, "surveys/answer.html", context, status=400 if form.is_bound else 200)


def _unavailable(request, error: SurveyError):
    if isinstance(error, SurveyAlreadyAnswered):
        reason = "answered"
    elif isinstance(error, SurveyExpired):
        reason = "expired"
    else:
        reason = "invalid"
    return _page(request, "surveys/unavailable.html", {"reason": reason, "message": str(error)}, status=error.status)


def _page(request, template: str, context: dict, status: int = 200):
    response = render(request, template, context, status=status)
    response["X-Robots-Tag"] = "noindex, nofollow"  # a token URL must never end up in a search index
    return response


def _first_name(name: str) -> str:
    parts = (name or "").split()
    return parts[0] if parts else ""
