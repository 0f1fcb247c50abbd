"""Writes of the case domain. Views, admin, tasks and commands call these;
business rules live here, never in Model.save() or signals."""

from django.db import transaction
from django.db.models import Max

from cases.choices import influence_tier_for
from cases.models import Customer


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
