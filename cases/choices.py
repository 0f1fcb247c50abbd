"""Enumerations of the case domain, shared by models, services and forms.

Kept apart from the models so that channels_app and kpis can use the
vocabulary without importing model modules at load time.
"""

from django.db import models


class ChannelKind(models.TextChoices):
    """Kinds of channel. Defined here, in the domain vocabulary, because SLA
    policies and canned responses condition on them; channels_app re-exports it."""

    X = "x", "X (Twitter)"
    FACEBOOK = "facebook", "Facebook"
    RSS = "rss", "RSS/Atom (blogs, forums, reviews)"
    EMAIL = "email", "E-mail"
    WEBHOOK = "webhook", "Signed JSON webhook"
    IMPORT = "import", "File import"
    PHONE = "phone", "Phone (logged by hand)"


class CustomerTier(models.TextChoices):
    STANDARD = "standard", "Standard"
    PREMIUM = "premium", "Premium"
    VIP = "vip", "VIP"


class InfluenceTier(models.TextChoices):
    """Reach of a customer, from the largest follower count of their profiles."""

    LOW = "low", "Under 1k followers"
    MEDIUM = "medium", "1k to 10k followers"
    HIGH = "high", "10k to 100k followers"
    TOP = "top", "Over 100k followers"


# Lower bounds of each influence tier, in followers, highest first.
INFLUENCE_THRESHOLDS = (
    (100_000, InfluenceTier.TOP),
    (10_000, InfluenceTier.HIGH),
    (1_000, InfluenceTier.MEDIUM),
    (0, InfluenceTier.LOW),
)


class CaseStatus(models.TextChoices):
    NEW = "new", "New"
    OPEN = "open", "Open"
    PENDING = "pending", "Pending (waiting on customer)"
    ON_HOLD = "on_hold", "On hold"
    RESOLVED = "resolved", "Resolved"
    CLOSED = "closed", "Closed"


OPEN_STATUSES = (CaseStatus.NEW, CaseStatus.OPEN, CaseStatus.PENDING, CaseStatus.ON_HOLD)
DONE_STATUSES = (CaseStatus.RESOLVED, CaseStatus.CLOSED)


class Priority(models.TextChoices):
    LOW = "low", "Low"
    NORMAL = "normal", "Normal"
    HIGH = "high", "High"
    URGENT = "urgent", "Urgent"


# Lowest to highest: what "raise priority one step" walks.
PRIORITY_ORDER = (Priority.LOW, Priority.NORMAL, Priority.HIGH, Priority.URGENT)


def priority_above(priority: str) -> str | None:
    """The next priority up, or None when `priority` is already urgent."""
    step = PRIORITY_ORDER.index(priority)
    return PRIORITY_ORDER[step + 1] if step + 1 < len(PRIORITY_ORDER) else None


def priority_held(scored: str, *, hold: str = "", floor: str = "") -> str:
    """The label a case shows: a label set by hand (`hold`) wins; else the scored label,
    never below the `floor` an escalation left."""
    if hold:
        return hold
    if floor and PRIORITY_ORDER.index(floor) > PRIORITY_ORDER.index(scored):
        return floor
    return scored


class EngagementType(models.TextChoices):
    """How a post relates to the brand (see docs/ARCHITECTURE.md)."""

    REACTIVE = "reactive", "Reactive (addressed to the brand)"
    PROACTIVE = "proactive", "Proactive (mentions the brand)"
    PROGRESSIVE = "progressive", "Progressive (competitor or category)"
    NONE = "none", "None"


class Intent(models.TextChoices):
    COMPLAINT = "complaint", "Complaint"
    QUESTION = "question", "Question"
    PRAISE = "praise", "Praise"
    SALES_LEAD = "sales_lead", "Sales lead"
    CHURN_THREAT = "churn_threat", "Churn threat"
    OTHER = "other", "Other"


class SentimentLabel(models.TextChoices):
    NEGATIVE = "negative", "Negative"
    NEUTRAL = "neutral", "Neutral"
    POSITIVE = "positive", "Positive"


class CaseEventKind(models.TextChoices):
    INBOUND_POST = "inbound_post", "Inbound post"
    OUTBOUND_REPLY = "outbound_reply", "Outbound reply"
    REPLY_FAILED = "reply_failed", "Reply failed to send"
    INTERNAL_NOTE = "internal_note", "Internal note"
    STATUS_CHANGE = "status_change", "Status change"
    PRIORITY_CHANGE = "priority_change", "Priority change"
    ASSIGNMENT = "assignment", "Assignment"
    ESCALATION = "escalation", "Escalation"
    INCIDENT = "incident", "Incident link"
    SLA_WARNING = "sla_warning", "SLA warning"
    SLA_BREACH = "sla_breach", "SLA breach"
    SLA_RECOMPUTED = "sla_recomputed", "SLA due times recomputed"
    TAGS_CHANGE = "tags_change", "Tags changed"
    MERGE = "merge", "Merge"
    SURVEY = "survey", "Satisfaction survey"


class SLATarget(models.TextChoices):
    FIRST_RESPONSE = "first_response", "First response"
    NEXT_RESPONSE = "next_response", "Next response"
    RESOLUTION = "resolution", "Resolution"


class ClockState(models.TextChoices):
    RUNNING = "running", "Running"
    PAUSED = "paused", "Paused (pending or on hold)"
    STOPPED = "stopped", "Stopped"


class ClockStop(models.TextChoices):
    """Why a clock stopped: an agent's public reply, or the case was resolved."""

    REPLY = "reply", "Agent replied"
    RESOLVED = "resolved", "Case resolved"


class NotificationKind(models.TextChoices):
    SLA_WARNING = "sla_warning", "SLA warning"
    SLA_BREACH = "sla_breach", "SLA breach"
    ESCALATION = "escalation", "Escalation"
    SPIKE = "spike", "Volume spike"
    CAPACITY = "capacity", "Capacity warning"
    INCIDENT = "incident", "Incident"


class EscalationAction(models.TextChoices):
    NONE = "none", "Flag only"
    RAISE_PRIORITY = "raise_priority", "Raise priority one step"
    REASSIGN_TO_LEAD = "reassign_to_lead", "Reassign to the team lead"
    REASSIGN_TO_TEAM = "reassign_to_team", "Move to the escalation team"
    NOTIFY_MANAGERS = "notify_managers", "Notify managers"


class Weekday(models.IntegerChoices):
    MONDAY = 0, "Monday"
    TUESDAY = 1, "Tuesday"
    WEDNESDAY = 2, "Wednesday"
    THURSDAY = 3, "Thursday"
    FRIDAY = 4, "Friday"
    SATURDAY = 5, "Saturday"
    SUNDAY = 6, "Sunday"


def influence_tier_for(followers: int) -> InfluenceTier:
    """Map a follower count to its influence tier."""
    for lower_bound, tier in INFLUENCE_THRESHOLDS:
        if followers >= lower_bound:
            return tier
    return InfluenceTier.LOW
