"""The agent console's inbox: views, filters, search, keyset pages and counts.

Owns inbox_page() and inbox_counts(). Invariants:
- A user sees only the cases cases_visible_to() allows (managers: all;
  agents: their teams', their own and unrouted ones); merged cases never.
- Pages are keyset-paginated on each view's own order, so a page is stable
  while new cases arrive: "after" a cursor means strictly after that row.
  Every view's order is served by a partial index (models.cases.Case.Meta).
- A page costs the same few queries whatever its size and the table's:
  the rows with their customer, channel, assignee and team joined and the
  latest inbound message's text and author handle as correlated subqueries
  (one query), their tags (one prefetch).
- Search: words are PostgreSQL full-text search over posts (the GIN index
  `socialpost_text_fts_idx` on to_tsvector('simple', text); on SQLite a
  plain substring match); `@dana_r` is a handle, on any channel.
- Counts are capped at COUNT_CAP per view ("100+"): one query for all
  views, whose cost is bounded by the cap, not by the table.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
from dataclasses import dataclass, fields

from django.apps import apps
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import BooleanField, Exists, OuterRef, Q, QuerySet, Subquery
from django.db.models.expressions import RawSQL
from django.db.models.functions import Lower

from cases.choices import DONE_STATUSES, OPEN_STATUSES
from cases.models import Case

PAGE_SIZE = 50
COUNT_CAP = 100
VIEWS = {
    "mine": "Mine",
    "unassigned": "Unassigned",
    "teams": "My teams",
    "breaching": "Breaching soon",
    "open": "All open",
    "resolved": "Resolved",
}
# Each view's order: (field, descending); the id breaks ties in the same direction.
ORDER = {
    "breaching": ("sla_next_due_at", False),
    "resolved": ("resolved_at", True),
}
DEFAULT_ORDER = ("id", True)


@dataclass(frozen=True)
class InboxFilters:
    """Validated filters (cases.forms.InboxFilterForm builds them); empty means any."""

    channel: int | None = None
    priority: str = ""
    status: str = ""
    sentiment: str = ""
    engagement: str = ""
    intent: str = ""
    tag: int | None = None
    language: str = ""
    assignee: int | None = None
    q: str = ""

    def active(self) -> bool:
        return any(getattr(self, field.name) not in (None, "") for field in fields(self))


@dataclass
class InboxPage:
    rows: list[Case]
    next_cursor: str | None
    view: str


class BadCursor(ValueError):
    """A cursor that was not made by this module (tampered with or from another view)."""


def user_team_ids(user: AbstractBaseUser) -> list[int]:
    """Teams of the user's agent profile, one query (none for users without a profile)."""
    Team = apps.get_model("cases", "Team")
    return list(Team.objects.filter(members__user=user).values_list("pk", flat=True))


def _visible(user: AbstractBaseUser, team_ids: list[int]) -> QuerySet[Case]:
    cases = Case.objects.all()
    if user.has_perm("cases.view_all_cases"):
        return cases
    return cases.filter(Q(team_id__in=team_ids) | Q(assignee=user) | Q(team__isnull=True))


def _in_view(cases: QuerySet[Case], view: str, user: AbstractBaseUser, team_ids: list[int]) -> QuerySet[Case]:
    if view == "resolved":
        # A merged case is closed into its target: listed there, not here. Open
        # views need no such condition (a merged case is never open), which keeps
        # their partial indexes enough.
        return cases.filter(status__in=DONE_STATUSES, merged_into__isnull=True)
    cases = cases.filter(status__in=OPEN_STATUSES)
    if view == "mine":
        return cases.filter(assignee=user)
    if view == "unassigned":
        return cases.filter(assignee__isnull=True)
    if view == "teams":
        return cases.filter(team_id__in=team_ids)
    if view == "breaching":
        return cases.filter(sla_next_due_at__isnull=False)
    return cases


def _search(cases: QuerySet[Case], text: str) -> QuerySet[Case]:
    """`@handle`: cases of customers with that handle on any channel (case-insensitive).
    Anything else: cases with an inbound post containing those words.

    Two separate searches, not one OR: with the OR, PostgreSQL must collect
    every matching post first (a common word at a million posts: 140 ms);
    alone, the post search is a semi-join the planner runs either way round,
    walking the view's cases in order and stopping at a page (16 ms), or
    from the few posts a rare word matches (under 1 ms)."""
    SocialPost = apps.get_model("channels_app", "SocialPost")
    SocialProfile = apps.get_model("channels_app", "SocialProfile")
    text = text.strip()
    if text.startswith("@"):
        handle = text.lstrip("@").lower()
        by_handle = SocialProfile.objects.annotate(handle_lower=Lower("handle")).filter(handle_lower=handle)
        return cases.filter(customer_id__in=by_handle.values("customer_id"))
    if connection.vendor == "postgresql":
        # The expression must be the index's, word for word, for the planner to use it.
        matches = RawSQL(
            "to_tsvector('simple'::regconfig, text) @@ websearch_to_tsquery('simple'::regconfig, %s)",
            [text],
            output_field=BooleanField(),
        )
        posts = SocialPost.objects.filter(matches)
    else:
        posts = SocialPost.objects.filter(text__icontains=text)
    # The customers' own words: the index covers inbound posts in a case only
    # (brand replies would double its cost on every insert for little use).
    return cases.filter(Exists(posts.filter(case_id=OuterRef("pk"), direction="inbound")))


