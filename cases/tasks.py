"""Celery tasks of the case domain: thin wrappers over cases.services that take ids."""

from celery import shared_task

from cases import services


@shared_task(name="cases.refresh_customer_influence", acks_late=True, max_retries=3)
def refresh_customer_influence_task(customer_id: int) -> str | None:
    """Recompute one customer's influence tier; returns the tier, or None if the customer is gone."""
    customer = services.customer_refresh_influence(customer_id=customer_id)
    return customer.influence if customer else None


@shared_task(name="cases.scan_sla", acks_late=True)
def scan_sla_task() -> dict[str, int]:
    """Record the SLA warnings and breaches that have come due (beat, every minute).

    Safe to run twice or on several workers at once: cases are locked with
    SKIP LOCKED and every alert has a dedupe key."""
    result = services.sla_scan()
    return {"cases": result.cases, "warnings": result.warnings, "breaches": result.breaches}


@shared_task(name="cases.refresh_open_cases_sla", acks_late=True)
def refresh_open_cases_sla_task(reason: str = "SLA configuration changed") -> int:
    """Re-plan the clocks of every open case, after a policy or calendar edit. Idempotent."""
    return services.sla_refresh_open_cases(reason=reason)
