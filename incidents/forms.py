"""Forms of the incident pages: they parse input; the rules are in incidents.services."""

from __future__ import annotations

import re

from django import forms

from incidents.models import IncidentSeverity, IncidentStatus

# "SC-123" (as the console writes it), "C-123", "#123" or "123".
REFERENCE_RE = re.compile(r"#?(?:S?C-?)?(\d{1,18})", re.IGNORECASE)


class IncidentForm(forms.Form):
    title = forms.CharField(max_length=200)
    severity = forms.ChoiceField(choices=IncidentSeverity.choices, initial=IncidentSeverity.MAJOR)
    started_at = forms.DateTimeField(
        required=False,
        help_text="Leave empty for now.",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    description = forms.CharField(required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))
    public_message = forms.CharField(
        required=False,
        max_length=5000,
        label="Message for customers",
        help_text="Suggested text for the bulk reply.",
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class StatusForm(forms.Form):
    status = forms.ChoiceField(choices=IncidentStatus.choices)


class LinkForm(forms.Form):
    references = forms.CharField(
        required=False, max_length=5000, label="Cases", help_text="References such as SC-123 or C-123, or ids."
    )
    case_ids = forms.TypedMultipleChoiceField(required=False, coerce=int, choices=())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Any id is acceptable here: which ones the user may link is the service's call.
        self.fields["case_ids"].valid_value = lambda value: str(value).isdigit()

    def clean_references(self) -> list[int]:
        ids, bad = [], []
        for token in re.split(r"[\s,;]+", self.cleaned_data["references"].strip()):
            if not token:
                continue
            match = REFERENCE_RE.fullmatch(token)
            if match:
                ids.append(int(match.group(1)))
            else:
                bad.append(token)
        if bad:
            raise forms.ValidationError(f"Not a case reference: {', '.join(bad[:5])}. Use SC-123 or 123.")
        return ids

    def case_ids_to_link(self) -> list[int]:
        return sorted({*self.cleaned_data["references"], *self.cleaned_data["case_ids"]})


class BulkReplyForm(forms.Form):
    text = forms.CharField(max_length=10_000, strip=True, widget=forms.Textarea(attrs={"rows": 4}))
    token = forms.UUIDField(widget=forms.HiddenInput)
    confirm = forms.BooleanField(
        required=True, error_messages={"required": "Tick the confirmation: the reply goes to every open case."}
    )


class CaseLinkForm(forms.Form):
    incident = forms.IntegerField(min_value=1)
