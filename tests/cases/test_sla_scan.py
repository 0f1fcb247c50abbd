"""The SLA scan (cases.services.sla_scan): warnings and breaches recorded once, escalations as
the policy names them, constant queries per batch, safe with several workers at once.

Cases come from the real pipeline (a 24/7 policy: first response 60 minutes,
warning at 80%, resolution 8 hours). T0 is the start of the current minute:
ingestion plans clocks as of the real time, and the scans run at T0 plus
some minutes, as the beat task would later.
"""

import datetime as dt
import threading

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cases.choices import CaseEventKind, CaseStatus, EscalationAction, Priority
from cases.models import Case, CaseEvent, Notification, SLAClock
from cases.services import case_change_status, sla_scan
from cases.tasks import scan_sla_task
from channels_app.pipeline import NormalizedPost, ingest_posts
from tests.factories import ChannelFactory, SLAPolicyFactory, TeamFactory, UserFactory
from tests.roles import user_in_group

pytestmark = pytest.mark.django_db
T0 = timezone.now().replace(second=0, microsecond=0)


def post(external_id, at_minute, text, *, author="9001", reply_to="", outbound=None):
    return NormalizedPost(
        external_id=str(external_id),
        posted_at=T0 + dt.timedelta(minutes=at_minute),
        text=text,
        author_id="" if outbound else author,
        author_handle="AcmeAirCare" if outbound else author,
        in_reply_to_id=str(reply_to),
        is_outbound=outbound,
    )


def minutes(value):
    return T0 + dt.timedelta(minutes=value)


@pytest.fixture
def default_policy():
    return SLAPolicyFactory(
        name="Default",
        is_default=True,
        first_response_minutes=60,
        next_response_minutes=120,
        resolution_minutes=8 * 60,
        warning_ratio=0.8,
        escalation_action=EscalationAction.NONE,
    )


@pytest.fixture
def channel(default_policy):
    return ChannelFactory(name="Acme on X", brand_handles=["AcmeAirCare"], brand_terms=["Acme Air"])


def open_cases(channel, count, *, start=0):
    ingest_posts(
        channel=channel,
        posts=[
            post(start + n, 0, f"@AcmeAirCare flight {n} cancelled, no rebooking offered", author=str(9000 + start + n))
            for n in range(count)
        ],
    )
    return list(Case.objects.order_by("pk"))[start : start + count]


def kinds(case):
    return sorted(
        CaseEvent.objects.filter(case=case)
        .exclude(kind__in=[CaseEventKind.INBOUND_POST, CaseEventKind.OUTBOUND_REPLY])
        .values_list("kind", flat=True)
    )


def test_nothing_is_recorded_before_the_warning_time(channel):
    (case,) = open_cases(channel, 1)

    result = sla_scan(now=minutes(47))

    assert (result.cases, result.warnings, result.breaches) == (0, 0, 0)
    assert kinds(case) == []


def test_a_warning_is_recorded_once_and_the_assignee_notified(channel):
    (case,) = open_cases(channel, 1)
    agent = UserFactory(username="maria")
    Case.objects.filter(pk=case.pk).update(assignee=agent)

    first = sla_scan(now=minutes(50))
    again = sla_scan(now=minutes(51))

    case.refresh_from_db()
    assert (first.warnings, again.warnings) == (1, 0)
    assert kinds(case) == [CaseEventKind.SLA_WARNING]
    assert case.sla_warned is True and case.first_response_breached is False
    assert case.sla_next_alert_at == minutes(60)  # the breach is next
    assert Notification.objects.get(recipient=agent).kind == "sla_warning"
    assert SLAClock.objects.get(case=case, target="first_response").warned_at == minutes(50)


