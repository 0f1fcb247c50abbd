"""Writes of the audit trail: one append-only entry per sensitive action.

Stub: the signature other apps call; the audit app fills in the body.
"""


def audit_record(*, action: str, actor=None, target=None, detail: dict | None = None, request=None, ip: str = ""):
    """Record that `actor` did `action` on `target` (a model instance or None), with `detail`, from `request`."""
    return None
