"""Reads of sales leads: the list (keyset pages and the CSV), one lead's page, and the figures.

Owns LeadFilters, leads_filtered(), leads_page(), lead_detail() and
lead_figures(). Every read is a constant number of queries whatever the
number of leads: the list one query per page (the page's leads with their
customer, post, channel and owner), the figures one aggregate query.

Figures over a period [start, end) (the leads page's summary bar and the
KPI pages; docs/KPIS.md):
- created: leads created in the period; of those, how many are new,
  contacted, won or lost now;
- won, lost: leads closed (won or lost) in the period, whenever created;
- won value: the sum of their values per currency;
- conversion rate: leads created in the period that are won now / leads
  created in the period (None when none were created).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum

from leads.choices import LeadStatus
from leads.models import Lead

PAGE_SIZE = 50
CENT = Decimal("0.01")
NO_OWNER = "none"


@dataclass(frozen=True)
class LeadFilters:
    status: str = ""
    reason: str = ""
    competitor: str = ""
    owner: str = ""  # a user id, or NO_OWNER
    channel_id: int | None = None
    start: dt.datetime | None = None  # created at or after
    end: dt.datetime | None = None  # created before


def leads_filtered(filters: LeadFilters, *, period: bool = True, status: bool = True) -> QuerySet[Lead]:
    """Leads matching the filters; `period` and `status` False leave those two out (the summary bar)."""
    leads = Lead.objects.all()
    if status and filters.status:
        leads = leads.filter(status=filters.status)
    if filters.reason:
        leads = leads.filter(reason=filters.reason)
    if filters.competitor:
        leads = leads.filter(competitor__iexact=filters.competitor)
    if filters.owner == NO_OWNER:
        leads = leads.filter(owner__isnull=True)
    elif filters.owner:
        leads = leads.filter(owner_id=int(filters.owner))
    if filters.channel_id is not None:
        leads = leads.filter(channel_id=filters.channel_id)
    if period and filters.start is not None:
        leads = leads.filter(created_at__gte=filters.start)
    if period and filters.end is not None:
        leads = leads.filter(created_at__lt=filters.end)
    return leads


@dataclass
class LeadPage:
    leads: list[Lead]
    next_after: int | None  # the id to continue after, None on the last page


def leads_page(filters: LeadFilters, *, after: int | None = None, size: int = PAGE_SIZE) -> LeadPage:
    """One page of leads, newest first, after the lead id `after` (keyset: one query per page)."""
    leads = leads_filtered(filters).select_related("customer", "post", "channel", "owner").order_by("-id")
    if after is not None:
        leads = leads.filter(id__lt=after)
    rows = list(leads[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    return LeadPage(leads=rows, next_after=rows[-1].pk if more else None)


def leads_for_export(filters: LeadFilters):
    """Every lead the filters match, newest first, streamed in chunks (one query per chunk)."""
    return (
        leads_filtered(filters)
        .select_related("customer", "post", "channel", "owner")
        .order_by("-id")
        .iterator(chunk_size=2000)
    )


def lead_detail(*, lead_id: int) -> Lead | None:
    """One lead with its post, channel, customer (and their profiles), case and owner: two queries."""
    return (
        Lead.objects.select_related("post", "post__author", "channel", "customer", "case", "owner")
        .prefetch_related("customer__profiles")
        .filter(pk=lead_id)
        .first()
    )


def lead_figures(*, start: dt.datetime, end: dt.datetime, leads: QuerySet[Lead] | None = None) -> dict:
    """The leads figures of [start, end) over `leads` (default: all), in one query (see the module docstring)."""
    leads = Lead.objects.all() if leads is None else leads
    created = Q(created_at__gte=start, created_at__lt=end)
    closed = Q(closed_at__gte=start, closed_at__lt=end)
    rows = (
        leads.filter(created | closed)
        .order_by()
        .values("currency")
        .annotate(
            created=Count("id", filter=created),
            created_new=Count("id", filter=created & Q(status=LeadStatus.NEW)),
            created_contacted=Count("id", filter=created & Q(status=LeadStatus.CONTACTED)),
            created_won=Count("id", filter=created & Q(status=LeadStatus.WON)),
            won=Count("id", filter=closed & Q(status=LeadStatus.WON)),
            lost=Count("id", filter=closed & Q(status=LeadStatus.LOST)),
            won_value=Sum("value", filter=closed & Q(status=LeadStatus.WON)),
        )
        .order_by("currency")
    )
    figures = {"created": 0, "new": 0, "contacted": 0, "created_won": 0, "won": 0, "lost": 0}
    won_value: dict[str, Decimal] = {}
    for row in rows:
        for name, column in (
            ("created", "created"),
            ("new", "created_new"),
            ("contacted", "created_contacted"),
            ("created_won", "created_won"),
            ("won", "won"),
            ("lost", "lost"),
        ):
            figures[name] += row[column]
        if row["won"]:
            # Two decimals, as stored (SQLite's SUM drops trailing zeros).
            value = Decimal(row["won_value"] or 0).quantize(CENT)
            won_value[row["currency"]] = won_value.get(row["currency"], Decimal("0.00")) + value
    figures["won_value"] = won_value
    figures["conversion_rate"] = figures["created_won"] / figures["created"] if figures["created"] else None
    return figures
