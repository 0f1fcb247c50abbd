"""Hand-written malformed bodies against every write endpoint of the API (POST, PUT, PATCH).

The schemathesis run (tests/api/test_schema_fuzz.py) sends generated bodies
that follow the schema's shapes; these are the bodies a broken or hostile
client sends that a schema-driven generator does not: invalid JSON, invalid
UTF-8, JSON nested 10,000 levels deep, a 5 MB string, every field of the
wrong type, NUL and control characters, an unsupported media type. Each
must get a 4xx in the API's error shape, never a 500. A script tag is stored
as sent and shown escaped on the console's case page.

Endpoints are read from the schema the application serves, so a new write
endpoint is covered without editing this file.
"""

from __future__ import annotations

import json

import pytest
from django.urls import reverse
from drf_spectacular.generators import SchemaGenerator

from api.services import api_token_create
from hooks.models import WebhookDelivery, WebhookSubscription
from tests.factories import CannedResponseFactory, CaseFactory, CustomerFactory, SLAPolicyFactory
from tests.goodwill.factories import CompensationRequestFactory
from tests.roles import user_in_group

pytestmark = pytest.mark.django_db

WRITE_METHODS = ("post", "put", "patch")


def _write_operations() -> list[tuple[str, str, dict]]:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    components = schema["components"]["schemas"]
    operations = []
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            if method not in WRITE_METHODS:
                continue
            body = operation.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema", {})
            ref = body.get("$ref", "")
            properties = components[ref.rsplit("/", 1)[-1]].get("properties", {}) if ref else {}
            operations.append((method, path, properties))
    return operations


WRITE_OPERATIONS = _write_operations()


@pytest.fixture
def api(client):
    """The test client with an admin's API token, and an existing object behind every `{id}`."""
    admin = user_in_group("Admins", username="badinput-admin")
    _token, secret = api_token_create(user=admin, name="bad input")
    case = CaseFactory(customer=CustomerFactory(name="Rita Okafor"))
    subscription = WebhookSubscription.objects.create(
        name="Billing CRM", url="https://billing.example/hooks", events=["case.created"], created_by=admin
    )
    delivery = WebhookDelivery.objects.create(
        subscription=subscription, event="case.created", event_id="2b0c6f1e-8a4d-4f5e-9d3c-1a2b3c4d5e6f"
    )
    ids = {
        "agents": admin.pk,
        "canned-responses": CannedResponseFactory().pk,
        "cases": case.pk,
        "compensation-requests": CompensationRequestFactory(case=case).pk,
        "customers": case.customer_id,
        "sla-policies": SLAPolicyFactory().pk,
        "webhook-deliveries": delivery.pk,
        "webhook-subscriptions": subscription.pk,
    }

    def send(method: str, path: str, body: bytes, content_type: str = "application/json"):
        resource = path.removeprefix("/api/v1/").split("/", 1)[0]
        url = path.replace("{id}", str(ids.get(resource, 1)))
        return getattr(client, method)(url, data=body, content_type=content_type, HTTP_AUTHORIZATION=f"Bearer {secret}")

    send.case = case
    return send


def _wrong_types(properties: dict, value) -> bytes:
    return json.dumps({name: value for name in properties} or {"anything": value}).encode()


def _malformed_bodies(properties: dict) -> list[tuple[str, bytes, str]]:
    return [
        ("truncated JSON", b'{"text": "Acme Air lost my bag", ', "application/json"),
        ("invalid UTF-8", b'{"text": "caf\xe9 \xff\xfe"}', "application/json"),
        ("nested 10,000 deep", b"[" * 10_000 + b"]" * 10_000, "application/json"),
        ("nested object 10,000 deep", b'{"a":' * 10_000 + b"1" + b"}" * 10_000, "application/json"),
        ("a list, not an object", b'[1, "two", null]', "application/json"),
        ("a bare string", b'"resolve it"', "application/json"),
        ("every field an object", _wrong_types(properties, {"nested": [[{}]]}), "application/json"),
        ("every field a list", _wrong_types(properties, [None, True]), "application/json"),
        ("every field a huge number", _wrong_types(properties, 10**40), "application/json"),
        ("every field a float", _wrong_types(properties, 1e308), "application/json"),
        ("every field NUL and controls", _wrong_types(properties, "Acme\x00 Air\x1b[2J\x07\x08"), "application/json"),
        ("every field a lone surrogate", _wrong_types(properties, "\ud800"), "application/json"),
        ("5 MB string", _wrong_types(properties, "x" * 5_000_000), "application/json"),
        ("unsupported media type", b"text=Acme Air lost my bag", "text/plain"),
        ("binary form body", b"\x00\xff" * 512, "application/x-www-form-urlencoded"),
    ]


@pytest.mark.parametrize(
    ("method", "path", "properties"),
    WRITE_OPERATIONS,
    ids=[f"{method.upper()} {path}" for method, path, _ in WRITE_OPERATIONS],
)
def test_no_malformed_body_gets_a_server_error_on_any_write_endpoint(api, method, path, properties):
    answers = {}
    for kind, body, content_type in _malformed_bodies(properties):
        response = api(method, path, body, content_type)
        answers[kind] = response.status_code
        if response.status_code >= 400:
            assert response["Content-Type"] == "application/json", (kind, response.content[:200])
            assert response.json()["error"]["status"] == response.status_code, kind
    assert all(status < 500 for status in answers.values()), answers
    # Django refuses a body over its limit before DRF reads it; still the API's shape, and a 413.
    assert answers["5 MB string"] == 413 or answers["5 MB string"] < 300, answers
    # Nothing here is a valid body for an endpoint that takes one.
    assert answers["truncated JSON"] in (400, 404, 409) or not properties, answers


def test_endpoints_were_found_in_the_schema():
    assert {("post", "/api/v1/cases/{id}/note/"), ("patch", "/api/v1/customers/{id}/")} <= {
        (method, path) for method, path, _ in WRITE_OPERATIONS
    }


def test_a_script_tag_in_a_note_is_stored_as_sent_and_shown_escaped_on_the_case_page(api, client):
    text = "<script>alert('pwned')</script> customer says the refund never arrived"
    response = api("post", "/api/v1/cases/{id}/note/", json.dumps({"body": text}).encode())
    assert response.status_code in (200, 201), response.content

    client.force_login(user_in_group("Agents", username="badinput-agent"))
    page = client.get(reverse("console:case", args=[api.case.pk]))

    assert page.status_code == 200
    html = page.content.decode()
    assert "&lt;script&gt;alert(&#x27;pwned&#x27;)&lt;/script&gt; customer says" in html
    assert "<script>alert('pwned')" not in html
