"""API of outbound webhooks: /api/v1/webhook-subscriptions/ and /api/v1/webhook-deliveries/.

Only Admins hold the hooks permissions: agents and managers are refused,
anonymous callers are asked to authenticate.
"""

import uuid

import pytest
from django.utils import timezone

from api.services import api_token_create
from hooks.models import DeliveryStatus, WebhookDelivery, WebhookEvent, WebhookSubscription
from hooks.services import webhook_subscription_create, webhook_subscription_pause
from tests.roles import user_in_group

pytestmark = pytest.mark.django_db

SUBS = "/api/v1/webhook-subscriptions/"
DELIVERIES = "/api/v1/webhook-deliveries/"


def _auth(user) -> dict:
    _token, secret = api_token_create(user=user, name="t")
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


@pytest.fixture
def admin():
    return user_in_group("Admins")


@pytest.fixture
def as_admin(admin):
    return _auth(admin)


def _subscription(name="Billing CRM", events=("case.created",), **fields):
    return webhook_subscription_create(
        name=name,
        url="http://127.0.0.1:9/hook",
        events=list(events),
        created_by=fields.pop("created_by", None),
        **fields,
    )


def _delivery(subscription, *, status=DeliveryStatus.DELIVERED, event=WebhookEvent.CASE_CREATED):
    return WebhookDelivery.objects.create(
        subscription=subscription,
        event=event,
        event_id=uuid.uuid4(),
        payload={"case": {"id": 1}},
        status=status,
        attempts=1,
        response_code=200 if status == DeliveryStatus.DELIVERED else 500,
    )


# --- Permissions ---------------------------------------------------------------


@pytest.mark.parametrize("url", [SUBS, DELIVERIES])
def test_anonymous_callers_get_401_in_the_error_shape(client, url):
    response = client.get(url)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"


@pytest.mark.parametrize("role", ["Agents", "Managers"])
@pytest.mark.parametrize("url", [SUBS, DELIVERIES])
def test_agents_and_managers_are_refused(client, role, url):
    response = client.get(url, **_auth(user_in_group(role)))
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"


@pytest.mark.parametrize("role", ["Agents", "Managers"])
def test_agents_and_managers_cannot_create_or_redeliver(client, role):
    headers = _auth(user_in_group(role))
    body = {"name": "x", "url": "https://example.test/h", "events": ["case.created"]}
    assert client.post(SUBS, body, content_type="application/json", **headers).status_code == 403
    delivery = _delivery(_subscription())
    assert client.post(f"{DELIVERIES}{delivery.pk}/redeliver/", **headers).status_code == 403


def test_admins_list_with_a_token_and_with_the_session(client, admin, as_admin):
    _subscription()
    assert client.get(SUBS, **as_admin).status_code == 200
    client.force_login(admin)
    response = client.get(SUBS)
    assert response.status_code == 200 and response.json()["results"][0]["name"] == "Billing CRM"


# --- Subscriptions -------------------------------------------------------------


def test_create_answers_201_with_the_secret_once(client, admin, as_admin):
    body = {"name": "Billing CRM", "url": "https://crm.example.test/hooks", "events": ["case.created", "sla.breached"]}
    response = client.post(SUBS, body, content_type="application/json", **as_admin)
    assert response.status_code == 201
    data = response.json()
    subscription = WebhookSubscription.objects.get(pk=data["id"])
    assert data["secret"] == subscription.secret and data["secret"].startswith("whsec_")
    assert data["events"] == ["case.created", "sla.breached"] and data["is_active"] is True
    assert subscription.created_by == admin
    # The secret is not in reads
    assert "secret" not in client.get(f"{SUBS}{subscription.pk}/", **as_admin).json()
    assert "secret" not in client.get(SUBS, **as_admin).json()["results"][0]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "x", "url": "ftp://crm.example.test/h", "events": ["case.created"]}, "url"),
        ({"name": "x", "url": "not a url", "events": ["case.created"]}, "url"),
        ({"name": "x", "url": "https://crm.example.test/h", "events": ["case.deleted"]}, "events"),
        ({"name": "x", "url": "https://crm.example.test/h", "events": []}, "events"),
        ({"name": "x", "url": "https://crm.example.test/h", "events": ["case.created", "case.created"]}, "events"),
        ({"name": "x", "url": "https://crm.example.test/h", "events": "case.created"}, "events"),
        ({"name": "x" * 101, "url": "https://crm.example.test/h", "events": ["case.created"]}, "name"),
        ({"url": "https://crm.example.test/h", "events": ["case.created"]}, "name"),
    ],
)
def test_bad_subscriptions_are_400_with_field_details(client, as_admin, body, field):
    response = client.post(SUBS, body, content_type="application/json", **as_admin)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid" or error["fields"]
    assert field in error["fields"]
    assert not WebhookSubscription.objects.exists()


def test_update_and_delete(client, as_admin):
    subscription = _subscription()
    response = client.patch(
        f"{SUBS}{subscription.pk}/",
        {"events": ["post.received"], "is_active": False},
        content_type="application/json",
        **as_admin,
    )
    assert response.status_code == 200, response.json()
    subscription.refresh_from_db()
    assert subscription.events == ["post.received"] and subscription.is_active is False
    bad = client.patch(f"{SUBS}{subscription.pk}/", {"events": ["nope"]}, content_type="application/json", **as_admin)
    assert bad.status_code == 400 and "events" in bad.json()["error"]["fields"]
    assert client.delete(f"{SUBS}{subscription.pk}/", **as_admin).status_code == 204
    assert not WebhookSubscription.objects.exists()


