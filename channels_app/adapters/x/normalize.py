"""X (Twitter) formats into NormalizedPost: API v2 response pages and v1.1 tweet objects.

Owns normalize_v2_page() (API v2 response pages: `data` joined with
`includes.users`) and normalize_v1_tweet() (the v1.1 tweet objects of
Account Activity webhooks and of the twcs CSV), used by XAdapter and by the
file importer, and the id and count readers behind them. Pure functions: no
HTTP, no database. Ids stay strings everywhere: X ids do not fit a float.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from channels_app.pipeline.normalized import InvalidPost, NormalizedPost, parse_datetime

STATUS_URL = "https://x.com/{username}/status/{id}"


def normalize_v2_page(page: Any) -> Iterator[NormalizedPost | InvalidPost]:
    """Posts of one API v2 response page; an unreadable tweet yields its InvalidPost and the rest go on."""
    if not isinstance(page, dict):
        yield InvalidPost("an X API v2 response must be a JSON object with `data`")
        return
    users = {}
    for user in _list(_object(page.get("includes")).get("users")):
        if isinstance(user, dict) and user.get("id") is not None:
            users[str(user["id"])] = user
    data = page.get("data") or []
    if not isinstance(data, list):
        yield InvalidPost("`data` must be a list of tweets")
        return
    for tweet in data:
        try:
            yield _v2_tweet(tweet, users)
        except InvalidPost as error:
            yield InvalidPost(str(error), raw=tweet)


def _v2_tweet(tweet: Any, users: dict[str, dict]) -> NormalizedPost:
    if not isinstance(tweet, dict):
        raise InvalidPost("a tweet must be a JSON object")
    tweet_id = _id(tweet.get("id"), "id")
    author_id = _id(tweet.get("author_id"), "author_id", required=False)
    author = users.get(author_id, {})
    reply_to = ""
    for reference in _list(tweet.get("referenced_tweets")):
        if isinstance(reference, dict) and reference.get("type") == "replied_to":
            reply_to = _id(reference.get("id"), "referenced_tweets.id")
    in_reply_to_user = users.get(str(tweet.get("in_reply_to_user_id") or ""), {})
    metrics = _object(tweet.get("public_metrics"))
    author_metrics = _object(author.get("public_metrics"))
    username = author.get("username") or ""
    note = tweet.get("note_tweet") if isinstance(tweet.get("note_tweet"), dict) else {}
    return NormalizedPost(
        external_id=tweet_id,
        posted_at=parse_datetime(tweet.get("created_at")),
        text=str(note.get("text") or tweet.get("text") or ""),
        author_id=author_id,
        author_handle=username,
        author_name=author.get("name") or "",
        author_followers=_count(author_metrics.get("followers_count"), default=None),
        author_verified=bool(author["verified"]) if "verified" in author else None,
        url=STATUS_URL.format(username=username, id=tweet_id) if username else "",
        language=tweet.get("lang") or "",
        in_reply_to_id=reply_to,
        in_reply_to_handle=in_reply_to_user.get("username") or "",
        conversation_id=_id(tweet.get("conversation_id"), "conversation_id", required=False),
        like_count=_count(metrics.get("like_count")),
        share_count=_count(metrics.get("retweet_count")) + _count(metrics.get("quote_count")),
        raw=tweet,
    )


def normalize_v1_tweet(tweet: Any) -> NormalizedPost:
    """A v1.1 tweet object (Account Activity `tweet_create_events[]`)."""
    if not isinstance(tweet, dict):
        raise InvalidPost("a tweet must be a JSON object")
    user = tweet.get("user") or {}
    if not isinstance(user, dict):
        raise InvalidPost("`user` must be a JSON object")
    tweet_id = _id(tweet.get("id_str") or tweet.get("id"), "id_str")
    extended = tweet.get("extended_tweet") if isinstance(tweet.get("extended_tweet"), dict) else {}
    username = user.get("screen_name") or ""
    return NormalizedPost(
        external_id=tweet_id,
        posted_at=parse_datetime(tweet.get("created_at")),
        text=str(extended.get("full_text") or tweet.get("full_text") or tweet.get("text") or ""),
        author_id=_id(user.get("id_str") or user.get("id"), "user.id_str", required=False),
        author_handle=username,
        author_name=user.get("name") or "",
        author_followers=_count(user.get("followers_count"), default=None),
        author_verified=bool(user["verified"]) if "verified" in user else None,
        url=STATUS_URL.format(username=username, id=tweet_id) if username else "",
        language=tweet.get("lang") or "",
        in_reply_to_id=_id(tweet.get("in_reply_to_status_id_str"), "in_reply_to_status_id_str", required=False),
        in_reply_to_handle=tweet.get("in_reply_to_screen_name") or "",
        like_count=_count(tweet.get("favorite_count")),
        share_count=_count(tweet.get("retweet_count")) + _count(tweet.get("quote_count")),
        raw=tweet,
    )


def _id(value: Any, name: str, *, required: bool = True) -> str:
    if value is None or value == "":
        if required:
            raise InvalidPost(f"missing {name}")
        return ""
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise InvalidPost(f"{name} must be a string id, not {type(value).__name__}")
    text = str(value).strip()
    if not text.isdigit():
        raise InvalidPost(f"{name} {text!r} is not an X id")
    return text


def _object(value: Any) -> dict:
    """`value` when it is a JSON object, else {}: a malformed optional part (metrics,
    includes) loses its details, not the tweet."""
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list:
    return value if isinstance(value, list) else []


def _count(value: Any, default: int | None = 0) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int):
        return default
    return max(value, 0)
