"""Outcome KPIs, computed in the database: CSAT, sentiment, sentiment lift, churn, churn risk, cost of service,
call deflection.

Owns outcomes_figures() (the raw path over a whole KpiScope), outcomes_parts()
(the same items as additive kpis.parts.Part per local day and dimension key,
what the rollup task stores), outcomes_figures_from_parts() (the pure
arithmetic both paths share, so a figure read from merged daily parts equals
the raw figure), sentiment_series(), churn_figures() and churn_risk_list().
Reads only; no pages, no rollups, no survey sending. Every function runs a
constant number of queries, whatever the data size or the number of days.

Attribution. Days are cut in scope.zone (TruncDate with tzinfo). Dimension
keys: surveys use their own channel/team/agent (frozen at send time); posts
their channel, and their case's team and assignee; cases their origin
channel, team and assignee. The key is "" for RollupDimension.ALL, the id as
a string otherwise, and "none" for an item without that dimension (a post
without a case, a case without a team), so the parts of every key of a
dimension add up to the parts of ALL. A scope's channel_id/team_id/agent_id
filters the same fields. Merged cases (merged_into set) and merged customers
are left out everywhere (surveys of a merged case, posts of a merged case or
of a merged customer's profile, merged cases, cases of merged customers).

Definitions.
1. CSAT. Surveys answered in scope (answered_at): csat = share scoring 4 or 5,
   mean score. Response rate = surveys sent in scope (sent_at) that have been
   answered (whenever, up to now) / surveys sent in scope.
2. Sentiment. Inbound, not deleted posts posted in scope with a
   sentiment_polarity: mean polarity; net = (positive - negative) / all of
   them, where positive and negative are sentiment_label "positive" and
   "negative" ("neutral" counts in the denominator only).
3. Sentiment lift. Cases resolved in scope (resolved_at in scope, status
   resolved or closed) with both sentiment_start and sentiment_latest:
   sentiment_latest - sentiment_start; count and mean.
4. Churn (churn_figures, over the scope only: not additive over days, so no
   parts; the channel/team/agent of the scope do not apply to customers).
   rate = customers with churned_at in scope / customers active at
   scope.start. Active at a date D: churned_at null or >= D, and an inbound
   post (through SocialPost.author -> SocialProfile.customer) or a case
   created in [D - KpiSettings.active_customer_days days, D). The numerator
   is every customer churned in scope, as defined, active at the start or not.
   The same rate for customers served through social care and for the
   rest: the denominators are the active customers served (a case with
   first_responded_at before scope.start whose origin channel kind is x,
   facebook or rss) or not; the numerators are the churned customers
   served so before they churned, or not. Both numerators add up over days
   (churn_parts), the denominators are a snapshot at the start
   (churn_snapshot), so the rollup stores both per day.
5. Churn risk (churn_risk_list): customers not churned with at least one
   reason, most reasons first, then most recent activity (the latest of
   their last inbound post and their last case creation), then id. Reasons:
   "churn_threat" an open case with intent churn_threat; "repeated_negative"
   2 or more negative (label), inbound, not deleted posts in the 30 days up
   to now; "breached_sla" an open case with a *_breached flag; "unresolved"
   an open case created more than 7 days before now. One query.
6. Cost of service. Contacts per channel kind = inbound, not deleted posts
   posted in scope on channels of that kind, plus cases created in scope with
   no inbound post at all (logged by hand), under their origin channel's kind
   ("phone" when they have none). cost = sum of contacts x
   ContactCost.cost_per_contact (a kind without a ContactCost row costs 0 and
   is listed in unpriced_kinds); cost per resolved case = cost / cases
   resolved in scope (definition 3's cases, with or without sentiment),
   rounded to the cent. Money is Decimal.
7. Call deflection. rate = self-service resolutions in scope (occurred_at) /
   (those + assisted cases created in scope); savings = self-service
   resolutions x KpiSettings.cost_per_call. Self-service resolutions have no
   channel, team or agent: they are counted only for dimension ALL of an
   unfiltered scope; elsewhere self_service, rate and savings are None.

Part names (counts unless said otherwise): "surveys_sent",
"surveys_answered_of_sent" (by sent day), "surveys_answered",
"surveys_satisfied" (by answered day), "survey_score" (count and total of the
scores), "posts_with_polarity", "polarity" (count and total), "posts_positive",
"posts_negative", "contacts:<channel kind>", "resolved_cases",
"sentiment_lift" (count and total of the lifts), "assisted_cases",
"self_service" (present, possibly 0, on every day of an unfiltered ALL scope,
so its absence means "not measurable here").
Figures are None where there is no data (a share or a mean over nothing).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Case as SqlCase
from django.db.models import (
    Count,
    DateTimeField,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Greatest, TruncDate

from cases.choices import DONE_STATUSES, OPEN_STATUSES, ChannelKind, CustomerTier, Intent, SentimentLabel
from cases.models import Case, Customer
from channels_app.choices import Direction
from channels_app.models import SocialPost
from kpis.models import ContactCost, RollupDimension, SatisfactionSurvey, SelfServiceResolution
from kpis.parts import Part, Parts, merge_parts, share
from kpis.scope import KpiScope, kpi_settings

CENT = Decimal("0.01")
NO_KEY = "none"
HAND_LOGGED_KIND = ChannelKind.PHONE.value
SOCIAL_CARE_KINDS = (ChannelKind.X, ChannelKind.FACEBOOK, ChannelKind.RSS)
NEGATIVE_POSTS_WINDOW = dt.timedelta(days=30)
REPEATED_NEGATIVE_POSTS = 2
UNRESOLVED_AFTER = dt.timedelta(days=7)
CHURN_RISK_REASONS = {
    "churn_threat": "Threatened to leave (open case)",
    "repeated_negative": "2+ negative posts in 30 days",
    "breached_sla": "Open case breached its SLA",
    "unresolved": "Open case unresolved for over 7 days",
}

# Field of each dimension, per kind of item (see "Attribution" above).
_SURVEY = {RollupDimension.CHANNEL: "channel", RollupDimension.TEAM: "team", RollupDimension.AGENT: "agent"}
_POST = {
    RollupDimension.CHANNEL: "channel",
    RollupDimension.TEAM: "case__team",
    RollupDimension.AGENT: "case__assignee",
}
_CASE = {RollupDimension.CHANNEL: "origin_channel", RollupDimension.TEAM: "team", RollupDimension.AGENT: "assignee"}

Key = tuple[dt.date | None, str]


# --- public API ---------------------------------------------------------------


def outcomes_figures(scope: KpiScope) -> dict:
    """Every outcome figure but churn over the whole scope, from aggregates over raw rows (at most 8 queries)."""
    settings = kpi_settings()
    parts = merge_parts(_collect(scope, dimension=RollupDimension.ALL, by_day=False).values())
    return outcomes_figures_from_parts(
        parts, costs=contact_costs(), cost_per_call=settings.cost_per_call, currency=settings.currency
    )


def outcomes_parts(scope: KpiScope, *, dimension: str = RollupDimension.ALL) -> dict[tuple[dt.date, str], Parts]:
    """The additive parts of every outcome figure but churn, per (local day, dimension key); at most 6 queries."""
    if dimension not in RollupDimension.values:
        raise ValueError(f"unknown dimension {dimension!r}")
    return _collect(scope, dimension=dimension, by_day=True)


def outcomes_figures_from_parts(
    parts: Parts, *, costs: dict[str, Decimal], cost_per_call: Decimal, currency: str
) -> dict:
    """The figures of outcomes_figures() from (merged) parts; pure. `costs` maps channel kind to cost per contact."""

    def count(name: str) -> int:
        return parts[name].count if name in parts else 0

    def mean(name: str) -> float | None:
        return parts[name].mean if name in parts else None

    answered, sent, posts = count("surveys_answered"), count("surveys_sent"), count("posts_with_polarity")
    positive, negative = count("posts_positive"), count("posts_negative")

    contacts_by_kind = {
        name.split(":", 1)[1]: part.count
        for name, part in sorted(parts.items())
        if name.startswith("contacts:") and part.count
    }
    contacts = sum(contacts_by_kind.values())
    cost = (
        sum((costs.get(kind, Decimal(0)) * n for kind, n in contacts_by_kind.items()), Decimal(0)).quantize(
            CENT, ROUND_HALF_UP
        )
        if contacts
        else None
    )
    resolved = count("resolved_cases")

    # Absent self_service means "not measurable for this scope" (a channel, team or agent), not zero.
    self_service = parts["self_service"].count if "self_service" in parts else None
    assisted = count("assisted_cases")
    deflection_base = (self_service or 0) + assisted
    return {
        "csat": {
            "answered": answered,
            "satisfied": count("surveys_satisfied"),
            "csat": share(parts.get("surveys_satisfied"), parts.get("surveys_answered")),
            "mean_score": mean("survey_score"),
            "sent": sent,
            "answered_of_sent": count("surveys_answered_of_sent"),
            "response_rate": share(parts.get("surveys_answered_of_sent"), parts.get("surveys_sent")),
        },
        "sentiment": {
            "posts": posts,
            "mean_polarity": mean("polarity"),
            "positive": positive,
            "negative": negative,
            "net": (positive - negative) / posts if posts else None,
        },
        "lift": {"cases": count("sentiment_lift"), "mean": mean("sentiment_lift")},
        "cost": {
            "contacts_by_kind": contacts_by_kind,
            "contacts": contacts,
            "cost": cost,
            "unpriced_kinds": sorted(kind for kind in contacts_by_kind if kind not in costs),
            "resolved_cases": resolved,
            "cost_per_resolved_case": (cost / resolved).quantize(CENT, ROUND_HALF_UP)
            if cost is not None and resolved
            else None,
            "currency": currency,
        },
        "deflection": {
            "self_service": self_service,
            "assisted": assisted,
            "rate": self_service / deflection_base if self_service is not None and deflection_base else None,
            "savings": (Decimal(cost_per_call) * self_service).quantize(CENT, ROUND_HALF_UP)
            if self_service is not None
            else None,
            "currency": currency,
        },
    }


def contact_costs() -> dict[str, Decimal]:
    """Cost of one contact per channel kind, for the kinds that have a ContactCost row."""
    return dict(ContactCost.objects.values_list("channel_kind", "cost_per_contact"))


def sentiment_series(scope: KpiScope) -> list[tuple[dt.date, dict]]:
    """Posts with a polarity, mean polarity and net sentiment per local day of the scope (one query)."""
    rows = (
        _scoped(_inbound_posts(scope), scope, _POST)
        .filter(sentiment_polarity__isnull=False)
        .values(day=TruncDate("posted_at", tzinfo=scope.zone))
        .annotate(**_sentiment_aggregates())
        .order_by()
    )
    by_day = {row["day"]: row for row in rows}
    series = []
    for day in scope.days:
        row = by_day.get(day, {"posts": 0, "polarity_total": None, "positive": 0, "negative": 0})
        posts = row["posts"]
        series.append(
            (
                day,
                {
                    "posts": posts,
                    "mean_polarity": row["polarity_total"] / posts if posts else None,
                    "positive": row["positive"],
                    "negative": row["negative"],
                    "net": (row["positive"] - row["negative"]) / posts if posts else None,
                },
            )
        )
    return series


def churn_snapshot(at: dt.datetime) -> dict[str, int]:
    """Customers active at `at` (see 4.), and those of them served through social care before it.

    Four queries of distinct customer ids, combined as sets: an OR of two IN
    subqueries over a million posts made PostgreSQL re-run a subquery per
    customer (an hour at a million posts); distinct ids are read once each."""
    since = at - dt.timedelta(days=kpi_settings().active_customer_days)

    def ids(queryset: QuerySet, field: str) -> set[int]:
        return set(queryset.values_list(field, flat=True).distinct())

    posted = ids(
        SocialPost.objects.filter(
            direction=Direction.INBOUND, posted_at__gte=since, posted_at__lt=at, author__isnull=False
        ),
        "author__customer_id",
    )
    opened = ids(Case.objects.filter(merged_into__isnull=True, created_at__gte=since, created_at__lt=at), "customer_id")
    gone = ids(Customer.objects.filter(Q(merged_into__isnull=False) | Q(churned_at__lt=at)), "pk")
    served = ids(
        Case.objects.filter(
            merged_into__isnull=True, first_responded_at__lt=at, origin_channel__kind__in=SOCIAL_CARE_KINDS
        ),
        "customer_id",
    )
    active = (posted | opened) - gone
    return {"active": len(active), "social_active": len(active & served)}


def churn_parts(scope: KpiScope) -> dict[dt.date, Parts]:
    """Customers churned per local day of the scope, and those served through social care before
    they churned: additive, so a period's numerators are sums of days (one query)."""
    served = Case.objects.filter(
        customer=OuterRef("pk"),
        merged_into__isnull=True,
        first_responded_at__lt=OuterRef("churned_at"),
        origin_channel__kind__in=SOCIAL_CARE_KINDS,
    )
    rows = (
        Customer.objects.filter(merged_into__isnull=True, churned_at__gte=scope.start, churned_at__lt=scope.end)
        .annotate(day=TruncDate("churned_at", tzinfo=scope.zone), served=Exists(served))
        .values("day")
        .annotate(churned=Count("id"), social=Count("id", filter=Q(served=True)))
        .values_list("day", "churned", "social")
    )
    return {
        day: {"churned": Part.of_count(churned), "churned_social": Part.of_count(social)}
        for day, churned, social in rows
    }


