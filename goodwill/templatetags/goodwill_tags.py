"""Template filters of the goodwill pages."""

from django import template

from goodwill.choices import CollusionRule

register = template.Library()


@register.filter
def rule_label(rule: str) -> str:
    """The name of a collusion rule ("same_phone" → "Same phone"); unknown rules as stored."""
    try:
        return CollusionRule(rule).label
    except ValueError:
        return rule
