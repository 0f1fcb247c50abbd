"""Forms of the agent console: they validate what the browser sends before selectors and services see it."""

from django import forms
from django.apps import apps
from django.contrib.auth import get_user_model

from cases.choices import CaseStatus, EngagementType, Intent, Priority, SentimentLabel
from cases.models import Tag
from cases.selectors.inbox import VIEWS, InboxFilters


def _choices(enum) -> list[tuple[str, str]]:
    return [("", "any"), *enum.choices]


class InboxFilterForm(forms.Form):
    view = forms.ChoiceField(choices=list(VIEWS.items()), required=False)
    q = forms.CharField(required=False, max_length=200, label="Search posts and handles")
    channel = forms.ModelChoiceField(queryset=None, required=False, empty_label="any")
    priority = forms.ChoiceField(choices=_choices(Priority), required=False)
    status = forms.ChoiceField(choices=_choices(CaseStatus), required=False)
    sentiment = forms.ChoiceField(choices=_choices(SentimentLabel), required=False)
    engagement = forms.ChoiceField(choices=_choices(EngagementType), required=False)
    intent = forms.ChoiceField(choices=_choices(Intent), required=False)
    tag = forms.ModelChoiceField(queryset=Tag.objects.all(), required=False, empty_label="any")
    language = forms.CharField(required=False, max_length=16)
    assignee = forms.ModelChoiceField(queryset=None, required=False, empty_label="anyone")
    after = forms.CharField(required=False, max_length=500, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["channel"].queryset = apps.get_model("channels_app", "Channel").objects.order_by("name")
        self.fields["assignee"].queryset = (
            get_user_model().objects.filter(agent_profile__isnull=False, is_active=True).order_by("username")
        )

    def controls(self) -> list[dict]:
        """The filter controls as plain data: (name, label, value, options) for selects,
        rendered by the inbox template directly. Django's select widget renders every
        option through a template, which cost the inbox page most of its time."""
        controls = []
        for name in ("channel", "priority", "status", "sentiment", "engagement", "intent", "tag", "assignee"):
            field = self.fields[name]
            raw = self.data.get(name, "") if self.is_bound else ""
            options = [(str(value), str(label)) for value, label in field.choices]
            controls.append({"name": name, "label": field.label or name.title(), "value": raw, "options": options})
        return controls

    def filters(self) -> InboxFilters:
        """The validated filters (call after is_valid())."""
        data = self.cleaned_data
        return InboxFilters(
            channel=data["channel"].pk if data.get("channel") else None,
            priority=data.get("priority", ""),
            status=data.get("status", ""),
            sentiment=data.get("sentiment", ""),
            engagement=data.get("engagement", ""),
            intent=data.get("intent", ""),
            tag=data["tag"].pk if data.get("tag") else None,
            language=data.get("language", "").strip().lower(),
            assignee=data["assignee"].pk if data.get("assignee") else None,
            q=data.get("q", ""),
        )
