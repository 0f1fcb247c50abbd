"""Customers: the people behind social profiles, e-mail addresses and calls."""

from django.db import models
from django.db.models.functions import Lower

from cases.choices import CustomerTier, InfluenceTier
from socialcrm.db import choices_check, range_check


class Customer(models.Model):
    """One person, whatever channels they write on.

    `max_followers` and `influence` are derived from the customer's social
    profiles by cases.services.customer_refresh_influence(); they are stored
    so the inbox and priority can read them without joining profiles.
    """

    name = models.CharField(max_length=200, blank=True)
    email = models.EmailField(max_length=254, blank=True)
    phone = models.CharField(max_length=40, blank=True)
    tier = models.CharField(max_length=16, choices=CustomerTier.choices, default=CustomerTier.STANDARD)
    max_followers = models.PositiveBigIntegerField(default=0, help_text="Largest follower count of any profile.")
    influence = models.CharField(max_length=16, choices=InfluenceTier.choices, default=InfluenceTier.LOW)
    churn_risk = models.FloatField(default=0.0, help_text="Estimated probability of churn, 0 to 1.")
    churned_at = models.DateTimeField(null=True, blank=True)
    merged_into = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_customers",
        help_text="Set when this customer was merged into another; kept for the audit trail.",
    )
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        indexes = [
            models.Index(Lower("email"), name="customer_email_lower_idx"),
            models.Index(fields=["name"], name="customer_name_idx"),
        ]
        constraints = [
            choices_check("tier", CustomerTier, "customer_tier_valid"),
            choices_check("influence", InfluenceTier, "customer_influence_valid"),
            range_check("churn_risk", 0.0, 1.0, "customer_churn_risk_0_1"),
            models.CheckConstraint(
                condition=~models.Q(merged_into=models.F("id")),
                name="customer_not_merged_into_self",
            ),
        ]

    def __str__(self) -> str:
        return self.name or self.email or f"Customer {self.pk}"
