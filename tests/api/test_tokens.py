"""API tokens: created once (admin or command), stored hashed, revocable, acting as their user."""

import io

import pytest
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.urls import reverse

from api.models import ApiToken
from api.services import api_token_create, api_token_revoke, token_hash
from tests.roles import user_in_group

pytestmark = pytest.mark.django_db

CASES = "/api/v1/cases/"


def get(client, secret, path=CASES, scheme="Bearer"):
    return client.get(path, HTTP_AUTHORIZATION=f"{scheme} {secret}")


def test_a_token_acts_as_its_user_and_only_its_hash_is_stored(client):
    agent = user_in_group("Agents", username="ines")
    token, secret = api_token_create(user=agent, name="CRM sync")

    assert get(client, secret).status_code == 200
    assert get(client, secret, scheme="Token").status_code == 200
    stored = ApiToken.objects.get(pk=token.pk)
    assert stored.key_hash == token_hash(secret) and secret not in (stored.key_hash, stored.prefix)
    assert secret.startswith(stored.prefix) and stored.last_used_at is not None


@pytest.mark.parametrize(
    "header",
    ["Bearer nope", "Bearer", "Bearer a b", "Basic Zm9vOmJhcg=="],
)
def test_a_wrong_or_malformed_token_is_refused_with_the_error_shape(client, header):
    response = client.get(CASES, HTTP_AUTHORIZATION=header)

    assert response.status_code in (401, 403)
    assert response.json()["error"]["status"] == response.status_code


def test_a_revoked_token_stops_working_at_once(client):
    token, secret = api_token_create(user=user_in_group("Agents"), name="old integration")
    assert get(client, secret).status_code == 200

    api_token_revoke(token=token)

    response = get(client, secret)
    assert response.status_code == 401
    assert response.json()["error"]["message"] == "Invalid or revoked token."


def test_a_deactivated_users_token_is_refused(client):
    agent = user_in_group("Agents")
    _token, secret = api_token_create(user=agent, name="t")
    agent.is_active = False
    agent.save()

    assert get(client, secret).status_code == 401


def test_a_token_has_exactly_its_users_permissions(client):
    agent = user_in_group("Agents")
    _token, secret = api_token_create(user=agent, name="t")

    # Agents may not create SLA policies; without view_case nothing about cases either.
    assert client.post("/api/v1/sla-policies/", {"name": "x"}, HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 403
    agent.groups.clear()
    agent.user_permissions.set(Permission.objects.none())
    assert get(client, secret).status_code == 403


def test_the_command_prints_a_new_working_token(client):
    user_in_group("Managers", username="dana")
    out = io.StringIO()

    call_command("create_api_token", "dana", "--name", "BI export", stdout=out)

    secret = out.getvalue().strip()
    assert ApiToken.objects.get(name="BI export").user.username == "dana"
    assert get(client, secret).status_code == 200


def test_the_schema_and_docs_need_a_login_and_serve_vendored_assets(client):
    assert client.get(reverse("api:schema")).status_code in (401, 403)

    client.force_login(user_in_group("Agents"))
    docs = client.get(reverse("api:docs")).content.decode()

    assert "swagger-ui" in docs and "cdn" not in docs.lower()
