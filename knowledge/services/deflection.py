"""Counting deflections: solved answers that no case followed become self-service resolutions.

The rule (docs/KNOWLEDGE.md): a "Yes, this solved my problem" answer is
judged once a full DEFLECTION_WINDOW (24 h) has passed. If in that window
after the answer the same visitor posted a question from the ask page, or
a customer the visitor identified as (the e-mail or handle given on the ask
page, at any time) had a case created, it was followed by a case. Otherwise
it is one kpis.SelfServiceResolution (source knowledge base, reference the
article's slug, the visitor's key), unless that visitor already has one for
the article within 24 h of it: then it is a duplicate, not counted again.

Idempotent and safe on two workers: answers are claimed in batches with
SELECT ... FOR UPDATE SKIP LOCKED and judged with a conditional update
(counted_at still empty), inside one transaction per batch, so a
resolution is written only with the claim that judged it. A constant
number of queries per batch.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db import transaction
from django.db.models.functions import Lower
from django.utils import timezone

from cases.models import Case, Customer
from channels_app.models import SocialProfile
from knowledge.models import ArticleFeedback, AskQuestion, FeedbackOutcome
from kpis.models import SelfServiceResolution, SelfServiceSource

DEFLECTION_WINDOW = dt.timedelta(hours=24)
BATCH_SIZE = 500


@dataclass
class DeflectionResult:
    deflected: int = 0
    followed_by_case: int = 0
    duplicates: int = 0

    @property
    def judged(self) -> int:
        return self.deflected + self.followed_by_case + self.duplicates


def deflections_count(*, now: dt.datetime | None = None, batch_size: int = BATCH_SIZE) -> DeflectionResult:
    """Judge every solved answer older than the window and not yet judged; returns the counts."""
    now = now or timezone.now()
    result = DeflectionResult()
    while True:
        judged = _count_batch(now=now, batch_size=batch_size, result=result)
        if judged < batch_size:
            return result


def _count_batch(*, now: dt.datetime, batch_size: int, result: DeflectionResult) -> int:
    with transaction.atomic():
        batch = list(
            ArticleFeedback.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(solved=True, counted_at__isnull=True, created_at__lte=now - DEFLECTION_WINDOW)
            .select_related("article")
            .order_by("created_at", "id")[:batch_size]
        )
        if not batch:
            return 0
        keys = {feedback.visitor_key for feedback in batch}
        start = min(feedback.created_at for feedback in batch)
        end = max(feedback.created_at for feedback in batch) + DEFLECTION_WINDOW

        asked_at, customers_of = _visitors_asks_and_customers(keys)
        case_times = defaultdict(list)
        customer_ids = {pk for ids in customers_of.values() for pk in ids}
        if customer_ids:
            for customer_id, created_at in Case.objects.filter(
                customer_id__in=customer_ids, created_at__gte=start, created_at__lte=end
            ).values_list("customer_id", "created_at"):
                case_times[customer_id].append(created_at)
        counted = defaultdict(list)  # (visitor, slug) -> times of resolutions already written
        for key, reference, occurred_at in SelfServiceResolution.objects.filter(
            source=SelfServiceSource.KNOWLEDGE_BASE,
            visitor_key__in=keys,
            occurred_at__gte=start - DEFLECTION_WINDOW,
            occurred_at__lte=end,
        ).values_list("visitor_key", "reference", "occurred_at"):
            counted[(key, reference)].append(occurred_at)

        outcomes: dict[str, list[int]] = defaultdict(list)
        resolutions = []
        for feedback in batch:
            after = feedback.created_at
            until = after + DEFLECTION_WINDOW
            customers = customers_of.get(feedback.visitor_key, set())
            followed = any(after <= at <= until for at in asked_at.get(feedback.visitor_key, ())) or any(
                after <= at <= until for customer in customers for at in case_times.get(customer, ())
            )
            slug_key = (feedback.visitor_key, feedback.article.slug)
            if followed:
                outcomes[FeedbackOutcome.FOLLOWED_BY_CASE].append(feedback.pk)
            elif any(abs(at - after) < DEFLECTION_WINDOW for at in counted[slug_key]):
                outcomes[FeedbackOutcome.DUPLICATE].append(feedback.pk)
            else:
                outcomes[FeedbackOutcome.DEFLECTED].append(feedback.pk)
                counted[slug_key].append(after)
                resolutions.append(
                    SelfServiceResolution(
                        occurred_at=after,
                        source=SelfServiceSource.KNOWLEDGE_BASE,
                        reference=feedback.article.slug,
                        visitor_key=feedback.visitor_key,
                        customer_id=next(iter(customers)) if len(customers) == 1 else None,
                    )
                )
        for outcome, ids in outcomes.items():
            ArticleFeedback.objects.filter(pk__in=ids, counted_at__isnull=True).update(counted_at=now, outcome=outcome)
        SelfServiceResolution.objects.bulk_create(resolutions)
        result.deflected += len(outcomes[FeedbackOutcome.DEFLECTED])
        result.followed_by_case += len(outcomes[FeedbackOutcome.FOLLOWED_BY_CASE])
        result.duplicates += len(outcomes[FeedbackOutcome.DUPLICATE])
        return len(batch)


def _visitors_asks_and_customers(keys: set[str]) -> tuple[dict[str, list], dict[str, set[int]]]:
    """When each visitor asked a question, and the customers each is known as: the customer of
    their asked post, those with the e-mail they gave, and the owners of the handle they gave."""
    asked_at = defaultdict(list)
    customers_of: dict[str, set[int]] = defaultdict(set)
    emails, handles = defaultdict(set), defaultdict(set)
    for key, created_at, customer_id, email, handle in AskQuestion.objects.filter(visitor_key__in=keys).values_list(
        "visitor_key", "created_at", "customer_id", "email", "handle"
    ):
        asked_at[key].append(created_at)
        if customer_id:
            customers_of[key].add(customer_id)
        if email:
            emails[email.lower()].add(key)
        if handle:
            handles[handle.lower()].add(key)
    if emails:
        for customer_id, email in (
            Customer.objects.annotate(lower_email=Lower("email"))
            .filter(lower_email__in=emails)
            .values_list("id", "lower_email")
        ):
            for key in emails[email]:
                customers_of[key].add(customer_id)
    if handles:
        for customer_id, handle in (
            SocialProfile.objects.annotate(lower_handle=Lower("handle"))
            .filter(lower_handle__in=handles)
            .values_list("customer_id", "lower_handle")
        ):
            for key in handles[handle]:
                customers_of[key].add(customer_id)
    return asked_at, customers_of
