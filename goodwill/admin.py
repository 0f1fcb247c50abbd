"""Django admin of goodwill compensation: the policy (one row), contact details and relationships
the collusion checks compare, and the requests, read-only.

Requests are decided through goodwill.services (the approval queue, the
API): the admin shows them and never lets a status, decider or flag be
typed in, since four eyes, the limits and the audit trail would be bypassed.
"""

from django.contrib import admin

from goodwill.models import (
    CompensationRequest,
    CustomerContactDetail,
    DeclaredRelationship,
    EmployeeContact,
    GoodwillPolicy,
)


@admin.register(GoodwillPolicy)
class GoodwillPolicyAdmin(admin.ModelAdmin):
    list_display = ["__str__", "currency", "agent_case_limit", "agent_customer_month_limit", "manager_self_limit"]

    def has_add_permission(self, request) -> bool:
        return super().has_add_permission(request) and not GoodwillPolicy.objects.exists()

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(EmployeeContact)
class EmployeeContactAdmin(admin.ModelAdmin):
    list_display = ["user", "phone", "personal_email", "updated_at"]
    search_fields = ["user__username", "user__last_name", "phone", "personal_email"]
    raw_id_fields = ["user"]


@admin.register(CustomerContactDetail)
class CustomerContactDetailAdmin(admin.ModelAdmin):
    list_display = ["customer", "address", "updated_at"]
    search_fields = ["customer__name", "customer__email", "address"]
    raw_id_fields = ["customer"]


@admin.register(DeclaredRelationship)
class DeclaredRelationshipAdmin(admin.ModelAdmin):
    list_display = ["agent", "customer", "kind", "declared_at"]
    list_filter = ["kind"]
    search_fields = ["agent__username", "agent__last_name", "customer__name", "customer__email"]
    raw_id_fields = ["agent", "customer"]
    list_select_related = ["agent", "customer"]


@admin.register(CompensationRequest)
class CompensationRequestAdmin(admin.ModelAdmin):
    list_display = ["id", "case", "customer", "kind", "amount", "currency", "status", "requested_by", "decided_by"]
    list_filter = ["status", "kind", "category", "needs_approval", "review_required"]
    search_fields = ["reason", "customer__name", "requested_by__username"]
    list_select_related = ["case", "customer", "requested_by", "decided_by"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
