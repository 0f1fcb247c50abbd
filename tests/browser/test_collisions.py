"""Two agents on one case in two browsers: each sees the other through the presence heartbeat, and the
one whose page is stale cannot send a reply over the other's (the draft is kept)."""

import pytest

from channels_app.choices import OutboundStatus
from channels_app.models import OutboundMessage
from tests.browser.helpers import WAIT_MS, forum_channel, ingest_forum_post, wait_until
from tests.fakeapi import Reply
from tests.roles import user_in_group

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

expect = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed").expect


def test_the_second_agent_sees_the_first_and_cannot_send_a_stale_reply(browsing, fake_api):
    # Given: a case from a forum post, two agents with the case open.
    fake_api.route("POST", "/replies", Reply(status=201, json={"id": "forum-reply-8830"}))
    channel = forum_channel(fake_api.base_url)
    case = ingest_forum_post(
        channel,
        "thread-9921/post-1",
        "Acme Air charged my card twice for seat 14C on the Oslo flight, booking ref KX4T9P",
        handle="priya_n",
        name="Priya Nair",
    )
    rosa = user_in_group("Agents", username="rosa", first_name="Rosa", last_name="Marín")
    sam = user_in_group("Agents", username="sam", first_name="Sam", last_name="Okafor")
    first, second = browsing.signed_in(rosa), browsing.signed_in(sam)
    first.goto(f"/console/cases/{case.pk}/")
    second.goto(f"/console/cases/{case.pk}/")

    # Each sees the other viewing; the second sees the first typing.
    expect(second.locator("#presence")).to_contain_text("Rosa is viewing", timeout=WAIT_MS)
    expect(first.locator("#presence")).to_contain_text("Sam is viewing", timeout=WAIT_MS)
    first.get_by_label("Reply", exact=True).fill("Hi Priya, we have refunded the duplicate seat charge today.")
    first.get_by_label("Reply", exact=True).press("End")  # a keyup: the heartbeat says "typing"
    expect(second.locator("#presence")).to_contain_text("Rosa is typing a reply", timeout=WAIT_MS)
    browsing.screenshot(second, "presence")

    # When: the first sends; the second, whose page predates that reply, sends too.
    first.get_by_role("button", name="Send reply").click()
    expect(first.get_by_text("Reply queued")).to_be_visible()
    expect(second.locator("#presence")).to_contain_text("new activity", timeout=WAIT_MS)
    stale_draft = "Hello Priya, so sorry! I will look into the double charge now."
    second.get_by_label("Reply", exact=True).fill(stale_draft)
    second.get_by_role("button", name="Send reply").click()

    # Then: refused with what changed, the draft kept and the timeline refreshed to show the first reply.
    expect(second.locator("ul.messages")).to_contain_text(f"Not sent: {case.reference} changed")
    expect(second.locator("ul.messages")).to_contain_text("Rosa Marín")
    expect(second.get_by_label("Reply", exact=True)).to_have_value(stale_draft)
    expect(second.locator("#timeline")).to_contain_text("refunded the duplicate seat charge")
    browsing.screenshot(second, "stale-reply-refused")

    # Only the first reply was ever sent to the channel.
    wait_until(lambda: OutboundMessage.objects.filter(status=OutboundStatus.SENT).exists())
    assert OutboundMessage.objects.count() == 1
    assert [call.json()["text"] for call in fake_api.calls("POST", "/replies")] == [
        "Hi Priya, we have refunded the duplicate seat charge today."
    ]
