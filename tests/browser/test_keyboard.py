"""The console's keyboard shortcuts in a real browser: j/k and Enter in the inbox, / and ? anywhere,
r and a on the case page."""

import re

import pytest

from tests.browser.helpers import forum_channel, ingest_forum_post, wait_until
from tests.roles import user_in_group

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

expect = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed").expect


def three_cases(channel):
    """Three unassigned cases, opened in this order; the inbox lists them newest first: Omar's, Lena's, Kai's."""
    kai = ingest_forum_post(
        channel, "t-1/p-1", "Acme Air lost my stroller at Heathrow", handle="kai_w", name="Kai Weber", minutes_ago=30
    )
    lena = ingest_forum_post(
        channel, "t-2/p-1", "Acme Air refund for AA 902 still pending", handle="lena_m", name="Lena M", minutes_ago=20
    )
    omar = ingest_forum_post(
        channel, "t-3/p-1", "Acme Air app crashes at checkout", handle="omar_s", name="Omar Said", minutes_ago=10
    )
    return omar, lena, kai


def test_the_inbox_and_the_case_page_work_from_the_keyboard(browsing, fake_api, monkeypatch):
    # Given: three unassigned cases; the inbox does not refresh during this test (the next one refreshes it).
    monkeypatch.setattr("cases.views.inbox.POLL_SECONDS", 3600)
    _newest, middle, _oldest = three_cases(forum_channel(fake_api.base_url))
    page = browsing.signed_in(user_in_group("Agents", username="rosa", first_name="Rosa", last_name="Marín"))
    page.goto("/console/?view=unassigned")
    rows = page.locator("tr.case-row")
    expect(rows).to_have_count(3)
    selected = page.locator("tr.case-row.selected")

    # j moves down, k moves up.
    page.keyboard.press("j")
    expect(selected).to_contain_text("@omar_s")
    page.keyboard.press("j")
    page.keyboard.press("j")
    expect(selected).to_contain_text("@kai_w")
    page.keyboard.press("k")
    expect(selected).to_contain_text("@lena_m")
    expect(selected).to_be_focused()

    # / focuses the search box (and types nothing); ? opens the help.
    page.keyboard.press("/")
    expect(page.get_by_label("Search posts and handles")).to_be_focused()
    expect(page.get_by_label("Search posts and handles")).to_have_value("")
    page.get_by_label("Search posts and handles").blur()
    page.keyboard.press("?")
    expect(page.locator("dialog#shortcuts")).to_be_visible()
    browsing.screenshot(page, "inbox-help")
    page.keyboard.press("Escape")
    expect(page.locator("dialog#shortcuts")).to_be_hidden()

    # Enter opens the selected case.
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(rf"/console/cases/{middle.pk}/$"))

    # On the case page: r focuses the reply (typing nothing), ? opens the help, a assigns to me.
    page.keyboard.press("r")
    reply = page.get_by_label("Reply", exact=True)
    expect(reply).to_be_focused()
    expect(reply).to_have_value("")
    reply.blur()
    page.keyboard.press("?")
    expect(page.locator("dialog#shortcuts")).to_be_visible()
    expect(page.locator("dialog#shortcuts")).to_contain_text("reply")
    browsing.screenshot(page, "case-help")
    page.keyboard.press("Escape")
    expect(page.locator("dialog#shortcuts")).to_be_hidden()
    page.keyboard.press("a")
    expect(page.locator("ul.messages")).to_contain_text(f"{middle.reference} is yours.")
    expect(page.locator(".case-facts")).to_contain_text("Rosa Marín")


def test_the_keyboard_selection_survives_an_inbox_refresh(browsing, fake_api):
    # Given: the inbox, the second case selected with j j.
    _newest, middle, _oldest = three_cases(forum_channel(fake_api.base_url))
    page = browsing.signed_in(user_in_group("Agents", username="rosa"))
    page.goto("/console/?view=unassigned")
    expect(page.locator("tr.case-row")).to_have_count(3)
    page.keyboard.press("j")
    page.keyboard.press("j")
    expect(page.locator("tr.case-row.selected")).to_contain_text("@lena_m")

    # When: the list refreshes itself (the poll swaps the rows).
    page.evaluate("window.rowsBefore = document.getElementById('inbox-rows')")
    # Polled from here: wait_for_function evaluates a string in the page, which the CSP (rightly) refuses.
    wait_until(
        lambda: page.evaluate("() => !document.contains(window.rowsBefore) && !!document.getElementById('inbox-rows')")
    )

    # Then: the same case is still selected and Enter opens it.
    expect(page.locator("tr.case-row.selected")).to_contain_text("@lena_m", timeout=2_000)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(rf"/console/cases/{middle.pk}/$"), timeout=5_000)
