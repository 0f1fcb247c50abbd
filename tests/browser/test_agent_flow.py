"""An agent's day in a real browser: a post arrives by webhook, shows up in the inbox, is claimed, answered
with a canned response (published once to the channel's API by the worker) and resolved."""

import pytest

from channels_app.choices import OutboundStatus
from channels_app.models import OutboundMessage
from tests.browser.helpers import WAIT_MS, deliver_webhook, forum_channel, forum_post, wait_until
from tests.factories import CannedResponseFactory
from tests.fakeapi import Reply
from tests.roles import user_in_group

expect = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed").expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

POST_TEXT = "Acme Air cancelled flight AA 1187 to Lisbon and the rebooking link on the forum gives a 404"


def test_an_agent_answers_and_resolves_a_case_that_arrived_by_webhook(browsing, fake_api):
    # Given: a forum channel whose replies go to the fake API, a canned response, an agent.
    fake_api.route("POST", "/replies", Reply(status=201, json={"id": "forum-reply-5521"}))
    channel = forum_channel(fake_api.base_url)
    CannedResponseFactory(
        title="Rebooking help",
        shortcut="rebook",
        body="Hi {{ customer.first_name }}, sorry about the cancellation. We have rebooked you: check your email.",
    )
    user_in_group("Agents", username="rosa", first_name="Rosa", last_name="Marín")

    # The agent logs in through the form and watches the unassigned cases.
    page = browsing.log_in("rosa")
    page.get_by_role("link", name="Unassigned").click()
    expect(page.locator("#inbox-rows")).to_contain_text("No cases here")
    page.evaluate("window.notReloaded = true")

    # When: the forum delivers a post; the worker turns it into a case.
    answer = deliver_webhook(
        browsing.base_url,
        channel,
        [forum_post("thread-4410/post-1", POST_TEXT, handle="dana_r", name="Dana Reyes")],
    )
    assert answer["duplicate"] is False

    # Then: the case appears in the inbox by itself (the page was not reloaded).
    row = page.locator("tr.case-row", has_text="@dana_r")
    expect(row).to_be_visible(timeout=WAIT_MS)
    expect(row).to_contain_text("rebooking link")
    assert page.evaluate("window.notReloaded") is True
    browsing.screenshot(page, "inbox")

    # The agent opens it and claims it.
    row.get_by_role("link", name="@dana_r").click()
    expect(page.locator(".case-head h1")).to_be_visible()
    page.get_by_role("button", name="Assign to me").click()
    expect(page.locator(".case-facts")).to_contain_text("Rosa Marín")
    expect(page.get_by_role("button", name="Assign to me")).to_have_count(0)

    # A canned response fills the reply with the customer's first name; the agent sends it.
    page.get_by_label("Canned response").select_option(label="/rebook · Rebooking help")
    reply = page.get_by_label("Reply", exact=True)
    expect(reply).to_have_value("Hi Dana, sorry about the cancellation. We have rebooked you: check your email.")
    expect(reply).to_be_focused()
    browsing.screenshot(page, "case-reply")
    page.get_by_role("button", name="Send reply").click()
    expect(page.get_by_text("Reply queued")).to_be_visible()

    # The worker publishes it to the channel's API; the timeline shows it sent.
    wait_until(lambda: OutboundMessage.objects.filter(status=OutboundStatus.SENT).exists())
    page.reload()
    expect(page.locator("#timeline")).to_contain_text("We have rebooked you")

    # The agent resolves the case (without a survey, so the reply is the only message to the customer).
    page.get_by_label("No survey").check()
    page.get_by_role("button", name="Resolve").click()
    expect(page.locator(".case-facts .status")).to_have_text("Resolved")
    browsing.screenshot(page, "case-resolved")

    published = fake_api.calls("POST", "/replies")
    assert len(published) == 1
    assert published[0].json()["text"] == (
        "Hi Dana, sorry about the cancellation. We have rebooked you: check your email."
    )
    assert published[0].json()["in_reply_to_id"] == "thread-4410/post-1"