def churn_from_parts(snapshot: dict[str, int], churned: Parts) -> dict:
    """The churn figures from the start-of-period snapshot and the period's summed churn parts; pure."""

    def rate(active_count: int, churned_count: int) -> dict:
        return {
            "active": active_count,
            "churned": churned_count,
            "rate": churned_count / active_count if active_count else None,
        }

    total = churned["churned"].count if "churned" in churned else 0
    social = churned["churned_social"].count if "churned_social" in churned else 0
    active, social_active = snapshot["active"], snapshot["social_active"]
    return {
        "active_customer_days": kpi_settings().active_customer_days,
        **rate(active, total),
        "social": rate(social_active, social),
        "rest": rate(active - social_active, total - social),
    }


def churn_figures(scope: KpiScope) -> dict:
    """Churn over the scope, overall and for customers served through social care vs the rest (2 queries)."""
    return churn_from_parts(churn_snapshot(scope.start), merge_parts(churn_parts(scope).values()))


def churn_risk_list(*, now: dt.datetime, limit: int = 50) -> list[dict]:
    """Customers not churned with a churn-risk reason, most reasons first, then most recent activity (one query)."""
    open_cases = Case.objects.filter(customer=OuterRef("pk"), status__in=OPEN_STATUSES, merged_into__isnull=True)
    negative_posts = SocialPost.objects.filter(
        direction=Direction.INBOUND,
        deleted_at__isnull=True,
        sentiment_label=SentimentLabel.NEGATIVE,
        posted_at__gt=now - NEGATIVE_POSTS_WINDOW,
        posted_at__lte=now,
    )
    inbound = SocialPost.objects.filter(
        author__customer=OuterRef("pk"), direction=Direction.INBOUND, posted_at__lte=now
    )
    breached = Q(first_response_breached=True) | Q(next_response_breached=True) | Q(resolution_breached=True)
    reasons = {
        "churn_threat": Q(churn_threat=True),
        "repeated_negative": Q(negative_posts__gte=REPEATED_NEGATIVE_POSTS),
        "breached_sla": Q(breached_sla=True),
        "unresolved": Q(unresolved=True),
    }
    rows = (
        Customer.objects.filter(merged_into__isnull=True, churned_at__isnull=True)
        # Only customers that can have a reason: lets the database start from the
        # open cases and the month's negative posts instead of every customer.
        .filter(
            Q(pk__in=Case.objects.filter(status__in=OPEN_STATUSES, merged_into__isnull=True).values("customer"))
            | Q(pk__in=negative_posts.values("author__customer"))
        )
        .annotate(
            churn_threat=Exists(open_cases.filter(intent=Intent.CHURN_THREAT)),
            negative_posts=Coalesce(
                Subquery(_count_per(negative_posts.filter(author__customer=OuterRef("pk")), "author__customer")),
                0,
            ),
            breached_sla=Exists(open_cases.filter(breached)),
            unresolved=Exists(open_cases.filter(created_at__lt=now - UNRESOLVED_AFTER)),
            open_cases=Coalesce(Subquery(_count_per(open_cases, "customer")), 0),
            last_post_at=Subquery(inbound.order_by("-posted_at").values("posted_at")[:1]),
            last_case_at=Subquery(
                Case.objects.filter(customer=OuterRef("pk")).order_by("-created_at").values("created_at")[:1]
            ),
        )
        .annotate(
            reason_count=sum(
                (SqlCase(When(condition, then=Value(1)), default=Value(0)) for condition in reasons.values()),
                start=Value(0),
            ),
            # Greatest() is NULL on SQLite as soon as one side is: coalescing each side
            # with the other gives the latest of both, or the one there is, on both databases.
            last_activity=Greatest(
                Coalesce("last_post_at", "last_case_at"),
                Coalesce("last_case_at", "last_post_at"),
                output_field=DateTimeField(),
            ),
        )
        .filter(reason_count__gte=1)
        .order_by("-reason_count", F("last_activity").desc(nulls_last=True), "id")
        # reason_count selected too, so ORDER BY names its column instead of repeating its subqueries.
        .values(
            "id",
            "name",
            "tier",
            "open_cases",
            "negative_posts",
            "last_activity",
            "reason_count",
            "churn_threat",
            "breached_sla",
            "unresolved",
        )
    )[:limit]
    return [
        {
            "customer_id": row["id"],
            "name": row["name"],
            "tier": row["tier"],
            "tier_label": CustomerTier(row["tier"]).label,
            "reasons": [
                {"code": code, "label": label}
                for code, label in CHURN_RISK_REASONS.items()
                if (row["negative_posts"] >= REPEATED_NEGATIVE_POSTS if code == "repeated_negative" else row[code])
            ],
            "open_cases": row["open_cases"],
            "negative_posts": row["negative_posts"],
            "last_activity": row["last_activity"],
        }
        for row in rows
    ]


