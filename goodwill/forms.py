"""Forms of the goodwill pages: a request on a case, a decision, the report's filter."""

import datetime as dt
from decimal import Decimal

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone

from goodwill.choices import CompensationCategory, CompensationKind

MONTH_FORMAT = "%Y-%m"


class CompensationRequestForm(forms.Form):
    kind = forms.ChoiceField(choices=CompensationKind.choices)
    amount = forms.DecimalField(max_digits=10, decimal_places=2, min_value=Decimal("0.01"))
    currency = forms.CharField(min_length=3, max_length=3)
    category = forms.ChoiceField(choices=CompensationCategory.choices)
    reason = forms.CharField(max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))

    def clean_currency(self) -> str:
        currency = self.cleaned_data["currency"].strip().upper()
        if not (currency.isascii() and currency.isalpha()):
            raise forms.ValidationError("Use a three-letter code such as USD.")
        return currency


class DecisionForm(forms.Form):
    note = forms.CharField(required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class MonthField(forms.CharField):
    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        try:
            return dt.datetime.strptime(value, MONTH_FORMAT).date()
        except ValueError:
            raise forms.ValidationError("Use a month such as 2026-03.") from None


class ReportFilterForm(forms.Form):
    month_from = MonthField(required=False, label="From month", widget=forms.TextInput(attrs={"type": "month"}))
    month_to = MonthField(required=False, label="To month", widget=forms.TextInput(attrs={"type": "month"}))
    agent = forms.ModelChoiceField(queryset=get_user_model()._default_manager.none(), required=False)

    def __init__(self, *args, agents=None, **kwargs):
        super().__init__(*args, **kwargs)
        if agents is not None:
            self.fields["agent"].queryset = agents
        self.fields["agent"].label_from_instance = lambda user: user.get_full_name() or user.get_username()

    def clean(self):
        data = super().clean()
        today = timezone.now().date().replace(day=1)
        data["month_to"] = data.get("month_to") or today
        data["month_from"] = data.get("month_from") or data["month_to"].replace(month=1)
        if data["month_from"] > data["month_to"]:
            raise forms.ValidationError("The first month comes after the last.")
        return data
