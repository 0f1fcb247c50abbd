"""Writes of sales leads: capture from posts, and the sales team's work on a lead.

Owns leads_capture() (posts -> leads, by leads.rules), leads_backfill()
(the same over stored posts of a period) and the lead's life: assign and
claim, contacted, won, lost, notes. Capture is idempotent: a post is a lead
once (a unique post column), so capturing the same posts twice, or a task
redelivered, creates nothing more. It costs four queries per batch of
CAPTURE_BATCH posts whatever the number of leads.

Status: new -> contacted -> won or lost (new may go straight to won or
lost); won and lost are final. Whoever acts on a lead nobody owns becomes
its owner.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

from django.db import transaction
from django.db.models import F, Prefetch, Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from cases.choices import Intent, SentimentLabel
from channels_app.choices import Direction
from channels_app.models import Channel, SocialPost
from channels_app.pipeline.classify import LISTENING_RULE_FIELDS, ListeningTerms
from leads.choices import OPEN_LEAD_STATUSES, LeadStatus
from leads.models import Lead
from leads.rules import LeadVocabulary, PostFacts, lead_match
from listening.models import ListeningRule

CAPTURE_BATCH = 1000
CHANGE_PERMISSION = "leads.change_lead"


class LeadChangeError(ValueError):
    """A change the lead's state does not allow; the message says why, for the user."""


# -- capture ----------------------------------------------------------------------------------


def lead_vocabularies(*, channel_ids: Iterable[int]) -> dict[int, LeadVocabulary]:
    """Each channel's brand and competitor terms, its own and its active listening rules'. Two queries."""
    active_rules = Prefetch("listening_rules", queryset=ListeningRule.objects.filter(is_active=True))
    vocabularies = {}
    for channel in Channel.objects.filter(pk__in=list(channel_ids)).prefetch_related(active_rules):
        listening = ListeningTerms.merge(
            tuple(getattr(rule, name) for name in LISTENING_RULE_FIELDS) for rule in channel.listening_rules.all()
        )
        vocabularies[channel.pk] = LeadVocabulary.build(
            brand_terms=[
                *channel.brand_handles,
                *channel.brand_terms,
                *listening.brand_terms,
                *listening.product_terms,
            ],
            competitor_terms=[*channel.competitor_terms, *listening.competitor_terms],
            exclusions=listening.exclusions,
        )
    return vocabularies


def leads_capture(*, post_ids: Iterable[int]) -> int:
    """Make leads of the posts among `post_ids` that leads.rules accepts; returns how many were new.

    Posts that are gone, deleted, outbound, without an author or already a
    lead are skipped; safe to run twice and concurrently (the unique post
    column drops a second insert)."""
    ids = sorted(set(post_ids))
    vocabularies: dict[int, LeadVocabulary] = {}
    created = 0
    for start in range(0, len(ids), CAPTURE_BATCH):
        created += _capture_batch(ids[start : start + CAPTURE_BATCH], vocabularies)
    return created


def _capture_batch(ids: list[int], vocabularies: dict[int, LeadVocabulary]) -> int:
    rows = list(
        SocialPost.objects.filter(
            pk__in=ids,
            direction=Direction.INBOUND,
            author__isnull=False,
            deleted_at__isnull=True,
            lead__isnull=True,
        )
        # A merged customer's posts belong to the customer they were merged into.
        .annotate(customer_id=Coalesce(F("author__customer__merged_into_id"), F("author__customer_id")))
        .values_list("id", "channel_id", "case_id", "customer_id", "text", "intent", "sentiment_label")
    )
    missing = {row[1] for row in rows} - set(vocabularies)
    if missing:
        vocabularies.update(lead_vocabularies(channel_ids=missing))
    leads = []
    for post_id, channel_id, case_id, customer_id, text, intent, label in rows:
        facts = PostFacts(text=text, direction=Direction.INBOUND, intent=intent, sentiment_label=label)
        match = lead_match(facts, vocabularies[channel_id])
        if match is not None:
            leads.append(
                Lead(
                    post_id=post_id,
                    channel_id=channel_id,
                    case_id=case_id,
                    customer_id=customer_id,
                    reason=match.reason,
                    competitor=match.competitor[:200],
                )
            )
    if leads:
        Lead.objects.bulk_create(leads, ignore_conflicts=True)
    return len(leads)


