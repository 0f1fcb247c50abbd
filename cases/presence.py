"""Who else has a case open in the console, and whether they are typing a reply.

Owns presence_touch() and presence_others(). State lives in the Django
cache (Redis when served, so every web process sees it; local memory in
embedded mode), never in the database: it is worth seconds and is lost
without harm. One key per case holds a small dict
{user id: (display name, typing, last seen as a UNIX time)}.

Invariants:
- An entry counts for PRESENCE_SECONDS after its user's last heartbeat
  (the page sends one every POLL_SECONDS, well inside it); the key itself
  expires after the same time, so an abandoned case leaves nothing behind.
- Writes are read-modify-write without a lock: two heartbeats racing on one
  case can drop one of the two updates, which leaves that user's previous
  entry in place until the next heartbeat. Presence is a hint, and a lock
  per heartbeat would cost more than the rare stale "typing".
"""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.cache import cache

# How often the case page sends a heartbeat (seconds).
POLL_SECONDS = 10
DEFAULT_PRESENCE_SECONDS = 30


def presence_seconds() -> int:
    """How long a heartbeat counts; settings.CONSOLE_PRESENCE_SECONDS overrides the default (tests do)."""
    return int(getattr(settings, "CONSOLE_PRESENCE_SECONDS", DEFAULT_PRESENCE_SECONDS))


def _key(case_id: int) -> str:
    return f"console:presence:case:{case_id}"


def _name(user: AbstractBaseUser) -> str:
    return user.get_short_name() or user.get_username()


def _live(entries: dict, now: float) -> dict:
    horizon = now - presence_seconds()
    return {user_id: entry for user_id, entry in entries.items() if entry[2] > horizon}


def presence_touch(*, case_id: int, user: AbstractBaseUser, typing: bool, now: float | None = None) -> None:
    """Record that `user` has the case open now (typing a reply or not)."""
    now = time.time() if now is None else now
    key = _key(case_id)
    entries = _live(cache.get(key) or {}, now)
    entries[user.pk] = (_name(user), bool(typing), now)
    cache.set(key, entries, timeout=presence_seconds())


def presence_others(*, case_id: int, user: AbstractBaseUser, now: float | None = None) -> list[tuple[str, bool]]:
    """Everyone but `user` who has the case open, as (name, typing), typists first then by name."""
    now = time.time() if now is None else now
    entries = _live(cache.get(_key(case_id)) or {}, now)
    others = [(name, typing) for user_id, (name, typing, _seen) in entries.items() if user_id != user.pk]
    return sorted(others, key=lambda other: (not other[1], other[0].lower()))
