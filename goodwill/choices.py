"""The vocabulary of goodwill compensation: kinds, categories, statuses, why approval is needed, relationship kinds."""

from django.db import models


class CompensationKind(models.TextChoices):
    CREDIT = "credit", "Account credit"
    REFUND = "refund", "Refund"
    GIFT = "gift", "Gift"


class CompensationCategory(models.TextChoices):
    DELAY = "delay", "Delay"
    DEFECT = "defect", "Defective product"
    BILLING_ERROR = "billing_error", "Billing error"
    SERVICE_FAILURE = "service_failure", "Service failure"
    OTHER = "other", "Other"


class CompensationStatus(models.TextChoices):
    PENDING = "pending", "Waiting for approval"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"
    GRANTED = "granted", "Granted (within limits)"


# What counts towards the limits and the report's sums: compensation actually given.
GIVEN_STATUSES = (CompensationStatus.APPROVED, CompensationStatus.GRANTED)


class ApprovalReason(models.TextChoices):
    """Why a request waits for a manager; the first that applies, in this order, is stored."""

    MANAGER_OVER_SELF_LIMIT = "manager_over_self_limit", "Manager's own grant over the manager limit"
    OVER_CASE_LIMIT = "over_case_limit", "Over the agent limit per case"
    OVER_MONTH_LIMIT = "over_month_limit", "Over the agent limit per customer per month"
    OTHER_CURRENCY = "other_currency", "Currency without configured limits"
    FLAGGED = "flagged", "Flagged by a collusion check"


class RelationshipKind(models.TextChoices):
    FAMILY = "family", "Family"
    FRIEND = "friend", "Friend"
    COLLEAGUE = "colleague", "Colleague"
    OTHER = "other", "Other"


class CollusionRule(models.TextChoices):
    DECLARED_RELATIONSHIP = "declared_relationship", "Declared relationship"
    SAME_EMAIL = "same_email", "Same e-mail"
    SAME_PHONE = "same_phone", "Same phone"
    SAME_SURNAME = "same_surname", "Same surname"
    SAME_ADDRESS = "same_address", "Same address"
    REPEATED_GRANTS = "repeated_grants", "Repeated grants"
    PRAISE_AFTER_GRANT = "praise_after_grant", "Praise after a grant"
    NEAR_THRESHOLD = "near_threshold", "Amounts just under the threshold"
