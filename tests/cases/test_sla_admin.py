"""Admin edits that move SLA clocks: a case's status or priority, a customer's tier.

They go through cases.services, so the timeline records who changed what
and the clocks are planned again at once."""

import datetime as dt

import pytest
from django.urls import reverse

from cases.choices import CaseEventKind, CaseStatus, Priority
from cases.models import CaseEvent, SLAClock
from channels_app.models import SocialPost
from channels_app.pipeline import ingest_posts
from tests.channels.helpers import T0, post
from tests.factories import ChannelFactory, SLAPolicyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def case():
    SLAPolicyFactory(name="Default", is_default=True, first_response_minutes=240, resolution_minutes=2880)
    SLAPolicyFactory(name="VIP", position=1, customer_tiers=["vip"], first_response_minutes=15)
    SLAPolicyFactory(name="Urgent", position=2, priorities=["urgent"], first_response_minutes=30)
    channel = ChannelFactory(name="Acme on X", brand_handles=["AcmeAirCare"], brand_terms=["Acme Air"])
    ingest_posts(channel=channel, posts=[post(1, 0, "@AcmeAirCare is there wifi on the A321 to Madrid?")])
    return SocialPost.objects.get(external_id="1").case


def form_data(response) -> dict:
    """The change form's POST body as the browser would send it unchanged: fields and inline management forms."""
    data = {}
    form = response.context["adminform"].form
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if value is None:
            continue
        if isinstance(value, list | tuple):
            data[name] = [getattr(item, "pk", item) for item in value]
        elif hasattr(value, "pk"):
            data[name] = value.pk
        elif hasattr(value, "isoformat") and name.endswith("_at"):
            data[f"{name}_0"], data[f"{name}_1"] = value.strftime("%Y-%m-%d"), value.strftime("%H:%M:%S")
        elif isinstance(value, bool):
            if value:
                data[name] = "on"
        else:
            data[name] = value
    for formset in response.context["inline_admin_formsets"]:
        management = formset.formset.management_form
        for name in management.fields:
            data[f"{management.prefix}-{name}"] = management.initial.get(name, 0)
    return data


def test_a_priority_changed_in_admin_is_on_the_timeline_and_re_plans_the_clocks(admin_client, admin_user, case):
    url = reverse("admin:cases_case_change", args=[case.pk])
    data = form_data(admin_client.get(url)) | {"priority": Priority.URGENT}

    response = admin_client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    case.refresh_from_db()
    assert (case.priority, case.sla_policy.name) == (Priority.URGENT, "Urgent")
    assert SLAClock.objects.get(case=case, target="first_response").due_at == T0 + dt.timedelta(minutes=30)
    change = CaseEvent.objects.get(case=case, kind=CaseEventKind.PRIORITY_CHANGE)
    assert (change.actor, change.payload["to"]) == (admin_user, Priority.URGENT)
    assert CaseEvent.objects.filter(case=case, kind=CaseEventKind.SLA_RECOMPUTED).exists()


def test_resolving_in_admin_sets_the_resolution_time_and_stops_the_clocks(admin_client, admin_user, case):
    url = reverse("admin:cases_case_change", args=[case.pk])
    data = form_data(admin_client.get(url)) | {"status": CaseStatus.RESOLVED}

    response = admin_client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    case.refresh_from_db()
    assert case.status == CaseStatus.RESOLVED and case.resolved_at is not None
    assert case.sla_next_due_at is None
    assert not SLAClock.objects.filter(case=case, state="running").exists()
    assert CaseEvent.objects.get(case=case, kind=CaseEventKind.STATUS_CHANGE).actor == admin_user


def test_a_tier_changed_in_admin_re_evaluates_the_customers_open_cases(admin_client, case):
    url = reverse("admin:cases_customer_change", args=[case.customer_id])
    data = form_data(admin_client.get(url)) | {"tier": "vip"}

    response = admin_client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    case.refresh_from_db()
    assert case.sla_policy.name == "VIP"
    assert case.customer.tier == "vip"