def test_pause_resume_and_rotate_secret(client, as_admin):
    subscription = _subscription()
    old_secret = subscription.secret
    paused = client.post(f"{SUBS}{subscription.pk}/pause/", **as_admin)
    assert paused.status_code == 200 and paused.json()["is_paused"] is True
    resumed = client.post(f"{SUBS}{subscription.pk}/resume/", **as_admin)
    assert resumed.status_code == 200 and resumed.json()["is_paused"] is False
    rotated = client.post(f"{SUBS}{subscription.pk}/rotate-secret/", **as_admin)
    assert rotated.status_code == 200 and rotated.json()["secret"] != old_secret
    subscription.refresh_from_db()
    assert subscription.secret == rotated.json()["secret"]


def test_subscription_filters(client, as_admin):
    billing = _subscription("Billing", events=["case.created"])
    bi = _subscription("BI", events=["post.received", "survey.answered"])
    off = _subscription("Off", is_active=False)
    webhook_subscription_pause(subscription=bi, reason="down")

    def names(query):
        response = client.get(SUBS + query, **as_admin)
        assert response.status_code == 200, response.json()
        return {row["name"] for row in response.json()["results"]}

    assert names("?event=survey.answered") == {"BI"}
    assert names("?event=case.created") == {billing.name, off.name}
    assert names("?paused=true") == {"BI"}
    assert names("?paused=false") == {"Billing", "Off"}
    assert names("?is_active=false") == {"Off"}
    assert names("?search=bil") == {"Billing"}
    bad = client.get(SUBS + "?event=case.deleted", **as_admin)
    assert bad.status_code == 400 and "event" in bad.json()["error"]["fields"]


# --- Deliveries ------------------------------------------------------------------


def test_delivery_list_filters_and_shape(client, as_admin):
    billing, bi = _subscription("Billing"), _subscription("BI")
    ok = _delivery(billing)
    dead = _delivery(billing, status=DeliveryStatus.DEAD)
    other = _delivery(bi, status=DeliveryStatus.FAILED, event=WebhookEvent.POST_RECEIVED)

    def ids(query):
        response = client.get(DELIVERIES + query, **as_admin)
        assert response.status_code == 200, response.json()
        return [row["id"] for row in response.json()["results"]]

    assert ids("") == [other.pk, dead.pk, ok.pk]
    assert ids("?status=dead&status=failed") == [other.pk, dead.pk]
    assert ids(f"?subscription={billing.pk}") == [dead.pk, ok.pk]
    assert ids("?event=post.received") == [other.pk]
    assert ids(f"?event_id={ok.event_id}") == [ok.pk]
    assert ids("?ordering=id") == [ok.pk, dead.pk, other.pk]
    future = (timezone.now() + timezone.timedelta(days=1)).isoformat()
    assert ids("?created_after=" + future.replace("+", "%2B")) == []
    row = client.get(f"{DELIVERIES}{ok.pk}/", **as_admin).json()
    assert row["subscription_name"] == "Billing" and row["payload"] == {"case": {"id": 1}}
    assert set(row) >= {"status", "attempts", "response_code", "last_error", "next_attempt_at", "delivered_at"}
    bad = client.get(DELIVERIES + "?status=lost", **as_admin)
    assert bad.status_code == 400 and "status" in bad.json()["error"]["fields"]
    assert client.get(f"{DELIVERIES}?subscription=999999", **as_admin).status_code == 400


def test_deliveries_are_read_only(client, as_admin):
    delivery = _delivery(_subscription())
    assert client.post(DELIVERIES, {}, content_type="application/json", **as_admin).status_code == 405
    assert client.delete(f"{DELIVERIES}{delivery.pk}/", **as_admin).status_code == 405


def test_delivery_list_is_cursor_paginated(client, as_admin):
    subscription = _subscription()
    made = [_delivery(subscription).pk for _ in range(5)]
    first = client.get(DELIVERIES + "?page_size=2", **as_admin).json()
    assert [row["id"] for row in first["results"]] == made[::-1][:2]
    second = client.get(first["next"], **as_admin).json()
    assert [row["id"] for row in second["results"]] == made[::-1][2:4]


@pytest.mark.parametrize("size", [2, 20])
def test_lists_take_a_constant_number_of_queries(client, as_admin, size, django_assert_max_num_queries):
    subscriptions = [_subscription(f"S{i}") for i in range(size)]
    for subscription in subscriptions:
        _delivery(subscription)
    # token lookup, last-used update, permissions (user, group), the page
    with django_assert_max_num_queries(6):
        assert len(client.get(DELIVERIES, **as_admin).json()["results"]) == size
    with django_assert_max_num_queries(6):
        assert len(client.get(SUBS, **as_admin).json()["results"]) == size


def test_redeliver_queues_it_again(client, as_admin, django_capture_on_commit_callbacks):
    delivery = _delivery(_subscription(), status=DeliveryStatus.DEAD)
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(f"{DELIVERIES}{delivery.pk}/redeliver/", **as_admin)
    assert response.status_code == 202
    assert response.json()["status"] == "pending" and response.json()["attempts"] == 0
    assert len(callbacks) == 1


def test_redeliver_of_a_paused_subscription_is_409(client, as_admin):
    subscription = _subscription()
    webhook_subscription_pause(subscription=subscription, reason="down")
    delivery = _delivery(subscription, status=DeliveryStatus.DEAD)
    response = client.post(f"{DELIVERIES}{delivery.pk}/redeliver/", **as_admin)
    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "conflict" and "resume it first" in error["message"]


def test_unknown_ids_are_404(client, as_admin):
    assert client.get(f"{DELIVERIES}999999/", **as_admin).status_code == 404
    assert client.post(f"{DELIVERIES}999999/redeliver/", **as_admin).status_code == 404
    assert client.get(f"{SUBS}999999/", **as_admin).status_code == 404
