"""Django admin of alerts: the settings (one row), and the alerts and counts, mostly for reading.

Alerts are written by the beat tasks and moved along on the alert pages
(acknowledge, close), so their figures are read-only here; only the status
may be changed (a repair). Hourly counts are recounted by the spike task
and are read-only. Counts grow by rules x terms x 24 rows a day, so that
list uses LargeTableAdminMixin.
"""

from django.contrib import admin

from alerts.models import AlertSettings, CapacityAlert, SpikeAlert, TermHourCount
from socialcrm.admin_utils import LargeTableAdminMixin


@admin.register(AlertSettings)
class AlertSettingsAdmin(admin.ModelAdmin):
    list_display = (
        "__str__",
        "z_threshold",
        "min_volume",
        "min_ratio",
        "alpha",
        "capacity_horizon_hours",
        "replies_per_agent_hour",
    )
    readonly_fields = ("updated_at",)

    def has_add_permission(self, request) -> bool:
        # One row: once it exists it is edited, not added again.
        return not AlertSettings.objects.exists()

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(SpikeAlert)
class SpikeAlertAdmin(admin.ModelAdmin):
    list_display = ("hour", "rule", "term", "count", "baseline", "z", "negative_share", "status", "notified_at")
    list_filter = ("status", "rule", ("hour", admin.DateFieldListFilter))
    search_fields = ("term",)
    list_select_related = ("rule",)
    readonly_fields = (
        "rule",
        "term",
        "hour",
        "count",
        "baseline",
        "std",
        "z",
        "negative_share",
        "sample_post_ids",
        "acknowledged_by",
        "acknowledged_at",
        "closed_at",
        "notified_at",
        "created_at",
        "updated_at",
    )

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(CapacityAlert)
class CapacityAlertAdmin(admin.ModelAdmin):
    list_display = (
        "window_start",
        "team",
        "backlog",
        "agents_on_shift",
        "predicted_breaches",
        "status",
        "notified_at",
    )
    list_filter = ("status", "team", ("window_start", admin.DateFieldListFilter))
    list_select_related = ("team",)
    readonly_fields = (
        "team",
        "window_start",
        "horizon_hours",
        "backlog",
        "agents_on_shift",
        "predicted_breaches",
        "acknowledged_by",
        "acknowledged_at",
        "closed_at",
        "notified_at",
        "created_at",
        "updated_at",
    )

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(TermHourCount)
class TermHourCountAdmin(LargeTableAdminMixin, admin.ModelAdmin):
    list_display = ("hour", "rule", "term", "posts", "negative_posts", "evaluated_at")
    list_filter = ("rule", ("hour", admin.DateFieldListFilter))
    search_fields = ("term__exact",)
    search_help_text = "The exact term (as the rule writes it), or * for the total."
    list_select_related = ("rule",)
    sortable_by = ("hour",)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
