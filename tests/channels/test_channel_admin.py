"""Admin actions on live channels: poll now, test connection, retry a delivery or a reply."""

import io

import pytest
from django.contrib.messages import get_messages
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from channels_app.choices import ChannelKind, OutboundStatus, RawEventStatus
from channels_app.models import Channel, OutboundMessage, RawEvent, SocialPost
from channels_app.tasks import poll_channel_task
from tests.factories import CaseFactory, ChannelFactory, UserFactory
from tests.fakeapi import Reply

pytestmark = pytest.mark.django_db

FEED = """<?xml version="1.0"?><rss version="2.0"><channel><title>Gate Lounge forum</title>
<item><title>Bag lost on Acme Air 221</title><link>https://gatelounge.example/t/4410</link>
<description>Acme Air lost my bag between MAD and BOS, no answer in 5 days</description>
<pubDate>Sun, 29 Nov 2026 11:20:00 GMT</pubDate></item></channel></rss>"""


@pytest.fixture
def forum_feed(fake_api):
    fake_api.route("GET", "/feed", Reply(body=FEED, content_type="application/rss+xml"))
    return ChannelFactory(kind=ChannelKind.RSS, name="Gate Lounge", api_base_url=fake_api.base_url + "/feed")


def run_action(client, model, action, ids):
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    response = client.post(url, {"action": action, "_selected_action": [str(pk) for pk in ids]}, follow=True)
    assert response.status_code == 200
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_poll_now_resumes_a_stopped_channel_and_queues_a_forced_poll(admin_client, forum_feed, monkeypatch):
    Channel.objects.filter(pk=forum_feed.pk).update(polling_stopped_at=timezone.now(), last_error="Polling stopped: x")
    queued = []
    monkeypatch.setattr(poll_channel_task, "delay", lambda *args, **kwargs: queued.append((args, kwargs)))

    messages = run_action(admin_client, Channel, "poll_now", [forum_feed.pk])

    assert messages == ["Gate Lounge (RSS/Atom (blogs, forums, reviews)): poll queued."]
    assert queued == [((forum_feed.pk,), {"force": True})]
    forum_feed.refresh_from_db()
    assert forum_feed.polling_stopped_at is None


def test_test_connection_shows_what_the_channel_answered(admin_client, forum_feed):
    broken = ChannelFactory(kind=ChannelKind.RSS, name="Dead feed", api_base_url="http://127.0.0.1:9/feed")

    messages = run_action(admin_client, Channel, "test_connection", [forum_feed.pk, broken.pk])

    assert "RSS 2.0 feed Gate Lounge forum: 1 item" in " ".join(messages)
    assert any(message.startswith("Dead feed") and "connection failed" in message for message in messages)


def test_agents_cannot_poll_or_test_channels(client, forum_feed):
    from django.contrib.auth.models import Permission

    user = UserFactory(is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_channel"))
    client.force_login(user)
    response = client.get(reverse("admin:channels_app_channel_changelist"))
    assert response.status_code == 200
    assert b"poll_now" not in response.content and b"test_connection" not in response.content


def test_retry_requeues_a_dead_delivery_and_keeps_item_dead_letters(
    admin_client, forum_feed, django_capture_on_commit_callbacks
):
    delivery = RawEvent.objects.create(
        channel=forum_feed, source="webhook.webhook", body=b"[]", status=RawEventStatus.DEAD, attempts=8
    )
    item = RawEvent.objects.create(
        channel=forum_feed, source="rss.poll.item", body=b"{}", status=RawEventStatus.DEAD, delivery_id="i"
    )
    with django_capture_on_commit_callbacks(execute=False):
        messages = run_action(admin_client, RawEvent, "retry_now", [delivery.pk, item.pk])

    delivery.refresh_from_db()
    item.refresh_from_db()
    assert delivery.status == RawEventStatus.RECEIVED and item.status == RawEventStatus.DEAD
    assert "1 deliveries queued for processing." in messages
    assert any("single unreadable item" in message for message in messages)


def test_retry_requeues_only_failed_replies(admin_client, forum_feed, django_capture_on_commit_callbacks):
    case = CaseFactory()
    failed = OutboundMessage.objects.create(
        case=case, channel=forum_feed, text="Sorry!", status=OutboundStatus.FAILED, last_error="HTTP 400"
    )
    queued = OutboundMessage.objects.create(case=case, channel=forum_feed, text="Hello")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        messages = run_action(admin_client, OutboundMessage, "retry_now", [failed.pk, queued.pk])

    assert messages == ["1 message(s) queued to send again."]
    assert len(callbacks) == 1
    failed.refresh_from_db()
    assert failed.status == OutboundStatus.QUEUED


def test_poll_channels_command_polls_due_channels_in_process(forum_feed):
    out = io.StringIO()
    call_command("poll_channels", stdout=out, stderr=io.StringIO())
    assert out.getvalue().strip() == "Gate Lounge: 1 page(s): 1 stored, 0 duplicates"
    assert SocialPost.objects.filter(channel=forum_feed).count() == 1

    out = io.StringIO()
    call_command("poll_channels", "Gate Lounge", stdout=out)  # named: forced
    assert "0 stored, 1 duplicates" in out.getvalue()
