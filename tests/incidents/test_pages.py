"""The incident pages and the case page's panel: who may do what, what they show, and their query budgets."""

import re
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases.choices import CaseEventKind
from cases.models import CaseEvent
from channels_app.models import OutboundMessage
from incidents.models import Incident, IncidentBulkReply, IncidentCase, IncidentStatus
from incidents.tasks import send_bulk_reply_task
from tests.factories import CaseFactory, SocialPostFactory, TeamFactory, UserFactory
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
def mia():
    return user_in_group("Managers", username="mia", first_name="Mia", last_name="Chen")


@pytest.fixture
def outage():
    return IncidentFactory(title="Baggage system outage", public_message="Bags are delayed; we will deliver them.")


def linked(incident, *, team=None, posts=1, **fields):
    case = CaseFactory(team=team, **fields)
    IncidentCaseFactory(incident=incident, case=case)
    for n in range(posts):
        SocialPostFactory(
            case=case, channel=case.origin_channel, text=f"where is my bag? day {n}", sentiment_polarity=-0.3
        )
    return case


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


# -- list and create --------------------------------------------------------------------------


def test_anonymous_users_are_sent_to_the_login_page(client, outage):
    response = client.get(reverse("incidents:detail", args=[outage.pk]))

    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_the_list_shows_incidents_with_their_case_counts(client, ana, outage, baggage):
    linked(outage, team=baggage)
    client.force_login(ana)

    response = client.get(reverse("incidents:list"))

    body = response.content.decode()
    assert "Baggage system outage" in body
    assert re.search(r"<td>1</td>\s*<td>1</td>", body)
    assert "Declare an incident" not in body  # agents do not declare incidents


def test_a_manager_declares_an_incident_and_lands_on_its_page(client, mia):
    client.force_login(mia)

    response = client.post(
        reverse("incidents:list"),
        {"title": "Wi-Fi down on A320 fleet", "severity": "minor", "description": "", "public_message": ""},
    )

    incident = Incident.objects.get()
    assert (incident.title, incident.created_by) == ("Wi-Fi down on A320 fleet", mia)
    assert response.status_code == 303 and response.url == reverse("incidents:detail", args=[incident.pk])


def test_an_agent_cannot_declare_an_incident(client, ana):
    client.force_login(ana)

    client.post(reverse("incidents:list"), {"title": "Something is wrong", "severity": "minor"})

    assert not Incident.objects.exists()


@pytest.mark.parametrize("who", ["ana", "mia"])
def test_the_list_costs_the_same_queries_with_few_or_many_incidents(
    client, who, ana, mia, baggage, django_assert_max_num_queries
):
    client.force_login(ana if who == "ana" else mia)
    url = reverse("incidents:list")
    for _ in range(2):
        linked(IncidentFactory(), team=baggage)
    client.get(url)  # warm the content types

    with django_assert_max_num_queries(8):
        small = count_queries(client, url)
    for _ in range(20):
        linked(IncidentFactory(), team=baggage)
    with django_assert_max_num_queries(8):
        large = count_queries(client, url)

    assert small == large


# -- the incident page ------------------------------------------------------------------------


def test_the_page_lists_only_the_linked_cases_the_agent_can_see(client, ana, outage, baggage):
    mine = linked(outage, team=baggage, subject="Bag left in Madrid")
    theirs = linked(outage, team=TeamFactory(name="Refunds"), subject="Refund for lost bag")
    client.force_login(ana)

    body = client.get(reverse("incidents:detail", args=[outage.pk])).content.decode()

    assert mine.reference in body and "Bag left in Madrid" in body
    assert theirs.reference not in body
    assert "1 more linked case in teams you do not see." in body
    assert "Bulk reply" not in body.replace("Bulk replies sent", "")  # agents do not bulk reply
    assert "<svg" in body  # the volume and sentiment charts


@pytest.mark.parametrize("who", ["ana", "mia"])
def test_the_incident_page_costs_the_same_queries_with_few_or_many_cases(
    client, who, ana, mia, outage, baggage, django_assert_max_num_queries
):
    client.force_login(ana if who == "ana" else mia)
    url = reverse("incidents:detail", args=[outage.pk])
    for _ in range(2):
        linked(outage, team=baggage)
    client.get(url)

    with django_assert_max_num_queries(12):
        small = count_queries(client, url)
    for _ in range(25):
        linked(outage, team=baggage, posts=3)
    IncidentBulkReply.objects.create(incident=outage, author=mia, text="Sorry!", token=uuid.uuid4())
    with django_assert_max_num_queries(12):
        large = count_queries(client, url)

    assert small == large  # nothing per case, post or bulk reply


def test_an_agent_links_cases_by_reference(client, ana, outage, baggage):
    first, second = CaseFactory(team=baggage), CaseFactory(team=baggage)
    client.force_login(ana)

    response = client.post(reverse("incidents:link", args=[outage.pk]), {"references": f"SC-{first.pk}, C-{second.pk}"})

    assert response.status_code == 303
    assert set(IncidentCase.objects.values_list("case_id", flat=True)) == {first.pk, second.pk}


def test_a_bad_reference_links_nothing(client, ana, outage, baggage):
    case = CaseFactory(team=baggage)
    client.force_login(ana)

    client.post(reverse("incidents:link", args=[outage.pk]), {"references": f"SC-{case.pk} lost-bag"})

    assert not IncidentCase.objects.exists()


def test_suggestions_find_open_cases_by_their_words(client, ana, outage, baggage):
    wanted = CaseFactory(team=baggage, subject="Bag missing")
    SocialPostFactory(case=wanted, text="My suitcase never came out on belt 5 at Heathrow")
    other = CaseFactory(team=baggage, subject="Meal")
    SocialPostFactory(case=other, text="The vegetarian meal was missing on my flight")
    client.force_login(ana)

    response = client.get(reverse("incidents:suggest", args=[outage.pk]), {"q": "suitcase"}, HTTP_HX_REQUEST="true")

    body = response.content.decode()
    assert f'value="{wanted.pk}"' in body and f'value="{other.pk}"' not in body


