"""Cases and their timeline.

A Case gathers one customer's conversation about one matter across
channels; CaseEvent rows are its append-only timeline. Due times and
breach flags are stored on the case when events happen (by cases.sla), so
the console and the SLA scan read indexed columns instead of recomputing.
"""

from django.conf import settings
from django.db import models

from cases.choices import (
    DONE_STATUSES,
    OPEN_STATUSES,
    CaseEventKind,
    CaseStatus,
    EngagementType,
    Intent,
    Priority,
    SentimentLabel,
)
from socialcrm.db import choices_check, range_check


class Case(models.Model):
    """One matter of one customer. Its human-readable number is its id (`reference` shows it as SC-<id>)."""

    customer = models.ForeignKey("cases.Customer", on_delete=models.PROTECT, related_name="cases")
    origin_channel = models.ForeignKey(
        "channels_app.Channel", null=True, blank=True, on_delete=models.PROTECT, related_name="cases"
    )
    subject = models.CharField(max_length=255, blank=True)
    status = models.CharField(max_length=16, choices=CaseStatus.choices, default=CaseStatus.NEW)
    priority = models.CharField(max_length=16, choices=Priority.choices, default=Priority.NORMAL)
    priority_score = models.FloatField(default=0.0)
    priority_factors = models.JSONField(
        default=list,
        blank=True,
        help_text="Why the score: [name, detail, points] of each factor at its last computation (cases.priority).",
    )
    # A new message re-scores the case; these keep what people and escalation decided.
    priority_hold = models.CharField(
        max_length=16,
        choices=Priority.choices,
        blank=True,
        help_text="Set by hand: the case keeps this label whatever its score, until someone clears it.",
    )
    priority_floor = models.CharField(
        max_length=16,
        choices=Priority.choices,
        blank=True,
        help_text="Left by an escalation: the scored label never falls below it.",
    )
    engagement_type = models.CharField(max_length=16, choices=EngagementType.choices, default=EngagementType.REACTIVE)
    intent = models.CharField(max_length=16, choices=Intent.choices, default=Intent.OTHER)
    language = models.CharField(max_length=16, blank=True)
    team = models.ForeignKey("cases.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="cases")
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="assigned_cases"
    )
    tags = models.ManyToManyField("cases.Tag", blank=True, related_name="cases")

    # Clocks. first_message_at is the customer's first message as posted on
    # the channel, not when we stored it: SLA and KPI clocks start there.
    first_message_at = models.DateTimeField(null=True, blank=True)
    last_customer_message_at = models.DateTimeField(null=True, blank=True)
    first_responded_at = models.DateTimeField(null=True, blank=True)
    last_responded_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    # SLA state, written by cases.sla when events happen.
    sla_policy = models.ForeignKey(
        "cases.SLAPolicy", null=True, blank=True, on_delete=models.SET_NULL, related_name="cases"
    )
    first_response_due_at = models.DateTimeField(null=True, blank=True)
    next_response_due_at = models.DateTimeField(null=True, blank=True)
    resolution_due_at = models.DateTimeField(null=True, blank=True)
    sla_next_due_at = models.DateTimeField(
        null=True, blank=True, help_text="The earliest pending due time: what the SLA scan and 'breaching soon' read."
    )
    sla_next_alert_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="The earliest warning or breach not yet recorded: what the SLA scan selects on.",
    )
    sla_warned = models.BooleanField(default=False)
    first_response_breached = models.BooleanField(default=False)
    next_response_breached = models.BooleanField(default=False)
    resolution_breached = models.BooleanField(default=False)

    sentiment_start = models.FloatField(null=True, blank=True, help_text="Polarity of the first inbound message.")
    sentiment_latest = models.FloatField(null=True, blank=True, help_text="Polarity of the latest inbound message.")
    sentiment_label = models.CharField(
        max_length=16,
        choices=SentimentLabel.choices,
        default=SentimentLabel.NEUTRAL,
        help_text="Care label of the latest inbound message.",
    )

    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="merged_cases"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        permissions = [
            ("view_all_cases", "Can see the cases of every team"),
            ("reassign_case", "Can assign cases to other agents"),
        ]
        indexes = [
            # "Breaching soon": open cases by their nearest due time.
            models.Index(
                fields=["sla_next_due_at"],
                condition=models.Q(status__in=OPEN_STATUSES, sla_next_due_at__isnull=False),
                name="case_open_next_due_idx",
            ),
            # The SLA scan selects on this one: open cases with an alert to record.
            models.Index(
                fields=["sla_next_alert_at"],
                condition=models.Q(status__in=OPEN_STATUSES, sla_next_alert_at__isnull=False),
                name="case_open_next_alert_idx",
            ),
            # Inbox views, each in its keyset order (cases.selectors.inbox): open cases
            # newest first (all, mine, a team's), resolved ones by resolution time.
            models.Index(fields=["-id"], condition=models.Q(status__in=OPEN_STATUSES), name="case_open_id_idx"),
            models.Index(
                fields=["assignee", "-id"], condition=models.Q(status__in=OPEN_STATUSES), name="case_open_assignee_idx"
            ),
            models.Index(
                fields=["team", "-id"], condition=models.Q(status__in=OPEN_STATUSES), name="case_open_team_idx"
            ),
            models.Index(
                fields=["-resolved_at", "-id"],
                condition=models.Q(status__in=DONE_STATUSES),
                name="case_done_resolved_idx",
            ),
            models.Index(fields=["status", "-created_at"], name="case_status_created_idx"),
            models.Index(fields=["customer", "-created_at"], name="case_customer_created_idx"),
        ]
        constraints = [
            choices_check("status", CaseStatus, "case_status_valid"),
            choices_check("priority", Priority, "case_priority_valid"),
            models.CheckConstraint(
                condition=models.Q(priority_hold="") | models.Q(priority_hold__in=Priority.values),
                name="case_priority_hold_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(priority_floor="") | models.Q(priority_floor__in=Priority.values),
                name="case_priority_floor_valid",
            ),
            choices_check("engagement_type", EngagementType, "case_engagement_type_valid"),
            choices_check("intent", Intent, "case_intent_valid"),
            choices_check("sentiment_label", SentimentLabel, "case_sentiment_label_valid"),
            models.CheckConstraint(condition=models.Q(priority_score__gte=0), name="case_priority_score_nonneg"),
            range_check("sentiment_start", -1.0, 1.0, "case_sentiment_start_range", nullable=True),
            range_check("sentiment_latest", -1.0, 1.0, "case_sentiment_latest_range", nullable=True),
            models.CheckConstraint(
                condition=~models.Q(status__in=DONE_STATUSES) | models.Q(resolved_at__isnull=False),
                name="case_done_has_resolved_at",
            ),
            models.CheckConstraint(
                condition=~models.Q(status=CaseStatus.CLOSED) | models.Q(closed_at__isnull=False),
                name="case_closed_has_closed_at",
            ),
            models.CheckConstraint(
                condition=models.Q(first_responded_at__isnull=True)
                | models.Q(first_message_at__isnull=True)
                | models.Q(first_responded_at__gte=models.F("first_message_at")),
                name="case_response_after_first_message",
            ),
            models.CheckConstraint(condition=~models.Q(merged_into=models.F("id")), name="case_not_merged_into_self"),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.subject}".strip()

    @property
    def reference(self) -> str:
        return f"SC-{self.pk}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class CaseEvent(models.Model):
    """One entry of a case's timeline. Append-only.

    `dedupe_key`, when set, is unique per case: writers that may run twice
    (an SLA warning found by two scans, an inbound post re-ingested) use it
    to record the event once.
    """

    # One event per post and more: only the timeline index is kept on the
    # foreign keys (rows referencing a deleted user, post or message are
    # rare, and found by a scan then).
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events", db_index=False)
    kind = models.CharField(max_length=24, choices=CaseEventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="case_events",
        db_index=False,
    )
    post = models.ForeignKey(
        "channels_app.SocialPost",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="case_events",
        db_index=False,
    )
    outbound_message = models.ForeignKey(
        "channels_app.OutboundMessage",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="case_events",
        db_index=False,
    )
    body = models.TextField(blank=True, help_text="Text of a note; empty for other kinds.")
    payload = models.JSONField(default=dict, blank=True)
    occurred_at = models.DateTimeField()
    dedupe_key = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["occurred_at", "id"]
        indexes = [
            models.Index(fields=["case", "occurred_at"], name="case_event_timeline_idx"),
            # Events other than posts (SLA, status, assignment...) by kind and time;
            # post events, most of the table, are found through their posts.
            models.Index(
                fields=["kind", "occurred_at"],
                condition=~models.Q(kind__in=["inbound_post", "outbound_reply"]),
                name="case_event_kind_time_idx",
            ),
        ]
        constraints = [
            choices_check("kind", CaseEventKind, "case_event_kind_valid"),
            models.UniqueConstraint(
                fields=["case", "dedupe_key"], condition=~models.Q(dedupe_key=""), name="case_event_dedupe_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on SC-{self.case_id} at {self.occurred_at:%Y-%m-%d %H:%M}"
