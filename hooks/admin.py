"""Admin of outbound webhooks: subscriptions (events as checkboxes; pause, resume, new secret)
and the delivery log (read-only; redeliver by hand).

The secret is shown read-only on the subscription's page, for admins to copy
into the receiver: it has to be stored in clear to sign (docs/WEBHOOKS.md).
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError

from hooks.models import WebhookDelivery, WebhookEvent, WebhookSubscription
from hooks.services import (
    WebhookError,
    webhook_redeliver,
    webhook_subscription_pause,
    webhook_subscription_resume,
    webhook_subscription_rotate_secret,
)


class WebhookSubscriptionForm(forms.ModelForm):
    events = forms.MultipleChoiceField(choices=WebhookEvent.choices, widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = WebhookSubscription
        fields = ("name", "url", "events", "is_active")


@admin.register(WebhookSubscription)
class WebhookSubscriptionAdmin(admin.ModelAdmin):
    form = WebhookSubscriptionForm
    list_display = ("name", "url", "events_list", "is_active", "paused_at", "consecutive_failures", "created_at")
    list_filter = ("is_active", ("paused_at", admin.EmptyFieldListFilter))
    search_fields = ("name", "url")
    readonly_fields = ("secret", "paused_at", "pause_reason", "consecutive_failures", "created_by", "created_at")
    actions = ("pause", "resume", "rotate_secret")

    def get_fields(self, request, obj=None):
        fields = ("name", "url", "events", "is_active")
        return fields if obj is None else (*fields, *self.readonly_fields)

    def get_readonly_fields(self, request, obj=None):
        return () if obj is None else self.readonly_fields

    @admin.display(description="events")
    def events_list(self, obj) -> str:
        return ", ".join(obj.events)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
        if not change:
            messages.info(request, f"Signing secret of '{obj.name}': {obj.secret} (also shown on its page).")

    @admin.action(description="Pause the selected subscriptions", permissions=["change"])
    def pause(self, request, queryset):
        paused = sum(
            webhook_subscription_pause(subscription=sub, reason=f"Paused by {request.user.get_username()}")
            for sub in queryset
        )
        messages.success(request, f"Paused {paused} subscription(s).")

    @admin.action(description="Resume the selected subscriptions (send what waited)", permissions=["change"])
    def resume(self, request, queryset):
        queued = sum(webhook_subscription_resume(subscription=sub) for sub in queryset)
        messages.success(request, f"Resumed {queryset.count()} subscription(s); {queued} delivery(ies) queued.")

    @admin.action(description="Give the selected subscriptions a new secret", permissions=["change"])
    def rotate_secret(self, request, queryset):
        for sub in queryset:
            webhook_subscription_rotate_secret(subscription=sub)
        messages.warning(request, "New secrets are on each subscription's page; update the receivers.")


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = (
        "id",
        "event",
        "subscription",
        "status",
        "attempts",
        "response_code",
        "next_attempt_at",
        "delivered_at",
        "created_at",
    )
    list_filter = ("status", "event", "subscription")
    list_select_related = ("subscription",)
    search_fields = ("=event_id",)
    date_hierarchy = "created_at"
    show_full_result_count = False
    actions = ("redeliver",)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False  # the log is what happened: read-only

    def has_redeliver_permission(self, request) -> bool:
        return request.user.has_perm("hooks.redeliver_webhookdelivery")

    @admin.action(description="Redeliver the selected deliveries", permissions=["redeliver"])
    def redeliver(self, request, queryset):
        sent, refused = 0, []
        for delivery in queryset.select_related("subscription"):
            try:
                webhook_redeliver(delivery=delivery)
                sent += 1
            except (WebhookError, ValidationError) as error:
                refused.append(f"#{delivery.pk}: {error}")
        if sent:
            messages.success(request, f"Queued {sent} delivery(ies) again.")
        for message in refused[:10]:
            messages.error(request, message)
