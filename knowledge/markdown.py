"""Article Markdown to safe HTML.

Owns render_markdown(). Two layers, so a bug in one is not a hole:
markdown-it-py renders CommonMark (plus tables and strikethrough) with raw
HTML turned off, so "<script>" in a body is shown as text and links with a
javascript: or data: URL are not made; then nh3 (ammonia) keeps only an
allow-list of tags, attributes and URL schemes and gives every link
rel="nofollow noopener". Pure: no database.
"""

from __future__ import annotations

import nh3
from markdown_it import MarkdownIt

ALLOWED_TAGS = {
    "a",
    "blockquote",
    "br",
    "code",
    "del",
    "em",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "img",
    "li",
    "ol",
    "p",
    "pre",
    "s",
    "strong",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "tr",
    "ul",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "title"}, "ol": {"start"}}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}
LINK_REL = "nofollow noopener"

_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable(["table", "strikethrough"])


def render_markdown(source: str) -> str:
    """Sanitized HTML of a Markdown text: safe to mark_safe() in a template."""
    return nh3.clean(
        _markdown.render(source or ""),
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel=LINK_REL,
        strip_comments=True,
    )
