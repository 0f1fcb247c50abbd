"""Writes about customers: their reach (influence) and merging two into one."""

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from audit.models import AuditAction
from audit.services import audit_record
from cases.choices import CaseEventKind, CustomerTier, influence_tier_for
from cases.models import CaseEvent, Customer


def customer_refresh_influence(*, customer_id: int) -> Customer | None:
    """Recompute a customer's reach from their profiles' follower counts.

    Returns the customer, or None when it no longer exists. Safe to run
    twice: the result depends only on the profiles.
    """
    with transaction.atomic():
        customer = Customer.objects.select_for_update().filter(pk=customer_id).first()
        if customer is None:
            return None
        max_followers = customer.profiles.aggregate(value=Max("followers_count"))["value"] or 0
        influence = influence_tier_for(max_followers)
        if (customer.max_followers, customer.influence) != (max_followers, influence):
            customer.max_followers = max_followers
            customer.influence = influence
            customer.save(update_fields=["max_followers", "influence", "updated_at"])
    return customer


TIER_RANK = {CustomerTier.STANDARD: 0, CustomerTier.PREMIUM: 1, CustomerTier.VIP: 2}


class MergeError(ValueError):
    """A merge that cannot be done; the message says why."""


def customer_merge(*, source: Customer, target: Customer, actor=None) -> Customer:
    """Merge `source` into `target`: its profiles (and so its posts) and cases move.

    The source row stays, with merged_into set, for the audit trail; blank
    contact fields of the target are filled from the source, and the higher
    tier and churn risk are kept. Both rows are locked in id order.
    """
    if source.pk == target.pk:
        raise MergeError("A customer cannot be merged into itself.")
    with transaction.atomic():
        locked = {
            c.pk: c for c in Customer.objects.select_for_update().filter(pk__in=[source.pk, target.pk]).order_by("pk")
        }
        if len(locked) != 2:
            raise MergeError("One of the customers no longer exists.")
        source, target = locked[source.pk], locked[target.pk]
        if source.merged_into_id or target.merged_into_id:
            raise MergeError("A customer that was already merged cannot take part in another merge.")

        source.profiles.update(customer=target)
        moved_case_ids = list(source.cases.values_list("pk", flat=True))
        source.cases.update(customer=target)
        Customer.objects.filter(merged_into=source).update(merged_into=target)

        for name in ("name", "email", "phone"):
            if not getattr(target, name) and getattr(source, name):
                setattr(target, name, getattr(source, name))
        if TIER_RANK[source.tier] > TIER_RANK[target.tier]:
            target.tier = source.tier
        target.churn_risk = max(target.churn_risk, source.churn_risk)
        target.save()
        source.merged_into = target
        source.save(update_fields=["merged_into", "updated_at"])

        now = timezone.now()
        CaseEvent.objects.bulk_create(
            CaseEvent(
                case_id=case_id,
                kind=CaseEventKind.MERGE,
                actor=actor,
                occurred_at=now,
                payload={"customer_merged": source.pk, "into": target.pk},
            )
            for case_id in moved_case_ids
        )
        detail = {"merged_customer": source.pk, "into": target.pk, "cases_moved": moved_case_ids}
        audit_record(action=AuditAction.CUSTOMER_MERGED, actor=actor, target=target, detail=detail)
    customer_refresh_influence(customer_id=target.pk)
    target.refresh_from_db()
    return target
