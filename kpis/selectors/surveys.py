"""Reads of satisfaction surveys for the console: a case's surveys and where each stands.

Owns case_surveys(). One query; never writes. The caller decides who may
see the case (the case page reads it through cases_visible_to()).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from kpis.models import SatisfactionSurvey
from kpis.services import SCORE_LABELS


@dataclass(frozen=True, slots=True)
class SurveyView:
    survey: SatisfactionSurvey
    state: str  # "answered", "expired" or "waiting"

    @property
    def score_label(self) -> str:
        return SCORE_LABELS.get(self.survey.score, "") if self.survey.score else ""


def case_surveys(*, case_id: int, now: dt.datetime | None = None) -> list[SurveyView]:
    """The case's surveys, newest first, each with its state at `now`."""
    now = now or timezone.now()
    views = []
    for survey in SatisfactionSurvey.objects.filter(case_id=case_id).order_by("-sent_at", "-pk"):
        if survey.answered_at is not None:
            state = "answered"
        elif survey.expires_at is not None and survey.expires_at <= now:
            state = "expired"
        else:
            state = "waiting"
        views.append(SurveyView(survey=survey, state=state))
    return views
