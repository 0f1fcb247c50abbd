"""A manager on the KPI pages in a real browser: the server-drawn SVG charts have marks, a channel filter
changes the figures and the charts, and the CSV export downloads with the filtered numbers."""

import csv
import datetime as dt
import io
from pathlib import Path

import pytest
from django.utils import timezone

from tests.factories import CaseFactory, ChannelFactory, KpiSettingsFactory, SocialPostFactory
from tests.roles import user_in_group

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

expect = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed").expect


def days_ago(days: int, hour: int) -> dt.datetime:
    return dt.datetime.combine(timezone.now().date() - dt.timedelta(days=days), dt.time(hour), tzinfo=dt.UTC)


def answered_case(channel, *, days: int, minutes: int, text: str):
    """A case whose customer posted on `days` ago at 11:00 and got a first response `minutes` later."""
    asked = days_ago(days, 11)
    case = CaseFactory(
        origin_channel=channel, first_message_at=asked, first_responded_at=asked + dt.timedelta(minutes=minutes)
    )
    SocialPostFactory(channel=channel, case=case, posted_at=asked, text=text)
    return case


def bar_heights(page, caption: str) -> list[float]:
    figure = page.locator("figure", has=page.get_by_text(caption, exact=True))
    return figure.locator("svg.chart rect.bar").evaluate_all("bars => bars.map(bar => bar.getBBox().height)")


def test_a_manager_sees_charts_with_data_filters_them_by_channel_and_downloads_the_csv(browsing):
    # Given: three cases on X two days ago, one by email three days ago.
    KpiSettingsFactory(time_zone="UTC")
    x = ChannelFactory(name="Acme Air on X", kind="x")
    mail = ChannelFactory(name="Care mail", kind="email")
    answered_case(x, days=2, minutes=10, text="@AcmeAirCare my bag never made it to Madrid")
    answered_case(x, days=2, minutes=20, text="@AcmeAirCare the app will not show my boarding pass")
    answered_case(x, days=2, minutes=30, text="@AcmeAirCare stuck on the tarmac for an hour in Dublin")
    answered_case(mail, days=3, minutes=90, text="I was charged twice for my seat upgrade on booking KX4T9P")
    page = browsing.signed_in(user_in_group("Managers", username="mara", first_name="Mara"))

    # When: the manager opens the KPI page.
    page.goto("/kpis/")

    # Then: the figures and charts show every channel's data; the charts have drawn marks.
    expect(page.get_by_role("heading", name="Social care KPIs")).to_be_visible()
    first_response = page.locator("dl.kpis > div", has_text="First response, median").locator("dd")
    expect(first_response).to_have_text("25.0 min")
    posts_chart = page.locator("figure", has=page.get_by_text("Inbound posts per day", exact=True))
    expect(posts_chart.locator("svg.chart")).to_be_visible()
    assert sorted(height for height in bar_heights(page, "Inbound posts per day") if height > 0) == [
        pytest.approx(134 / 3, abs=0.2),  # one post on one day against three on another: a third as tall
        pytest.approx(134, abs=0.2),
    ]
    median_chart = page.locator("figure", has=page.get_by_text("First response, median", exact=True))
    expect(median_chart.locator("svg.chart circle.dot")).to_have_count(2)
    expect(median_chart.locator("svg.chart polyline.line").first).to_be_visible()
    browsing.screenshot(page, "all-channels")

    # When: filtered to the mail channel.
    page.locator("#id_channel").select_option(str(mail.pk))
    page.get_by_role("button", name="Show").click()

    # Then: the figures and the charts show the mail case only.
    expect(first_response).to_have_text("1 h 30 min")
    expect(page.locator("#id_channel")).to_have_value(str(mail.pk))
    assert [height for height in bar_heights(page, "Inbound posts per day") if height > 0] == [
        pytest.approx(134, abs=0.2)
    ]
    expect(median_chart.locator("svg.chart circle.dot")).to_have_count(1)
    expect(median_chart.locator("svg.chart circle.dot title")).to_have_text(
        f"{days_ago(3, 0):%d %b}: 1 h 30 min", use_inner_text=False
    )
    browsing.screenshot(page, "mail-channel")

    # The series CSV of the filtered page downloads with a header and the mail channel's day.
    with page.expect_download() as download_info:
        page.locator("#charts-title").get_by_role("link", name="CSV").click()
    download = download_info.value
    assert download.suggested_filename.startswith("kpis-series-")
    rows = list(csv.DictReader(io.StringIO(Path(download.path()).read_text(encoding="utf-8"))))
    by_day = {row["day"]: row for row in rows}
    assert list(rows[0]) == [
        "day",
        "inbound_posts",
        "new_cases",
        "first_response_median_minutes",
        "first_response_p90_minutes",
        "sla_first_response_compliance",
        "csat",
        "net_sentiment",
        "mean_polarity",
        "backlog",
        "churned",
    ]
    mail_day = by_day[days_ago(3, 0).date().isoformat()]
    assert (mail_day["inbound_posts"], float(mail_day["first_response_median_minutes"])) == ("1", 90.0)
    assert by_day[days_ago(2, 0).date().isoformat()]["inbound_posts"] == "0"

    # And the per-case export: one row, the mail case.
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Export one row per case (CSV)").click()
    case_rows = list(csv.reader(io.StringIO(Path(download_info.value.path()).read_text(encoding="utf-8"))))
    assert case_rows[0][:3] == ["case", "created_at", "channel_kind"]
    assert len(case_rows) == 2 and case_rows[1][2] == "email"
