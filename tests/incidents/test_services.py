"""Incident writes: declaring, status, and the rules of linking cases (one incident per case, visibility)."""

import pytest
from django.db import IntegrityError

from cases.choices import CaseEventKind, CaseStatus
from cases.models import CaseEvent
from cases.selectors import case_timeline
from incidents.models import Incident, IncidentCase, IncidentStatus
from incidents.services import (
    IncidentError,
    incident_create,
    incident_link_cases,
    incident_unlink_case,
    incident_update_status,
)
from tests.factories import CaseFactory, TeamFactory
from tests.incidents.factories import IncidentCaseFactory, IncidentFactory
from tests.roles import user_in_group

pytestmark = pytest.mark.django_db


@pytest.fixture
def baggage():
    return TeamFactory(name="Baggage")


@pytest.fixture
def ana(baggage):
    agent = user_in_group("Agents", username="ana", first_name="Ana", last_name="Lima")
    agent.agent_profile.teams.add(baggage)
    return agent


@pytest.fixture
def outage():
    return IncidentFactory(title="Outage 12 May")


def test_declaring_an_incident_records_who_and_keeps_the_suggested_message():
    manager = user_in_group("Managers", username="mia")

    incident = incident_create(
        title="  Baggage belt 3 down at LIS  ",
        actor=manager,
        severity="critical",
        public_message="Bags from flights landing at Lisbon this morning are delayed by about two hours.",
    )

    incident.refresh_from_db()
    assert (incident.title, incident.severity, incident.status) == ("Baggage belt 3 down at LIS", "critical", "open")
    assert incident.created_by == manager
    assert incident.public_message.startswith("Bags from flights landing at Lisbon")


def test_an_incident_without_a_title_is_refused():
    with pytest.raises(IncidentError, match="needs a title"):
        incident_create(title="   ", actor=user_in_group("Managers"))


def test_resolving_sets_resolved_at_and_reopening_clears_it(outage):
    manager = user_in_group("Managers")

    resolved = incident_update_status(incident=outage, status=IncidentStatus.RESOLVED, actor=manager)
    assert resolved.resolved_at is not None and resolved.resolved_at >= outage.started_at

    reopened = incident_update_status(incident=outage, status=IncidentStatus.MONITORING, actor=manager)
    assert (reopened.status, reopened.resolved_at) == ("monitoring", None)


def test_the_database_refuses_a_resolved_incident_without_resolved_at(outage):
    with pytest.raises(IntegrityError):
        Incident.objects.filter(pk=outage.pk).update(status=IncidentStatus.RESOLVED)


def test_linking_cases_records_an_incident_event_on_each(outage, ana, baggage):
    first, second = CaseFactory(team=baggage), CaseFactory(team=baggage)

    result = incident_link_cases(incident=outage, case_ids=[second.pk, first.pk], actor=ana)

    assert [case.pk for case in result.linked] == [first.pk, second.pk]
    assert set(IncidentCase.objects.filter(incident=outage).values_list("case_id", flat=True)) == {first.pk, second.pk}
    events = CaseEvent.objects.filter(kind=CaseEventKind.INCIDENT).order_by("case_id")
    assert [(event.case_id, event.actor, event.payload) for event in events] == [
        (case.pk, ana, {"incident_id": outage.pk, "title": "Outage 12 May", "action": "linked"})
        for case in (first, second)
    ]


def test_the_timeline_says_which_incident_and_who_linked_it(outage, ana, baggage):
    case = CaseFactory(team=baggage)
    incident_link_cases(incident=outage, case_ids=[case.pk], actor=ana)
    incident_unlink_case(incident=outage, case=case, actor=ana)

    sentences = [item.sentence for item in case_timeline(case=case, user=ana).items if item.event.kind == "incident"]

    assert sentences == [
        "Linked to incident \u2018Outage 12 May\u2019 by Ana Lima.",
        "Unlinked from incident \u2018Outage 12 May\u2019 by Ana Lima.",
    ]


def test_a_case_of_another_incident_is_refused_and_the_others_are_linked(outage, ana, baggage):
    recall = IncidentFactory(title="Seat belt recall")
    taken = IncidentCaseFactory(incident=recall, case=CaseFactory(team=baggage)).case
    free = CaseFactory(team=baggage)

    result = incident_link_cases(incident=outage, case_ids=[taken.pk, free.pk], actor=ana)

    assert result.linked == [free]
    assert result.refused == [f"{taken.reference} is already linked to \u2018Seat belt recall\u2019."]
    assert IncidentCase.objects.get(case=taken).incident == recall


