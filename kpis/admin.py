"""Django admin of satisfaction surveys and KPI rollups.

Owns presentation only, and mostly for reading: a survey's answer is the
customer's own words and a rollup is recomputed by the rollup tasks, so
neither is edited here (rows may still be added, for repairs and tests).
A survey's token is the credential of its answer link and is never shown.

KPI settings (one row), contact costs and self-service resolutions are
configuration and inputs an admin edits.

Surveys and rollups grow with time (a survey per resolved case, a rollup per day,
metric and dimension value), so both use LargeTableAdminMixin and filter
dates with links instead of date_hierarchy, whose year list reads the
whole table.
"""

from django.contrib import admin

from cases.admin import CaseReferenceSearchMixin
from cases.models import Case
from kpis.models import ContactCost, KpiRollup, KpiSettings, SatisfactionSurvey, SelfServiceResolution
from socialcrm.admin_utils import LargeTableAdminMixin, admin_change_link, titled, truncated


@admin.register(SatisfactionSurvey)
class SatisfactionSurveyAdmin(CaseReferenceSearchMixin, LargeTableAdminMixin, admin.ModelAdmin):
    case_reference_lookup = "case_id"
    list_display = ("case_link", "sent_at", "answered_at", "score", "comment_preview")
    list_filter = (
        "score",
        ("answered_at", titled(admin.EmptyFieldListFilter, "answered")),
        ("sent_at", admin.DateFieldListFilter),
    )
    search_fields = ("comment",)
    search_help_text = "A case reference (SC-123), or part of the comment."
    # The model's -sent_at order is indexed (survey_sent_idx).
    sortable_by = ("sent_at",)
    autocomplete_fields = ("case",)
    raw_id_fields = ("agent", "team", "channel")

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        # Whoever holds the token can answer as the customer.
        return fields if obj is None else [name for name in fields if name != "token"]

    @admin.display(description="case")
    def case_link(self, obj: SatisfactionSurvey) -> str:
        return admin_change_link(Case, obj.case_id, f"SC-{obj.case_id}")

    @admin.display(description="comment")
    def comment_preview(self, obj: SatisfactionSurvey) -> str:
        return truncated(obj.comment, 80)


@admin.register(KpiRollup)
class KpiRollupAdmin(LargeTableAdminMixin, admin.ModelAdmin):
    list_display = ("day", "metric", "dimension", "dimension_key", "value", "sample_size", "computed_at")
    list_filter = ("dimension", ("day", admin.DateFieldListFilter))
    search_fields = ("metric", "dimension_key__exact")
    search_help_text = "Part of a metric name, or the exact id of a channel, team or agent."
    readonly_fields = ("computed_at",)

    def has_change_permission(self, request, obj=None) -> bool:
        # Rollup tasks overwrite these rows; an edit would last until the next run.
        return False


@admin.register(KpiSettings)
class KpiSettingsAdmin(admin.ModelAdmin):
    list_display = ("__str__", "time_zone", "currency", "cost_per_call", "survey_expiry_days", "active_customer_days")

    def has_add_permission(self, request) -> bool:
        # One row: once it exists it is edited, not added again.
        return not KpiSettings.objects.exists()

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ContactCost)
class ContactCostAdmin(admin.ModelAdmin):
    list_display = ("channel_kind", "cost_per_contact")
    list_editable = ("cost_per_contact",)


@admin.register(SelfServiceResolution)
class SelfServiceResolutionAdmin(LargeTableAdminMixin, admin.ModelAdmin):
    list_display = ("occurred_at", "source", "reference", "customer")
    list_filter = ("source", ("occurred_at", admin.DateFieldListFilter))
    search_fields = ("reference", "visitor_key__exact")
    search_help_text = "Part of the article or thread, or the exact visitor id."
    autocomplete_fields = ("customer",)
    sortable_by = ("occurred_at",)
