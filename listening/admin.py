"""Admin of listening: the rules (edited here) and the agents' feedback (read only)."""

from django.contrib import admin

from listening.models import ListeningFeedback, ListeningRule


@admin.register(ListeningRule)
class ListeningRuleAdmin(admin.ModelAdmin):
    list_display = ("brand", "is_active", "term_count", "exclusion_count", "language_list", "updated_at")
    list_filter = ("is_active", "channels")
    search_fields = ("brand",)
    filter_horizontal = ("channels",)
    readonly_fields = ("created_at", "updated_at")
    fieldsets = (
        (None, {"fields": ("brand", "is_active", "channels")}),
        (
            "Terms",
            {
                "description": (
                    'Each a JSON list of strings, e.g. ["Acme Air", "#AcmeAir"]. A term matches as a whole word or '
                    "phrase, ignoring case; a leading @ or # is ignored. The terms widen the channels' own terms: "
                    "they build the X search query, filter RSS feeds and classify posts (brand and product terms: "
                    "proactive; competitor terms: progressive). Posts addressed to the brand are always heard."
                ),
                "fields": ("brand_terms", "product_terms", "competitor_terms"),
            },
        ),
        (
            "Narrowing",
            {
                "description": (
                    "A post containing an exclusion, or written in a language outside the list, is not proactive "
                    'nor progressive. Languages are ISO 639-1 codes, e.g. ["en", "es"]; empty listens in every '
                    "language. Check the rules report for terms that bring noise."
                ),
                "fields": ("exclusions", "languages"),
            },
        ),
        ("Record", {"fields": ("created_at", "updated_at")}),
    )

    @admin.display(description="terms")
    def term_count(self, rule: ListeningRule) -> int:
        return len(rule.brand_terms) + len(rule.product_terms) + len(rule.competitor_terms)

    @admin.display(description="exclusions")
    def exclusion_count(self, rule: ListeningRule) -> int:
        return len(rule.exclusions)

    @admin.display(description="languages")
    def language_list(self, rule: ListeningRule) -> str:
        return ", ".join(rule.languages) or "all"


@admin.register(ListeningFeedback)
class ListeningFeedbackAdmin(admin.ModelAdmin):
    list_display = ("created_at", "rule", "verdict", "post", "user", "matched_terms")
    list_filter = ("verdict", "rule")
    list_select_related = ("rule", "post", "user")
    raw_id_fields = ("post",)
    date_hierarchy = "created_at"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