def test_a_breach_is_recorded_once_with_its_flag_and_the_warning_it_skipped(channel):
    (case,) = open_cases(channel, 1)

    sla_scan(now=minutes(75))  # the scan was down through warning and due time
    sla_scan(now=minutes(76))

    case.refresh_from_db()
    assert kinds(case) == [CaseEventKind.ESCALATION, CaseEventKind.SLA_BREACH, CaseEventKind.SLA_WARNING]
    breach = CaseEvent.objects.get(case=case, kind=CaseEventKind.SLA_BREACH)
    assert breach.occurred_at == minutes(60)
    assert breach.payload["target"] == "first_response"
    assert case.first_response_breached is True
    assert case.sla_next_alert_at == minutes(384)  # the resolution warning: 80% of 8 hours


def test_an_answered_case_is_not_warned(channel):
    ingest_posts(
        channel=channel,
        posts=[
            post(1, 0, "@AcmeAirCare flight cancelled, no rebooking"),
            post(2, 20, "@9001 We have rebooked you on AC881 tomorrow 07:10", reply_to=1, outbound=True),
        ],
    )
    case = Case.objects.get()

    sla_scan(now=minutes(90))

    assert kinds(case) == []


def test_resolved_cases_are_never_scanned(channel):
    (case,) = open_cases(channel, 1)
    case_change_status(case=case, status=CaseStatus.RESOLVED, at=minutes(10))

    result = sla_scan(now=minutes(10_000))

    assert result.cases == 0
    assert kinds(case) == [CaseEventKind.STATUS_CHANGE]


def test_breach_escalation_raises_priority_and_re_evaluates_the_policy(channel, default_policy):
    SLAPolicy = type(default_policy)
    SLAPolicyFactory(name="Urgent", position=1, priorities=[Priority.URGENT], first_response_minutes=30)
    SLAPolicy.objects.filter(pk=default_policy.pk).update(escalation_action=EscalationAction.RAISE_PRIORITY)
    (case,) = open_cases(channel, 1)
    Case.objects.filter(pk=case.pk).update(priority=Priority.HIGH)

    sla_scan(now=minutes(61))

    case.refresh_from_db()
    assert case.priority == Priority.URGENT
    assert case.sla_policy.name == "Urgent"
    escalation = CaseEvent.objects.get(case=case, kind=CaseEventKind.ESCALATION)
    assert (escalation.payload["action"], escalation.payload["from"], escalation.payload["to"]) == (
        "raise_priority",
        "high",
        "urgent",
    )
    recomputed = CaseEvent.objects.get(case=case, kind=CaseEventKind.SLA_RECOMPUTED)
    assert recomputed.payload["due"]["first_response_due_at"] == minutes(30).isoformat()
    assert SLAClock.objects.get(case=case, target="first_response").breach_recorded_at is not None


def test_breach_escalation_reassigns_to_the_team_lead(channel, default_policy):
    lead, agent = UserFactory(username="lead"), UserFactory(username="junior")
    team = TeamFactory(name="Social care", lead=lead)
    type(default_policy).objects.filter(pk=default_policy.pk).update(
        escalation_action=EscalationAction.REASSIGN_TO_LEAD
    )
    (case,) = open_cases(channel, 1)
    Case.objects.filter(pk=case.pk).update(team=team, assignee=agent)

    sla_scan(now=minutes(61))

    case.refresh_from_db()
    assert case.assignee == lead
    assert CaseEvent.objects.get(case=case, kind=CaseEventKind.ESCALATION).payload["to_assignee"] == lead.pk


def test_breach_escalation_moves_the_case_to_the_escalation_team(channel, default_policy):
    escalations = TeamFactory(name="Escalations", is_escalation_team=True)
    type(default_policy).objects.filter(pk=default_policy.pk).update(
        escalation_action=EscalationAction.REASSIGN_TO_TEAM, escalation_team=escalations
    )
    (case,) = open_cases(channel, 1)
    Case.objects.filter(pk=case.pk).update(assignee=UserFactory(username="junior"))

    sla_scan(now=minutes(61))

    case.refresh_from_db()
    assert (case.team, case.assignee) == (escalations, None)


