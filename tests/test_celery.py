"""Celery runs tasks through a real worker on the real Redis."""

import pytest
from django.conf import settings

from cases.tasks import refresh_customer_influence_task
from tests.factories import CustomerFactory, SocialProfileFactory


@pytest.mark.redis
def test_task_round_trips_through_a_real_worker_on_redis(celery_worker):
    # Given a customer whose largest profile has 150k followers
    customer = CustomerFactory()
    SocialProfileFactory(customer=customer, followers_count=150_000)
    SocialProfileFactory(customer=customer, followers_count=300)
    assert not settings.CELERY_TASK_ALWAYS_EAGER

    # When the task is sent through the broker and a worker runs it
    result = refresh_customer_influence_task.delay(customer.pk)

    # Then its result comes back through the result backend and the row changed
    assert result.get(timeout=30) == "top"
    customer.refresh_from_db()
    assert (customer.max_followers, customer.influence) == (150_000, "top")


@pytest.mark.redis
def test_task_for_a_deleted_customer_returns_none_through_the_worker(celery_worker):
    assert refresh_customer_influence_task.delay(987_654_321).get(timeout=30) is None


@pytest.mark.django_db
def test_task_called_in_process_updates_the_customer():
    customer = CustomerFactory()
    SocialProfileFactory(customer=customer, followers_count=12_000)

    assert refresh_customer_influence_task(customer.pk) == "high"
    assert refresh_customer_influence_task(customer.pk) == "high"  # twice is harmless
