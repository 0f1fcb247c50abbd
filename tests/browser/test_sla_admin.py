"""An admin edits an SLA policy in the Django admin in a real browser; the worker re-plans the open case
and its page shows the new first-response due time."""

import datetime as dt

import pytest

from cases.models import SLAClock
from tests.browser.helpers import forum_channel, ingest_forum_post, wait_until
from tests.factories import SLAPolicyFactory
from tests.roles import user_in_group

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

expect = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed").expect


def first_response_due(page) -> dt.datetime:
    clock = page.locator("ul.clocks li.clock", has_text="First response")
    return dt.datetime.fromisoformat(clock.locator("time").get_attribute("datetime"))


def test_an_admin_changes_the_first_response_target_and_the_case_due_time_follows(browsing, fake_api):
    # Given: a round-the-clock default policy of 60 minutes, and an open case under it.
    policy = SLAPolicyFactory(
        name="Standard care", is_default=True, first_response_minutes=60, next_response_minutes=120
    )
    case = ingest_forum_post(
        forum_channel(fake_api.base_url),
        "thread-3107/post-1",
        "Acme Air: my wheelchair assistance booking for Friday disappeared from the app",
        handle="ines_c",
        name="Inês Costa",
    )
    assert SLAClock.objects.filter(case=case, policy=policy).exists()
    admin = user_in_group("Admins", username="ada", first_name="Ada", is_staff=True)
    page = browsing.signed_in(admin)
    page.goto(f"/console/cases/{case.pk}/")
    assert first_response_due(page) == case.first_message_at + dt.timedelta(minutes=60)

    # When: the admin sets the first-response target to 240 minutes in the Django admin.
    page.goto(f"/admin/cases/slapolicy/{policy.pk}/change/")
    target = page.get_by_label("First response minutes")
    expect(target).to_have_value("60")
    target.fill("240")
    browsing.screenshot(page, "admin-policy")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator("ul.messagelist")).to_contain_text("was changed successfully")

    # Then: the worker re-plans the case; its page shows the new due time.
    page.goto(f"/console/cases/{case.pk}/")
    expected = case.first_message_at + dt.timedelta(minutes=240)

    def replanned():
        page.reload()
        return first_response_due(page) == expected

    wait_until(replanned, step=0.5)
    expect(page.locator("ul.clocks li.clock", has_text="First response")).to_contain_text("left")
    browsing.screenshot(page, "case-replanned")
