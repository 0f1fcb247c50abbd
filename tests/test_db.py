"""socialcrm.db's bulk helpers: one statement on PostgreSQL, Django's bulk methods elsewhere; same result."""

import datetime as dt

import pytest

from cases.choices import CaseEventKind, Priority
from cases.models import Case, CaseEvent
from socialcrm.db import bulk_update_columns, insert_ignoring_conflicts
from tests.factories import CaseFactory, UserFactory

pytestmark = pytest.mark.django_db
T0 = dt.datetime(2026, 11, 2, 10, 0, tzinfo=dt.UTC)


def test_bulk_update_columns_writes_each_rows_own_values_nulls_and_foreign_keys():
    first, second = CaseFactory(), CaseFactory()
    agent = UserFactory(username="noor")
    first.priority, first.assignee, first.sla_next_alert_at = Priority.URGENT, agent, T0
    second.priority, second.assignee, second.sla_next_alert_at = Priority.LOW, None, None

    bulk_update_columns(Case, [first, second], ["priority", "assignee", "sla_next_alert_at"])

    assert list(Case.objects.order_by("pk").values_list("priority", "assignee", "sla_next_alert_at")) == [
        (Priority.URGENT, agent.pk, T0),
        (Priority.LOW, None, None),
    ]


def test_insert_ignoring_conflicts_skips_rows_a_unique_key_holds_and_fills_created_at():
    case = CaseFactory()
    CaseEvent.objects.create(case=case, kind=CaseEventKind.SLA_WARNING, occurred_at=T0, dedupe_key="sla-warning:x")

    insert_ignoring_conflicts(
        CaseEvent,
        [
            CaseEvent(case=case, kind=CaseEventKind.SLA_WARNING, occurred_at=T0, dedupe_key="sla-warning:x"),
            CaseEvent(
                case=case, kind=CaseEventKind.SLA_BREACH, occurred_at=T0, dedupe_key="b", payload={"target": "t"}
            ),
        ],
    )

    events = list(CaseEvent.objects.order_by("pk"))
    assert [(e.kind, e.dedupe_key) for e in events] == [("sla_warning", "sla-warning:x"), ("sla_breach", "b")]
    assert events[1].payload == {"target": "t"} and events[1].created_at is not None


def test_bulk_update_columns_writes_json_columns_too():
    first, second = CaseFactory(), CaseFactory()
    first.priority_factors = [["intent", "churn threat", 30.0]]
    second.priority_factors = []

    bulk_update_columns(Case, [first, second], ["priority_factors"])

    assert list(Case.objects.order_by("pk").values_list("priority_factors", flat=True)) == [
        [["intent", "churn threat", 30.0]],
        [],
    ]
