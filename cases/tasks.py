"""Celery tasks of the case domain: thin wrappers over cases.services that take ids."""

from celery import shared_task

from cases import services


@shared_task(name="cases.refresh_customer_influence", acks_late=True, max_retries=3)
def refresh_customer_influence_task(customer_id: int) -> str | None:
    """Recompute one customer's influence tier; returns the tier, or None if the customer is gone."""
    customer = services.customer_refresh_influence(customer_id=customer_id)
    return customer.influence if customer else None
