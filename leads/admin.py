"""Admin of sales leads: browse and correct; the rules and services make and move leads."""

from django.contrib import admin

from leads.models import Lead


@admin.register(Lead)
class LeadAdmin(admin.ModelAdmin):
    list_display = ["id", "created_at", "customer", "reason", "competitor", "status", "owner", "value", "currency"]
    list_filter = ["status", "reason", "channel", "currency", "created_at"]
    search_fields = ["competitor", "customer__name", "customer__email", "post__text", "notes"]
    list_select_related = ["customer", "owner"]
    readonly_fields = ["post", "channel", "customer", "case", "reason", "created_at", "updated_at"]
    autocomplete_fields = ["owner"]
    date_hierarchy = "created_at"
    ordering = ["-id"]
