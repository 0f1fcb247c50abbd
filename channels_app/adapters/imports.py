"""File imports: readers that stream a file into NormalizedPost items.

Owns the four import formats of `manage.py import_posts`:
- twcs: the "Customer Support on Twitter" CSV (tweet_id, author_id, inbound,
  created_at, text, response_tweet_id, in_response_to_tweet_id);
- x-v2: X API v2 response pages (one JSON page, a JSON array of pages, or
  one page per line);
- facebook: Graph API edge responses or Page `feed` webhook payloads, in
  the same three layouts;
- jsonl: our normalized post, one JSON object per line (docs/FORMATS.md).
Every reader yields (where, NormalizedPost | InvalidPost) one item at a
time, so memory does not grow with the file, and a bad item is reported
with its place and reason while the rest go on.
"""

from __future__ import annotations

import csv
import json
import re
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TextIO

from channels_app.adapters.base import storable
from channels_app.adapters.facebook import normalize_feed_webhook, normalize_graph_page
from channels_app.adapters.x import normalize_v2_page
from channels_app.pipeline.normalized import InvalidPost, NormalizedPost, parse_datetime

Item = tuple[str, NormalizedPost | InvalidPost]

TWCS_COLUMNS = ("tweet_id", "author_id", "inbound", "created_at", "text")
_FLOAT_ID = re.compile(r"^(\d+)\.0*$")

csv.field_size_limit(min(sys.maxsize, 2**31 - 1))


def open_text(path: str | Path) -> TextIO:
    # utf-8-sig drops a byte-order mark; newline="" lets csv keep line breaks inside quoted text.
    return open(path, encoding="utf-8-sig", errors="replace", newline="")


def twcs_id(value: str | None, column: str, *, required: bool) -> str:
    """A tweet id as written in twcs files: '123', '123.0' (a spreadsheet's float) or empty."""
    text = (value or "").strip()
    if not text:
        if required:
            raise InvalidPost(f"missing {column}")
        return ""
    if text.isdigit():
        return text
    match = _FLOAT_ID.match(text)
    if match:
        return match.group(1)
    raise InvalidPost(f"{column} {text!r} is not a tweet id (an id in scientific notation has lost its digits)")