def test_linking_a_case_already_in_the_incident_changes_nothing(outage, ana, baggage):
    case = CaseFactory(team=baggage)
    incident_link_cases(incident=outage, case_ids=[case.pk], actor=ana)

    result = incident_link_cases(incident=outage, case_ids=[case.pk], actor=ana)

    assert (result.linked, result.already, result.refused) == ([], [case], [])
    assert CaseEvent.objects.filter(case=case, kind=CaseEventKind.INCIDENT).count() == 1


def test_the_database_keeps_a_case_in_one_incident_at_most(outage, baggage):
    case = CaseFactory(team=baggage)
    IncidentCaseFactory(incident=outage, case=case)

    with pytest.raises(IntegrityError):
        IncidentCaseFactory(incident=IncidentFactory(), case=case)


def test_an_agent_cannot_link_a_case_of_a_team_they_are_not_in(outage, ana):
    other_team_case = CaseFactory(team=TeamFactory(name="Refunds"))

    result = incident_link_cases(incident=outage, case_ids=[other_team_case.pk, 999_999], actor=ana)

    assert result.linked == []
    assert result.refused == [
        f"{other_team_case.reference}: no such case among those you can see.",
        "SC-999999: no such case among those you can see.",
    ]
    assert not IncidentCase.objects.exists()


def test_a_manager_links_cases_of_every_team(outage):
    manager = user_in_group("Managers")
    case = CaseFactory(team=TeamFactory(name="Refunds"))

    assert incident_link_cases(incident=outage, case_ids=[case.pk], actor=manager).linked == [case]


def test_a_merged_case_is_refused(outage, ana, baggage):
    target = CaseFactory(team=baggage)
    merged = CaseFactory(
        team=baggage,
        customer=target.customer,
        status=CaseStatus.CLOSED,
        merged_into=target,
        resolved_at=target.first_message_at,
        closed_at=target.first_message_at,
    )

    result = incident_link_cases(incident=outage, case_ids=[merged.pk], actor=ana)

    assert result.refused == [f"{merged.reference} was merged into {target.reference}; link that case."]


def test_linking_to_a_resolved_incident_is_refused(outage, ana, baggage):
    incident_update_status(incident=outage, status=IncidentStatus.RESOLVED, actor=user_in_group("Managers"))

    with pytest.raises(IncidentError, match="is resolved: reopen it"):
        incident_link_cases(incident=outage, case_ids=[CaseFactory(team=baggage).pk], actor=ana)


def test_unlinking_records_it_and_unlinking_again_changes_nothing(outage, ana, baggage):
    case = CaseFactory(team=baggage)
    incident_link_cases(incident=outage, case_ids=[case.pk], actor=ana)

    assert incident_unlink_case(incident=outage, case=case, actor=ana) is True
    assert incident_unlink_case(incident=outage, case=case, actor=ana) is False

    assert not IncidentCase.objects.exists()
    assert list(
        CaseEvent.objects.filter(case=case, kind=CaseEventKind.INCIDENT).values_list("payload__action", flat=True)
    ) == ["linked", "unlinked"]


def test_an_agent_cannot_unlink_a_case_they_cannot_see(outage, ana):
    case = IncidentCaseFactory(incident=outage, case=CaseFactory(team=TeamFactory(name="Refunds"))).case

    with pytest.raises(IncidentError, match="no such case"):
        incident_unlink_case(incident=outage, case=case, actor=ana)

    assert IncidentCase.objects.filter(case=case).exists()


@pytest.mark.parametrize("count", [2, 30])
def test_linking_costs_the_same_few_queries_whatever_the_number_of_cases(
    outage, ana, baggage, count, django_assert_max_num_queries
):
    ids = [CaseFactory(team=baggage).pk for _ in range(count)]
    ana.has_perm("cases.view_all_cases")  # the permission cache is per user object, warmed once

    with django_assert_max_num_queries(8):
        result = incident_link_cases(incident=outage, case_ids=ids, actor=ana)

    assert len(result.linked) == count
