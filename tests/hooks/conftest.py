"""Fixtures of the webhook tests: a receiver on 127.0.0.1 and subscriptions pointing at it."""

import pytest

from hooks.models import WebhookEvent
from hooks.services import webhook_subscription_create
from tests.fakeapi import FakeApi

HOOK_PATH = "/hooks/socialcrm"


@pytest.fixture
def receiver():
    """A real HTTP receiver on 127.0.0.1 (tests/fakeapi.py), stopped after the test."""
    api = FakeApi().start()
    yield api
    api.stop()


@pytest.fixture
def make_subscription(receiver, db):
    def make(*, events=None, path=HOOK_PATH, **fields):
        return webhook_subscription_create(
            name=fields.pop("name", "Billing CRM"),
            url=fields.pop("url", receiver.base_url + path),
            events=events or [WebhookEvent.CASE_CREATED],
            **fields,
        )

    return make
