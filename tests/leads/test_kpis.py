"""Leads on the KPI pages: created, won, won value per currency and conversion, with the page's filters."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from kpis.scope import KpiScope
from kpis.selectors.dashboard import scope_lead_figures
from leads.models import Lead
from tests.factories import CaseFactory, ChannelFactory, KpiSettingsFactory, TeamFactory
from tests.leads.factories import LeadFactory, LeadPostFactory
from tests.roles import user_in_group

pytestmark = pytest.mark.django_db

MAY = KpiScope(start=dt.datetime(2026, 5, 1, tzinfo=dt.UTC), end=dt.datetime(2026, 6, 1, tzinfo=dt.UTC), zone=dt.UTC)


def lead(created, *, status="new", closed=None, value=None, currency="USD", **fields):
    made = LeadFactory(status=status, value=value, currency=currency, closed_at=closed, **fields)
    Lead.objects.filter(pk=made.pk).update(created_at=created)
    return made


def may(day, hour=12):
    return dt.datetime(2026, 5, day, hour, tzinfo=dt.UTC)


def test_lead_figures_count_created_won_value_and_conversion_in_the_period():
    lead(may(3))
    lead(may(4), status="contacted")
    lead(may(5), status="won", closed=may(20), value=Decimal("1200.00"))
    lead(may(6), status="won", closed=may(21), value=Decimal("300.50"), currency="EUR")
    lead(dt.datetime(2026, 4, 28, tzinfo=dt.UTC), status="won", closed=may(2), value=Decimal("99.99"))
    lead(may(7), status="lost", closed=may(8))
    lead(may(9), status="won", closed=dt.datetime(2026, 6, 2, tzinfo=dt.UTC), value=Decimal("5000"))
    lead(dt.datetime(2026, 6, 1, tzinfo=dt.UTC))  # the next period

    figures = scope_lead_figures(MAY)

    assert (figures["created"], figures["new"], figures["contacted"]) == (6, 1, 1)
    # Won in May, whenever created (the April lead counts, the lead won in June does not).
    assert (figures["won"], figures["lost"]) == (3, 1)
    assert figures["won_value"] == {"EUR": Decimal("300.50"), "USD": Decimal("1299.99")}
    # Of the 6 created in May, 3 are won now (one of them in June).
    assert figures["conversion_rate"] == pytest.approx(3 / 6)


def test_a_period_without_leads_has_no_conversion_rate():
    figures = scope_lead_figures(MAY)

    assert (figures["created"], figures["won_value"], figures["conversion_rate"]) == (0, {}, None)


def test_the_channel_filter_reads_the_posts_channel_and_team_and_agent_filters_the_leads_case():
    x, facebook = ChannelFactory(name="Acme on X"), ChannelFactory(name="Acme on Facebook")
    care = TeamFactory(name="Mobile care")
    agent = user_in_group("Agents")
    on_x = lead(may(3), post=LeadPostFactory(channel=x), case=CaseFactory(team=care, assignee=agent))
    lead(may(3), post=LeadPostFactory(channel=facebook), case=CaseFactory())
    lead(may(4), post=LeadPostFactory(channel=facebook))

    def created(**dimension):
        return scope_lead_figures(KpiScope(start=MAY.start, end=MAY.end, zone=dt.UTC, **dimension))["created"]

    assert created(channel_id=x.pk) == 1
    assert created(channel_id=facebook.pk) == 2
    assert created(team_id=care.pk) == 1
    assert created(agent_id=agent.pk) == 1
    assert on_x.case.team == care


def test_the_dashboard_shows_the_leads_cards(client):
    KpiSettingsFactory(time_zone="UTC")
    now = timezone.now()
    lead(now - dt.timedelta(days=1), status="won", closed=now - dt.timedelta(hours=1), value=Decimal("750.00"))
    lead(now - dt.timedelta(days=2))
    client.force_login(user_in_group("Managers"))

    response = client.get(reverse("kpis:dashboard"))

    body = response.content.decode()
    assert response.context["board"].leads["created"] == 2
    assert "Leads created" in body and "750.00 USD" in body and "50.0%" in body


def test_the_api_kpi_summary_includes_the_leads(client):
    KpiSettingsFactory(time_zone="UTC")
    now = timezone.now()
    lead(now - dt.timedelta(days=1), status="won", closed=now - dt.timedelta(hours=1), value=Decimal("750.00"))
    client.force_login(user_in_group("Managers"))

    body = client.get("/api/v1/kpis/summary/").json()

    assert body["leads"]["won"] == 1
    assert body["leads"]["won_value"] == {"USD": "750.00"}
