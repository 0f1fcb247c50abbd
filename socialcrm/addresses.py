"""The client's address of a request, for the audit trail and the rate limits alike.

Behind a proxy REMOTE_ADDR is the proxy; the proxy appends the peer it saw
to X-Forwarded-For, so the last entry is the one to believe (earlier ones
are whatever the client sent). Only with TRUST_X_FORWARDED_FOR: without a
proxy that header is the client's to forge.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def valid_ip(value: str | None) -> str | None:
    """`value` as a normalized IP address, or None when it is not one."""
    try:
        return str(ipaddress.ip_address((value or "").strip()))
    except ValueError:
        return None


def client_address(request: HttpRequest | None) -> str | None:
    """The client's address: REMOTE_ADDR, or behind a trusted proxy the address it saw; None if unknown."""
    if request is None:
        return None
    if getattr(settings, "TRUST_X_FORWARDED_FOR", False):
        forwarded = valid_ip(request.META.get("HTTP_X_FORWARDED_FOR", "").rsplit(",", 1)[-1])
        if forwarded:
            return forwarded
    return valid_ip(request.META.get("REMOTE_ADDR", ""))
