"""Routing rules: which team a new case goes to, and what skill answering it needs.

Evaluating rules belongs to cases.routing (pure); applying the decision and
assigning an agent to cases.services.routing. Conditions are lists of enum
values (ISO 639-1 codes for languages), an empty list meaning "any"; a rule
matches when every condition does.
"""

import re

from django.core.exceptions import ValidationError
from django.db import models

from cases.choices import ChannelKind, CustomerTier, EngagementType, Intent, Priority
from cases.models.sla import _validate_subset

LANGUAGE_RE = re.compile(r"[a-z]{2,3}")
TERM_MAX_LENGTH = 100


class RoutingRule(models.Model):
    """Send matching cases to `team`; optionally only agents with `required_skill` take them.

    Rules are tried in `position` order. The first matching rule with `stop`
    decides; a matching rule without `stop` is provisional: a later matching
    rule replaces it, and it decides only when none does.
    """

    name = models.CharField(max_length=100, unique=True)
    position = models.PositiveIntegerField(default=100, help_text="Lower is evaluated first.")
    is_active = models.BooleanField(default=True)
    # Conditions: lists of enum values; empty means "any".
    channel_kinds = models.JSONField(default=list, blank=True)
    languages = models.JSONField(default=list, blank=True, help_text='ISO 639-1 codes, e.g. ["es", "pt"].')
    intents = models.JSONField(default=list, blank=True)
    engagement_types = models.JSONField(default=list, blank=True)
    priorities = models.JSONField(default=list, blank=True)
    customer_tiers = models.JSONField(default=list, blank=True)
    terms = models.JSONField(
        default=list,
        blank=True,
        help_text='Words or phrases, any of which must appear in the subject or first message, e.g. ["refund"].',
    )
    team = models.ForeignKey("cases.Team", on_delete=models.PROTECT, related_name="routing_rules")
    required_skill = models.CharField(
        max_length=50, blank=True, help_text="Only agents listing this skill are assigned; empty: any agent."
    )
    stop = models.BooleanField(default=True, help_text="Stop at this rule when it matches.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        _validate_subset(self.channel_kinds, ChannelKind, "channel kinds")
        _validate_subset(self.intents, Intent, "intents")
        _validate_subset(self.engagement_types, EngagementType, "engagement types")
        _validate_subset(self.priorities, Priority, "priorities")
        _validate_subset(self.customer_tiers, CustomerTier, "customer tiers")
        for label, values in (("languages", self.languages), ("terms", self.terms)):
            if not isinstance(values, list) or not all(isinstance(value, str) for value in values):
                raise ValidationError({label: f"{label.capitalize()} must be a list of text values."})
        bad = [code for code in self.languages if not LANGUAGE_RE.fullmatch(code)]
        if bad:
            raise ValidationError(
                {"languages": f"Not ISO 639 codes: {', '.join(bad)}. Use lower-case codes like en, es, pt."}
            )
        if any(not term.strip() or len(term) > TERM_MAX_LENGTH for term in self.terms):
            raise ValidationError({"terms": f"Each term needs text, at most {TERM_MAX_LENGTH} characters."})
        self.required_skill = self.required_skill.strip()