def test_an_agent_may_not_send_a_bulk_reply(client, ana, outage, baggage):
    linked(outage, team=baggage)
    client.force_login(ana)

    response = client.post(
        reverse("incidents:bulk_reply", args=[outage.pk]), {"text": "Sorry!", "token": uuid.uuid4(), "confirm": "1"}
    )

    assert response.status_code == 403
    assert not IncidentBulkReply.objects.exists()


def test_a_bulk_reply_needs_the_confirmation(client, mia, outage, baggage):
    linked(outage, team=baggage)
    client.force_login(mia)

    client.post(reverse("incidents:bulk_reply", args=[outage.pk]), {"text": "Sorry!", "token": uuid.uuid4()})

    assert not IncidentBulkReply.objects.exists()


def test_a_double_click_on_send_replies_once(client, mia, outage, baggage, django_capture_on_commit_callbacks):
    linked(outage, team=baggage)
    linked(outage, team=baggage)
    client.force_login(mia)
    page = client.get(reverse("incidents:detail", args=[outage.pk])).content.decode()
    token = re.search(r'name="token" value="([0-9a-f-]+)"', page).group(1)
    assert "Send to 2 cases" in page
    form = {"text": "Your bags arrive tonight; we'll deliver them to you.", "token": token, "confirm": "1"}

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        client.post(reverse("incidents:bulk_reply", args=[outage.pk]), form)
        response = client.post(reverse("incidents:bulk_reply", args=[outage.pk]), form, follow=True)
    assert len(callbacks) == 1  # one bulk task, after commit
    send_bulk_reply_task(IncidentBulkReply.objects.get().pk)  # as the worker runs it

    assert IncidentBulkReply.objects.get().failures == []
    assert IncidentBulkReply.objects.get().sent_count == 2
    assert OutboundMessage.objects.count() == 2
    assert "already sent; nothing was sent again" in response.content.decode()


def test_a_manager_resolves_the_incident(client, mia, outage):
    client.force_login(mia)

    client.post(reverse("incidents:status", args=[outage.pk]), {"status": "resolved"})

    outage.refresh_from_db()
    assert outage.status == IncidentStatus.RESOLVED and outage.resolved_at is not None


# -- the case page's panel --------------------------------------------------------------------


def test_the_case_page_loads_the_incident_panel(client, ana, baggage):
    case = CaseFactory(team=baggage)
    client.force_login(ana)

    body = client.get(reverse("console:case", args=[case.pk])).content.decode()

    assert f'hx-get="{reverse("incidents:case_panel", args=[case.pk])}"' in body


def test_the_panel_names_the_cases_incident(client, ana, outage, baggage):
    case = linked(outage, team=baggage)
    client.force_login(ana)

    body = client.get(reverse("incidents:case_panel", args=[case.pk]), HTTP_HX_REQUEST="true").content.decode()

    assert reverse("incidents:detail", args=[outage.pk]) in body and "Baggage system outage" in body
    assert "Unlink" in body


def test_the_panel_offers_open_incidents_and_links_the_case(client, ana, outage, baggage):
    IncidentFactory(
        title="Old recall", started_at=outage.started_at, status=IncidentStatus.RESOLVED, resolved_at=outage.started_at
    )
    case = CaseFactory(team=baggage)
    client.force_login(ana)

    panel = client.get(reverse("incidents:case_panel", args=[case.pk]), HTTP_HX_REQUEST="true").content.decode()
    assert "Baggage system outage" in panel and "Old recall" not in panel

    response = client.post(reverse("incidents:case_link", args=[case.pk]), {"incident": outage.pk})

    assert response.status_code == 303 and response.url == reverse("console:case", args=[case.pk])
    assert IncidentCase.objects.get(case=case).incident == outage
    assert CaseEvent.objects.get(case=case, kind=CaseEventKind.INCIDENT).actor == ana


def test_unlinking_from_the_case_page_goes_back_to_the_case(client, ana, outage, baggage):
    case = linked(outage, team=baggage)
    client.force_login(ana)

    response = client.post(reverse("incidents:unlink", args=[outage.pk]), {"case": case.pk, "back": "case"})

    assert response.url == reverse("console:case", args=[case.pk])
    assert not IncidentCase.objects.exists()


def test_the_panel_of_a_case_the_agent_cannot_see_is_not_found(client, ana, outage):
    case = linked(outage, team=TeamFactory(name="Refunds"))
    client.force_login(ana)

    assert client.get(reverse("incidents:case_panel", args=[case.pk])).status_code == 404
    assert client.post(reverse("incidents:case_link", args=[case.pk]), {"incident": outage.pk}).status_code == 404


@pytest.mark.parametrize("linked_case", [False, True])
def test_the_panel_costs_the_same_queries_with_few_or_many_open_incidents(
    client, ana, outage, baggage, linked_case, django_assert_max_num_queries
):
    case = linked(outage, team=baggage) if linked_case else CaseFactory(team=baggage)
    client.force_login(ana)
    url = reverse("incidents:case_panel", args=[case.pk])
    client.get(url)

    with django_assert_max_num_queries(10):
        few = count_queries(client, url)
    for _ in range(15):
        IncidentFactory()
    with django_assert_max_num_queries(10):
        many = count_queries(client, url)

    assert few == many


def test_a_user_without_a_role_sees_no_incidents(client, outage):
    client.force_login(UserFactory(username="guest"))

    assert client.get(reverse("incidents:list")).status_code == 403
