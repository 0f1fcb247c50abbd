"""Django admin of ingestion and delivery: channels, social profiles, posts,
raw webhook deliveries and the outbox.

Owns presentation only. What a channel told us (a post's text and ids, a
delivery's headers and body) is shown and never edited after the row
exists; what operators legitimately change is editable: a channel's
configuration, a post's classification and case, a delivery's retry
state, an unsent reply.

Secrets never reach these pages: a channel stores the names of the
environment variables holding its credentials (credential_env), and
nothing here calls Channel.credential().

Posts, deliveries and outbound messages grow to millions of rows: their
changelists use LargeTableAdminMixin, order by an indexed column, join
only what a column shows, and link to cases by id without joining them.
"""

from django.contrib import admin, messages
from django.urls import reverse
from django.utils.html import format_html

from cases.admin import PREFIXED_CASE_REFERENCE_RE, CaseReferenceSearchMixin
from cases.models import Case
from cases.services import customer_refresh_influence
from channels_app import services
from channels_app.choices import OutboundStatus, RawEventStatus
from channels_app.models import Channel, OutboundMessage, RawEvent, SocialPost, SocialProfile
from channels_app.tasks import poll_channel_task
from socialcrm.admin_utils import (
    LargeTableAdminMixin,
    ReadonlyOnChangeMixin,
    admin_change_link,
    pretty_json,
    titled,
    truncated,
)

# A raw delivery's body shown in the admin: enough to read any webhook,
# bounded so a pathological upload cannot make the page huge.
RAW_BODY_PREVIEW_CHARS = 20_000


@admin.register(Channel)
class ChannelAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "kind",
        "is_active",
        "poll_interval_seconds",
        "polling_state",
        "last_polled_at",
        "last_success_at",
        "last_error_preview",
    )
    list_filter = (
        "kind",
        "is_active",
        ("polling_stopped_at", titled(admin.EmptyFieldListFilter, "polling stopped")),
        ("last_error", titled(admin.EmptyFieldListFilter, "last error")),
    )
    search_fields = ("name",)
    # Written by the poller: editing them would only hide what it last saw.
    readonly_fields = (
        "webhook_url",
        "next_poll_at",
        "poll_failures",
        "poll_lease_until",
        "polling_stopped_at",
        "last_polled_at",
        "last_success_at",
        "last_error",
        "last_error_at",
        "created_at",
        "updated_at",
    )
    fieldsets = (
        (None, {"fields": ("name", "kind", "is_active")}),
        ("Matching", {"fields": ("brand_handles", "brand_terms", "competitor_terms", "actionable_rules")}),
        (
            "Connection",
            {
                "fields": ("api_base_url", "options", "credential_env", "webhook_url"),
                "description": "Credentials are read from the environment variables named here; "
                "never paste a secret into these fields. docs/CHANNELS.md lists each kind's options and credentials.",
            },
        ),
        (
            "Off-hours acknowledgement",
            {
                "fields": ("acknowledge_off_hours", "acknowledgement_template"),
                "description": "Sent once per customer message when a case from this channel waits for its "
                "team's next shift: an automatic reply, which stops no SLA clock (docs/ROUTING.md).",
            },
        ),
        (
            "Polling",
            {
                "fields": (
                    "poll_interval_seconds",
                    "cursor",
                    "next_poll_at",
                    "poll_failures",
                    "poll_lease_until",
                    "polling_stopped_at",
                    "last_polled_at",
                    "last_success_at",
                )
            },
        ),
        ("Last error", {"fields": ("last_error", "last_error_at")}),
        ("History", {"fields": ("created_at", "updated_at")}),
    )
    actions = ("poll_now", "test_connection")

    @admin.display(description="last error")
    def last_error_preview(self, obj: Channel) -> str:
        return truncated(obj.last_error, 80) or "-"

    @admin.display(description="polling")
    def polling_state(self, obj: Channel) -> str:
        if obj.polling_stopped_at:
            return "stopped: needs a person"
        if obj.poll_failures:
            return f"backing off ({obj.poll_failures} failures)"
        return "ok" if obj.last_success_at else "-"

    @admin.display(description="webhook URL")
    def webhook_url(self, obj: Channel) -> str:
        return reverse("channel_webhook", args=[obj.pk]) if obj.pk else "-"

    @admin.action(description="Poll now (and resume a stopped channel)", permissions=["poll"])
    def poll_now(self, request, queryset):
        for channel in queryset:
            if not channel.is_active:
                self.message_user(request, f"{channel}: inactive, not polled.", messages.WARNING)
                continue
            services.channel_resume(channel=channel)
            poll_channel_task.delay(channel.pk, force=True)
            self.message_user(request, f"{channel}: poll queued.", messages.SUCCESS)

    @admin.action(description="Test connection", permissions=["poll"])
    def test_connection(self, request, queryset):
        for channel in queryset:
            ok, said = services.channel_test_connection(channel=channel)
            self.message_user(request, f"{channel}: {said}", messages.SUCCESS if ok else messages.ERROR)

    def has_poll_permission(self, request) -> bool:
        return request.user.has_perm("channels_app.poll_channel")


