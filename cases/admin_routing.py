"""Django admin of routing rules: their order, conditions and target team.

Presentation only: RoutingRule.clean() validates conditions, the form shows
them as ticked boxes of the enum's values (languages and terms as
comma-separated text), and rules are evaluated by cases.routing.
"""

from django import forms
from django.contrib import admin
from django.db import models

from cases.choices import ChannelKind, CustomerTier, EngagementType, Intent, Priority
from cases.models import RoutingRule


def _any_of(choices: type[models.Choices], label: str) -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        choices=choices.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=f"None ticked: any {label}.",
    )


class CommaSeparatedListField(forms.CharField):
    """A list of strings typed as comma-separated text; empty items are dropped."""

    def prepare_value(self, value):
        if isinstance(value, list):
            return ", ".join(value)
        return value

    def to_python(self, value):
        if isinstance(value, list):
            return value
        text = super().to_python(value) or ""
        return [item.strip() for item in text.split(",") if item.strip()]


class RoutingRuleForm(forms.ModelForm):
    channel_kinds = _any_of(ChannelKind, "channel kind")
    intents = _any_of(Intent, "intent")
    engagement_types = _any_of(EngagementType, "engagement type")
    priorities = _any_of(Priority, "priority")
    customer_tiers = _any_of(CustomerTier, "customer tier")
    languages = CommaSeparatedListField(
        required=False, help_text="ISO 639-1 codes separated by commas, e.g. “es, pt”. Empty: any language."
    )
    terms = CommaSeparatedListField(
        required=False,
        help_text="Words or phrases separated by commas, matched as whole words in the subject or first "
        "message, ignoring case; any one is enough. Empty: any text.",
    )

    class Meta:
        model = RoutingRule
        fields = (
            "channel_kinds",
            "languages",
            "intents",
            "engagement_types",
            "priorities",
            "customer_tiers",
            "terms",
        )

    def clean_languages(self):
        return [code.lower() for code in self.cleaned_data["languages"]]


@admin.register(RoutingRule)
class RoutingRuleAdmin(admin.ModelAdmin):
    form = RoutingRuleForm
    list_display = ("name", "position", "is_active", "team", "required_skill", "stop", "conditions")
    list_display_links = ("name",)
    list_editable = ("position", "is_active")
    list_filter = ("is_active", "team", "stop")
    list_select_related = ("team",)
    ordering = ("position", "id")
    search_fields = ("name", "required_skill")
    readonly_fields = ("created_at", "updated_at")
    fieldsets = (
        (None, {"fields": ("name", "position", "is_active", "stop")}),
        (
            "Applies to (rules are tried in position order; the first matching rule that stops decides)",
            {
                "fields": (
                    "channel_kinds",
                    "languages",
                    "intents",
                    "engagement_types",
                    "priorities",
                    "customer_tiers",
                    "terms",
                )
            },
        ),
        ("Routes to", {"fields": ("team", "required_skill")}),
        (None, {"fields": ("created_at", "updated_at")}),
    )

    @admin.display(description="conditions")
    def conditions(self, obj: RoutingRule) -> str:
        parts = [
            ", ".join(values)
            for values in (
                obj.channel_kinds,
                obj.languages,
                obj.intents,
                obj.engagement_types,
                obj.priorities,
                obj.customer_tiers,
            )
            if values
        ]
        if obj.terms:
            parts.append("terms: " + ", ".join(f"“{term}”" for term in obj.terms))
        return "; ".join(parts) or "any case"