def _filtered(cases: QuerySet[Case], filters: InboxFilters) -> QuerySet[Case]:
    simple = {
        "origin_channel_id": filters.channel,
        "priority": filters.priority,
        "status": filters.status,
        "sentiment_label": filters.sentiment,
        "engagement_type": filters.engagement,
        "intent": filters.intent,
        "language": filters.language,
        "assignee_id": filters.assignee,
    }
    cases = cases.filter(**{name: value for name, value in simple.items() if value not in (None, "")})
    if filters.tag:
        cases = cases.filter(tags__id=filters.tag)
    if filters.q.strip():
        cases = _search(cases, filters.q)
    return cases


def encode_cursor(view: str, case: Case) -> str:
    field, _descending = ORDER.get(view, DEFAULT_ORDER)
    value = getattr(case, field)
    payload = [view, value.isoformat() if isinstance(value, dt.datetime) else value, case.pk]
    return base64.urlsafe_b64encode(json.dumps(payload).encode()).decode().rstrip("=")


def _after(cases: QuerySet[Case], view: str, cursor: str) -> QuerySet[Case]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        cursor_view, value, pk = json.loads(raw)
        pk = int(pk)
    except (binascii.Error, ValueError, TypeError) as error:
        raise BadCursor("This page link is not valid; start again from the first page.") from error
    if cursor_view != view:
        raise BadCursor("This page link belongs to another view.")
    field, descending = ORDER.get(view, DEFAULT_ORDER)
    if field == "id":
        return cases.filter(pk__lt=pk) if descending else cases.filter(pk__gt=pk)
    try:
        value = dt.datetime.fromisoformat(value)
    except (TypeError, ValueError) as error:
        raise BadCursor("This page link is not valid; start again from the first page.") from error
    op = "lt" if descending else "gt"
    return cases.filter(Q(**{f"{field}__{op}": value}) | Q(**{field: value, f"pk__{op}": pk}))


def _ordered(cases: QuerySet[Case], view: str) -> QuerySet[Case]:
    field, descending = ORDER.get(view, DEFAULT_ORDER)
    if field == "id":
        return cases.order_by("-pk" if descending else "pk")
    sign = "-" if descending else ""
    return cases.order_by(f"{sign}{field}", f"{sign}pk")


def _with_row_data(cases: QuerySet[Case]) -> QuerySet[Case]:
    SocialPost = apps.get_model("channels_app", "SocialPost")
    latest = SocialPost.objects.filter(case=OuterRef("pk"), direction="inbound").order_by("-posted_at", "-id")
    return (
        cases.select_related("customer", "origin_channel", "assignee", "team")
        .annotate(
            latest_text=Subquery(latest.values("text")[:1]),
            latest_handle=Subquery(latest.values("author__handle")[:1]),
        )
        .prefetch_related("tags")
    )


def inbox_page(
    *,
    user: AbstractBaseUser,
    view: str,
    filters: InboxFilters,
    after: str | None = None,
    size: int | None = None,
    team_ids: list[int] | None = None,
) -> InboxPage:
    """One page of a view (PAGE_SIZE rows unless `size`), after `after` (a cursor from a previous page) when given."""
    size = size or PAGE_SIZE
    if view not in VIEWS:
        raise ValueError(f"Unknown inbox view {view!r}.")
    team_ids = user_team_ids(user) if team_ids is None else team_ids
    cases = _filtered(_in_view(_visible(user, team_ids), view, user, team_ids), filters)
    if after:
        cases = _after(cases, view, after)
    rows = list(_with_row_data(_ordered(cases, view))[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    return InboxPage(rows=rows, next_cursor=encode_cursor(view, rows[-1]) if more else None, view=view)


def inbox_counts(*, user: AbstractBaseUser, team_ids: list[int] | None = None) -> dict[str, int]:
    """Cases in each view (without filters), each capped at COUNT_CAP: one query."""
    team_ids = user_team_ids(user) if team_ids is None else team_ids
    visible = _visible(user, team_ids)
    parts, params = [], []
    for view in VIEWS:
        try:
            capped = _in_view(visible, view, user, team_ids).order_by().values("pk")[:COUNT_CAP]
            sql, view_params = capped.query.sql_with_params()
        except EmptyResultSet:  # e.g. "My teams" of a user in no team: nothing to count
            continue
        parts.append(f"SELECT %s, COUNT(*) FROM ({sql}) AS {view}_rows")
        params += [view, *view_params]
    if not parts:
        return dict.fromkeys(VIEWS, 0)
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), params)
        counts = dict(cursor.fetchall())
    return {view: counts.get(view, 0) for view in VIEWS}
