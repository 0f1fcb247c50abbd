"""Listening rules: what a brand listens for across its channels, and what agents said of the matches.

ListeningRule: one brand's terms (brand, product, competitor), exclusions
and languages, applied to the channels it names. The rules widen each
channel's own handles and terms: they drive the X recent-search query, the
RSS filter and the engagement classification of every post ingested on
those channels (channels_app reads them through Channel.listening_rules;
it never imports this app).

ListeningFeedback: an agent's verdict on a post the stream showed for a
rule ("not relevant"), once per post and rule, with the terms that matched
then; the rules report reads it to show which terms bring noise.
"""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from channels_app.models import validate_string_list
from socialcrm.db import choices_check

LANGUAGE_CODE_RE = re.compile(r"^[A-Za-z]{2}(-[A-Za-z0-9]{2,8})?$")


def validate_language_list(value) -> None:
    validate_string_list(value)
    wrong = [code for code in value if not LANGUAGE_CODE_RE.match(code.strip())]
    if wrong:
        raise ValidationError(f'Use ISO 639-1 codes such as "en" or "pt-BR", not {", ".join(wrong)}.')


class ListeningRule(models.Model):
    brand = models.CharField(max_length=100, unique=True, help_text="The brand these terms belong to, e.g. Acme Air.")
    channels = models.ManyToManyField(
        "channels_app.Channel", related_name="listening_rules", blank=True, help_text="Where the rule applies."
    )
    brand_terms = models.JSONField(
        default=list, blank=True, validators=[validate_string_list], help_text='Names of the brand, e.g. ["Acme Air"].'
    )
    product_terms = models.JSONField(
        default=list,
        blank=True,
        validators=[validate_string_list],
        help_text='Products and services that name the brand as well, e.g. ["SkyMiles Plus"].',
    )
    competitor_terms = models.JSONField(
        default=list, blank=True, validators=[validate_string_list], help_text='Competitors, e.g. ["Globex Airways"].'
    )
    exclusions = models.JSONField(
        default=list,
        blank=True,
        validators=[validate_string_list],
        help_text='A post containing one of these is not a match, e.g. ["acme anvil"] for the cartoon.',
    )
    languages = models.JSONField(
        default=list,
        blank=True,
        validators=[validate_language_list],
        help_text='ISO 639-1 codes to listen in, e.g. ["en", "es"]; empty listens in every language.',
    )
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["brand"]
        permissions = [("view_listening_report", "Can view the listening rules report")]

    def __str__(self) -> str:
        return self.brand


class Verdict(models.TextChoices):
    NOT_RELEVANT = "not_relevant", "Not relevant"


class ListeningFeedback(models.Model):
    post = models.ForeignKey("channels_app.SocialPost", on_delete=models.CASCADE, related_name="listening_feedback")
    rule = models.ForeignKey(ListeningRule, on_delete=models.CASCADE, related_name="feedback")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    verdict = models.CharField(max_length=16, choices=Verdict.choices, default=Verdict.NOT_RELEVANT)
    matched_terms = models.JSONField(default=list, blank=True, help_text="The rule's terms the post named then.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            # Also the index of "has this post a verdict for this rule" (stream and report).
            models.UniqueConstraint(fields=["post", "rule"], name="listening_feedback_once_per_post_rule"),
            choices_check("verdict", Verdict, "listening_feedback_verdict_valid"),
        ]
        indexes = [models.Index(fields=["rule", "-created_at"], name="listening_feedback_rule_idx")]

    def __str__(self) -> str:
        return f"{self.get_verdict_display()}: post {self.post_id} for {self.rule}"
