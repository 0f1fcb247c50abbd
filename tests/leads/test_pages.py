"""The leads pages: who sees them, filters, the summary bar, the actions, the CSV and the query budgets."""

import csv
import io
from decimal import Decimal

import pytest
from django.urls import reverse

from leads.models import Lead
from leads.selectors import LeadFilters, leads_page
from tests.factories import CaseFactory, ChannelFactory, SocialProfileFactory, UserFactory
from tests.leads.factories import LeadFactory, LeadPostFactory
from tests.roles import user_in_group

pytestmark = pytest.mark.django_db

LIST = reverse("leads:list")


@pytest.fixture
def seller(client):
    user = user_in_group("Sales", username="priya.sales")
    client.force_login(user)
    return user


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(LIST)

    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_someone_without_a_role_may_not_see_leads(client):
    client.force_login(UserFactory())

    assert client.get(LIST).status_code == 403


def test_sales_sees_the_leads_with_their_posts(client, seller):
    LeadFactory(post=LeadPostFactory(text="Which plan covers 40 seats? Moving off Globex next month."))

    response = client.get(LIST)

    assert response.status_code == 200
    assert "Which plan covers 40 seats? Moving off Globex next month." in response.content.decode()
    assert 'href="/leads/"' in response.content.decode()  # the nav link


def test_agents_see_leads_but_cannot_work_them(client):
    client.force_login(user_in_group("Agents"))
    lead = LeadFactory()

    assert client.get(reverse("leads:detail", args=[lead.pk])).status_code == 200
    assert client.post(reverse("leads:claim", args=[lead.pk])).status_code == 403
    assert Lead.objects.get().owner is None


def test_the_list_filters_by_status_reason_competitor_channel_and_owner(client, seller):
    mobile = ChannelFactory(name="Acme Mobile on X")
    wanted = LeadFactory(
        post=LeadPostFactory(channel=mobile, text="Globex dropped my calls all week"),
        reason="competitor_complaint",
        competitor="Globex",
        owner=seller,
    )
    LeadFactory(
        post=LeadPostFactory(text="Initech overcharged me"), reason="competitor_complaint", competitor="Initech"
    )
    LeadFactory(post=LeadPostFactory(channel=mobile, text="Looking to add 3 lines"), competitor="")

    def shown(**params):
        return [lead.pk for lead in client.get(LIST, params).context["page"].leads]

    assert shown(reason="competitor_complaint", competitor="globex") == [wanted.pk]
    assert shown(channel=mobile.pk, reason="competitor_complaint") == [wanted.pk]
    assert shown(owner=str(seller.pk)) == [wanted.pk]
    assert len(shown(owner="none")) == 2
    assert shown(status="won") == []


def test_the_summary_bar_counts_the_period_whatever_the_status_filter(client, seller):
    LeadFactory()
    LeadFactory(status="contacted")
    LeadFactory(status="won", value=Decimal("1200.00"), closed_at="2026-01-01T00:00Z")
    Lead.objects.filter(status="won").update(closed_at=Lead.objects.get(status="won").created_at)

    summary = client.get(LIST, {"status": "new"}).context["summary"]

    assert (summary["created"], summary["new"], summary["contacted"], summary["won"]) == (3, 1, 1, 1)
    assert summary["won_value"] == {"USD": Decimal("1200.00")}
    assert summary["conversion_rate"] == pytest.approx(1 / 3)


def test_pages_follow_the_keyset_newest_first():
    leads = [LeadFactory() for _ in range(5)]

    first = leads_page(LeadFilters(), size=2)
    second = leads_page(LeadFilters(), after=first.next_after, size=2)
    last = leads_page(LeadFilters(), after=second.next_after, size=2)

    newest_first = [lead.pk for lead in reversed(leads)]
    assert [lead.pk for lead in first.leads + second.leads + last.leads] == newest_first
    assert last.next_after is None


def test_the_detail_shows_post_customer_profiles_and_case(client, seller):
    client.force_login(user_in_group("Managers"))
    profile = SocialProfileFactory(handle="dana_travels", followers_count=48_200)
    SocialProfileFactory(customer=profile.customer, kind="facebook", handle="dana.whitfield", followers_count=900)
    case = CaseFactory(customer=profile.customer)
    lead = LeadFactory(post=LeadPostFactory(author=profile, text="Looking to book group fares for 12"), case=case)

    body = client.get(reverse("leads:detail", args=[lead.pk])).content.decode()

    assert "Looking to book group fares for 12" in body
    assert "dana_travels" in body and "dana.whitfield" in body
    assert "48,200" in body
    assert reverse("console:case", args=[case.pk]) in body


def test_claim_contacted_won_through_the_page(client, seller):
    lead = LeadFactory()

    client.post(reverse("leads:claim", args=[lead.pk]))
    client.post(reverse("leads:contacted", args=[lead.pk]))
    response = client.post(reverse("leads:won", args=[lead.pk]), {"value": "2400.50", "currency": "GBP"})

    assert response.status_code == 302
    lead.refresh_from_db()
    assert (lead.owner, lead.status, lead.value, lead.currency) == (seller, "won", Decimal("2400.50"), "GBP")


def test_a_lost_lead_without_a_reason_shows_the_form_again(client, seller):
    lead = LeadFactory()

    response = client.post(reverse("leads:lost", args=[lead.pk]), {"reason": ""})

    assert response.status_code == 400
    assert Lead.objects.get().status == "new"


def test_an_htmx_action_answers_with_the_actions_fragment(client, seller):
    lead = LeadFactory()

    response = client.post(
        reverse("leads:lost", args=[lead.pk]), {"reason": "No budget this year"}, HTTP_HX_REQUEST="true"
    )

    assert response.templates[0].name == "leads/partials/actions.html"
    assert "No budget this year" in response.content.decode()


def test_the_csv_export_lists_the_filtered_leads_safely(client, seller):
    LeadFactory(post=LeadPostFactory(text='=HYPERLINK("http://evil.example") need 15 laptops'))
    LeadFactory(status="lost", lost_reason="went with Globex", closed_at="2026-01-01T00:00Z")

    response = client.get(LIST, {"export": "csv", "status": "new"})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))

    assert rows[0][:4] == ["id", "created_at", "status", "reason"]
    assert len(rows) == 2
    assert rows[1][8].startswith("'=HYPERLINK")


@pytest.mark.parametrize("size", [3, 30])
def test_the_list_costs_the_same_queries_at_any_size(client, seller, size, django_assert_max_num_queries):
    channel = ChannelFactory()
    for index in range(size):
        LeadFactory(post=LeadPostFactory(channel=channel), owner=seller if index % 2 else None)

    # session, user, permissions, owners, channels, page, summary
    with django_assert_max_num_queries(10):
        assert client.get(LIST).status_code == 200
    with django_assert_max_num_queries(10):
        assert b"".join(client.get(LIST, {"export": "csv"}).streaming_content).count(b"\n") == size + 1


@pytest.mark.parametrize("profiles", [1, 8])
def test_the_detail_costs_the_same_queries_at_any_size(client, seller, profiles, django_assert_max_num_queries):
    lead = LeadFactory(case=CaseFactory())
    for _ in range(profiles - 1):
        SocialProfileFactory(customer=lead.customer)

    with django_assert_max_num_queries(7):
        assert client.get(reverse("leads:detail", args=[lead.pk])).status_code == 200
