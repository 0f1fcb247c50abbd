"""The anonymous visitor id of the public help centre: a random key in a signed cookie.

It ties a visitor's "this solved my problem" answers to the questions they
post later, for the deflection count, without knowing who they are. Signed
so a visitor cannot claim another's id; random, so it says nothing.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.http import HttpRequest, HttpResponse

COOKIE_NAME = "help_visitor"
COOKIE_SALT = "knowledge.visitor"
COOKIE_MAX_AGE = 365 * 24 * 3600


def visitor_key(request: HttpRequest) -> str:
    """The request's visitor id: from its cookie when valid, else a new one (remembered on the
    request, so the response sets it: see remember_visitor)."""
    key = getattr(request, "_help_visitor_key", None)
    if key is None:
        key = request.get_signed_cookie(COOKIE_NAME, default=None, salt=COOKIE_SALT, max_age=COOKIE_MAX_AGE)
        if not key or len(key) > 64:
            key = secrets.token_urlsafe(24)
            request._help_visitor_new = True
        request._help_visitor_key = key
    return key


def remember_visitor(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """Set the visitor cookie on the response when this request made a new id."""
    if getattr(request, "_help_visitor_new", False):
        response.set_signed_cookie(
            COOKIE_NAME,
            request._help_visitor_key,
            salt=COOKIE_SALT,
            max_age=COOKIE_MAX_AGE,
            httponly=True,
            samesite="Lax",
            secure=getattr(settings, "SESSION_COOKIE_SECURE", False),
        )
    return response
