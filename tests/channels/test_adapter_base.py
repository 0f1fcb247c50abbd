"""What every adapter shares: the registry, HTTP errors without secrets, and no models."""

import subprocess
import sys

import pytest

from channels_app.adapters.base import ADAPTERS, ChannelConfig, ChannelError, adapter_class, get_adapter
from channels_app.adapters.http import HttpClient, redact
from channels_app.backoff import backoff_seconds
from tests.fakeapi import Reply


def test_every_live_kind_has_an_adapter_of_that_kind():
    for kind in ("x", "facebook", "rss", "email", "webhook"):
        assert adapter_class(kind).kind == kind
    assert set(ADAPTERS) == {"x", "facebook", "rss", "email", "webhook"}


def test_kinds_without_a_live_adapter_are_a_permanent_error():
    with pytest.raises(ChannelError, match="no live adapter for 'phone'") as raised:
        get_adapter(ChannelConfig(kind="phone"))
    assert raised.value.permanent


def test_adapters_load_without_django_models():
    # Adapters speak formats and HTTP only: importing them must not need the app registry.
    code = "import channels_app.adapters.base as b; [b.adapter_class(k) for k in b.ADAPTERS]; print('loaded')"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env={"PATH": ""}, check=False)
    assert result.stdout.strip() == "loaded", result.stderr


def test_secrets_in_query_strings_never_reach_an_error_message():
    url = "https://graph.example/v19.0/42/feed?fields=id&access_token=EAAB-secret&appsecret_proof=9f8e&limit=25"
    assert redact(url) == "https://graph.example/v19.0/42/feed?fields=id&access_token=***&appsecret_proof=***&limit=25"


def test_a_refused_connection_is_transient_and_names_no_token():
    client = HttpClient(ChannelConfig(kind="facebook", base_url="http://127.0.0.1:9/", timeout=0.5))
    with pytest.raises(ChannelError) as raised:
        client.get("42/feed", params={"access_token": "EAAB-secret"})
    assert not raised.value.permanent
    assert "EAAB-secret" not in str(raised.value) and "connection failed" in str(raised.value)


def test_a_body_cut_short_is_a_transient_error(fake_api):
    fake_api.route("GET", "/feed", Reply(json={"data": [{"id": "1"}] * 50}, truncate=True))
    with pytest.raises(ChannelError) as raised:
        HttpClient(ChannelConfig(kind="x", base_url=fake_api.base_url)).get("feed")
    assert not raised.value.permanent


@pytest.mark.parametrize("failures", [1, 2, 3, 6, 12])
def test_backoff_is_exponential_with_jitter_and_capped(failures):
    ceiling = min(3600, 30 * 2 ** (failures - 1))
    draws = {backoff_seconds(failures, base=30, cap=3600) for _ in range(50)}
    assert all(ceiling / 2 <= draw <= ceiling for draw in draws)
    assert len(draws) > 1  # jittered


def test_backoff_honours_the_channels_reset_time():
    assert 900 <= backoff_seconds(1, base=30, cap=60, retry_after=900) <= 990
    assert backoff_seconds(1, base=30, cap=60, retry_after=10 * 24 * 3600) == 24 * 3600
