"""Template filters of the agent console.

Only presentation: no queries, no business rules.
"""

from urllib.parse import urlsplit

from django import template

from cases.selectors.case_view import handle_label

register = template.Library()


@register.filter
def http_url(value) -> str:
    """The URL when it is http(s), else "": links from channels are data, and a
    `javascript:` URL in an href would run in the agent's session."""
    url = str(value or "").strip()
    try:
        scheme = urlsplit(url).scheme.lower()
    except ValueError:
        return ""
    return url if scheme in ("http", "https") else ""


@register.filter
def percent(value) -> str:
    """0.37 -> "37%"; empty for no value."""
    if value is None or value == "":
        return ""
    try:
        return f"{float(value) * 100:.0f}%"
    except (TypeError, ValueError):
        return ""


@register.filter
def handle(profile) -> str:
    """A social profile as its channel names it: @handle, or the address for e-mail and phone."""
    return handle_label(profile) if profile else ""
