"""Admin of listening: the rules (edited here) and the agents' feedback (read only).

Saving or deleting a rule re-classifies the recent posts of the channels it
touched (listening.services.posts_reclassify, in a worker after commit), so
the stream and the rules report follow the new terms.
"""

from django.conf import settings
from django.contrib import admin
from django.db import transaction

from listening.models import ListeningFeedback, ListeningRule
from listening.tasks import reclassify_posts_task


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

    def save_related(self, request, form, formsets, change):
        # form.initial holds the channels before this save: a channel taken off the rule loses its terms too.
        before = {getattr(channel, "pk", channel) for channel in form.initial.get("channels", [])}
        super().save_related(request, form, formsets, change)
        self._reclassify(request, before | set(form.instance.channels.values_list("pk", flat=True)))

    def delete_model(self, request, obj):
        channel_ids = set(obj.channels.values_list("pk", flat=True))
        super().delete_model(request, obj)
        self._reclassify(request, channel_ids)

    def delete_queryset(self, request, queryset):
        channel_ids = set(queryset.values_list("channels", flat=True)) - {None}
        super().delete_queryset(request, queryset)
        self._reclassify(request, channel_ids)

    def _reclassify(self, request, channel_ids: set[int]) -> None:
        if not channel_ids:
            return
        ids, days = sorted(channel_ids), settings.LISTENING_RECLASSIFY_DAYS
        transaction.on_commit(lambda: reclassify_posts_task.delay(ids, days))
        self.message_user(
            request, f"The posts of the last {days} days on {len(ids)} channel(s) will be classified again."
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