def test_breach_escalation_notifies_every_manager_once(channel, default_policy):
    managers = [user_in_group("Managers", username=f"manager{n}") for n in range(2)]
    user_in_group("Agents", username="agent1")
    type(default_policy).objects.filter(pk=default_policy.pk).update(escalation_action=EscalationAction.NOTIFY_MANAGERS)
    (case,) = open_cases(channel, 1)

    sla_scan(now=minutes(61))
    sla_scan(now=minutes(62))

    notified = Notification.objects.filter(kind="escalation")
    assert sorted(n.recipient_id for n in notified) == sorted(m.pk for m in managers)
    assert all(case.reference in n.message for n in notified)


def test_a_breach_found_a_day_late_is_recorded_but_not_escalated(channel, default_policy):
    type(default_policy).objects.filter(pk=default_policy.pk).update(escalation_action=EscalationAction.RAISE_PRIORITY)
    (case,) = open_cases(channel, 1)

    sla_scan(now=minutes(8 * 60 + 25 * 60))  # both due times, 60 minutes and 8 hours, a day past

    assert CaseEventKind.SLA_BREACH in kinds(case)
    assert CaseEventKind.ESCALATION not in kinds(case)


def test_the_scan_needs_the_same_queries_for_3_and_30_due_cases(channel):
    open_cases(channel, 3)

    with CaptureQueriesContext(connection) as few:
        assert sla_scan(now=minutes(50)).warnings == 3
    open_cases(channel, 30, start=100)
    with CaptureQueriesContext(connection) as many:
        assert sla_scan(now=minutes(50)).warnings == 30

    assert len(many) == len(few)


def test_a_large_backlog_is_worked_through_in_batches(channel):
    open_cases(channel, 12)

    result = sla_scan(now=minutes(50), batch_size=5)

    assert (result.cases, result.warnings) == (12, 12)
    assert not Case.objects.filter(sla_next_alert_at__lte=minutes(50)).exists()


def test_the_beat_task_scans_now(channel):
    open_cases(channel, 2)
    Case.objects.update(sla_next_alert_at=minutes(-1))
    SLAClock.objects.update(warn_at=minutes(-1), due_at=T0 + dt.timedelta(days=3650))

    assert scan_sla_task() == {"cases": 2, "warnings": 4, "breaches": 0}  # two clocks each


@pytest.mark.django_db(transaction=True)
def test_concurrent_scans_record_each_alert_once(default_policy):
    if connection.vendor != "postgresql":
        pytest.skip("SKIP LOCKED and parallel writers need PostgreSQL")
    channel = ChannelFactory(name="Acme on X", brand_handles=["AcmeAirCare"], brand_terms=["Acme Air"])
    open_cases(channel, 40)
    barrier = threading.Barrier(4)
    errors = []

    def scan():
        try:
            barrier.wait()
            sla_scan(now=minutes(75), batch_size=7)
        except Exception as error:  # surfaced below; a thread's exception is otherwise lost
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=scan) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert CaseEvent.objects.filter(kind=CaseEventKind.SLA_BREACH).count() == 40
    assert CaseEvent.objects.filter(kind=CaseEventKind.SLA_WARNING).count() == 40
    assert not Case.objects.filter(sla_next_alert_at__lte=minutes(75)).exists()


def test_the_scan_command_records_what_has_come_due(channel, capsys):
    open_cases(channel, 2)
    Case.objects.update(sla_next_alert_at=minutes(-1))
    SLAClock.objects.update(warn_at=minutes(-1), due_at=T0 + dt.timedelta(days=3650))

    call_command("scan_sla")

    assert "2 cases, 4 warnings, 0 breaches" in capsys.readouterr().out
    assert CaseEvent.objects.filter(kind=CaseEventKind.SLA_WARNING).count() == 4
