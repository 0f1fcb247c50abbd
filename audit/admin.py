"""Admin of the audit trail: a filtered, searchable list and read-only pages, for holders of
audit.view_auditentry (the Admins group). Nobody adds, changes or deletes an entry here, not
even a superuser: every has_*_permission but view answers False (the model and, on
PostgreSQL, the database refuse it too)."""

from django.contrib import admin

from audit.models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ("occurred_at", "actor_label", "action", "target_type", "target_label", "ip")
    list_filter = ("action", ("actor", admin.RelatedFieldListFilter), "target_type")
    date_hierarchy = "occurred_at"
    search_fields = ("actor_label", "target_label", "ip")
    fields = (
        "occurred_at",
        "actor",
        "actor_label",
        "action",
        "target_type",
        "target_id",
        "target_label",
        "detail",
        "ip",
        "user_agent",
        "path",
    )
    readonly_fields = fields
    list_select_related = False  # the list shows actor_label, the name at the time: no join
    show_full_result_count = False  # a count(*) of millions of rows on every page is not worth it
    actions = None

    def has_view_permission(self, request, obj=None) -> bool:
        return request.user.has_perm("audit.view_auditentry")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
