"""Project-level views: the home redirect, the health check, and the 400 handler."""

from django.core.exceptions import RequestDataTooBig
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import redirect
from django.views import defaults
from django.views.decorators.http import require_GET


@require_GET
def home(request):
    return redirect("console:inbox")


@require_GET
def healthz(request):
    """200 when the database answers; load balancers and CI poll this."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as exc:  # any database failure means unhealthy
        return JsonResponse({"status": "error", "database": str(exc)}, status=503)
    return JsonResponse({"status": "ok", "database": connection.vendor})


def bad_request(request, exception):
    """Django's own refusals (a body over DATA_UPLOAD_MAX_MEMORY_SIZE, too many fields, a bad
    host), raised before DRF sees the request: API clients get them in the API's error shape
    (docs/API.md) instead of an HTML page, people get Django's page."""
    if not request.path.startswith("/api/"):
        return defaults.bad_request(request, exception)
    if isinstance(exception, RequestDataTooBig):
        status, code, message = 413, "request_too_large", "The request body is larger than this server accepts."
    else:
        status, code, message = 400, "bad_request", "The request could not be read."
    return JsonResponse({"error": {"status": status, "code": code, "message": message}}, status=status)
