"""Facebook Pages formats into NormalizedPost: Graph feed/comments responses and `feed` webhook changes.

Owns normalize_graph_page() (items of `/{page-id}/feed` and
`/{post-id}/comments`, with nested `comments.data`), normalize_feed_webhook()
(`entry[].changes[]` of field `feed`, verb `add`; the file importer uses
both) and the change readers FacebookAdapter.parse_webhook() shares
(_feed_events: adds, edits and removals). A post or comment whose author is
the Page itself is the brand's (outbound). Pure functions: no HTTP, no database.
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
        author = _object(item.get("from"))
        item_id = _text_id(item.get("id"), "id")
        parent = _object(item.get("parent")).get("id") or parent_id
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
    comments = _object(item.get("comments")).get("data")
    for comment in comments if isinstance(comments, list) else []:
        yield from _graph_item(comment, page_id=own_page, parent_id=item_id)


def normalize_feed_webhook(payload: Any) -> Iterator[NormalizedPost | InvalidPost]:
    """Posts and comments added (verb `add`) in a Page `feed` webhook delivery; a malformed change
    yields its InvalidPost (raw: the change) and the rest go on."""
    if not isinstance(payload, dict) or payload.get("object") != "page":
        yield InvalidPost('a Page webhook must be a JSON object with "object": "page"', raw=payload)
        return
    for event in _feed_events(payload):
        if isinstance(event, InvalidPost):
            yield event
        elif event[0] == "add":
            yield event[1]


# Items that are conversation; reactions, likes and events on the feed are not.
_CONTENT_ITEMS = frozenset({"post", "status", "comment", "photo", "video", "share"})


def _feed_events(payload: dict) -> Iterator[tuple[str, Any] | InvalidPost]:
    """("add" | "edited", NormalizedPost) or ("remove", external id) for each `feed` change that
    carries content, in delivery order; an InvalidPost for each malformed one; others skipped."""
    entries = payload.get("entry") or []
    if not isinstance(entries, list):
        yield InvalidPost("`entry` must be a list", raw=payload)
        return
    for entry in entries:
        if not isinstance(entry, dict) or not isinstance(entry.get("changes") or [], list):
            yield InvalidPost("an entry must be a JSON object with a `changes` list", raw=entry)
            continue
        page_id = str(entry.get("id") or "")
        for change in entry.get("changes") or []:
            try:
                event = _feed_event(change, page_id=page_id, entry_time=entry.get("time"))
            except InvalidPost as error:
                yield InvalidPost(f"feed change: {error}", raw=change)
                continue
            if event is not None:
                yield event


def _feed_event(change: Any, *, page_id: str, entry_time: Any) -> tuple[str, Any] | None:
    if not isinstance(change, dict):
        raise InvalidPost("a change must be a JSON object")
    if change.get("field") != "feed":
        return None
    value = change.get("value")
    if not isinstance(value, dict):
        raise InvalidPost("`value` must be a JSON object")
    item, verb = value.get("item"), value.get("verb")
    if not isinstance(item, str) or item not in _CONTENT_ITEMS:
        return None
    if verb in ("add", "edited"):
        return verb, _webhook_value(value, page_id=page_id, entry_time=entry_time)
    if verb == "remove":
        key = "comment_id" if item == "comment" else "post_id"
        return "remove", _text_id(value.get(key), key)
    # hide, unhide, block, mute...: moderation of content we already have, not new content.
    return None


def _webhook_value(value: dict, *, page_id: str, entry_time: Any) -> NormalizedPost:
    author = _object(value.get("from"))
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


def _object(value: Any) -> dict:
    """`value` when it is a JSON object, else {}: a malformed `from` or `parent` loses
    the author or the thread, not the post."""
    return value if isinstance(value, dict) else {}


def _text_id(value: Any, name: str) -> str:
    if value is None or value == "" or isinstance(value, bool):
        raise InvalidPost(f"missing {name}")
    return str(value)


def _page_of(object_id: str) -> str:
    """Page post ids are `<page id>_<post id>`."""
    return object_id.split("_", 1)[0] if "_" in object_id else ""
