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
    would otherwise carry over from earlier tests (the suite signs in from 127.0.0.1 many times).

    The counters' clock is pinned to the start of a day, so a test's requests never straddle the
    edge of a fixed window (a real clock would reset a count now and then, and the test flake)."""
    import types
    import uuid

    from socialcrm import ratelimit, signin

    monkeypatch.setattr(ratelimit, "KEY_PREFIX", f"ratelimit-test-{uuid.uuid4().hex}")
    pinned_clock = types.SimpleNamespace(time=lambda: 1_794_960_000.0)  # midnight UTC
    monkeypatch.setattr(ratelimit, "time", pinned_clock)
    monkeypatch.setattr(signin, "time", pinned_clock)


# The role groups the data migrations made, as {name: [(app_label, codename), ...]}, read right
# after the test database was migrated, before any transactional test's flush removes them.
ROLE_GROUP_PERMISSIONS: dict[str, list[tuple[str, str]]] = {}


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """pytest-django's test database set-up, then a note of the role groups (for role_groups)."""
    from django.contrib.auth.models import Group

    with django_db_blocker.unblock():
        for group in Group.objects.all():
            ROLE_GROUP_PERMISSIONS[group.name] = list(
                group.permissions.values_list("content_type__app_label", "codename")
            )


@pytest.fixture
def role_groups(transactional_db):
    """Puts the role groups back for a transactional test: an earlier transactional test's flush
    removed them. Preferred to serialized_rollback, which reloads content types under their old
    keys and collides with those the flush's post_migrate created again."""
    from functools import reduce
    from operator import or_

    from django.apps import apps
    from django.contrib.auth.management import create_permissions
    from django.contrib.auth.models import Group, Permission
    from django.contrib.contenttypes.management import create_contenttypes
    from django.db.models import Q

    for app_config in apps.get_app_configs():
        create_contenttypes(app_config, verbosity=0)
        create_permissions(app_config, verbosity=0)
    for name, permissions in ROLE_GROUP_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=name)
        if permissions:
            wanted = reduce(or_, (Q(content_type__app_label=app, codename=code) for app, code in permissions))
            group.permissions.set(Permission.objects.filter(wanted))


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
