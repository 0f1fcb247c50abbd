"""Django admin of the priority weights (cases.models.PriorityWeightSet).

Owns presentation only: the weights are documented in cases.priority and
validated by the model. A saved set takes effect for what is scored next
(a message ingested, a customer's tier changed); scores already stored
are not recomputed here.
"""

from django.contrib import admin

from cases.models import PriorityWeightSet

WEIGHT_FIELDSETS = (
    (None, {"fields": ("name", "is_active")}),
    ("Sentiment", {"fields": ("negative_sentiment", "negative_label_floor")}),
    (
        "Intent",
        {
            "fields": (
                "intent_churn_threat",
                "intent_complaint",
                "intent_question",
                "intent_sales_lead",
                "intent_other",
                "intent_praise",
            )
        },
    ),
    ("Influence (followers)", {"fields": ("influence_low", "influence_medium", "influence_high", "influence_top")}),
    ("Account and customer", {"fields": ("verified", "tier_standard", "tier_premium", "tier_vip")}),
    (
        "Engagement type",
        {"fields": ("engagement_reactive", "engagement_proactive", "engagement_progressive", "engagement_none")},
    ),
    ("Virality", {"fields": ("viral_velocity", "viral_points", "very_viral_velocity", "very_viral_points")}),
    ("Waiting", {"fields": ("waiting_minutes_per_point", "waiting_cap")}),
    ("Labels (lowest score of each)", {"fields": ("urgent_at", "high_at", "normal_at")}),
)


@admin.register(PriorityWeightSet)
class PriorityWeightSetAdmin(admin.ModelAdmin):
    list_display = ("name", "is_active", "urgent_at", "high_at", "normal_at", "updated_at")
    list_filter = ("is_active",)
    ordering = ("-is_active", "name")
    fieldsets = WEIGHT_FIELDSETS
