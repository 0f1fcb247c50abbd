"""The OpenAPI schema generates without warnings, and schemathesis finds no 500 on any endpoint.

Schemathesis reads the schema the application serves and sends each
operation a bounded number of generated requests (valid and invalid
bodies, query strings and path ids) as an admin with an API token, through
the WSGI application; every answer must be anything but a server error.
"""

import pytest
import schemathesis
from django.core import signals
from django.core.management import call_command
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings

from api.services import api_token_create
from tests.factories import CaseFactory, CustomerFactory
from tests.roles import user_in_group

MAX_EXAMPLES = 8


@pytest.fixture
def connection_kept_open():
    """Called as a WSGI application, Django closes the database connection when a request ends
    (the test client turns that off): it would close the test's own transaction."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def _authenticated_app():
    app = get_wsgi_application()
    admin = user_in_group("Admins", username="fuzz-admin")
    _token, secret = api_token_create(user=admin, name="schemathesis")
    CaseFactory(customer=CustomerFactory(name="Fuzz Target"))

    def with_token(environ, start_response):
        environ.setdefault("HTTP_AUTHORIZATION", f"Bearer {secret}")
        return app(environ, start_response)

    return with_token


def test_the_schema_generates_without_warnings(tmp_path):
    call_command("spectacular", "--fail-on-warn", "--validate", "--file", str(tmp_path / "schema.yml"))

    assert (tmp_path / "schema.yml").read_text().startswith("openapi: 3")


@pytest.mark.django_db
def test_no_generated_request_gets_a_server_error(connection_kept_open):
    # schemathesis' own pytest plugin does not run under this pytest: drive it by hand, one
    # hypothesis run of MAX_EXAMPLES requests per operation.
    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", _authenticated_app())
    failures, operations = [], 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1

        @given(case=operation.as_strategy())
        @settings(
            max_examples=MAX_EXAMPLES,
            deadline=None,
            database=None,
            derandomize=True,  # the same examples on every run: CI is reproducible
            suppress_health_check=list(HealthCheck),
        )
        def call(case):
            response = case.call()
            if response.status_code >= 500:
                failures.append(f"{case.method} {case.formatted_path}: {response.status_code} {response.text[:300]}")

        call()

    assert operations > 40
    assert failures == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path", ["/api/v1/cases/", "/api/v1/posts/", "/api/v1/surveys/", "/api/v1/webhook-deliveries/"]
)
@pytest.mark.parametrize(
    "value", ["9389-10-24T00:18:48-23:40", "9999-12-31T23:59:59-05:00", "0001-01-01T00:00:00+05:00"]
)
def test_a_date_time_filter_postgresql_cannot_hold_is_a_400(client, path, value):
    # Found by schemathesis: Python accepts offsets up to 23:59 and PostgreSQL refuses those past 15:59.
    client.force_login(user_in_group("Admins"))
    name = {"/api/v1/posts/": "posted_after", "/api/v1/surveys/": "sent_after"}.get(path, "created_after")

    response = client.get(path, {name: value})

    assert response.status_code in (200, 400)
    if response.status_code == 400:
        assert name in response.json()["error"]["fields"]
