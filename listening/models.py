"""Listening rules: what a brand listens for across its channels.

ListeningRule: one brand's terms (brand, product, competitor), exclusions
and languages, applied to the channels it names. The rules widen each
channel's own handles and terms: they drive the X recent-search query, the
RSS filter and the engagement classification of every post ingested on
those channels.
"""

from django.db import models

from channels_app.models import validate_string_list


def validate_language_list(value) -> None:
    validate_string_list(value)


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

    def __str__(self) -> str:
        return self.brand
