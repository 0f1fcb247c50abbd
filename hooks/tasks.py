"""Celery tasks of outbound webhooks: one attempt of a delivery, and the sweeper of due retries.

Thin: arguments are ids, the services do the work. deliver_webhook_task is
idempotent (the service claims the row with a conditional update), so it
is acknowledged late and may run twice. Retries are not Celery retries:
a failed attempt sets the row's next_attempt_at, and retry_due_webhooks_task,
run by beat, enqueues whatever is due, so a lost task or a broker restart
delays a delivery but never drops it.
"""

from celery import shared_task

from hooks.services import webhook_deliver, webhook_deliveries_enqueue_due


@shared_task(
    name="hooks.deliver_webhook",
    acks_late=True,
    reject_on_worker_lost=True,
    ignore_result=True,
    soft_time_limit=60,
    time_limit=90,
)
def deliver_webhook_task(delivery_id: int) -> str:
    return webhook_deliver(delivery_id)


@shared_task(name="hooks.retry_due_webhooks", ignore_result=True, soft_time_limit=50, time_limit=60)
def retry_due_webhooks_task() -> int:
    return webhook_deliveries_enqueue_due()
