"""Reads of goodwill compensation: what the limits and checks need, the pages' lists, and the auditors' report.

Every list selects its related rows in the same query; the report is two
aggregate queries whatever the number of requests.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth

from cases.choices import Intent, SentimentLabel
from cases.selectors import cases_visible_to
from channels_app.choices import Direction
from channels_app.models import SocialPost
from goodwill import collusion
from goodwill.choices import GIVEN_STATUSES, CompensationStatus
from goodwill.models import CompensationRequest, CustomerContactDetail, DeclaredRelationship, EmployeeContact

UTC = dt.UTC
CENT = Decimal("0.01")


def month_start(moment: dt.datetime) -> dt.datetime:
    moment = moment.astimezone(UTC)
    return moment.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def given_sums(*, case_id: int, customer_id: int, currency: str, now: dt.datetime) -> tuple[Decimal, Decimal]:
    """What was given (approved or granted) in `currency`: on the case, and to the customer this month (UTC)."""
    given = CompensationRequest.objects.filter(customer_id=customer_id, currency=currency, status__in=GIVEN_STATUSES)
    sums = given.aggregate(
        case=Sum("amount", filter=Q(case_id=case_id)),
        month=Sum("amount", filter=Q(created_at__gte=month_start(now))),
    )
    return sums["case"] or Decimal("0"), sums["month"] or Decimal("0")


def agent_party(user) -> collusion.Party:
    contact = EmployeeContact.objects.filter(user=user).first()
    return collusion.Party(
        name=user.get_full_name(),
        surname=user.last_name,
        emails=tuple(e for e in (user.email, contact.personal_email if contact else "") if e),
        phones=(contact.phone,) if contact and contact.phone else (),
        address=contact.address if contact else "",
    )


def customer_party(customer) -> collusion.Party:
    detail = CustomerContactDetail.objects.filter(customer=customer).first()
    return collusion.Party(
        name=customer.name,
        emails=(customer.email,) if customer.email else (),
        phones=(customer.phone,) if customer.phone else (),
        address=detail.address if detail else "",
    )


def declared_relationships(*, agent, customer) -> list[tuple[str, str]]:
    return [
        (relationship.get_kind_display(), relationship.note)
        for relationship in DeclaredRelationship.objects.filter(agent=agent, customer=customer)
    ]


def requester_history(*, requester, customer, currency: str, now: dt.datetime, repeat_days: int, near_days: int):
    """The requester's requests that the repeat and near-threshold rules count (rejected ones excluded):
    (times of those for this customer within repeat_days, amounts in `currency` within near_days)."""
    since = now - dt.timedelta(days=max(repeat_days, near_days))
    rows = (
        CompensationRequest.objects.filter(requested_by=requester, created_at__gte=since)
        .exclude(status=CompensationStatus.REJECTED)
        .values_list("customer_id", "currency", "amount", "created_at")
    )
    times, amounts = [], []
    for customer_id, row_currency, amount, created_at in rows:
        if customer_id == customer.pk and created_at >= now - dt.timedelta(days=repeat_days):
            times.append(created_at)
        if row_currency == currency and created_at >= now - dt.timedelta(days=near_days):
            amounts.append(amount)
    return times, amounts


def praise_posts(*, customer_id: int, since: dt.datetime, until: dt.datetime) -> list[collusion.Post]:
    """The customer's inbound posts in (since, until], on any of their profiles."""
    return [post for _, post in praise_posts_of_customers(customer_ids={customer_id}, since=since, until=until)]


def praise_posts_of_customers(
    *, customer_ids: set[int], since: dt.datetime, until: dt.datetime
) -> list[tuple[int, collusion.Post]]:
    """(customer id, post) of these customers' inbound, not deleted posts in (since, until]: one query."""
    posts = SocialPost.objects.filter(
        author__customer_id__in=customer_ids,
        direction=Direction.INBOUND,
        posted_at__gt=since,
        posted_at__lte=until,
        deleted_at__isnull=True,
    ).values_list("author__customer_id", "posted_at", "text", "intent", "sentiment_label")
    return [
        (
            customer_id,
            collusion.Post(
                posted_at=posted_at,
                text=text,
                is_praise=intent == Intent.PRAISE or label == SentimentLabel.POSITIVE,
            ),
        )
        for customer_id, posted_at, text, intent, label in posts
    ]


def agent_names_of(user) -> list[list[str]]:
    return collusion.agent_names(first_name=user.first_name, last_name=user.last_name, handles=[user.get_username()])


# -- pages -------------------------------------------------------------------------------------------


def _with_people(requests: QuerySet) -> QuerySet:
    return requests.select_related("case", "customer", "requested_by", "decided_by")


def compensations_visible_to(*, user) -> QuerySet[CompensationRequest]:
    """Approvers and auditors see every request; others those of the cases they may see."""
    requests = CompensationRequest.objects.all()
    if user.has_perm("goodwill.approve_compensation") or user.has_perm("goodwill.view_compensation_report"):
        return requests
    return requests.filter(case__in=cases_visible_to(user=user))


def case_compensations(*, case_id: int) -> list[CompensationRequest]:
    return list(_with_people(CompensationRequest.objects.filter(case_id=case_id)).order_by("-created_at", "-id"))