# --- the queries behind the parts ----------------------------------------------


def _collect(scope: KpiScope, *, dimension: str, by_day: bool) -> dict[Key, Parts]:
    """Parts per (day, key): by local day and `dimension` when by_day, else one (None, "") entry for the scope."""
    collected: dict[Key, Parts] = defaultdict(dict)

    def add(row: dict, name: str, count: int, total: float | None = None) -> None:
        if not count:
            return
        key = (row.get("day"), _key(row.get("key"), dimension))
        part = Part(count=int(count), total=float(count if total is None else total))
        parts = collected[key]
        parts[name] = parts[name] + part if name in parts else part

    def rows(queryset: QuerySet, day_field: str, fields: dict[str, str], aggregates: dict, *extra) -> list[dict]:
        queryset = _scoped(queryset, scope, fields)
        group = {}
        if by_day:
            group["day"] = TruncDate(day_field, tzinfo=scope.zone)
        if dimension != RollupDimension.ALL:
            group["key"] = F(fields[dimension])
        if not group and not extra:
            return [queryset.aggregate(**aggregates)]
        return list(queryset.values(*extra, **group).annotate(**aggregates).order_by())

    surveys = SatisfactionSurvey.objects.filter(
        case__merged_into__isnull=True, case__customer__merged_into__isnull=True
    )
    for row in rows(
        surveys.filter(sent_at__gte=scope.start, sent_at__lt=scope.end),
        "sent_at",
        _SURVEY,
        {"sent": Count("id"), "answered": Count("id", filter=Q(answered_at__isnull=False))},
    ):
        add(row, "surveys_sent", row["sent"])
        add(row, "surveys_answered_of_sent", row["answered"])
    for row in rows(
        surveys.filter(answered_at__gte=scope.start, answered_at__lt=scope.end),
        "answered_at",
        _SURVEY,
        {"answered": Count("id"), "satisfied": Count("id", filter=Q(score__gte=4)), "score_total": Sum("score")},
    ):
        add(row, "surveys_answered", row["answered"])
        add(row, "surveys_satisfied", row["satisfied"])
        add(row, "survey_score", row["answered"], row["score_total"])

    for row in rows(
        _inbound_posts(scope),
        "posted_at",
        _POST,
        {"contacts": Count("id"), **_sentiment_aggregates(filter=Q(sentiment_polarity__isnull=False))},
        "channel__kind",
    ):
        add(row, f"contacts:{row['channel__kind']}", row["contacts"])
        add(row, "posts_with_polarity", row["posts"])
        add(row, "polarity", row["posts"], row["polarity_total"])
        add(row, "posts_positive", row["positive"])
        add(row, "posts_negative", row["negative"])

    cases = Case.objects.filter(merged_into__isnull=True, customer__merged_into__isnull=True)
    for row in rows(
        cases.filter(created_at__gte=scope.start, created_at__lt=scope.end).annotate(
            has_inbound=Exists(SocialPost.objects.filter(case=OuterRef("pk"), direction=Direction.INBOUND)),
            kind=Coalesce("origin_channel__kind", Value(HAND_LOGGED_KIND)),
        ),
        "created_at",
        _CASE,
        {"assisted": Count("id"), "hand_logged": Count("id", filter=Q(has_inbound=False))},
        "kind",
    ):
        add(row, "assisted_cases", row["assisted"])
        add(row, f"contacts:{row['kind']}", row["hand_logged"])
    with_lift = Q(sentiment_start__isnull=False, sentiment_latest__isnull=False)
    for row in rows(
        cases.filter(status__in=DONE_STATUSES, resolved_at__gte=scope.start, resolved_at__lt=scope.end),
        "resolved_at",
        _CASE,
        {
            "resolved": Count("id"),
            "lifted": Count("id", filter=with_lift),
            "lift_total": Sum(F("sentiment_latest") - F("sentiment_start"), filter=with_lift),
        },
    ):
        add(row, "resolved_cases", row["resolved"])
        add(row, "sentiment_lift", row["lifted"], row["lift_total"])

    if dimension == RollupDimension.ALL and _unfiltered(scope):
        # Present even when zero: an absent part means "not measurable here" (see the module docstring).
        for day in scope.days if by_day else [None]:
            collected[(day, "")]["self_service"] = Part.of_count(0)
        resolutions = SelfServiceResolution.objects.filter(occurred_at__gte=scope.start, occurred_at__lt=scope.end)
        for row in rows(resolutions, "occurred_at", {}, {"resolutions": Count("id")}):
            add(row, "self_service", row["resolutions"])
    return dict(collected)