def _twcs_post(row: dict[str, str | None]) -> NormalizedPost:
    missing = [column for column in TWCS_COLUMNS if row.get(column) is None]
    if missing:
        raise InvalidPost(f"row has too few columns (missing {', '.join(missing)})")
    inbound_flag = (row["inbound"] or "").strip().lower()
    if inbound_flag not in ("true", "false"):
        raise InvalidPost(f"inbound {row['inbound']!r} is not True or False")
    author = (row["author_id"] or "").strip()
    if not author:
        raise InvalidPost("missing author_id")
    # Stray carriage returns inside the text are line noise, not content.
    text = (row["text"] or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    reply_to = (row.get("in_response_to_tweet_id") or "").split(",")[0]
    return NormalizedPost(
        external_id=twcs_id(row["tweet_id"], "tweet_id", required=True),
        posted_at=parse_datetime(row["created_at"]),
        text=text,
        author_id=author,
        author_handle=author,
        in_reply_to_id=twcs_id(reply_to, "in_response_to_tweet_id", required=False),
        is_outbound=inbound_flag == "false",
        raw={key: value for key, value in row.items() if key is not None},
    )


def read_twcs(handle: TextIO) -> Iterator[Item]:
    reader = csv.DictReader(handle)
    try:
        header = reader.fieldnames or []
    except csv.Error as error:
        yield "line 1", InvalidPost(f"not a twcs file: unreadable CSV header ({error})")
        return
    absent = [column for column in TWCS_COLUMNS if column not in header]
    if absent:
        yield "line 1", InvalidPost(f"not a twcs file: the header lacks {', '.join(absent)}")
        return
    while True:
        # csv raises on a malformed line (a bare carriage return inside an unquoted
        # field) and resumes at the next line: one bad row must not end the import.
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            yield f"line {reader.line_num}", InvalidPost(f"unreadable CSV row: {error}")
            continue
        where = f"line {reader.line_num}"
        try:
            yield where, storable(_twcs_post(row))
        except InvalidPost as error:
            yield where, error


def scan_twcs_brands(handle: TextIO) -> set[str]:
    """The brands' handles: authors of the rows with inbound=False."""
    brands = set()
    for row in csv.DictReader(handle):
        if (row.get("inbound") or "").strip().lower() == "false" and row.get("author_id"):
            brands.add(row["author_id"].strip())
    return brands


def _json_loads(text: str) -> Any:
    """json.loads, with a value nested deeper than the parser's stack reported as the
    JSONDecodeError it is for us (an unreadable line), not a RecursionError."""
    try:
        return json.loads(text)
    except RecursionError:
        raise json.JSONDecodeError("nested too deeply", text, 0) from None


def read_jsonl(handle: TextIO) -> Iterator[Item]:
    for number, line in enumerate(handle, start=1):
        if not line.strip():
            continue
        where = f"line {number}"
        try:
            data = _json_loads(line)
        except json.JSONDecodeError as error:
            yield where, InvalidPost(f"not JSON: {error.msg} at column {error.colno}")
            continue
        try:
            yield where, storable(NormalizedPost.from_json(data))
        except InvalidPost as error:
            yield where, error


def _json_pages(handle: TextIO) -> Iterator[tuple[str, Any]]:
    """Pages from a file holding one JSON value (a page or a list of pages) or one page per line."""
    first = handle.read(1)
    while first and first.isspace():
        first = handle.read(1)
    if not first:
        return
    rest = handle.readline()
    try:
        head = _json_loads(first + rest)
        single_line = True
    except json.JSONDecodeError:
        single_line = False
    if single_line:
        # Line-delimited pages (or a one-line document).
        pages = head if isinstance(head, list) else [head]
        for index, page in enumerate(pages, start=1):
            yield ("line 1" if len(pages) == 1 else f"line 1, page {index}"), page
        for number, line in enumerate(handle, start=2):
            if line.strip():
                try:
                    yield f"line {number}", _json_loads(line)
                except json.JSONDecodeError as error:
                    yield f"line {number}", InvalidPost(f"not JSON: {error.msg} at column {error.colno}")
        return
    # A pretty-printed document: read it whole (such files are single API pages, not bulk exports).
    text = first + rest + handle.read()
    try:
        document = _json_loads(text)
    except json.JSONDecodeError as error:
        yield f"line {error.lineno}", InvalidPost(f"not JSON: {error.msg} at column {error.colno}")
        return
    pages = document if isinstance(document, list) else [document]
    for index, page in enumerate(pages, start=1):
        yield f"page {index}", page


def _read_pages(handle: TextIO, normalize: Callable[[Any], Iterator[NormalizedPost | InvalidPost]]) -> Iterator[Item]:
    for where, page in _json_pages(handle):
        if isinstance(page, InvalidPost):
            yield where, page
            continue
        for number, item in enumerate(normalize(page), start=1):
            if isinstance(item, NormalizedPost):
                try:
                    item = storable(item)
                except InvalidPost as error:
                    item = error
            yield f"{where}, item {number}", item


def read_x_v2(handle: TextIO) -> Iterator[Item]:
    return _read_pages(handle, normalize_v2_page)


def _facebook_page(page: Any) -> Iterator[NormalizedPost | InvalidPost]:
    if isinstance(page, dict) and page.get("object") == "page":
        return normalize_feed_webhook(page)
    return normalize_graph_page(page)


def read_facebook(handle: TextIO) -> Iterator[Item]:
    return _read_pages(handle, _facebook_page)


READERS: dict[str, Callable[[TextIO], Iterator[Item]]] = {
    "twcs": read_twcs,
    "x-v2": read_x_v2,
    "facebook": read_facebook,
    "jsonl": read_jsonl,
}
