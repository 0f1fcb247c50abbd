"""Every API error in one JSON shape.

    {"error": {"status": 400, "code": "invalid", "message": "...", "fields": {"name": ["..."]}}}

`code` is DRF's error code (invalid, not_found, permission_denied,
not_authenticated, throttled, parse_error, method_not_allowed, conflict);
`fields` appears for validation errors, keyed by field ("non_field_errors"
for the whole object). A refused change from a service (CaseChangeError and
its kin, a ValueError with a message for people) is a 409 conflict or a 400,
never a 500.
"""

from __future__ import annotations

from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from cases.services import CaseChangeError


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "The change conflicts with the case's current state."
    default_code = "conflict"


def _message(detail) -> str:
    if isinstance(detail, list):
        return " ".join(_message(item) for item in detail)
    if isinstance(detail, dict) and set(detail) == {"detail"}:
        return _message(detail["detail"])
    if isinstance(detail, dict):
        return "Invalid input."
    return str(detail)


def api_exception_handler(exc, context):
    if isinstance(exc, CaseChangeError):
        exc = Conflict(str(exc))
    response = exception_handler(exc, context)
    if response is None:
        return None
    detail = response.data
    code = getattr(exc, "default_code", "error")
    if isinstance(exc, exceptions.APIException):
        codes = exc.get_codes()
        code = codes if isinstance(codes, str) else code
    body = {"status": response.status_code, "code": code, "message": _message(detail)}
    if isinstance(exc, exceptions.ValidationError) and isinstance(detail, dict):
        body["fields"] = detail
        body["message"] = "Invalid input: see fields."
    elif isinstance(exc, exceptions.ValidationError) and isinstance(detail, list):
        body["fields"] = {"non_field_errors": detail}
    return Response({"error": _encodable(body)}, status=response.status_code, headers=response.headers)


def _encodable(value):
    """`value` with lone surrogates replaced: JSON may carry "\\ud800", and DRF's messages echo
    the input ('"\\ud800" is not a valid choice.'), which the UTF-8 renderer cannot write."""
    if isinstance(value, str):
        return value.encode("utf-8", "replace").decode("utf-8")
    if isinstance(value, dict):
        return {_encodable(key): _encodable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_encodable(item) for item in value]
    return value
