"""Forms of the leads pages: the list's filter and the actions on one lead."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q

from channels_app.models import Channel
from leads.choices import LeadReason, LeadStatus
from leads.selectors import NO_OWNER, LeadFilters

DEFAULT_DAYS = 30


class LeadFilterForm(forms.Form):
    status = forms.ChoiceField(choices=[("", "Any status"), *LeadStatus.choices], required=False)
    reason = forms.ChoiceField(choices=[("", "Any reason"), *LeadReason.choices], required=False)
    competitor = forms.CharField(max_length=200, required=False)
    owner = forms.ChoiceField(required=False)
    channel = forms.ModelChoiceField(queryset=Channel.objects.all(), required=False, empty_label="Any channel")
    start = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}), label="Created from")
    end = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}), label="to")
    after = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def __init__(self, *args, today: dt.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        # Whoever can work leads (the Sales group, managers, admins): one query.
        people = (
            get_user_model()
            ._default_manager.filter(
                Q(groups__permissions__codename="change_lead", groups__permissions__content_type__app_label="leads")
                | Q(is_superuser=True),
                is_active=True,
            )
            .distinct()
            .order_by("username")
            .values_list("pk", "username")
        )
        self.fields["owner"].choices = [("", "Anyone"), (NO_OWNER, "Nobody"), *((str(pk), n) for pk, n in people)]

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            raise forms.ValidationError("The period ends before it starts.")
        return data

    def period(self) -> tuple[dt.date, dt.date]:
        end = self.cleaned_data.get("end") or self.today
        start = self.cleaned_data.get("start") or end - dt.timedelta(days=DEFAULT_DAYS - 1)
        return start, end

    def filters(self, zone: zoneinfo.ZoneInfo) -> LeadFilters:
        """The filters of a valid form; the period is whole local days in `zone`, the last 30 by default."""
        first, last = self.period()
        channel = self.cleaned_data.get("channel")
        return LeadFilters(
            status=self.cleaned_data.get("status") or "",
            reason=self.cleaned_data.get("reason") or "",
            competitor=(self.cleaned_data.get("competitor") or "").strip(),
            owner=self.cleaned_data.get("owner") or "",
            channel_id=channel.pk if channel else None,
            start=_midnight(first, zone),
            end=_midnight(last + dt.timedelta(days=1), zone),
        )


def _midnight(day: dt.date, zone: zoneinfo.ZoneInfo) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=zone).astimezone(dt.UTC)


class WonForm(forms.Form):
    value = forms.DecimalField(max_digits=14, decimal_places=2, min_value=0)
    currency = forms.CharField(max_length=3, min_length=3, required=False)


class LostForm(forms.Form):
    reason = forms.CharField(max_length=200)


class NotesForm(forms.Form):
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 5}), required=False)
