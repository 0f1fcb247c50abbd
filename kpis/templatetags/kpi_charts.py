"""Charts of the KPI pages, drawn on the server as inline SVG: no script, no canvas, nothing to download.

Owns the `line_chart` and `bar_chart` tags and the `kpi_format` and
`kpi_change` filters. A series is a list of (label, value) with value None
for a day without data (drawn as a gap, not a zero). Every point carries a
<title>, so hovering (or a screen reader) gives the exact figure.
"""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

register = template.Library()

WIDTH, HEIGHT = 640, 170
LEFT, RIGHT, TOP, BOTTOM = 48, 12, 12, 24
COLOURS = ("#2563eb", "#d97706", "#059669", "#dc2626")


def _scale(values: list[float], *, zero_based: bool) -> tuple[float, float]:
    low, high = min(values), max(values)
    if zero_based:
        low = min(low, 0.0)
    if high == low:
        high = low + (abs(low) or 1.0)
    return low, high


def _x(index: int, count: int) -> float:
    inner = WIDTH - LEFT - RIGHT
    return LEFT + (inner * index / (count - 1) if count > 1 else inner / 2)


def _y(value: float, low: float, high: float) -> float:
    return TOP + (HEIGHT - TOP - BOTTOM) * (1 - (value - low) / (high - low))


def _frame(title: str, labels: list[str], low: float, high: float, unit: str, body: str) -> str:
    first, last = (labels[0], labels[-1]) if labels else ("", "")
    axis = (
        f'<line x1="{LEFT}" y1="{HEIGHT - BOTTOM}" x2="{WIDTH - RIGHT}" y2="{HEIGHT - BOTTOM}" class="axis"/>'
        f'<text x="{LEFT - 6}" y="{TOP + 4}" class="tick" text-anchor="end">{escape(kpi_format(high, unit))}</text>'
        f'<text x="{LEFT - 6}" y="{HEIGHT - BOTTOM}" class="tick" text-anchor="end">'
        f"{escape(kpi_format(low, unit))}</text>"
        f'<text x="{LEFT}" y="{HEIGHT - 6}" class="tick">{escape(first)}</text>'
        f'<text x="{WIDTH - RIGHT}" y="{HEIGHT - 6}" class="tick" text-anchor="end">{escape(last)}</text>'
    )
    return (
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{escape(title)}" '
        f'preserveAspectRatio="none"><title>{escape(title)}</title>{axis}{body}</svg>'
    )


@register.simple_tag
def line_chart(points, title: str, unit: str = "", zero_based: bool = True):
    """One line over days; gaps where a day has no value."""
    labels = [str(label) for label, _value in points]
    values = [float(value) for _label, value in points if value is not None]
    if not values:
        return format_html('<p class="muted chart-empty">{}: no data in this period.</p>', title)
    low, high = _scale(values, zero_based=zero_based)
    segments, current, dots = [], [], []
    for index, (label, value) in enumerate(points):
        if value is None:
            if current:
                segments.append(current)
            current = []
            continue
        x, y = _x(index, len(points)), _y(float(value), low, high)
        current.append(f"{x:.1f},{y:.1f}")
        dots.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" class="dot">'
            f"<title>{escape(str(label))}: {escape(kpi_format(value, unit))}</title></circle>"
        )
    if current:
        segments.append(current)
    lines = "".join(f'<polyline points="{" ".join(segment)}" class="line"/>' for segment in segments)
    return mark_safe(_frame(title, labels, low, high, unit, lines + "".join(dots)))


@register.simple_tag
def bar_chart(points, title: str, unit: str = ""):
    """Bars over days; `points` are (label, value) with value a number (None counts as no bar)."""
    labels = [str(label) for label, _value in points]
    values = [float(value or 0) for _label, value in points]
    if not values or not any(values):
        return format_html('<p class="muted chart-empty">{}: no data in this period.</p>', title)
    low, high = _scale(values, zero_based=True)
    inner = WIDTH - LEFT - RIGHT
    width = max(inner / len(values) * 0.7, 1.0)
    bars = []
    for index, (label, value) in enumerate(zip(labels, values, strict=True)):
        x = LEFT + inner * (index + 0.5) / len(values) - width / 2
        y = _y(value, low, high)
        bars.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{width:.1f}" height="{HEIGHT - BOTTOM - y:.1f}" class="bar">'
            f"<title>{escape(label)}: {escape(kpi_format(value, unit))}</title></rect>"
        )
    return mark_safe(_frame(title, labels, low, high, unit, "".join(bars)))


@register.filter
def kpi_format(value, unit: str = "") -> str:
    """A figure for people: minutes as "1 h 05 min", shares as percents, money with two decimals."""
    if value is None:
        return "\u2013"  # an en dash: no figure
    if unit == "minutes":
        minutes = float(value)
        if minutes < 60:
            return f"{minutes:.1f} min"
        hours, rest = divmod(round(minutes), 60)
        return f"{hours} h {rest:02d} min" if hours < 48 else f"{hours / 24:.1f} days"
    if unit == "share":
        return f"{float(value) * 100:.1f}%"
    if unit == "money":
        return f"{Decimal(value):,.2f}"
    if unit == "score":
        return f"{float(value):.2f}"
    if isinstance(value, float):
        return f"{value:,.1f}"
    return f"{value:,}"


@register.simple_tag
def kpi_change(current, previous, unit: str = "", better: str = "up"):
    """The change against the previous period, marked good or bad by which direction is `better`."""
    if current is None or previous is None:
        return mark_safe('<span class="change muted">no comparison</span>')
    delta = float(current) - float(previous)
    if abs(delta) < 1e-9:
        return mark_safe('<span class="change muted">no change</span>')
    good = (delta > 0) == (better == "up")
    if unit == "share":
        text = f"{delta * 100:+.1f} pts"
    elif unit == "minutes":
        text = ("+" if delta > 0 else "\u2212") + kpi_format(abs(delta), "minutes")
    elif float(previous):
        text = f"{delta / abs(float(previous)) * 100:+.0f}%"
    else:
        text = f"{delta:+,.2f}"
    return format_html('<span class="change {}">{} vs previous</span>', "good" if good else "bad", text)
