"""Privacy requests of customers: a copy of their data (export) or its erasure.

Owns PrivacyRequest (one request as staff recorded it, its status and, for an
export, the JSON produced) and ErasureRecord (the fact that a customer was
erased: cases may not carry an erased_at column, so it lives here, one per
customer). The work is privacy.services'; these rows are its ledger.
"""

from __future__ import annotations

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models

from socialcrm.db import choices_check


class PrivacyRequestKind(models.TextChoices):
    EXPORT = "export", "Data export"
    ERASURE = "erasure", "Erasure"


class PrivacyRequestStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


class PrivacyRequest(models.Model):
    customer = models.ForeignKey("cases.Customer", on_delete=models.PROTECT, related_name="privacy_requests")
    kind = models.CharField(max_length=16, choices=PrivacyRequestKind.choices)
    status = models.CharField(max_length=16, choices=PrivacyRequestStatus.choices, default=PrivacyRequestStatus.PENDING)
    reason = models.TextField(blank=True, help_text="How the customer asked (ticket, e-mail, date); required to erase.")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    export = models.JSONField(
        null=True, blank=True, encoder=DjangoJSONEncoder, help_text="The export produced (cleared by an erasure)."
    )
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["customer", "-created_at"], name="privacy_request_customer_idx")]
        constraints = [
            choices_check("kind", PrivacyRequestKind, "privacy_request_kind_valid"),
            choices_check("status", PrivacyRequestStatus, "privacy_request_status_valid"),
        ]
        permissions = [
            ("export_customer_data", "Can export a customer's personal data"),
            ("erase_customer_data", "Can erase a customer's personal data"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} of customer #{self.customer_id} ({self.status})"


class ErasureRecord(models.Model):
    """A customer was erased: when, by whom, why, and how many rows each kind of data touched."""

    customer = models.OneToOneField("cases.Customer", on_delete=models.PROTECT, related_name="erasure")
    erased_at = models.DateTimeField()
    erased_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.TextField()
    counts = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-erased_at", "-id"]

    def __str__(self) -> str:
        return f"Customer #{self.customer_id} erased {self.erased_at:%Y-%m-%d}"
