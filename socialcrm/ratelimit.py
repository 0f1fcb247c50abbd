"""Rate limits for the public endpoints, counted in the shared cache.

Owns Rate (a limit per window, parsed from "30/m" or "5/10m"), the counter
(`ratelimit_hit`), the client address (`client_ip`) and the `rate_limited`
view decorator. Rates are settings (`RATE_LIMITS`, one per scope) so an
operator can loosen a scope without a release; an empty rate disables it.

Counting: fixed windows, one counter per (scope, key, window) in the Django
cache with `add` then `incr`, both atomic in Redis. When served, the cache is
Redis, so every web process and machine counts together; in the embedded
mode it is the process's memory, which is right for one process. A fixed
window lets through at most twice the limit across a window's edge; that is
enough to stop a script and never in the way of a person.

The key is the client's address (socialcrm.addresses: behind a trusted
proxy, the address the proxy saw).
"""

from __future__ import annotations

import functools
import hashlib
import re
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string

from socialcrm.addresses import client_address

RATE_RE = re.compile(r"^\s*(\d+)\s*/\s*(\d*)\s*([smhd])\s*$")
UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
# Tests swap this for a fresh prefix so each test starts with empty counters.
KEY_PREFIX = "ratelimit"


@dataclass(frozen=True)
class Rate:
    limit: int
    seconds: int

    @classmethod
    def parse(cls, text: str) -> Rate:
        """'30/m' is 30 per minute, '5/10m' 5 per 10 minutes; units s, m, h, d."""
        match = RATE_RE.match(text or "")
        if not match:
            raise ValueError(f"rate {text!r} is not like '30/m' or '5/10m'")
        limit, count, unit = int(match[1]), int(match[2] or 1), match[3]
        if limit < 1 or count < 1:
            raise ValueError(f"rate {text!r} must allow at least one request per window")
        return cls(limit=limit, seconds=count * UNIT_SECONDS[unit])


def rate_for(scope: str) -> Rate | None:
    """The configured rate of `scope`; None when the scope is not limited."""
    text = getattr(settings, "RATE_LIMITS", {}).get(scope)
    return Rate.parse(text) if text else None


def client_ip(request: HttpRequest) -> str:
    """The key a limit counts by: the client's address (socialcrm.addresses)."""
    return client_address(request) or "unknown"


def _cache_key(scope: str, key: str, window: int) -> str:
    # Hashed: keys may hold user names or addresses, and cache keys have a length limit.
    digest = hashlib.blake2b(key.encode(), digest_size=12).hexdigest()
    return f"{KEY_PREFIX}:{scope}:{digest}:{window}"


def ratelimit_hit(scope: str, key: str, rate: Rate, *, now: float | None = None) -> int | None:
    """Count one request of `key` in `scope`. Returns None when allowed, else the seconds until the window ends."""
    now = time.time() if now is None else now
    window = int(now // rate.seconds)
    cache_key = _cache_key(scope, key, window)
    cache.add(cache_key, 0, timeout=rate.seconds + 1)
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.set(cache_key, 1, timeout=rate.seconds + 1)
        count = 1
    if count <= rate.limit:
        return None
    return max(1, int((window + 1) * rate.seconds - now))


def ratelimit_count(scope: str, key: str, rate: Rate, *, now: float | None = None) -> int:
    """How many requests `key` made in `scope`'s current window (without counting one)."""
    now = time.time() if now is None else now
    return int(cache.get(_cache_key(scope, key, int(now // rate.seconds))) or 0)


def too_many_requests(request: HttpRequest, retry_after: int) -> HttpResponse:
    """429 with Retry-After: JSON for API and webhook clients, a short page for people."""
    minutes = max(1, round(retry_after / 60))
    message = f"Too many requests. Try again in {minutes} minute{'s' if minutes != 1 else ''}."
    wants_json = request.path.startswith(("/api/", "/webhooks/")) or "application/json" in request.headers.get(
        "Accept", ""
    )
    if wants_json:
        response = JsonResponse({"error": message, "retry_after": retry_after}, status=429)
    else:
        body = render_to_string("errors/429.html", {"message": message}, request=request)
        response = HttpResponse(body, status=429)
    response["Retry-After"] = str(retry_after)
    return response


def rate_limited(scope: str, *, methods: tuple[str, ...] = ("GET", "POST"), key=client_ip):
    """Limit a view per client (by default its address) to the rate of `scope`, for `methods` only."""

    def decorator(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            rate = rate_for(scope)
            if rate is not None and request.method in methods:
                retry_after = ratelimit_hit(scope, key(request), rate)
                if retry_after is not None:
                    return too_many_requests(request, retry_after)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
