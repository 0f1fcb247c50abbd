"""A customer's personal data on request: export it (a JSON copy) or erase it; both audited.

Owns customer_export(), customer_erase() and privacy_request_run() (the
admin's "Run" on a PrivacyRequest). "The customer" is the customer and the
customers merged into it (their rows stay, pointing to it: cases.services.
customer_merge), so an erasure leaves no name behind on a merged record.

Erasure anonymizes, it deletes nothing: counts, times, statuses, sentiment,
SLA clocks and KPI rollups stay as they were, so every aggregate (and the
KPI pages for any past period) reads the same before and after. What goes:
- customer: name "Erased customer #<id>", e-mail, phone, notes blank;
- social profiles: handle and display name "erased", URLs blank, and the
  external user id replaced by a keyed hash ("erased:<hmac>"). The channel's
  id of the account identifies the person, so it goes too; the hash keeps
  the (kind, external id) uniqueness. A post the author writes later
  creates a new profile and customer: new data the person chose to send,
  unlinked from the erased history. Old posts keep their own channel ids,
  so re-polling a page that still holds them finds them stored and does
  not bring their text back (ingestion only refreshes counts of stored posts);
- posts by those profiles, and the brand's posts on their cases: text
  "[erased]", raw {} and url blank;
- cases: subject "[erased]"; their events: bodies blank, free-text fields
  of payloads (PAYLOAD_TEXT_KEYS) blank;
- surveys: comments blank; outbound replies: text "[erased]", url blank;
- exports kept on earlier privacy requests: cleared;
- a goodwill address, sales notes on their leads, and questions they asked
  on the help centre (text, e-mail, handle, name). Goodwill requests
  themselves (amounts, reasons, decisions) are kept: financial records.
Running it again redoes the same writes (idempotent) and is audited again.
The audit trail holds no customer text (audit.services), so it is not touched.
"""

from __future__ import annotations

import hashlib
import hmac
import json

from django.apps import apps
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from audit.models import AuditAction
from audit.services import audit_record
from cases.models import Case, CaseEvent, Customer
from channels_app.models import OutboundMessage, SocialPost, SocialProfile
from privacy.models import ErasureRecord, PrivacyRequest, PrivacyRequestKind, PrivacyRequestStatus

ERASED_TEXT = "[erased]"
ERASED_HANDLE = "erased"
EXPORT_FORMAT = "socialcrm.customer-export.v1"
# Payload keys of case events that may quote a person (an escalation reason, a logged call's body).
PAYLOAD_TEXT_KEYS = frozenset(
    {"text", "body", "reason", "subject", "comment", "name", "email", "phone", "handle", "display_name", "note"}
    | {"author_name", "author_handle", "author_email", "title", "message"}
)


class PrivacyError(ValueError):
    """A privacy request that cannot be carried out; the message says why."""


def _family(customer: Customer) -> list[int]:
    """The customer and those merged into it (customer_merge points them all at the final one)."""
    return [customer.pk, *Customer.objects.filter(merged_into=customer).values_list("pk", flat=True)]


def _fields(obj, names: tuple[str, ...]) -> dict:
    return {name: getattr(obj, name) for name in names}


CUSTOMER_FIELDS = ("id", "name", "email", "phone", "tier", "influence", "churn_risk", "churned_at", "notes")
CUSTOMER_TIMES = ("created_at", "updated_at", "merged_into_id")
PROFILE_FIELDS = ("id", "kind", "external_user_id", "handle", "display_name", "followers_count", "verified")
PROFILE_MORE = ("profile_url", "avatar_url", "created_at", "customer_id")
POST_FIELDS = ("id", "external_id", "direction", "text", "url", "posted_at", "language", "intent")
POST_MORE = ("sentiment_label", "sentiment_polarity", "like_count", "share_count", "deleted_at", "case_id")
CASE_FIELDS = ("id", "subject", "status", "priority", "intent", "language", "created_at", "first_message_at")
CASE_MORE = ("first_responded_at", "resolved_at", "closed_at", "customer_id", "merged_into_id")
EVENT_FIELDS = ("id", "kind", "occurred_at", "body", "payload")
SURVEY_FIELDS = ("id", "case_id", "sent_at", "expires_at", "answered_at", "score", "comment")
REPLY_FIELDS = ("id", "case_id", "channel_id", "text", "status", "created_at", "sent_at", "external_url")


