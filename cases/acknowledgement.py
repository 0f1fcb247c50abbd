"""Automatic acknowledgements: what a customer is told when their case waits for the next shift.

Owns render_acknowledgement(), validate_acknowledgement_template() and
DEFAULT_ACKNOWLEDGEMENT. Pure: the routing service decides when one is sent
(cases.services.routing) and the outbox sends it as an automatic message,
which stops no SLA clock and does not count as a response.

A template is plain text with these placeholders, each optional:
- {name}: the customer's first name (or "there" when unknown);
- {reference}: the case reference, e.g. SC-1042;
- {expected_time}: when an agent will answer at the latest, in the team's
  time zone, e.g. "Mon 7 Dec, 09:00 (America/New_York)";
- {expected_in}: the same as a duration from now, e.g. "about 7 hours".
The expected time is the later of the team's next opening and the case's
first-response due time: the SLA is the promise, unless the team cannot
keep it, and then the customer is told the truth.
"""

from __future__ import annotations

import datetime as dt
import string
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError

PLACEHOLDERS = frozenset({"name", "reference", "expected_time", "expected_in"})
DEFAULT_ACKNOWLEDGEMENT = (
    "Hi {name}, thanks for reaching out. Our care team is away right now; "
    "we will answer by {expected_time} ({reference})."
)


def validate_acknowledgement_template(template: str) -> None:
    """Refuse unknown placeholders and broken braces, naming them, so an admin sees the mistake when saving."""
    try:
        fields = [field for _text, field, _spec, _conv in string.Formatter().parse(template) if field is not None]
    except ValueError as error:
        raise ValidationError(f"The template has a broken placeholder: {error}. Write {{name}}, not {{name.") from None
    unknown = sorted({field for field in fields if field not in PLACEHOLDERS})
    if unknown:
        known = ", ".join("{" + name + "}" for name in sorted(PLACEHOLDERS))
        raise ValidationError(f"Unknown placeholder(s): {', '.join(unknown)}. Use {known}.")


def render_acknowledgement(
    template: str, *, name: str, reference: str, expected: dt.datetime, now: dt.datetime, zone: str
) -> str:
    """The acknowledgement's text; `expected` is aware, shown in `zone`."""
    local = expected.astimezone(ZoneInfo(zone))
    values = {
        "name": (name or "").split()[0] if (name or "").strip() else "there",
        "reference": reference,
        "expected_time": f"{local:%a} {local.day} {local:%b}, {local:%H:%M} ({zone})",
        "expected_in": _duration(expected - now),
    }
    return template.format_map(values)


def _duration(delta: dt.timedelta) -> str:
    minutes = max(round(delta.total_seconds() / 60), 0)
    if minutes < 60:
        return f"about {max(minutes, 1)} minute{'s' if minutes != 1 else ''}"
    hours = round(minutes / 60)
    if hours < 48:
        return f"about {hours} hour{'s' if hours != 1 else ''}"
    return f"about {round(hours / 24)} days"