@admin.register(SocialProfile)
class SocialProfileAdmin(LargeTableAdminMixin, ReadonlyOnChangeMixin, admin.ModelAdmin):
    list_display = ("__str__", "kind", "display_name", "customer", "followers_count", "verified", "created_at")
    list_select_related = ("customer",)
    list_filter = ("kind", "verified")
    search_fields = ("handle", "display_name", "external_user_id__exact")
    search_help_text = "Part of a handle or display name, or an exact user id on the channel."
    # Newest first by primary key: the model's (kind, handle) order has no
    # matching index (the index is on the lower-cased handle).
    ordering = ("-id",)
    sortable_by = ()
    autocomplete_fields = ("customer",)
    readonly_on_change = ("kind", "external_user_id")
    readonly_fields = ("created_at", "updated_at")

    def save_model(self, request, obj, form, change):
        previous_customer_id = form.initial.get("customer") if change else None
        super().save_model(request, obj, form, change)
        # A customer's reach is derived from their profiles: moving a profile
        # or correcting its followers changes it for the old and new owner.
        if {"customer", "followers_count"} & set(form.changed_data):
            for customer_id in {previous_customer_id, obj.customer_id} - {None}:
                customer_refresh_influence(customer_id=customer_id)


@admin.register(SocialPost)
class SocialPostAdmin(CaseReferenceSearchMixin, LargeTableAdminMixin, ReadonlyOnChangeMixin, admin.ModelAdmin):
    case_reference_lookup = "case_id"
    case_reference_re = PREFIXED_CASE_REFERENCE_RE
    list_display = (
        "posted_at",
        "channel",
        "author",
        "direction",
        "text_preview",
        "engagement_type",
        "intent",
        "sentiment_label",
        "case_link",
    )
    list_select_related = ("channel", "author")
    # Channels are configured rows (tens), so listing them as a filter is cheap.
    list_filter = (
        "direction",
        "channel",
        "engagement_type",
        "intent",
        "sentiment_label",
        ("posted_at", admin.DateFieldListFilter),
        ("case", titled(admin.EmptyFieldListFilter, "has a case")),
        ("deleted_at", titled(admin.EmptyFieldListFilter, "deleted on the channel")),
    )
    # Text search reads every post it does not rule out; filter by channel
    # or date first on a large table.
    search_fields = ("external_id__exact", "conversation_id__exact", "author__handle", "text")
    search_help_text = (
        "A case reference (SC-123) lists that case's posts; otherwise an exact post or conversation id, "
        "part of the author's handle, or part of the text."
    )
    # The model's -posted_at order is indexed (post_posted_idx), so keep it.
    sortable_by = ("posted_at",)
    autocomplete_fields = ("channel", "case")
    raw_id_fields = ("author",)
    readonly_on_change = (
        "channel",
        "external_id",
        "author",
        "direction",
        "text",
        "url",
        "language",
        "posted_at",
        "in_reply_to_external_id",
        "conversation_id",
        "like_count",
        "share_count",
        "raw",
        "deleted_at",
    )
    readonly_fields = ("ingested_at",)
    fieldsets = (
        (None, {"fields": ("channel", "external_id", "author", "direction", "posted_at", "text", "url", "language")}),
        ("Thread", {"fields": ("in_reply_to_external_id", "conversation_id", "case")}),
        (
            "Understanding",
            {
                "fields": (
                    "engagement_type",
                    "intent",
                    "sentiment_label",
                    "sentiment_polarity",
                    "sentiment_subjectivity",
                )
            },
        ),
        ("On the channel", {"fields": ("like_count", "share_count", "deleted_at", "raw", "ingested_at")}),
    )

    def get_queryset(self, request):
        # The channel's raw item is kilobytes per post and no column shows it;
        # the change page loads it on demand.
        return super().get_queryset(request).defer("raw")

    @admin.display(description="text")
    def text_preview(self, obj: SocialPost) -> str:
        return truncated(obj.text, 80)

    @admin.display(description="case")
    def case_link(self, obj: SocialPost) -> str:
        return admin_change_link(Case, obj.case_id, f"SC-{obj.case_id}")


