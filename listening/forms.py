"""Forms of the listening pages: the stream's filters and the report's period."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone

from cases.choices import EngagementType, SentimentLabel
from listening.selectors import LISTENED, StreamFilters

REPORT_DEFAULT_DAYS = 7


class StreamFilterForm(forms.Form):
    rule = forms.TypedChoiceField(required=False, coerce=int, empty_value=None, label="Rule")
    engagement = forms.ChoiceField(
        required=False,
        label="Engagement",
        choices=[("", "Any"), *((value, label) for value, label in EngagementType.choices if value in LISTENED)],
    )
    sentiment = forms.ChoiceField(required=False, choices=[("", "Any"), *SentimentLabel.choices])
    without_case = forms.BooleanField(required=False, label="Without case only")
    show_dismissed = forms.BooleanField(required=False, label="Show posts marked not relevant")

    def __init__(self, *args, rules=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rule"].choices = [("", "Every rule"), *((rule.pk, rule.brand) for rule in rules)]

    def filters(self) -> StreamFilters:
        """The valid filters; a filter not understood is ignored."""
        data = self.cleaned_data if self.is_valid() else {}
        return StreamFilters(
            rule_id=data.get("rule"),
            engagement_type=data.get("engagement") or "",
            sentiment=data.get("sentiment") or "",
            without_case=bool(data.get("without_case")),
            show_dismissed=bool(data.get("show_dismissed")),
        )


class ReportPeriodForm(forms.Form):
    start = forms.DateField(required=False, label="From", widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(required=False, label="To (inclusive)", widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        data = super().clean()
        today = timezone.localdate()
        data["end"] = data.get("end") or today
        data["start"] = data.get("start") or data["end"] - dt.timedelta(days=REPORT_DEFAULT_DAYS - 1)
        if data["start"] > data["end"]:
            raise forms.ValidationError("The period starts after it ends.")
        return data

    def period(self) -> tuple[dt.datetime, dt.datetime] | None:
        """[start of the first day, start of the day after the last) in the current time zone, or None."""
        if not self.is_valid():
            return None
        tz = timezone.get_current_timezone()
        start = dt.datetime.combine(self.cleaned_data["start"], dt.time.min, tzinfo=tz)
        end = dt.datetime.combine(self.cleaned_data["end"] + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
        return start, end
