"""The KPI pages' filter: a date range in the brand's time zone and at most one channel, team or agent."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django import forms
from django.contrib.auth import get_user_model

from cases.models import Team
from channels_app.models import Channel
from kpis.scope import KpiScope, day_start

DEFAULT_DAYS = 30
MAX_DAYS = 366
EARLIEST = dt.date(2000, 1, 1)


class KpiFilterForm(forms.Form):
    start = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    channel = forms.ModelChoiceField(queryset=Channel.objects.order_by("name"), required=False)
    team = forms.ModelChoiceField(queryset=Team.objects.order_by("name"), required=False)
    agent = forms.ModelChoiceField(
        queryset=get_user_model()._default_manager.filter(agent_profile__isnull=False).order_by("username"),
        required=False,
    )

    def __init__(self, *args, today: dt.date, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.today = today

    def clean(self):
        data = super().clean()
        for name in ("start", "end"):
            if data.get(name) and not (EARLIEST <= data[name] <= self.today + dt.timedelta(days=1)):
                raise forms.ValidationError(f"Choose dates from {EARLIEST:%Y} to today.")
        end = data.get("end") or self.today
        start = data.get("start") or end - dt.timedelta(days=DEFAULT_DAYS - 1)
        if end > self.today:
            end = self.today
        if start > end:
            raise forms.ValidationError("The start date is after the end date.")
        if (end - start).days + 1 > MAX_DAYS:
            raise forms.ValidationError(f"Choose at most {MAX_DAYS} days.")
        if sum(data.get(name) is not None for name in ("channel", "team", "agent")) > 1:
            raise forms.ValidationError("Filter by one of channel, team or agent at a time.")
        data["start"], data["end"] = start, end
        return data

    def scope(self, *, zone: zoneinfo.ZoneInfo, now: dt.datetime, agent_id: int | None = None) -> KpiScope:
        """The scope the cleaned filter names; today ends now. `agent_id` forces one agent's numbers."""
        data = self.cleaned_data
        end = min(now, day_start(data["end"] + dt.timedelta(days=1), zone))
        return KpiScope(
            start=day_start(data["start"], zone),
            end=end,
            zone=zone,
            channel_id=data["channel"].pk if data.get("channel") and agent_id is None else None,
            team_id=data["team"].pk if data.get("team") and agent_id is None else None,
            agent_id=agent_id if agent_id is not None else (data["agent"].pk if data.get("agent") else None),
        )


DIMENSION_FIELDS = ("channel", "team", "agent")


def kpi_filter(*, user, data, now: dt.datetime | None = None) -> tuple[KpiFilterForm, KpiScope | None]:
    """The filter form and the scope it names for `user` (None when the form is invalid): the one
    rule of the KPI page and the API. Holders of kpis.view_kpi_dashboard choose a channel, team or
    agent; anyone else gets their own numbers, the dimension filters dropped."""
    from django.utils import timezone

    from kpis.scope import brand_zone

    zone = brand_zone()
    now = now or timezone.now()
    manager = user.has_perm("kpis.view_kpi_dashboard")
    if not manager:
        data = data.copy()
        for name in DIMENSION_FIELDS:
            data.pop(name, None)
    form = KpiFilterForm(data, today=now.astimezone(zone).date())
    if not form.is_valid():
        return form, None
    return form, form.scope(zone=zone, now=now, agent_id=None if manager else user.pk)
