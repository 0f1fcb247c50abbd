"""Admin of incidents: incidents with their linked cases (read-only: linking goes through the
incident page, which records the case events), and bulk replies as a read-only record."""

from django.contrib import admin

from incidents.models import Incident, IncidentBulkReply, IncidentCase


class IncidentCaseInline(admin.TabularInline):
    model = IncidentCase
    fields = ("case", "linked_by", "linked_at")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("case", "linked_by")


@admin.register(Incident)
class IncidentAdmin(admin.ModelAdmin):
    list_display = ("title", "status", "severity", "started_at", "resolved_at", "created_by")
    list_filter = ("status", "severity")
    search_fields = ("title", "description")
    date_hierarchy = "started_at"
    # Status goes through the incident page (incident_update_status keeps resolved_at right).
    readonly_fields = ("status", "resolved_at", "created_by", "created_at", "updated_at")
    list_select_related = ("created_by",)
    inlines = [IncidentCaseInline]

    def save_model(self, request, obj, form, change) -> None:
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(IncidentBulkReply)
class IncidentBulkReplyAdmin(admin.ModelAdmin):
    list_display = ("incident", "author", "status", "sent_count", "created_at", "finished_at")
    list_filter = ("status",)
    list_select_related = ("incident", "author")
    readonly_fields = (
        "incident",
        "author",
        "text",
        "token",
        "status",
        "sent_count",
        "failures",
        "created_at",
        "finished_at",
    )

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
