"""Writes of the audit trail: one append-only entry per sensitive action.

Owns audit_record() (one entry, one INSERT) and audit_record_many() (one
action on many targets, one INSERT), the only writers of AuditEntry. Who
did it: the `actor` given, else the user of `request`, else of the request
being served (audit.middleware); from where: `ip` given, else the request's
address (socialcrm.addresses: X-Forwarded-For only behind a trusted proxy), its
user agent and path.

Invariants:
- The entry is written in the caller's transaction, with no savepoint: an
  action rolled back leaves no entry, and an entry costs exactly one query.
  Every value is made valid first (lengths cut, the address checked, the
  detail made JSON), so the INSERT cannot fail on data and break the
  caller; an action outside AuditAction is a programming error, logged and
  not recorded rather than failing the caller's work.
- No personal data of customers in an entry: a customer or case target is
  labelled by its id or reference (a case subject quotes the customer), and
  callers put ids, statuses and counts in `detail`, never message texts.
  The trail cannot be erased (audit.models), so it must not need to be.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.http import HttpRequest
from django.utils import timezone

from audit.middleware import current_request
from audit.models import AuditAction, AuditEntry
from socialcrm.addresses import client_address, valid_ip

logger = logging.getLogger(__name__)

# Targets whose str() carries a customer's personal data (a name, a case subject).
_NEUTRAL_LABELS = {
    "cases.customer": lambda target: f"Customer #{target.pk}",
    "cases.case": lambda target: f"SC-{target.pk}",
    "channels_app.socialprofile": lambda target: f"Profile #{target.pk} ({target.kind})",
    "channels_app.socialpost": lambda target: f"Post #{target.pk}",
}


def audit_record(*, action: str, actor=None, target=None, detail: dict | None = None, request=None, ip: str = ""):
    """Record that `actor` did `action` on `target` (a model instance or None), with `detail`, from `request`.

    Returns the saved AuditEntry, or None when `action` is unknown (logged).
    """
    entry = build_entry(action=action, actor=actor, target=target, detail=detail, request=request, ip=ip)
    if entry is not None:
        entry.save(force_insert=True)
    return entry


def audit_record_many(
    *, action: str, targets: Iterable[tuple[models.Model, dict]], actor=None, request=None
) -> list[AuditEntry]:
    """Record one `action` on each (target, detail) pair in one INSERT (a routing batch)."""
    entries = [
        entry
        for target, detail in targets
        if (entry := build_entry(action=action, actor=actor, target=target, detail=detail, request=request))
    ]
    now = timezone.now()
    for entry in entries:
        entry.occurred_at = now  # one action, one moment
    return AuditEntry.objects.bulk_create(entries) if entries else []


def build_entry(
    *,
    action: str,
    actor=None,
    target=None,
    detail: dict | None = None,
    request: HttpRequest | None = None,
    ip: str = "",
    target_type: str = "",
    target_id: str = "",
    target_label: str = "",
) -> AuditEntry | None:
    """An unsaved, valid AuditEntry (None for an unknown action). Explicit target_* fields serve
    entries without an instance (a failed sign-in names the username tried)."""
    if action not in AuditAction.values:
        logger.error("audit: unknown action %r not recorded", action)
        return None
    request = request if request is not None else current_request()
    actor = actor if actor is not None else _request_user(request)
    if target is not None:
        target_type = target._meta.label_lower
        target_id = "" if target.pk is None else str(target.pk)
        neutral = _NEUTRAL_LABELS.get(target_type)
        target_label = neutral(target) if neutral else str(target)
    return AuditEntry(
        occurred_at=timezone.now(),
        actor=actor,
        actor_label=actor.get_username()[:150] if actor is not None else "",
        action=action,
        target_type=target_type[:100],
        target_id=str(target_id)[:64],
        target_label=target_label[:200],
        detail=_jsonable(detail or {}),
        ip=valid_ip(ip) or client_address(request),
        user_agent=request.META.get("HTTP_USER_AGENT", "")[:200] if request is not None else "",
        path=request.path[:300] if request is not None else "",
    )


def _request_user(request: HttpRequest | None):
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else None


class _Encoder(DjangoJSONEncoder):
    """Dates, decimals and UUIDs as Django writes them; anything else as its text, never an error."""

    def default(self, o):
        try:
            return super().default(o)
        except TypeError:
            return str(o)


def _jsonable(detail: dict) -> dict:
    return json.loads(json.dumps(detail, cls=_Encoder))
