"""Rate limits on the public endpoints and sign-in throttling and lockout."""

import json

import pytest
from django.urls import reverse

from channels_app.choices import ChannelKind
from socialcrm.ratelimit import Rate, ratelimit_hit
from socialcrm.signin import login_failed, login_locked_for
from tests.channels.test_webhooks import SECRET, forum_post, signed
from tests.factories import ChannelFactory, UserFactory

PASSWORD = "correct-horse-battery"


def deliver(client, channel, payload, *, signature=None, address="127.0.0.1"):
    body = json.dumps(payload).encode()
    return client.post(
        reverse("channel_webhook", args=[channel.pk]),
        data=body,
        content_type="application/json",
        headers={"X-Socialcrm-Signature": signature or signed(body)},
        REMOTE_ADDR=address,
    )


@pytest.mark.parametrize(
    ("text", "limit", "seconds"),
    [("30/m", 30, 60), ("5/10m", 5, 600), ("1/s", 1, 1), ("100/h", 100, 3600), (" 2 / 3d ", 2, 259200)],
)
def test_a_rate_reads_as_a_limit_per_window(text, limit, seconds):
    assert Rate.parse(text) == Rate(limit=limit, seconds=seconds)


@pytest.mark.parametrize("text", ["", "30", "30/minute", "0/m", "5/0m", "-1/m"])
def test_a_malformed_rate_is_refused_with_its_text(text):
    with pytest.raises(ValueError, match="rate"):
        Rate.parse(text)


def test_the_counter_allows_the_limit_then_says_how_long_to_wait_and_a_new_window_starts_afresh():
    rate = Rate(limit=3, seconds=60)
    start = 1_800_000_000.0  # a window boundary: 1_800_000_000 is a multiple of 60
    assert [ratelimit_hit("t", "198.51.100.7", rate, now=start + second) for second in range(3)] == [None] * 3
    assert ratelimit_hit("t", "198.51.100.7", rate, now=start + 15) == 45
    assert ratelimit_hit("t", "203.0.113.9", rate, now=start + 15) is None  # another address counts apart
    assert ratelimit_hit("t", "198.51.100.7", rate, now=start + 60) is None


@pytest.mark.django_db
def test_five_wrong_passwords_lock_the_account_even_against_the_right_one(client):
    UserFactory(username="ana", password=PASSWORD)
    for _ in range(4):
        response = client.post(reverse("login"), {"username": "ana", "password": "guess-number-one"})
        assert response.status_code == 200 and "Please enter a correct username and password" in response.text
    response = client.post(reverse("login"), {"username": "ana", "password": "guess-number-five"})
    assert "Too many failed sign-ins for this account. Try again in 15 minutes." in response.text

    response = client.post(reverse("login"), {"username": "ANA", "password": PASSWORD})
    assert "Too many failed sign-ins" in response.text
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_a_successful_sign_in_clears_earlier_failures(client):
    UserFactory(username="ana", password=PASSWORD)
    for _ in range(4):
        client.post(reverse("login"), {"username": "ana", "password": "wrong-password"})
    assert client.post(reverse("login"), {"username": "ana", "password": PASSWORD}).status_code == 302
    client.logout()
    for _ in range(4):
        client.post(reverse("login"), {"username": "ana", "password": "wrong-password"})
    assert client.post(reverse("login"), {"username": "ana", "password": PASSWORD}).status_code == 302


def test_a_lock_ends_after_the_lockout_time(settings):
    settings.LOGIN_LOCKOUT = {"failures": 2, "window_seconds": 900, "lockout_seconds": 600}
    assert login_failed("bruno", now=1_000.0) is False
    assert login_failed("bruno", now=1_001.0) is True
    assert login_locked_for("bruno", now=1_002.0) == 599
    assert login_locked_for("bruno", now=1_601.0) == 0
    assert login_locked_for("carla", now=1_002.0) == 0


@pytest.mark.django_db
def test_the_admin_sign_in_locks_out_the_same_way(client):
    UserFactory(username="root-admin", password=PASSWORD, is_staff=True, is_superuser=True)
    for _ in range(5):
        client.post(reverse("admin:login"), {"username": "root-admin", "password": "not-it-at-all"})
    response = client.post(reverse("admin:login"), {"username": "root-admin", "password": PASSWORD})
    assert "Too many failed sign-ins" in response.text
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_sign_in_attempts_from_one_address_are_throttled_across_accounts(client, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "login": "3/m"}
    for name in ("ana", "bruno", "carla"):
        assert client.post(reverse("login"), {"username": name, "password": "whatever-1"}).status_code == 200
    response = client.post(reverse("login"), {"username": "dora", "password": "whatever-1"})
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 60
    assert "Too many requests" in response.text
    assert client.get(reverse("login")).status_code == 200  # only attempts count, not the page


