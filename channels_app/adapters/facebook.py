"""Facebook Pages: Graph API feed/comments responses and `feed` webhook
changes into NormalizedPost.

Owns normalize_graph_page() (items of `/{page-id}/feed` and
`/{post-id}/comments`, with nested `comments.data`) and
normalize_feed_webhook() (`entry[].changes[]` of field `feed`). A post or
comment whose author is the Page itself is the brand's (outbound).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from channels_app.pipeline.normalized import InvalidPost, NormalizedPost, parse_datetime


def normalize_graph_page(page: Any, *, page_id: str = "") -> Iterator[NormalizedPost | InvalidPost]:
    """Items of one Graph API edge response, comments nested in posts included."""
    if not isinstance(page, dict) or not isinstance(page.get("data", []), list):
        yield InvalidPost("a Graph API response must be a JSON object with a `data` list")
        return
    for item in page.get("data") or []:
        yield from _graph_item(item, page_id=page_id, parent_id="")


def _graph_item(item: Any, *, page_id: str, parent_id: str) -> Iterator[NormalizedPost | InvalidPost]:
    if not isinstance(item, dict):
        yield InvalidPost("a Graph API item must be a JSON object")
        return
    try:
        author = item.get("from") or {}
        item_id = _text_id(item.get("id"), "id")
        parent = (item.get("parent") or {}).get("id") or parent_id
        # A feed post's id starts with its Page's id; a bare comment's does not.
        own_page = page_id or ("" if parent else _page_of(item_id))
        yield NormalizedPost(
            external_id=item_id,
            posted_at=parse_datetime(item.get("created_time")),
            text=str(item.get("message") or ""),
            author_id=str(author.get("id") or ""),
            author_name=str(author.get("name") or ""),
            url=str(item.get("permalink_url") or ""),
            in_reply_to_id=str(parent or ""),
            # Posts and comments on the Page's feed are addressed to the Page.
            in_reply_to_handle=own_page,
            is_outbound=(str(author.get("id") or "") == own_page) if own_page else None,
            raw={key: value for key, value in item.items() if key != "comments"},
        )
    except InvalidPost as error:
        yield error
        return
    own_page = page_id or ("" if parent else _page_of(item_id))
    comments = item.get("comments") or {}
    for comment in comments.get("data") or [] if isinstance(comments, dict) else []:
        yield from _graph_item(comment, page_id=own_page, parent_id=item_id)


def normalize_feed_webhook(payload: Any) -> Iterator[NormalizedPost | InvalidPost]:
    """Posts and comments added (verb `add`) in a Page `feed` webhook delivery."""
    if not isinstance(payload, dict) or payload.get("object") != "page":
        yield InvalidPost('a Page webhook must be a JSON object with "object": "page"')
        return
    for entry in payload.get("entry") or []:
        if not isinstance(entry, dict):
            yield InvalidPost("an entry must be a JSON object")
            continue
        page_id = str(entry.get("id") or "")
        for change in entry.get("changes") or []:
            value = (change or {}).get("value") if isinstance(change, dict) else None
            if not isinstance(value, dict) or change.get("field") != "feed":
                continue
            if value.get("item") not in ("post", "status", "comment", "photo", "video", "share"):
                continue
            if value.get("verb") != "add":
                continue
            try:
                yield _webhook_value(value, page_id=page_id, entry_time=entry.get("time"))
            except InvalidPost as error:
                yield error


def _webhook_value(value: dict, *, page_id: str, entry_time: Any) -> NormalizedPost:
    author = value.get("from") or {}
    is_comment = value.get("item") == "comment"
    item_id = _text_id(value.get("comment_id") if is_comment else value.get("post_id"), "comment_id or post_id")
    parent_id = str(value.get("parent_id") or value.get("post_id") or "") if is_comment else ""
    created = value.get("created_time") if value.get("created_time") is not None else entry_time
    return NormalizedPost(
        external_id=item_id,
        posted_at=parse_datetime(created),
        text=str(value.get("message") or ""),
        author_id=str(author.get("id") or ""),
        author_name=str(author.get("name") or ""),
        in_reply_to_id=parent_id,
        in_reply_to_handle=page_id,  # on the Page's feed: addressed to the Page
        conversation_id=str(value.get("post_id") or ""),
        is_outbound=bool(page_id) and str(author.get("id") or "") == page_id,
        raw=value,
    )


def _text_id(value: Any, name: str) -> str:
    if value is None or value == "" or isinstance(value, bool):
        raise InvalidPost(f"missing {name}")
    return str(value)


def _page_of(object_id: str) -> str:
    """Page post ids are `<page id>_<post id>`."""
    return object_id.split("_", 1)[0] if "_" in object_id else ""
