"""The web entry points: login, console, KPI page, health check, and who may see what."""

import pytest
from django.urls import reverse

from cases.choices import CaseStatus
from tests.factories import CaseFactory, TeamFactory
from tests.roles import user_in_group

pytestmark = pytest.mark.django_db


def test_login_page_renders_with_csrf_token(client):
    response = client.get(reverse("login"))

    assert response.status_code == 200
    assert b"csrfmiddlewaretoken" in response.content


def test_anonymous_user_is_sent_to_login_from_console_and_kpis(client):
    for name in ("console:inbox", "kpis:dashboard"):
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))


def test_agent_logs_in_and_lands_on_the_console(client):
    user_in_group("Agents", username="ana")

    response = client.post(reverse("login"), {"username": "ana", "password": "correct-horse-battery"}, follow=True)

    assert response.redirect_chain[-1][0] == reverse("console:inbox")
    assert response.status_code == 200


def test_agent_sees_own_team_cases_but_not_other_teams(client):
    # Given an agent in the billing team and cases in billing and in sales
    agent = user_in_group("Agents")
    billing, sales = TeamFactory(name="Billing"), TeamFactory(name="Sales")
    agent.agent_profile.teams.add(billing)
    CaseFactory(team=billing, subject="Charged twice for seat upgrade")
    CaseFactory(team=sales, subject="Corporate fares for 40 staff")
    client.force_login(agent)

    # When the agent opens the console's "All open" view
    response = client.get(reverse("console:inbox"), {"view": "open"})

    # Then only the billing case shows
    assert b"Charged twice for seat upgrade" in response.content
    assert b"Corporate fares for 40 staff" not in response.content


def test_manager_sees_every_team_case(client):
    manager = user_in_group("Managers")
    CaseFactory(team=TeamFactory(), subject="Corporate fares for 40 staff")
    client.force_login(manager)

    assert b"Corporate fares for 40 staff" in client.get(reverse("console:inbox")).content


def test_console_lists_only_open_cases(client):
    client.force_login(user_in_group("Managers"))
    CaseFactory(subject="Still waiting on my refund")
    CaseFactory(subject="Bag delivered, thanks", status=CaseStatus.RESOLVED, resolved_at="2026-11-01T10:00Z")

    content = client.get(reverse("console:inbox")).content

    assert b"Still waiting on my refund" in content
    assert b"Bag delivered, thanks" not in content


def test_post_text_in_the_console_is_escaped(client):
    client.force_login(user_in_group("Managers"))
    CaseFactory(subject="<script>alert('x')</script>")

    content = client.get(reverse("console:inbox")).content

    assert b"<script>alert" not in content
    assert b"&lt;script&gt;" in content


@pytest.mark.parametrize("rows", [2, 25])
def test_console_query_count_does_not_grow_with_rows(client, django_assert_max_num_queries, rows):
    client.force_login(user_in_group("Agents"))
    CaseFactory.create_batch(rows)

    with django_assert_max_num_queries(12):
        assert client.get(reverse("console:inbox"), {"view": "open"}).status_code == 200


def test_kpi_page_shows_agents_their_own_numbers_and_managers_the_brand(client):
    client.force_login(user_in_group("Agents"))
    response = client.get(reverse("kpis:dashboard"))
    assert response.status_code == 200
    assert response.context["board"].scope.agent_id == response.wsgi_request.user.pk
    assert not response.context["manager"]

    client.force_login(user_in_group("Managers"))
    response = client.get(reverse("kpis:dashboard"))
    assert response.status_code == 200
    assert response.context["board"].scope.agent_id is None


def test_health_check_reports_the_database(client):
    response = client.get(reverse("healthz"))

    assert response.status_code == 200
    assert response.json()["status"] == "ok"


def test_home_redirects_to_the_console(client):
    assert client.get("/").url == reverse("console:inbox")


def test_a_body_django_refuses_is_a_413_in_the_api_error_shape_and_django_s_page_elsewhere(client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1_000
    client.force_login(user_in_group("Managers"))
    body = '{"body": "' + "the refund never arrived " * 100 + '"}'
    case = CaseFactory()

    api = client.post(f"/api/v1/cases/{case.pk}/note/", body, content_type="application/json")
    console = client.post(reverse("login"), {"username": "x" * 2_000, "password": "y"})

    assert (api.status_code, api["Content-Type"]) == (413, "application/json")
    assert api.json() == {
        "error": {
            "status": 413,
            "code": "request_too_large",
            "message": "The request body is larger than this server accepts.",
        }
    }
    assert console.status_code == 400 and console["Content-Type"].startswith("text/html")


def test_too_many_fields_on_the_api_is_a_400_in_its_error_shape(client, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 10
    client.force_login(user_in_group("Managers"))
    case = CaseFactory()

    response = client.post(
        f"/api/v1/cases/{case.pk}/note/",
        "&".join(f"f{n}=v" for n in range(50)),
        content_type="application/x-www-form-urlencoded",
    )

    assert (response.status_code, response.json()["error"]["code"]) == (400, "bad_request")
