"""The alert pages, the status actions, the console banner and the roles' permissions."""

import datetime as dt

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from alerts.models import AlertStatus, SpikeAlert
from cases.choices import SentimentLabel
from tests.alerts.factories import CapacityAlertFactory, ListeningRuleFactory, SpikeAlertFactory, TermHourCountFactory
from tests.factories import CaseFactory, SocialPostFactory, UserFactory
from tests.roles import user_in_group

pytestmark = pytest.mark.django_db


@pytest.fixture
def agent():
    return user_in_group("Agents", username="ana")


@pytest.fixture
def manager():
    return user_in_group("Managers", username="mara")


def test_roles_get_the_alert_permissions():
    agents = set(Group.objects.get(name="Agents").permissions.values_list("codename", flat=True))
    managers = set(Group.objects.get(name="Managers").permissions.values_list("codename", flat=True))

    assert {"view_spikealert", "view_capacityalert"} <= agents
    assert "change_spikealert" not in agents
    assert {"change_spikealert", "change_capacityalert", "change_alertsettings"} <= managers


def test_an_agent_sees_open_alerts_without_actions(client, agent):
    rule = ListeningRuleFactory(brand="Acme Air")
    SpikeAlertFactory(rule=rule, term="SkyMiles")
    SpikeAlertFactory(rule=rule, term="Globex Airways", status=AlertStatus.CLOSED)
    CapacityAlertFactory(team__name="Care")
    client.force_login(agent)

    page = client.get(reverse("alerts:list"), {"status": "closed"}).content.decode()

    assert "SkyMiles" in page and "Care" in page
    assert "Globex Airways" not in page
    assert "Acknowledge" not in page


def test_an_agent_may_not_acknowledge(client, agent):
    alert = SpikeAlertFactory()
    client.force_login(agent)

    response = client.post(reverse("alerts:spike_status", args=[alert.pk]), {"status": "acknowledged"})

    assert response.status_code == 403
    assert SpikeAlert.objects.get(pk=alert.pk).status == AlertStatus.OPEN


def test_a_manager_acknowledges_then_closes_a_spike(client, manager):
    alert = SpikeAlertFactory()
    client.force_login(manager)
    url = reverse("alerts:spike_status", args=[alert.pk])

    response = client.post(url, {"status": "acknowledged"})
    alert.refresh_from_db()
    assert response.status_code == 303 and response.url == reverse("alerts:detail", args=[alert.pk])
    assert (alert.status, alert.acknowledged_by) == (AlertStatus.ACKNOWLEDGED, manager)

    client.post(url, {"status": "closed"})
    alert.refresh_from_db()
    assert alert.status == AlertStatus.CLOSED and alert.closed_at is not None


def test_acknowledging_twice_tells_the_second_manager(client, manager):
    alert = SpikeAlertFactory(status=AlertStatus.ACKNOWLEDGED)
    client.force_login(manager)

    response = client.post(reverse("alerts:spike_status", args=[alert.pk]), {"status": "acknowledged"}, follow=True)

    assert "already acknowledged" in response.content.decode()


def test_a_manager_closes_a_capacity_alert_from_the_list(client, manager):
    alert = CapacityAlertFactory()
    client.force_login(manager)

    response = client.post(reverse("alerts:capacity_status", args=[alert.pk]), {"status": "closed"})

    assert response.url == reverse("alerts:list")
    alert.refresh_from_db()
    assert alert.status == AlertStatus.CLOSED


def test_the_spike_page_shows_the_series_and_the_sample_posts(client, manager):
    rule = ListeningRuleFactory(brand="Acme Air")
    hour = dt.datetime(2026, 3, 10, 14, tzinfo=dt.UTC)
    TermHourCountFactory(rule=rule, term="Acme Air", hour=hour - dt.timedelta(hours=3), posts=5)
    TermHourCountFactory(rule=rule, term="Acme Air", hour=hour, posts=64)
    case = CaseFactory()
    angry = SocialPostFactory(
        text="Acme Air app crashed at check-in, can't get my boarding pass",
        sentiment_label=SentimentLabel.NEGATIVE,
        case=case,
    )
    alert = SpikeAlertFactory(rule=rule, term="Acme Air", hour=hour, sample_post_ids=[angry.pk])
    client.force_login(manager)

    page = client.get(reverse("alerts:detail", args=[alert.pk])).content.decode()

    assert '<svg class="chart"' in page and "Tue 14:00: 64" in page
    assert "can&#x27;t get my boarding pass" in page
    assert reverse("console:case", args=[case.pk]) in page
    assert f"@{angry.author.handle}" in page


def test_an_agent_does_not_see_a_closed_spike(client, agent):
    alert = SpikeAlertFactory(status=AlertStatus.CLOSED)
    client.force_login(agent)

    assert client.get(reverse("alerts:detail", args=[alert.pk])).status_code == 404


@pytest.mark.parametrize("rows", [2, 25])
def test_the_list_costs_the_same_queries_whatever_the_alerts(client, manager, rows, django_assert_max_num_queries):
    for index in range(rows):
        acknowledged = index % 2 == 1
        status = AlertStatus.ACKNOWLEDGED if acknowledged else AlertStatus.OPEN
        SpikeAlertFactory(acknowledged_by=manager if acknowledged else None, status=status)
        CapacityAlertFactory()
    client.force_login(manager)

    with django_assert_max_num_queries(10):
        response = client.get(reverse("alerts:list"), {"status": "all"})

    assert response.content.decode().count("alert-acknowledged") == rows // 2


def test_the_banner_lists_at_most_three_open_alerts_of_the_last_day(client, agent):
    SpikeAlertFactory(term="Acme Air")
    SpikeAlertFactory(term="SkyMiles")
    CapacityAlertFactory(team__name="Care")
    SpikeAlertFactory(term="Globex Airways", status=AlertStatus.CLOSED)
    old = SpikeAlertFactory(term="@AcmeAir")
    SpikeAlert.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(days=2))
    client.force_login(agent)

    banner = client.get(reverse("alerts:console_banner"), headers={"HX-Request": "true"}).content.decode()

    assert banner.count("<li") == 3
    assert "Globex Airways" not in banner and "@AcmeAir" not in banner


def test_the_banner_is_empty_for_a_user_without_the_permission(client):
    SpikeAlertFactory()
    client.force_login(UserFactory())

    assert client.get(reverse("alerts:console_banner")).content.decode().strip() == ""


def test_the_inbox_loads_the_banner(client, agent):
    client.force_login(agent)

    assert reverse("alerts:console_banner") in client.get(reverse("console:inbox")).content.decode()
