"""Admin of privacy requests: record one (customer, kind, reason), then "Run" it.

Running needs privacy.export_customer_data or privacy.erase_customer_data,
by kind (Admins hold both). Thin: privacy.services does the work and audits
it. Erasure records are read-only: they are what an erasure left behind.
"""

from django.contrib import admin, messages

from privacy.models import ErasureRecord, PrivacyRequest, PrivacyRequestKind, PrivacyRequestStatus
from privacy.services import privacy_request_run

RUN_PERMISSION = {
    PrivacyRequestKind.EXPORT: "privacy.export_customer_data",
    PrivacyRequestKind.ERASURE: "privacy.erase_customer_data",
}


@admin.register(PrivacyRequest)
class PrivacyRequestAdmin(admin.ModelAdmin):
    list_display = ("id", "customer_id", "kind", "status", "requested_by", "created_at", "completed_at")
    list_filter = ("kind", "status")
    list_select_related = ("requested_by",)
    raw_id_fields = ("customer",)
    readonly_fields = ("status", "requested_by", "created_at", "completed_at", "export", "error")
    actions = ("run",)

    def get_fields(self, request, obj=None):
        fields = ("customer", "kind", "reason")
        return fields if obj is None else (*fields, *self.readonly_fields)

    def get_readonly_fields(self, request, obj=None):
        # Once recorded, a request is what was asked: only its outcome changes, by running it.
        return self.readonly_fields if obj is None else ("customer", "kind", "reason", *self.readonly_fields)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.requested_by = request.user
        super().save_model(request, obj, form, change)

    @admin.action(description="Run the selected requests")
    def run(self, request, queryset):
        done = failed = refused = 0
        for privacy_request in queryset.select_related("customer").order_by("pk"):
            if not request.user.has_perm(RUN_PERMISSION[privacy_request.kind]):
                refused += 1
                continue
            result = privacy_request_run(privacy_request=privacy_request, actor=request.user)
            done += result.status == PrivacyRequestStatus.DONE
            failed += result.status == PrivacyRequestStatus.FAILED
        level = messages.WARNING if failed else messages.SUCCESS
        self.message_user(request, f"{done} done, {failed} failed.", level)
        if refused:
            self.message_user(request, f"{refused} refused: you may not run that kind of request.", messages.ERROR)


@admin.register(ErasureRecord)
class ErasureRecordAdmin(admin.ModelAdmin):
    list_display = ("customer_id", "erased_at", "erased_by", "reason")
    list_select_related = ("erased_by",)
    fields = ("customer", "erased_at", "erased_by", "reason", "counts")
    readonly_fields = fields

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
