"""Fixtures shared by every test folder."""

import pytest
from django.conf import settings


@pytest.fixture
def redis_url() -> str:
    """The Redis of the test run; skips the test when the run has none."""
    if not settings.REDIS_URL:
        pytest.skip("REDIS_URL is not set: this test needs a real Redis (make test sets it)")
    return settings.REDIS_URL


@pytest.fixture
def celery_worker(redis_url, transactional_db):
    """A real Celery worker thread consuming from the real Redis broker.

    Needs committed rows (transactional_db): the worker thread has its own
    database connection and cannot see a test's open transaction.
    """
    from celery.contrib.testing.worker import start_worker

    from socialcrm.celery import app

    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30) as worker:
        yield worker


@pytest.fixture
def fake_api():
    """A fake channel API on 127.0.0.1 (tests/fakeapi.py), stopped after the test."""
    from tests.fakeapi import FakeApi

    api = FakeApi().start()
    yield api
    api.stop()


@pytest.fixture(autouse=True)
def _fresh_rate_limits(monkeypatch):
    """Each test starts with empty rate-limit and sign-in counters: with Redis as the cache they
    would otherwise carry over from earlier tests (the suite signs in from 127.0.0.1 many times)."""
    import uuid

    from socialcrm import ratelimit

    monkeypatch.setattr(ratelimit, "KEY_PREFIX", f"ratelimit-test-{uuid.uuid4().hex}")


@pytest.fixture(autouse=True)
def _no_cached_churn_risk():
    """The KPI pages cache the churn-risk list; each test computes its own."""
    from django.core.cache import cache

    from kpis.selectors.dashboard import CHURN_RISK_CACHE_KEY

    cache.delete(CHURN_RISK_CACHE_KEY)
    yield
    cache.delete(CHURN_RISK_CACHE_KEY)


@pytest.fixture(autouse=True)
def _no_webhook_subscribers_known():
    """Every test starts knowing there are no webhook subscriptions (none exist in a fresh test
    database), so whether the per-process subscriber cache happens to be warm never changes a
    test's query count; saving a subscription forgets it (hooks.apps), as in production."""
    import time

    from hooks import services

    services._subscribers.update(at=time.monotonic(), rows=[])
    yield
    services.forget_subscribers()
