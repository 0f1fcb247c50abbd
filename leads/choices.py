"""Enumerations of sales leads, apart from the models so rules.py can use them without the app registry."""

from django.db import models


class LeadReason(models.TextChoices):
    PURCHASE_INTENT = "purchase_intent", "Purchase intent"
    COMPETITOR_COMPLAINT = "competitor_complaint", "Complaint about a competitor"


class LeadStatus(models.TextChoices):
    NEW = "new", "New"
    CONTACTED = "contacted", "Contacted"
    WON = "won", "Won"
    LOST = "lost", "Lost"


OPEN_LEAD_STATUSES = (LeadStatus.NEW, LeadStatus.CONTACTED)
CLOSED_LEAD_STATUSES = (LeadStatus.WON, LeadStatus.LOST)
