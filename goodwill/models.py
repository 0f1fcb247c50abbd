"""Models of goodwill compensation: the policy, what collusion checks compare, and the requests.

- GoodwillPolicy: one row (pk 1, a CHECK holds it), the limits and the
  thresholds of the collusion rules; admins edit it.
- EmployeeContact, CustomerContactDetail: the private details an agent
  declares (phone, address, personal e-mail) and a customer's postal
  address (Customer has none), compared by goodwill.collusion.
- DeclaredRelationship: an agent's declared tie to a customer.
- CompensationRequest: one credit, refund or gift on a case, its status and
  why it needed approval, its flags and who decided. Written only by
  goodwill.services: the status never changes by a plain save.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models

from goodwill.choices import (
    ApprovalReason,
    CompensationCategory,
    CompensationKind,
    CompensationStatus,
    RelationshipKind,
)
from socialcrm.db import choices_check, range_check

POLICY_PK = 1


class GoodwillPolicy(models.Model):
    """The compensation limits and collusion thresholds. Amounts are in `currency`."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=POLICY_PK, editable=False)
    currency = models.CharField(max_length=3, default="USD", help_text="ISO 4217 code the limits are in.")
    agent_case_limit = models.DecimalField(
        max_digits=10, decimal_places=2, default=Decimal("50.00"), help_text="An agent grants up to this per case."
    )
    agent_customer_month_limit = models.DecimalField(
        max_digits=10,
        decimal_places=2,
        default=Decimal("100.00"),
        help_text="An agent grants up to this per customer per calendar month (UTC), all agents together.",
    )
    manager_self_limit = models.DecimalField(
        max_digits=10,
        decimal_places=2,
        default=Decimal("500.00"),
        help_text="A manager's own grants up to this (per case and per customer per month) need no approval.",
    )
    near_threshold_ratio = models.DecimalField(
        max_digits=3,
        decimal_places=2,
        default=Decimal("0.90"),
        help_text="An amount at or above this share of the requester's limit, but not over it, is 'just under'.",
    )
    near_threshold_count = models.PositiveSmallIntegerField(
        default=3, help_text="This many 'just under' requests by one requester ..."
    )
    near_threshold_days = models.PositiveSmallIntegerField(default=30, help_text="... within these days: flagged.")
    repeat_grants_count = models.PositiveSmallIntegerField(
        default=3, help_text="This many requests by one requester for one customer ..."
    )
    repeat_grants_days = models.PositiveSmallIntegerField(default=90, help_text="... within these days: flagged.")
    praise_window_days = models.PositiveSmallIntegerField(
        default=7, help_text="Public praise naming the agent this soon after a grant is flagged."
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "goodwill policy"
        verbose_name_plural = "goodwill policy"
        constraints = [
            models.CheckConstraint(condition=models.Q(id=POLICY_PK), name="goodwill_policy_singleton"),
            models.CheckConstraint(condition=models.Q(currency__regex=r"^[A-Z]{3}$"), name="goodwill_policy_currency"),
            models.CheckConstraint(
                condition=models.Q(agent_case_limit__gte=0, agent_customer_month_limit__gte=0),
                name="goodwill_policy_agent_limits_nonneg",
            ),
            models.CheckConstraint(
                condition=models.Q(manager_self_limit__gte=models.F("agent_case_limit")),
                name="goodwill_policy_manager_limit_higher",
            ),
            range_check("near_threshold_ratio", 0, 1, "goodwill_policy_near_ratio_0_1"),
            models.CheckConstraint(
                condition=models.Q(near_threshold_count__gte=1, repeat_grants_count__gte=1),
                name="goodwill_policy_counts_positive",
            ),
        ]

    def __str__(self) -> str:
        return "Goodwill policy"

    @classmethod
    def load(cls) -> "GoodwillPolicy":
        """The policy row, created with the defaults on first use."""
        policy, _ = cls.objects.get_or_create(pk=POLICY_PK)
        return policy


class EmployeeContact(models.Model):
    """What an employee declares for the collusion checks; surname and work e-mail come from the user."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="goodwill_contact")
    phone = models.CharField(max_length=40, blank=True)
    personal_email = models.EmailField(max_length=254, blank=True)
    address = models.TextField(blank=True, help_text="Home address, as one text.")
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Contact details of {self.user}"


class CustomerContactDetail(models.Model):
    """A customer's postal address (the customer record has none), for the address check."""

    customer = models.OneToOneField("cases.Customer", on_delete=models.CASCADE, related_name="goodwill_contact")
    address = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Address of {self.customer}"


class DeclaredRelationship(models.Model):
    agent = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="declared_relationships")
    customer = models.ForeignKey("cases.Customer", on_delete=models.CASCADE, related_name="declared_relationships")
    kind = models.CharField(max_length=16, choices=RelationshipKind.choices)
    note = models.CharField(max_length=300, blank=True)
    declared_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            choices_check("kind", RelationshipKind, "goodwill_relationship_kind_valid"),
            models.UniqueConstraint(fields=["agent", "customer"], name="goodwill_relationship_once"),
        ]

    def __str__(self) -> str:
        return f"{self.agent} - {self.customer} ({self.get_kind_display()})"