def pending_compensations(*, limit: int = 200) -> list[CompensationRequest]:
    """The approval queue, oldest first."""
    return list(
        _with_people(CompensationRequest.objects.filter(status=CompensationStatus.PENDING)).order_by(
            "created_at", "id"
        )[:limit]
    )


def under_review_compensations(*, limit: int = 200) -> list[CompensationRequest]:
    """Given requests flagged afterwards (praise after a grant), newest first."""
    return list(
        _with_people(CompensationRequest.objects.filter(review_required=True)).order_by("-created_at", "-id")[:limit]
    )


def compensation_for_page(*, user, pk: int) -> CompensationRequest:
    """Raises CompensationRequest.DoesNotExist when missing or not visible to the user."""
    return _with_people(compensations_visible_to(user=user)).get(pk=pk)


# -- the auditors' report ----------------------------------------------------------------------------


@dataclass
class ReportRow:
    month: dt.date
    agent_id: int
    agent: str
    customer_id: int
    customer: str
    requests: int = 0
    given: int = 0
    flagged: int = 0
    needed_approval: int = 0
    approved: int = 0
    rejected: int = 0
    pending: int = 0
    sums: dict[str, Decimal] = field(default_factory=dict)  # given amounts by currency
    approvers: list[str] = field(default_factory=list)

    @property
    def sums_text(self) -> str:
        return "; ".join(f"{amount} {currency}" for currency, amount in sorted(self.sums.items()))


def _person(first: str, last: str, username: str) -> str:
    return f"{first} {last}".strip() or username


def compensation_report(*, month_from: dt.date, month_to: dt.date, agent_id: int | None = None) -> list[ReportRow]:
    """Per month (UTC, of the request), agent and customer: counts by outcome, given sums per currency,
    flagged ones and who approved. Months from the first of month_from to the end of month_to."""
    start = dt.datetime(month_from.year, month_from.month, 1, tzinfo=UTC)
    end_year, end_month = (month_to.year + 1, 1) if month_to.month == 12 else (month_to.year, month_to.month + 1)
    end = dt.datetime(end_year, end_month, 1, tzinfo=UTC)
    requests = CompensationRequest.objects.filter(created_at__gte=start, created_at__lt=end)
    if agent_id:
        requests = requests.filter(requested_by_id=agent_id)
    keys = ("month", "requested_by_id", "customer_id")
    grouped = requests.annotate(month=TruncMonth("created_at", tzinfo=UTC))
    people = (
        "requested_by__first_name",
        "requested_by__last_name",
        "requested_by__username",
        "customer__name",
        "customer__email",
    )
    rows: dict[tuple, ReportRow] = {}
    for values in (
        grouped.values(*keys, *people, "currency")
        .annotate(
            n=Count("id"),
            n_given=Count("id", filter=Q(status__in=GIVEN_STATUSES)),
            n_flagged=Count("id", filter=~Q(flags=[]) | Q(review_required=True)),
            n_needed=Count("id", filter=Q(needs_approval=True)),
            n_approved=Count("id", filter=Q(status=CompensationStatus.APPROVED)),
            n_rejected=Count("id", filter=Q(status=CompensationStatus.REJECTED)),
            n_pending=Count("id", filter=Q(status=CompensationStatus.PENDING)),
            given_sum=Sum("amount", filter=Q(status__in=GIVEN_STATUSES)),
        )
        .order_by()
    ):
        key = (_month(values["month"]), values["requested_by_id"], values["customer_id"])
        row = rows.get(key)
        if row is None:
            row = rows[key] = ReportRow(
                month=key[0],
                agent_id=key[1],
                agent=_person(
                    values["requested_by__first_name"],
                    values["requested_by__last_name"],
                    values["requested_by__username"],
                ),
                customer_id=key[2],
                customer=values["customer__name"] or values["customer__email"] or f"Customer {key[2]}",
            )
        row.requests += values["n"]
        row.given += values["n_given"]
        row.flagged += values["n_flagged"]
        row.needed_approval += values["n_needed"]
        row.approved += values["n_approved"]
        row.rejected += values["n_rejected"]
        row.pending += values["n_pending"]
        if values["given_sum"]:
            total = row.sums.get(values["currency"], Decimal("0")) + values["given_sum"]
            row.sums[values["currency"]] = total.quantize(CENT)  # SQLite's SUM drops the scale
    approvers = defaultdict(set)
    for values in (
        grouped.filter(status=CompensationStatus.APPROVED)
        .values(*keys, "decided_by__first_name", "decided_by__last_name", "decided_by__username")
        .distinct()
        .order_by()
    ):
        key = (_month(values["month"]), values["requested_by_id"], values["customer_id"])
        approvers[key].add(
            _person(values["decided_by__first_name"], values["decided_by__last_name"], values["decided_by__username"])
        )
    for key, names in approvers.items():
        if key in rows:
            rows[key].approvers = sorted(names)
    return sorted(rows.values(), key=lambda row: (row.month, row.agent.casefold(), row.customer.casefold()))


def _month(value) -> dt.date:
    return value.date().replace(day=1) if isinstance(value, dt.datetime) else value.replace(day=1)


def report_agents() -> QuerySet:
    """The people who ever requested compensation, for the report's agent filter."""
    return (
        get_user_model()
        ._default_manager.filter(compensation_requests__isnull=False)
        .distinct()
        .order_by("first_name", "last_name", "username")
    )
