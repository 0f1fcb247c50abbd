"""Channels and what flows through them.

Channel: where posts come from and replies go (one brand account or feed).
SocialProfile: one person's account on a channel kind, owned by a Customer.
SocialPost: every post stored once per (channel, external id), inbound or outbound.
RawEvent: each webhook delivery as received, before processing (durability).
OutboundMessage: the outbox of replies, sent once by idempotency key.

Credentials are never stored: a channel names the environment variables
that hold them (Channel.credential() reads them at call time).
"""

import os
import re
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.db.models.functions import Lower

from cases.acknowledgement import DEFAULT_ACKNOWLEDGEMENT, validate_acknowledgement_template
from cases.choices import EngagementType, Intent, SentimentLabel
from channels_app.choices import ChannelKind, Direction, OutboundStatus, RawEventStatus
from socialcrm.db import choices_check, range_check

ENV_NAME_RE = re.compile(r"[A-Z_][A-Z0-9_]*")


def validate_string_list(value) -> None:
    if not isinstance(value, list) or not all(isinstance(item, str) and item.strip() for item in value):
        raise ValidationError('Enter a list of non-empty strings, e.g. ["@AcmeSupport", "@Acme"].')


def validate_json_object(value) -> None:
    if not isinstance(value, dict):
        raise ValidationError('Enter a JSON object, e.g. {"page_id": "104857600112233"}.')


def validate_credential_env(value) -> None:
    if not isinstance(value, dict):
        raise ValidationError('Enter an object mapping credential to variable, e.g. {"bearer_token": "X_BEARER"}.')
    for key, env_name in value.items():
        if not isinstance(env_name, str) or not ENV_NAME_RE.fullmatch(env_name):
            raise ValidationError(
                f"{key!r} must name an environment variable (upper case, e.g. X_BEARER_TOKEN), not hold a secret."
            )


class Channel(models.Model):
    kind = models.CharField(max_length=16, choices=ChannelKind.choices)
    name = models.CharField(max_length=100, unique=True)
    brand_handles = models.JSONField(
        default=list, blank=True, validators=[validate_string_list], help_text="The brand's own handles or addresses."
    )
    brand_terms = models.JSONField(default=list, blank=True, validators=[validate_string_list])
    competitor_terms = models.JSONField(default=list, blank=True, validators=[validate_string_list])
    api_base_url = models.CharField(
        max_length=500,
        blank=True,
        validators=[URLValidator(schemes=["http", "https", "imap", "imaps"])],
        help_text="Base URL of the channel's API (http/https), its feed, or its IMAP server (imap/imaps://host:port).",
    )
    credential_env = models.JSONField(
        default=dict,
        blank=True,
        validators=[validate_credential_env],
        help_text='Names of environment variables holding secrets, e.g. {"bearer_token": "ACME_X_BEARER"}.',
    )
    actionable_rules = models.JSONField(
        default=dict, blank=True, help_text="Which inbound posts open cases; empty uses the pipeline's defaults."
    )
    options = models.JSONField(
        default=dict,
        blank=True,
        validators=[validate_json_object],
        help_text='Non-secret connection settings of the channel kind, e.g. {"user_id": "1111111111"} for X, '
        '{"page_id": "..."} for Facebook, {"address": "care@acme.example", "smtp_url": "smtp://..."} for e-mail.',
    )
    acknowledge_off_hours = models.BooleanField(
        default=False,
        help_text="When a case from this channel waits for its team's next shift, tell the customer when "
        "to expect an answer (an automatic reply: it does not stop the SLA clocks).",
    )
    acknowledgement_template = models.TextField(
        default=DEFAULT_ACKNOWLEDGEMENT,
        validators=[validate_acknowledgement_template],
        help_text="Placeholders: {name}, {reference}, {expected_time}, {expected_in}.",
    )
    cursor = models.JSONField(default=dict, blank=True, help_text="Polling position (since_id, UID, ETag...).")
    poll_interval_seconds = models.PositiveIntegerField(default=300)
    is_active = models.BooleanField(default=True)
    next_poll_at = models.DateTimeField(
        null=True, blank=True, help_text="When beat polls next: the interval after a success, a backoff after errors."
    )
    poll_failures = models.PositiveIntegerField(default=0, help_text="Failed polls in a row.")
    poll_lease_until = models.DateTimeField(
        null=True, blank=True, help_text="A worker is polling until then; no other worker may start."
    )
    polling_stopped_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="Set on a permanent error (e.g. refused credentials): polling waits for a person. "
        "'Poll now' in admin clears it.",
    )
    last_polled_at = models.DateTimeField(null=True, blank=True)
    last_success_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    last_error_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        permissions = [("poll_channel", "Can poll a channel now and test its connection")]
        constraints = [
            choices_check("kind", ChannelKind, "channel_kind_valid"),
            models.CheckConstraint(condition=models.Q(poll_interval_seconds__gte=10), name="channel_poll_interval_min"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_kind_display()})"

    def credential(self, name: str) -> str | None:
        """The secret `name` from the environment variable this channel names, or None."""
        env_name = self.credential_env.get(name)
        return os.environ.get(env_name) if env_name else None