def _inbound_posts(scope: KpiScope) -> QuerySet:
    return SocialPost.objects.filter(
        direction=Direction.INBOUND,
        deleted_at__isnull=True,
        posted_at__gte=scope.start,
        posted_at__lt=scope.end,
        # isnull=True lookups join outward: posts without a case or an author stay.
        case__merged_into__isnull=True,
        author__customer__merged_into__isnull=True,
    )


def _sentiment_aggregates(filter: Q | None = None) -> dict:
    """Posts with a polarity, their polarity total and positive/negative labels; `filter` narrows all four."""
    within = filter or Q()
    return {
        "posts": Count("id", filter=within) if filter else Count("id"),
        "polarity_total": Sum("sentiment_polarity", filter=filter),
        "positive": Count("id", filter=within & Q(sentiment_label=SentimentLabel.POSITIVE)),
        "negative": Count("id", filter=within & Q(sentiment_label=SentimentLabel.NEGATIVE)),
    }


def _scoped(queryset: QuerySet, scope: KpiScope, fields: dict[str, str]) -> QuerySet:
    """Narrow to the scope's channel, team or agent; items without such a dimension (self-service) have no fields."""
    for dimension, value in (
        (RollupDimension.CHANNEL, scope.channel_id),
        (RollupDimension.TEAM, scope.team_id),
        (RollupDimension.AGENT, scope.agent_id),
    ):
        if value is not None and dimension in fields:
            queryset = queryset.filter(**{fields[dimension]: value})
    return queryset


def _unfiltered(scope: KpiScope) -> bool:
    return scope.channel_id is None and scope.team_id is None and scope.agent_id is None


def _key(value, dimension: str) -> str:
    if dimension == RollupDimension.ALL:
        return ""
    return NO_KEY if value is None else str(value)


def _count_per(queryset: QuerySet, field: str) -> QuerySet:
    """A correlated subquery counting `queryset`'s rows (already filtered on OuterRef), for Subquery()."""
    return queryset.order_by().values(field).annotate(n=Count("id")).values("n")[:1]