def customer_export(*, customer: Customer, actor=None) -> dict:
    """Everything we hold about the customer, as a JSON-able dict; audited (privacy.exported).

    Seven reads whatever the amount of data: the customers, profiles, posts
    (with channels), cases, their events, surveys and replies.
    """
    SatisfactionSurvey = apps.get_model("kpis", "SatisfactionSurvey")
    family = _family(customer)
    customers = list(Customer.objects.filter(pk__in=family).order_by("pk"))
    profiles = list(SocialProfile.objects.filter(customer_id__in=family).order_by("pk"))
    posts = SocialPost.objects.filter(author__customer_id__in=family).select_related("channel").order_by("posted_at")
    cases = list(Case.objects.filter(customer_id__in=family).order_by("pk"))
    case_ids = [case.pk for case in cases]
    events: dict[int, list[dict]] = {case_id: [] for case_id in case_ids}
    for event in CaseEvent.objects.filter(case_id__in=case_ids).order_by("occurred_at", "pk"):
        events[event.case_id].append(_fields(event, EVENT_FIELDS))
    body = {
        "format": EXPORT_FORMAT,
        "exported_at": timezone.now(),
        "customer": next(_customer(c) for c in customers if c.pk == customer.pk),
        "merged_customers": [_customer(c) for c in customers if c.pk != customer.pk],
        "profiles": [_fields(p, PROFILE_FIELDS + PROFILE_MORE) for p in profiles],
        "posts": [
            _fields(post, POST_FIELDS + POST_MORE) | {"channel": {"id": post.channel_id, "kind": post.channel.kind}}
            for post in posts
        ],
        "cases": [
            _fields(case, CASE_FIELDS + CASE_MORE) | {"reference": case.reference, "events": events[case.pk]}
            for case in cases
        ],
        "surveys": [
            _fields(survey, SURVEY_FIELDS)
            for survey in SatisfactionSurvey.objects.filter(case_id__in=case_ids).order_by("sent_at", "pk")
        ],
        "replies": [
            _fields(reply, REPLY_FIELDS)
            for reply in OutboundMessage.objects.filter(case_id__in=case_ids).order_by("created_at", "pk")
        ],
    }
    counts = {key: len(body[key]) for key in ("profiles", "posts", "cases", "surveys", "replies")}
    audit_record(action=AuditAction.PRIVACY_EXPORTED, actor=actor, target=customer, detail=counts)
    return json.loads(json.dumps(body, cls=DjangoJSONEncoder))


def _customer(customer: Customer) -> dict:
    return _fields(customer, CUSTOMER_FIELDS + CUSTOMER_TIMES)


def erased_external_id(kind: str, external_user_id: str) -> str:
    """The keyed hash that replaces an erased account's channel id (stable: erasing twice is a no-op)."""
    if external_user_id.startswith("erased:"):
        return external_user_id
    digest = hmac.new(settings.SECRET_KEY.encode(), f"{kind}:{external_user_id}".encode(), hashlib.sha256)
    return f"erased:{digest.hexdigest()[:40]}"


