"""The rules report: per rule and term, posts matched, not relevant, with a case, precision."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.choices import EngagementType
from listening.models import ListeningFeedback
from listening.selectors import rules_report
from tests.factories import CaseFactory, ChannelFactory, SocialPostFactory
from tests.listening.factories import ListeningRuleFactory
from tests.roles import user_in_group

pytestmark = pytest.mark.django_db


def test_report_counts_each_term_and_the_rule_on_hand_made_posts():
    channel = ChannelFactory()
    rule = ListeningRuleFactory(
        brand="Acme Air",
        brand_terms=["Acme Air", "acme"],
        product_terms=["SkyMiles Plus"],
        competitor_terms=["Globex Airways"],
        channels=[channel],
    )
    now = timezone.now()

    def post(text, *, days_ago=1, **fields):
        fields.setdefault("engagement_type", EngagementType.PROACTIVE)
        return SocialPostFactory(channel=channel, text=text, posted_at=now - dt.timedelta(days=days_ago), **fields)

    post("Acme Air lost my bag at Heathrow", case=CaseFactory())
    post("acme air refund took six weeks", case=CaseFactory())
    cartoon = post("The ACME anvil falls on the coyote again")
    post("Is SkyMiles Plus worth it for two trips a year?")
    post("Globex Airways cancelled, rebooking with Acme Air", engagement_type=EngagementType.PROGRESSIVE)
    post("Acme Air from last month", days_ago=20)  # outside the period
    post("acmeair.example is down", engagement_type=EngagementType.NONE)  # not heard
    ListeningFeedback.objects.create(post=cartoon, rule=rule)

    [report] = rules_report(start=now - dt.timedelta(days=7), end=now)

    figures = {figure.term: figure for figure in report.terms}
    assert (figures["Acme Air"].matched, figures["Acme Air"].not_relevant, figures["Acme Air"].with_case) == (3, 0, 2)
    assert figures["Acme Air"].precision == 1.0
    # "acme" is a whole word of "Acme Air" too: the cartoon is its only noise here.
    assert (figures["acme"].matched, figures["acme"].not_relevant, figures["acme"].with_case) == (4, 1, 2)
    assert figures["acme"].precision == pytest.approx(2 / 3)
    assert figures["SkyMiles Plus"].matched == 1 and figures["SkyMiles Plus"].precision is None
    assert figures["Globex Airways"].matched == 1
    assert (report.total.matched, report.total.not_relevant, report.total.with_case) == (5, 1, 2)
    assert report.total.precision == pytest.approx(2 / 3)


def test_the_report_page_is_for_managers_and_shows_the_default_week(client):
    ListeningRuleFactory(brand="Acme Air", channels=[ChannelFactory()])
    client.force_login(user_in_group("Agents"))
    assert client.get(reverse("listening:report")).status_code == 403

    client.force_login(user_in_group("Managers"))
    response = client.get(reverse("listening:report"))

    assert response.status_code == 200
    form = response.context["form"]
    assert (form.cleaned_data["end"] - form.cleaned_data["start"]).days == 6
    assert "Acme Air" in response.content.decode()


def test_a_period_that_ends_before_it_starts_is_refused(client):
    client.force_login(user_in_group("Managers"))

    response = client.get(reverse("listening:report"), {"start": "2025-03-10", "end": "2025-03-01"})

    assert response.status_code == 400