class CompensationRequest(models.Model):
    """A credit, refund or gift on a case. Granted at once within the limits and unflagged, else pending.

    `decided_by` is the approver (never the requester, a CHECK holds it),
    empty for an automatic grant; `decided_at` is when it was given or refused.
    `review_required` is set when a flag arrives after the grant (praise).
    """

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="compensation_requests")
    customer = models.ForeignKey(
        "cases.Customer", on_delete=models.PROTECT, related_name="compensation_requests", db_index=False
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="compensation_requests", db_index=False
    )
    kind = models.CharField(max_length=16, choices=CompensationKind.choices)
    amount = models.DecimalField(max_digits=10, decimal_places=2)
    currency = models.CharField(max_length=3)
    reason = models.TextField()
    category = models.CharField(max_length=20, choices=CompensationCategory.choices)
    status = models.CharField(max_length=16, choices=CompensationStatus.choices, default=CompensationStatus.PENDING)
    needs_approval = models.BooleanField(default=False)
    approval_reason = models.CharField(max_length=32, choices=ApprovalReason.choices, blank=True)
    approval_detail = models.TextField(blank=True, help_text="Every reason the request needed approval, in words.")
    flags = models.JSONField(default=list, blank=True, help_text='[{"rule": ..., "detail": ...}] from the checks.')
    review_required = models.BooleanField(default=False, help_text="Flagged after it was given: a manager reviews.")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="compensation_decisions",
        db_index=False,
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        permissions = [
            ("approve_compensation", "Can approve or reject compensation requests"),
            ("view_compensation_report", "Can see and export the compensation report"),
        ]
        indexes = [
            # The limits and the checks: a customer's requests by time, a requester's by time.
            models.Index(fields=["customer", "created_at"], name="goodwill_req_customer_idx"),
            models.Index(fields=["requested_by", "created_at"], name="goodwill_req_requester_idx"),
            models.Index(
                fields=["created_at"],
                condition=models.Q(status=CompensationStatus.PENDING),
                name="goodwill_req_pending_idx",
            ),
            models.Index(fields=["decided_at"], name="goodwill_req_decided_idx"),
        ]
        constraints = [
            choices_check("kind", CompensationKind, "goodwill_req_kind_valid"),
            choices_check("category", CompensationCategory, "goodwill_req_category_valid"),
            choices_check("status", CompensationStatus, "goodwill_req_status_valid"),
            models.CheckConstraint(
                condition=models.Q(approval_reason="") | models.Q(approval_reason__in=ApprovalReason.values),
                name="goodwill_req_approval_reason_valid",
            ),
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="goodwill_req_amount_positive"),
            models.CheckConstraint(condition=models.Q(currency__regex=r"^[A-Z]{3}$"), name="goodwill_req_currency"),
            # Four eyes.
            models.CheckConstraint(
                condition=models.Q(decided_by__isnull=True) | ~models.Q(decided_by=models.F("requested_by")),
                name="goodwill_req_decider_not_requester",
            ),
            # A pending request is undecided; an approved or rejected one names its decider;
            # an automatic grant has a time but no decider, and needed no approval.
            models.CheckConstraint(
                condition=(
                    models.Q(status=CompensationStatus.PENDING, decided_at__isnull=True, decided_by__isnull=True)
                    | models.Q(
                        status__in=[CompensationStatus.APPROVED, CompensationStatus.REJECTED],
                        decided_at__isnull=False,
                        decided_by__isnull=False,
                    )
                    | models.Q(
                        status=CompensationStatus.GRANTED,
                        decided_at__isnull=False,
                        decided_by__isnull=True,
                        needs_approval=False,
                    )
                ),
                name="goodwill_req_status_consistent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount} {self.currency} on SC-{self.case_id}"

    @property
    def is_given(self) -> bool:
        return self.status in (CompensationStatus.APPROVED, CompensationStatus.GRANTED)
