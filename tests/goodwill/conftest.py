"""Fixtures of the goodwill tests: the audit calls made, role users with hand-written names."""

import pytest

from tests.roles import user_in_group


@pytest.fixture
def audited(monkeypatch):
    """The audit entries goodwill asked for, as (action, actor, target, detail)."""
    calls = []

    def record(*, action, actor=None, target=None, detail=None, request=None, ip=""):
        calls.append((action, actor, target, detail or {}))

    monkeypatch.setattr("audit.services.audit_record", record)
    return calls


@pytest.fixture
def agent(db):
    return user_in_group("Agents", username="rosa", first_name="Rosa", last_name="Díaz", email="rosa@brand.example")


@pytest.fixture
def other_agent(db):
    return user_in_group("Agents", username="kenji", first_name="Kenji", last_name="Mori", email="kenji@brand.example")


@pytest.fixture
def manager(db):
    return user_in_group(
        "Managers", username="amara", first_name="Amara", last_name="Okafor", email="amara@brand.example"
    )


@pytest.fixture
def other_manager(db):
    return user_in_group("Managers", username="lars", first_name="Lars", last_name="Berg", email="lars@brand.example")