def leads_backfill(*, since: dt.datetime, until: dt.datetime | None = None, batch_size: int = CAPTURE_BATCH) -> int:
    """Capture leads from stored posts posted in [since, until), a batch at a time; returns how many were new.

    Reads each channel's posts in (posted_at, id) order on the post index of
    (channel, posted_at), keeping only posts the rules could accept (a
    sales-lead, complaint or churn-threat intent, or a negative sentiment)."""
    until = until or timezone.now()
    candidates = Q(intent__in=(Intent.SALES_LEAD, Intent.COMPLAINT, Intent.CHURN_THREAT)) | Q(
        sentiment_label=SentimentLabel.NEGATIVE
    )
    created = 0
    for channel_id in Channel.objects.order_by("pk").values_list("pk", flat=True):
        posts = SocialPost.objects.filter(
            candidates,
            channel_id=channel_id,
            direction=Direction.INBOUND,
            posted_at__gte=since,
            posted_at__lt=until,
        ).order_by("posted_at", "id")
        last: tuple[dt.datetime, int] | None = None
        while True:
            page = posts
            if last is not None:
                page = page.filter(Q(posted_at__gt=last[0]) | Q(posted_at=last[0], id__gt=last[1]))
            batch = list(page.values_list("posted_at", "id")[:batch_size])
            if not batch:
                break
            created += leads_capture(post_ids=[pk for _posted_at, pk in batch])
            last = batch[-1]
    return created


# -- the sales team's work -------------------------------------------------------------------------


def _locked(lead: Lead) -> Lead:
    return Lead.objects.select_for_update().get(pk=lead.pk)


def _check_open(lead: Lead) -> None:
    if lead.status not in OPEN_LEAD_STATUSES:
        raise LeadChangeError(f"This lead is already {lead.get_status_display().lower()}.")


def lead_assign(*, lead: Lead, owner, actor) -> Lead:
    """Give the lead to `owner` (None: nobody), who must be able to work leads."""
    if owner is not None and not owner.has_perm(CHANGE_PERMISSION):
        raise LeadChangeError(f"{owner.get_username()} is not in the sales team.")
    with transaction.atomic():
        lead = _locked(lead)
        lead.owner = owner
        lead.save(update_fields=["owner", "updated_at"])
    return lead


def lead_claim(*, lead: Lead, user) -> Lead:
    """Make a lead nobody owns the user's; claiming one's own changes nothing.

    One conditional update: of two people claiming at once, one wins and the
    other is told who has it."""
    won = Lead.objects.filter(pk=lead.pk, owner__isnull=True).update(owner=user, updated_at=timezone.now())
    lead = Lead.objects.select_related("owner").get(pk=lead.pk)
    if not won and lead.owner_id != user.pk:
        raise LeadChangeError(f"{lead.owner.get_username()} already has this lead.")
    return lead


def lead_mark_contacted(*, lead: Lead, actor) -> Lead:
    """Record that sales reached out; a contacted lead stays as it was."""
    with transaction.atomic():
        lead = _locked(lead)
        if lead.status == LeadStatus.CONTACTED:
            return lead
        _check_open(lead)
        lead.status, lead.contacted_at = LeadStatus.CONTACTED, timezone.now()
        lead.owner = lead.owner or actor
        lead.save(update_fields=["status", "contacted_at", "owner", "updated_at"])
    return lead


def lead_mark_won(*, lead: Lead, value: Decimal, actor, currency: str = "") -> Lead:
    """Close the lead as won, worth `value` (not negative) in `currency` (default: the lead's)."""
    if value is None or value < 0:
        raise LeadChangeError("A won lead needs its value, zero or more.")
    currency = (currency or "").strip().upper()
    if currency and (len(currency) != 3 or not currency.isalpha()):
        raise LeadChangeError("Enter the currency as three letters, such as USD.")
    with transaction.atomic():
        lead = _locked(lead)
        _check_open(lead)
        lead.status, lead.closed_at, lead.value = LeadStatus.WON, timezone.now(), value
        lead.currency = currency or lead.currency
        lead.owner = lead.owner or actor
        lead.save(update_fields=["status", "closed_at", "value", "currency", "owner", "updated_at"])
    return lead


def lead_mark_lost(*, lead: Lead, reason: str, actor) -> Lead:
    """Close the lead as lost, saying why ("chose Globex", "no budget")."""
    reason = (reason or "").strip()
    if not reason:
        raise LeadChangeError("Say why the lead was lost.")
    with transaction.atomic():
        lead = _locked(lead)
        _check_open(lead)
        lead.status, lead.closed_at, lead.lost_reason = LeadStatus.LOST, timezone.now(), reason[:200]
        lead.owner = lead.owner or actor
        lead.save(update_fields=["status", "closed_at", "lost_reason", "owner", "updated_at"])
    return lead


def lead_update_notes(*, lead: Lead, notes: str, actor) -> Lead:
    """Replace the lead's notes (any status: a won deal gets notes too)."""
    with transaction.atomic():
        lead = _locked(lead)
        lead.notes = notes
        lead.save(update_fields=["notes", "updated_at"])
    return lead