class SocialProfile(models.Model):
    """One account of a person on a channel kind (an X user, a Facebook user, an e-mail address)."""

    customer = models.ForeignKey("cases.Customer", on_delete=models.PROTECT, related_name="profiles")
    kind = models.CharField(max_length=16, choices=ChannelKind.choices)
    external_user_id = models.CharField(max_length=255)
    handle = models.CharField(max_length=255, blank=True)
    display_name = models.CharField(max_length=255, blank=True)
    followers_count = models.PositiveBigIntegerField(default=0)
    verified = models.BooleanField(default=False)
    profile_url = models.URLField(max_length=500, blank=True)
    avatar_url = models.URLField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["kind", "handle"]
        indexes = [
            models.Index("kind", Lower("handle"), name="profile_kind_handle_lower_idx"),
            # The console's search by handle, whatever the channel kind.
            models.Index(Lower("handle"), name="profile_handle_lower_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["kind", "external_user_id"], name="profile_unique_external_id_per_kind"),
            choices_check("kind", ChannelKind, "profile_kind_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.handle or self.external_user_id} ({self.kind})"


class SocialPost(models.Model):
    # Foreign keys without their own index where a composite index below
    # starts with the column: every index costs on each of millions of inserts.
    channel = models.ForeignKey(Channel, on_delete=models.PROTECT, related_name="posts", db_index=False)
    external_id = models.CharField(max_length=255)
    author = models.ForeignKey(SocialProfile, null=True, blank=True, on_delete=models.PROTECT, related_name="posts")
    direction = models.CharField(max_length=16, choices=Direction.choices, default=Direction.INBOUND)
    text = models.TextField(blank=True)
    url = models.URLField(max_length=1000, blank=True)
    language = models.CharField(max_length=16, blank=True)
    posted_at = models.DateTimeField(help_text="When the author posted it, as the channel says.")
    in_reply_to_external_id = models.CharField(max_length=255, blank=True)
    conversation_id = models.CharField(max_length=255, blank=True, help_text="The thread's root id on the channel.")
    engagement_type = models.CharField(max_length=16, choices=EngagementType.choices, default=EngagementType.NONE)
    intent = models.CharField(max_length=16, choices=Intent.choices, default=Intent.OTHER)
    sentiment_polarity = models.FloatField(null=True, blank=True)
    sentiment_subjectivity = models.FloatField(null=True, blank=True)
    sentiment_label = models.CharField(max_length=16, choices=SentimentLabel.choices, default=SentimentLabel.NEUTRAL)
    like_count = models.PositiveIntegerField(default=0)
    share_count = models.PositiveIntegerField(default=0)
    raw = models.JSONField(default=dict, blank=True, help_text="The item as the channel gave it.")
    ingested_at = models.DateTimeField(auto_now_add=True)
    counts_observed_at = models.DateTimeField(
        null=True, blank=True, help_text="When the like/share counts were last seen to grow (empty: at ingestion)."
    )
    deleted_at = models.DateTimeField(null=True, blank=True, help_text="When the author deleted it on the channel.")
    case = models.ForeignKey(
        "cases.Case", null=True, blank=True, on_delete=models.SET_NULL, related_name="posts", db_index=False
    )

    class Meta:
        ordering = ["-posted_at", "-id"]
        indexes = [
            models.Index(fields=["channel", "-posted_at"], name="post_channel_posted_idx"),
            models.Index(fields=["case", "posted_at"], name="post_case_posted_idx"),
            models.Index(fields=["author", "-posted_at"], name="post_author_posted_idx"),
            # Threading finds stored replies to new posts. Not a partial index:
            # the planner cannot prove a long IN list excludes '' and would skip it.
            models.Index(fields=["channel", "in_reply_to_external_id"], name="post_channel_reply_to_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["channel", "external_id"], name="post_unique_external_id_per_channel"),
            choices_check("direction", Direction, "post_direction_valid"),
            choices_check("engagement_type", EngagementType, "post_engagement_type_valid"),
            choices_check("intent", Intent, "post_intent_valid"),
            choices_check("sentiment_label", SentimentLabel, "post_sentiment_label_valid"),
            range_check("sentiment_polarity", -1.0, 1.0, "post_polarity_range", nullable=True),
            range_check("sentiment_subjectivity", 0.0, 1.0, "post_subjectivity_range", nullable=True),
        ]

    def __str__(self) -> str:
        return f"{self.channel_id}:{self.external_id}"


class RawEvent(models.Model):
    """A webhook delivery exactly as received, stored before any processing.

    Processing reads it back, so a crash between receipt and processing
    loses nothing; failures keep their error and attempt count and can be
    retried from admin. `delivery_id` (when the channel gives one) makes a
    redelivered webhook a no-op.
    """

    channel = models.ForeignKey(Channel, on_delete=models.PROTECT, related_name="raw_events")
    source = models.CharField(max_length=40, help_text="Which endpoint or format, e.g. x.account_activity.")
    delivery_id = models.CharField(max_length=255, blank=True)
    headers = models.JSONField(default=dict, blank=True)
    body = models.BinaryField(help_text="The request body, byte for byte.")
    received_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=16, choices=RawEventStatus.choices, default=RawEventStatus.RECEIVED)
    processed_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        indexes = [
            models.Index(fields=["status", "received_at"], name="raw_event_status_idx"),
            models.Index(fields=["channel", "-received_at"], name="raw_event_channel_idx"),
        ]
        constraints = [
            choices_check("status", RawEventStatus, "raw_event_status_valid"),
            models.UniqueConstraint(
                fields=["channel", "delivery_id"], condition=~models.Q(delivery_id=""), name="raw_event_unique_delivery"
            ),
            models.CheckConstraint(
                condition=~models.Q(status=RawEventStatus.PROCESSED) | models.Q(processed_at__isnull=False),
                name="raw_event_processed_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source} #{self.pk} ({self.status})"

    def body_text(self, limit: int | None = None) -> str:
        text = bytes(self.body).decode("utf-8", errors="replace")
        return text if limit is None else text[:limit]


class OutboundMessage(models.Model):
    """A reply in the outbox. Created queued, claimed by a conditional update
    (queued/failed -> sending) so a redelivered task cannot send twice, and
    published with `idempotency_key`."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="outbound_messages")
    channel = models.ForeignKey(Channel, on_delete=models.PROTECT, related_name="outbound_messages")
    reply_to = models.ForeignKey(
        SocialPost, null=True, blank=True, on_delete=models.SET_NULL, related_name="outbound_replies"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="outbound_messages"
    )
    text = models.TextField()
    is_automatic = models.BooleanField(
        default=False, help_text="An automatic acknowledgement or a bot's message: it never stops an SLA clock."
    )
    status = models.CharField(max_length=16, choices=OutboundStatus.choices, default=OutboundStatus.QUEUED)
    idempotency_key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    attempts = models.PositiveIntegerField(default=0)
    external_id = models.CharField(max_length=255, blank=True)
    external_url = models.URLField(max_length=1000, blank=True)
    last_error = models.TextField(blank=True)
    claimed_at = models.DateTimeField(
        null=True, blank=True, help_text="When a worker claimed it for sending (a stale claim is taken over)."
    )
    next_attempt_at = models.DateTimeField(null=True, blank=True, help_text="When a failed send is tried again.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "created_at"], name="outbound_status_idx"),
            models.Index(fields=["case", "created_at"], name="outbound_case_idx"),
        ]
        constraints = [
            choices_check("status", OutboundStatus, "outbound_status_valid"),
            models.CheckConstraint(
                condition=~models.Q(status=OutboundStatus.SENT)
                | (~models.Q(external_id="") & models.Q(sent_at__isnull=False)),
                name="outbound_sent_has_external_id",
            ),
            models.CheckConstraint(condition=~models.Q(text=""), name="outbound_text_not_empty"),
        ]

    def __str__(self) -> str:
        return f"Reply on SC-{self.case_id} ({self.status})"
