"""Sales leads found in social posts.

Lead: one post (at most one lead per post) whose author is a prospect, with
why (purchase intent, or a complaint about a competitor), the sales team's
progress (new, contacted, won, lost), its owner and, once won, its value.
The rules that make a lead are leads.rules; the writes are leads.services.

Invariants kept by the database: a post is a lead once; status and reason
are enum values; a won or lost lead has closed_at and an open one has not;
value is not negative; the currency is three letters.
"""

from django.conf import settings
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models.functions import Length
from django.db.models.lookups import Exact

from leads.choices import CLOSED_LEAD_STATUSES, LeadReason, LeadStatus
from socialcrm.db import choices_check

DEFAULT_CURRENCY = "USD"


class Lead(models.Model):
    customer = models.ForeignKey("cases.Customer", on_delete=models.PROTECT, related_name="leads")
    post = models.OneToOneField("channels_app.SocialPost", on_delete=models.PROTECT, related_name="lead")
    # The post's channel, copied (a post never changes channel): the list and the KPIs filter by it
    # without joining millions of posts.
    channel = models.ForeignKey("channels_app.Channel", on_delete=models.PROTECT, related_name="leads")
    case = models.ForeignKey("cases.Case", null=True, blank=True, on_delete=models.SET_NULL, related_name="leads")
    reason = models.CharField(max_length=24, choices=LeadReason.choices)
    competitor = models.CharField(max_length=200, blank=True, help_text="The competitor the post names, if any.")
    status = models.CharField(max_length=16, choices=LeadStatus.choices, default=LeadStatus.NEW)
    value = models.DecimalField(
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text="What the won deal is worth.",
    )
    currency = models.CharField(
        max_length=3,
        default=DEFAULT_CURRENCY,
        validators=[RegexValidator(r"^[A-Z]{3}$", "Enter an ISO 4217 code such as USD or EUR.")],
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="leads"
    )
    notes = models.TextField(blank=True)
    lost_reason = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    contacted_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True, help_text="When it was won or lost.")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-id"]
        indexes = [
            # The KPI figures: leads created in a period, and won or lost in one.
            models.Index(fields=["created_at"], name="lead_created_idx"),
            models.Index(fields=["closed_at"], name="lead_closed_idx"),
            # The list, newest first, by status (the default view) and by channel.
            models.Index(fields=["status", "-id"], name="lead_status_idx"),
            models.Index(fields=["channel", "-id"], name="lead_channel_idx"),
        ]
        constraints = [
            choices_check("reason", LeadReason, "lead_reason_valid"),
            choices_check("status", LeadStatus, "lead_status_valid"),
            models.CheckConstraint(
                condition=models.Q(status__in=CLOSED_LEAD_STATUSES, closed_at__isnull=False)
                | (~models.Q(status__in=CLOSED_LEAD_STATUSES) & models.Q(closed_at__isnull=True)),
                name="lead_closed_has_time",
            ),
            models.CheckConstraint(
                condition=models.Q(value__isnull=True) | models.Q(value__gte=0), name="lead_value_not_negative"
            ),
            models.CheckConstraint(condition=Exact(Length("currency"), 3), name="lead_currency_3_letters"),
        ]

    def __str__(self) -> str:
        return f"Lead #{self.pk} ({self.get_status_display()})"
