"""Signatures of webhook deliveries: HMAC-SHA256 over "<timestamp>.<body>".

Pure functions, no Django: receivers can copy this module, and tests use it
to check what the receiver got. The header is X-Socialcrm-Signature:
"sha256=" + hex digest; the timestamp (Unix seconds) is X-Socialcrm-Timestamp.
Signing the timestamp with the body lets a receiver refuse replays of an old
delivery (verify()'s tolerance).
"""

from __future__ import annotations

import hashlib
import hmac
import time

SCHEME = "sha256="
DEFAULT_TOLERANCE = 300  # seconds a receiver accepts between the timestamp and its clock


def _bytes(value: bytes | str) -> bytes:
    return value if isinstance(value, bytes) else value.encode()


def sign(secret: str, timestamp: int | str, body: bytes | str) -> str:
    """The X-Socialcrm-Signature value of `body` sent at `timestamp`."""
    message = _bytes(str(timestamp)) + b"." + _bytes(body)
    return SCHEME + hmac.new(_bytes(secret), message, hashlib.sha256).hexdigest()


def verify(
    secret: str,
    timestamp: int | str,
    body: bytes | str,
    signature: str,
    *,
    tolerance: int | None = DEFAULT_TOLERANCE,
    now: float | None = None,
) -> bool:
    """True when `signature` is ours for this body and timestamp, and the timestamp is recent.

    Compares in constant time. `tolerance=None` skips the age check (a test
    replaying a recorded request).
    """
    try:
        sent = int(timestamp)
    except (TypeError, ValueError):
        return False
    if tolerance is not None and abs((time.time() if now is None else now) - sent) > tolerance:
        return False
    return hmac.compare_digest(sign(secret, sent, body), str(signature))