@admin.register(RawEvent)
class RawEventAdmin(LargeTableAdminMixin, ReadonlyOnChangeMixin, admin.ModelAdmin):
    """Deliveries as received. Operators may change only the retry state
    (status, next attempt, processed time); the request itself is evidence."""

    list_display = (
        "received_at",
        "channel",
        "source",
        "delivery_id",
        "status",
        "attempts",
        "next_attempt_at",
        "error_preview",
    )
    list_select_related = ("channel",)
    list_filter = ("status", "channel", ("received_at", admin.DateFieldListFilter))
    search_fields = ("delivery_id__exact",)
    search_help_text = "The channel's delivery id, exactly."
    # Newest first by primary key: received_at alone has no index.
    ordering = ("-id",)
    sortable_by = ()
    autocomplete_fields = ("channel",)
    readonly_on_change = ("channel", "source", "delivery_id")
    readonly_fields = ("received_at", "attempts", "error", "headers_preview", "body_preview")
    fields = (
        "channel",
        "source",
        "delivery_id",
        "received_at",
        "status",
        "attempts",
        "next_attempt_at",
        "processed_at",
        "error",
        "headers_preview",
        "body_preview",
    )

    actions = ("retry_now",)

    def get_queryset(self, request):
        # Bodies can be large and no column shows them or the headers; the
        # change page loads them on demand.
        return super().get_queryset(request).defer("body", "headers")

    @admin.action(description="Retry processing now", permissions=["change"])
    def retry_now(self, request, queryset):
        retried = 0
        for event in queryset.exclude(status=RawEventStatus.PROCESSED):
            try:
                services.raw_event_retry(raw_event=event)
                retried += 1
            except services.NotRetryable as error:
                self.message_user(request, str(error), messages.WARNING)
        self.message_user(request, f"{retried} deliveries queued for processing.", messages.SUCCESS)

    @admin.display(description="error")
    def error_preview(self, obj: RawEvent) -> str:
        return truncated(obj.error, 80) or "-"

    @admin.display(description="headers")
    def headers_preview(self, obj: RawEvent) -> str:
        return pretty_json(obj.headers) if obj.pk else "-"

    @admin.display(description="body (decoded as UTF-8)")
    def body_preview(self, obj: RawEvent) -> str:
        if obj.pk is None:
            return "-"
        size = len(obj.body or b"")
        text = obj.body_text(limit=RAW_BODY_PREVIEW_CHARS)
        note = f"{size} bytes" + (f", first {RAW_BODY_PREVIEW_CHARS} characters shown" if len(text) < size else "")
        return format_html("<p>{}</p><pre>{}</pre>", note, text)


@admin.register(OutboundMessage)
class OutboundMessageAdmin(CaseReferenceSearchMixin, LargeTableAdminMixin, admin.ModelAdmin):
    """The outbox. A sent message is history and opens read-only; an unsent one
    can be corrected, re-queued or given up, never marked sent by hand."""

    case_reference_lookup = "case_id"
    case_reference_re = PREFIXED_CASE_REFERENCE_RE
    list_display = (
        "created_at",
        "case_link",
        "channel",
        "status",
        "author",
        "attempts",
        "sent_at",
        "text_preview",
        "error_preview",
    )
    list_select_related = ("channel", "author")
    list_filter = ("status", "channel", ("created_at", admin.DateFieldListFilter))
    search_fields = ("external_id__exact",)
    search_help_text = "A case reference (SC-123) lists that case's replies; otherwise the channel's id, exactly."
    # Newest first by primary key: created_at alone has no index.
    ordering = ("-id",)
    sortable_by = ()
    autocomplete_fields = ("case", "channel", "author")
    raw_id_fields = ("reply_to",)
    # The delivery service owns these: the key is what makes a retried
    # publish a no-op on the channel, and the rest records what it did.
    readonly_fields = (
        "idempotency_key",
        "attempts",
        "external_id",
        "external_url",
        "sent_at",
        "last_error",
        "claimed_at",
        "next_attempt_at",
        "created_at",
        "updated_at",
    )
    fieldsets = (
        (None, {"fields": ("case", "channel", "reply_to", "author", "text", "status")}),
        (
            "Delivery",
            {
                "fields": (
                    "idempotency_key",
                    "attempts",
                    "claimed_at",
                    "next_attempt_at",
                    "external_id",
                    "external_url",
                    "sent_at",
                    "last_error",
                )
            },
        ),
        ("History", {"fields": ("created_at", "updated_at")}),
    )

    actions = ("retry_now",)

    @admin.action(description="Retry sending now (failed messages)", permissions=["change"])
    def retry_now(self, request, queryset):
        retried = sum(
            services.outbound_retry(message=message) for message in queryset.filter(status=OutboundStatus.FAILED)
        )
        self.message_user(request, f"{retried} message(s) queued to send again.", messages.SUCCESS)

    def has_change_permission(self, request, obj=None) -> bool:
        if obj is not None and obj.status == OutboundStatus.SENT:
            return False
        return super().has_change_permission(request, obj)

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "status":
            # "Sent" needs the channel's id and time, which only the delivery
            # service has; offered here it would fail the database's check.
            kwargs["choices"] = [(value, label) for value, label in db_field.choices if value != OutboundStatus.SENT]
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    @admin.display(description="case")
    def case_link(self, obj: OutboundMessage) -> str:
        return admin_change_link(Case, obj.case_id, f"SC-{obj.case_id}")

    @admin.display(description="text")
    def text_preview(self, obj: OutboundMessage) -> str:
        return truncated(obj.text, 60)

    @admin.display(description="last error")
    def error_preview(self, obj: OutboundMessage) -> str:
        return truncated(obj.last_error, 60) or "-"
