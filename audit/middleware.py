"""AuditRequestMiddleware: the request being served, for audit entries written deep in services.

Services record ip, user agent, path and the acting user without being
passed the request: audit.services.audit_record() reads current_request().
A contextvar, so threads and async tasks each see their own request; it is
reset after the response, so a Celery task or a command run later in the
same thread sees None. Place it after AuthenticationMiddleware.
"""

from __future__ import annotations

from contextvars import ContextVar

from django.http import HttpRequest

_current_request: ContextVar[HttpRequest | None] = ContextVar("audit_current_request", default=None)


def current_request() -> HttpRequest | None:
    """The request this thread or task is serving, or None (a Celery task, a command)."""
    return _current_request.get()


class AuditRequestMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _current_request.set(request)
        try:
            return self.get_response(request)
        finally:
            _current_request.reset(token)