def customer_erase(*, customer: Customer, actor=None, reason: str) -> ErasureRecord:
    """Anonymize the customer's personal data as the module docstring lists; audited (privacy.erased).

    One transaction with the customer rows locked; a constant number of
    UPDATEs, plus one per social profile (each gets its own hash).
    """
    reason = (reason or "").strip()
    if not reason:
        raise PrivacyError("Say why the customer is erased (their request: ticket, e-mail, date).")
    SatisfactionSurvey = apps.get_model("kpis", "SatisfactionSurvey")
    now = timezone.now()
    with transaction.atomic():
        family = list(
            Customer.objects.select_for_update()
            .filter(Q(pk=customer.pk) | Q(merged_into=customer.pk))
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        if customer.pk not in family:
            raise PrivacyError(f"Customer #{customer.pk} no longer exists.")
        for pk in family:
            Customer.objects.filter(pk=pk).update(
                name=f"Erased customer #{pk}", email="", phone="", notes="", updated_at=now
            )
        profiles = list(SocialProfile.objects.filter(customer_id__in=family).only("pk", "kind", "external_user_id"))
        for profile in profiles:
            SocialProfile.objects.filter(pk=profile.pk).update(
                handle=ERASED_HANDLE,
                display_name=ERASED_HANDLE,
                profile_url="",
                avatar_url="",
                external_user_id=erased_external_id(profile.kind, profile.external_user_id),
                updated_at=now,
            )
        cases = Case.objects.filter(customer_id__in=family)
        posts = SocialPost.objects.filter(
            Q(author__customer_id__in=family) | Q(case__in=cases, direction="outbound")
        ).update(text=ERASED_TEXT, raw={}, url="")
        case_count = cases.update(subject=ERASED_TEXT)
        events = _scrub_events(CaseEvent.objects.filter(case__in=cases))
        surveys = SatisfactionSurvey.objects.filter(case__in=cases).exclude(comment="").update(comment="")
        replies = OutboundMessage.objects.filter(case__in=cases).update(text=ERASED_TEXT, external_url="")
        PrivacyRequest.objects.filter(customer_id__in=family).exclude(export=None).update(export=None)
        # What the apps on top keep of the person: a goodwill address, a sales note, a help-centre question.
        # Goodwill requests themselves (amounts, decisions) stay: they are financial records auditors keep.
        apps.get_model("goodwill", "CustomerContactDetail").objects.filter(customer_id__in=family).update(address="")
        lead_notes = apps.get_model("leads", "Lead").objects.filter(customer_id__in=family).exclude(notes="")
        leads = lead_notes.update(notes="")
        questions = (
            apps.get_model("knowledge", "AskQuestion")
            .objects.filter(Q(customer_id__in=family) | Q(case__in=cases))
            .update(question=ERASED_TEXT, email="", handle="", name="")
        )
        counts = {
            "customers": len(family),
            "profiles": len(profiles),
            "posts": posts,
            "cases": case_count,
            "events": events,
            "surveys": surveys,
            "replies": replies,
            "lead_notes": leads,
            "questions": questions,
        }
        record, created = ErasureRecord.objects.get_or_create(
            customer_id=customer.pk,
            defaults={"erased_at": now, "erased_by": actor, "reason": reason, "counts": counts},
        )
        audit_record(
            action=AuditAction.PRIVACY_ERASED,
            actor=actor,
            target=customer,
            detail=counts | {"again": not created, "erasure_record": record.pk},
        )
    return record


def _scrub_events(events) -> int:
    """Blank note bodies and the free-text fields of payloads. Payloads differ per event, so the
    events with anything to scrub are rewritten one by one (few: most payloads hold ids)."""
    count = events.exclude(body="").update(body="")
    for event in events.filter(payload__has_any_keys=sorted(PAYLOAD_TEXT_KEYS)).only("pk", "payload"):
        payload = event.payload if isinstance(event.payload, dict) else {}
        scrubbed = {
            key: ("" if key in PAYLOAD_TEXT_KEYS and isinstance(value, str) else value)
            for key, value in payload.items()
        }
        if scrubbed != payload:
            CaseEvent.objects.filter(pk=event.pk).update(payload=scrubbed)
            count += 1
    return count


def privacy_request_run(*, privacy_request: PrivacyRequest, actor=None) -> PrivacyRequest:
    """Carry out a pending request (the admin's Run); a done one is left as it is."""
    if privacy_request.status == PrivacyRequestStatus.DONE:
        return privacy_request
    customer = privacy_request.customer
    try:
        if privacy_request.kind == PrivacyRequestKind.EXPORT:
            privacy_request.export = customer_export(customer=customer, actor=actor)
        else:
            customer_erase(customer=customer, actor=actor, reason=privacy_request.reason)
    except PrivacyError as error:
        privacy_request.status, privacy_request.error = PrivacyRequestStatus.FAILED, str(error)
    else:
        privacy_request.status, privacy_request.error = PrivacyRequestStatus.DONE, ""
        privacy_request.completed_at = timezone.now()
    privacy_request.save(update_fields=["status", "error", "completed_at", "export"])
    return privacy_request
