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


@shared_task(name="cases.route_case", acks_late=True, reject_on_worker_lost=True, soft_time_limit=30, time_limit=60)
def route_case_task(case_id: int) -> int | None:
    """Route a new case to a team and auto-assign it; returns the assignee's id, or None.

    Safe to run twice: a routed case is routed again to the same team with no
    new event, an assigned case is left alone, and a gone case is skipped."""
    case = services.case_route(case_id=case_id)
    return case.assignee_id if case else None


@shared_task(
    name="cases.assign_waiting_cases", acks_late=True, reject_on_worker_lost=True, soft_time_limit=60, time_limit=120
)
def assign_waiting_cases_task() -> int:
    """Assign the unassigned cases of teams now on shift (beat). Returns how many were assigned.

    Safe on several workers at once: cases are locked with SKIP LOCKED and
    agents' profiles in id order."""
    return services.cases_assign_waiting()


@shared_task(name="cases.route_cases", acks_late=True, reject_on_worker_lost=True, soft_time_limit=300, time_limit=360)
def route_cases_task(case_ids: list[int]) -> int:
    """Route and auto-assign the cases ingestion opened in one batch; returns how many got an assignee.

    Each case is routed on its own (case_route is idempotent), so a
    redelivered batch routes nothing twice."""
    assigned = 0
    for case_id in case_ids:
        case = services.case_route(case_id=case_id)
        assigned += bool(case and case.assignee_id)
    return assigned


@shared_task(
    name="cases.escalate_cases", acks_late=True, reject_on_worker_lost=True, soft_time_limit=120, time_limit=180
)
def escalate_cases_task(case_ids: list[int]) -> int:
    """Escalate the cases one ingestion batch opened or touched, by the rules they fire; returns the escalations.

    Safe to run twice: each rule is recorded once per case (a dedupe key),
    closed or gone cases are skipped."""
    return services.cases_escalate_by_rules(case_ids=case_ids)


@shared_task(
    name="cases.escalate_complaint_surges",
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=120,
    time_limit=180,
)
def escalate_complaint_surges_task() -> int:
    """Escalate this hour's complaint surges, per channel (beat); returns the escalations recorded. Idempotent."""
    return services.cases_escalate_complaint_surges()


@shared_task(
    name="cases.rescore_cases", acks_late=True, reject_on_worker_lost=True, soft_time_limit=120, time_limit=180
)
def rescore_cases_task(case_ids: list[int], customer_ids: list[int], reason: str) -> int:
    """Re-score these cases and the open cases of these customers, then escalate any a rule now
    fires for (a viral post, an influencer's complaint); returns how many were re-scored.
    Ingestion enqueues it when a stored post's shares grow past the viral speed or a
    customer's reach or verification changes.
    Safe to run twice: the score depends only on stored facts, and each rule fires once per case."""
    rescored = services.cases_rescore(case_ids=case_ids, customer_ids=customer_ids, reason=reason)
    services.cases_escalate_by_rules(case_ids=rescored)
    return len(rescored)