@pytest.mark.django_db
def test_the_public_survey_page_is_rate_limited_per_address(client, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "survey": "2/m"}
    url = reverse("surveys:answer", args=["forged-token-abc"])
    assert [client.get(url).status_code for _ in range(2)] == [404, 404]
    assert client.get(url).status_code == 429
    assert client.get(url, REMOTE_ADDR="192.0.2.44").status_code == 404


@pytest.mark.django_db
def test_an_address_sending_forged_webhooks_is_refused_before_verification(client, settings, monkeypatch):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "webhook_rejected": "2/m"}
    monkeypatch.setenv("TEST_FORUM_HOOK_SECRET", SECRET)
    channel = ChannelFactory(
        kind=ChannelKind.WEBHOOK,
        name="Travel forum bridge",
        brand_handles=["AcmeAir"],
        credential_env={"signing_secret": "TEST_FORUM_HOOK_SECRET"},
    )
    payload = {"posts": [forum_post("fx-1", "@AcmeAir my bag never arrived in Lisbon")]}
    assert deliver(client, channel, payload, signature="sha256=" + "0" * 64).status_code == 403
    assert deliver(client, channel, payload, signature="sha256=" + "1" * 64).status_code == 403
    refused = deliver(client, channel, payload)  # even a good signature waits now
    assert refused.status_code == 429 and refused.json()["retry_after"] == 60
    assert deliver(client, channel, payload, address="192.0.2.80").status_code == 200


@pytest.mark.django_db
def test_webhook_deliveries_are_limited_per_address(client, settings, monkeypatch):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "webhook": "2/m"}
    monkeypatch.setenv("TEST_FORUM_HOOK_SECRET", SECRET)
    channel = ChannelFactory(
        kind=ChannelKind.WEBHOOK, name="Forum", credential_env={"signing_secret": "TEST_FORUM_HOOK_SECRET"}
    )
    codes = [
        deliver(client, channel, {"posts": [forum_post(f"lim-{n}", "Is the lounge open at gate B?")]}).status_code
        for n in range(3)
    ]
    assert codes == [200, 200, 429]


@pytest.mark.django_db
def test_every_page_forbids_inline_and_foreign_scripts(client):
    policy = client.get(reverse("login"))["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["script-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"


@pytest.mark.django_db
def test_the_api_docs_page_loads_its_start_up_script_as_a_file_not_inline(client):
    from tests.roles import user_in_group

    client.force_login(user_in_group("Agents"))
    page = client.get(reverse("api:docs")).content.decode()
    inline_scripts = [chunk for chunk in page.split("<script")[1:] if not chunk.lstrip().startswith("src=")]
    assert inline_scripts == []


@pytest.mark.django_db
def test_the_help_centre_pages_and_its_posts_are_rate_limited_per_address(client, settings):
    from tests.knowledge.factories import ArticleFactory

    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "help": "3/m", "help_post": "1/m"}
    article = ArticleFactory(title="Where is my refund?", slug="refund-status", is_published=True)
    pages = [reverse("knowledge:list"), reverse("knowledge:article", args=[article.slug]), reverse("knowledge:ask")]
    assert [client.get(url).status_code for url in pages] == [200, 200, 200]
    assert client.get(reverse("knowledge:list")).status_code == 429

    feedback = reverse("knowledge:feedback", args=[article.slug])
    assert client.post(feedback, {"solved": "yes"}, REMOTE_ADDR="192.0.2.9").status_code in (200, 302, 303)
    assert client.post(feedback, {"solved": "yes"}, REMOTE_ADDR="192.0.2.9").status_code == 429


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url_name", "args"),
    [
        ("console:notifications_read", []),
        ("logout", []),
        ("knowledge:ask", []),
        ("surveys:answer", ["forged-token-abc"]),
    ],
)
def test_a_form_posted_without_its_csrf_token_is_refused(url_name, args):
    from django.test import Client

    from tests.roles import user_in_group

    client = Client(enforce_csrf_checks=True)
    client.force_login(user_in_group("Agents"))
    assert client.post(reverse(url_name, args=args), {"question": "Where is my bag?"}).status_code == 403


@pytest.mark.django_db
def test_the_api_used_with_the_session_needs_the_csrf_token_too():
    from rest_framework.test import APIClient

    from tests.roles import user_in_group

    client = APIClient(enforce_csrf_checks=True)
    client.force_login(user_in_group("Agents"))
    response = client.post(reverse("api:case-list"), {"subject": "Phone call"}, format="json")
    assert response.status_code == 403
    assert "CSRF" in response.json()["error"]["message"]
