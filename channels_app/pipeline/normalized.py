"""The normalized post: what every source hands to the ingestion pipeline.

Adapters and file readers turn a channel's own format into NormalizedPost;
the pipeline never sees a channel format. Plain data, no database.
The JSON form (to_json/from_json) is the `jsonl` import format and the body
of the generic webhook, documented in docs/FORMATS.md.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any


class InvalidPost(ValueError):
    """A source item that cannot become a post; the message says why.
    `raw` keeps the item as the source gave it, so it can be kept as a dead letter."""

    def __init__(self, message: str, *, raw: object = None) -> None:
        super().__init__(message)
        self.raw = raw


_STRING_FIELDS = (
    "external_id",
    "text",
    "author_id",
    "author_handle",
    "author_name",
    "author_email",
    "url",
    "language",
    "in_reply_to_id",
    "in_reply_to_handle",
    "conversation_id",
)


@dataclass(slots=True)
class NormalizedPost:
    external_id: str
    posted_at: dt.datetime
    text: str = ""
    author_id: str = ""
    author_handle: str = ""
    author_name: str = ""
    author_followers: int | None = None
    author_verified: bool | None = None
    author_email: str = ""
    url: str = ""
    language: str = ""  # the channel's own language tag, a hint
    in_reply_to_id: str = ""
    in_reply_to_handle: str = ""  # whose post this replies to, when the channel says
    conversation_id: str = ""
    is_direct: bool = False  # a DM or e-mail addressed to the brand
    is_outbound: bool | None = None  # None: decided from the channel's brand handles
    is_automatic: bool = False  # the brand's bot or an automatic acknowledgement: no response for SLAs
    like_count: int = 0
    share_count: int = 0
    raw: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.external_id = str(self.external_id or "").strip()
        if not self.external_id:
            raise InvalidPost("missing id")
        if not isinstance(self.posted_at, dt.datetime):
            raise InvalidPost("missing or unreadable time")
        if self.posted_at.tzinfo is None:
            raise InvalidPost("time without a time zone")
        if len(self.external_id) > 255:
            raise InvalidPost("id longer than 255 characters")
        # Databases refuse NUL in text; it carries no meaning in a post.
        for name in _STRING_FIELDS:
            value = getattr(self, name)
            if value is None:
                setattr(self, name, "")
            elif not isinstance(value, str):
                raise InvalidPost(f"{name} must be text")
            elif "\x00" in value:
                setattr(self, name, value.replace("\x00", ""))
        self.like_count = max(int(self.like_count or 0), 0)
        self.share_count = max(int(self.share_count or 0), 0)
        if self.author_followers is not None:
            self.author_followers = max(int(self.author_followers), 0)

    JSON_FIELDS = (
        "external_id",
        "text",
        "author_id",
        "author_handle",
        "author_name",
        "author_followers",
        "author_verified",
        "author_email",
        "url",
        "language",
        "in_reply_to_id",
        "in_reply_to_handle",
        "conversation_id",
        "is_direct",
        "is_outbound",
        "like_count",
        "share_count",
    )

    def to_json(self) -> dict[str, Any]:
        data = {name: getattr(self, name) for name in self.JSON_FIELDS}
        data["posted_at"] = self.posted_at.isoformat()
        return data

    @classmethod
    def from_json(cls, data: Any) -> NormalizedPost:
        """Build from our JSON format; raises InvalidPost with the reason."""
        if not isinstance(data, dict):
            raise InvalidPost("not a JSON object")
        unknown = set(data) - set(cls.JSON_FIELDS) - {"posted_at", "raw"}
        if unknown:
            raise InvalidPost(f"unknown fields: {', '.join(sorted(unknown))}")
        if data.get("external_id") in (None, ""):
            raise InvalidPost("missing id")
        posted_at = parse_datetime(data.get("posted_at"))
        values = {name: data[name] for name in cls.JSON_FIELDS if data.get(name) is not None}
        for name in ("like_count", "share_count", "author_followers"):
            value = values.get(name)
            if name in values and (not isinstance(value, int) or isinstance(value, bool) or value < 0):
                raise InvalidPost(f"{name} must be a non-negative integer")
        for name in ("author_verified", "is_direct", "is_outbound"):
            if name in values and not isinstance(values[name], bool):
                raise InvalidPost(f"{name} must be true or false")
        if "raw" in data and not isinstance(data["raw"], dict):
            raise InvalidPost("raw must be a JSON object")
        for name in ("external_id", "text", "author_id", "author_handle", "url", "in_reply_to_id"):
            if name in values and not isinstance(values[name], str | int):
                raise InvalidPost(f"{name} must be a string")
            if name in values:
                values[name] = str(values[name])
        return cls(posted_at=posted_at, raw=data.get("raw") or {}, **values)


_TWITTER_TIME = "%a %b %d %H:%M:%S %z %Y"
_MONTHS = {
    name: number
    for number, name in enumerate(
        ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"), 1
    )
}


def _parse_twitter_time(text: str) -> dt.datetime:
    """'Tue Oct 31 22:10:47 +0000 2017', the v1.1/twcs form; strptime is ten times slower."""
    parts = text.split()
    if len(parts) != 6 or parts[1] not in _MONTHS or len(parts[4]) != 5 or parts[4][0] not in "+-":
        return dt.datetime.strptime(text, _TWITTER_TIME)
    hour, minute, second = (int(part) for part in parts[3].split(":"))
    offset = dt.timedelta(hours=int(parts[4][1:3]), minutes=int(parts[4][3:5]))
    zone = dt.UTC if not offset else dt.timezone(offset if parts[4][0] == "+" else -offset)
    return dt.datetime(int(parts[5]), _MONTHS[parts[1]], int(parts[2]), hour, minute, second, tzinfo=zone)


def parse_datetime(value: Any) -> dt.datetime:
    """Parse the time formats channels use: ISO 8601 (with Z or +0000),
    X v1.1/twcs ("Tue Oct 31 22:10:47 +0000 2017") and unix seconds.
    Raises InvalidPost when the value is none of them or has no zone."""
    if isinstance(value, bool) or value is None or value == "":
        raise InvalidPost("missing time")
    if isinstance(value, int | float):
        try:
            return dt.datetime.fromtimestamp(value, tz=dt.UTC)
        except (OverflowError, OSError, ValueError):
            raise InvalidPost(f"unreadable time {value!r}") from None
    if not isinstance(value, str):
        raise InvalidPost(f"unreadable time {value!r}")
    text = value.strip()
    if text[:1].isalpha():
        try:
            return _parse_twitter_time(text)
        except ValueError:
            raise InvalidPost(f"unreadable time {value!r}") from None
    try:
        parsed = dt.datetime.fromisoformat(text.replace("Z", "+00:00") if text.endswith("Z") else text)
    except ValueError:
        raise InvalidPost(f"unreadable time {value!r}") from None
    if parsed.tzinfo is None:
        raise InvalidPost(f"time without a time zone {value!r}")
    return parsed
