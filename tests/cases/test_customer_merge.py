"""Merging customers: profiles, posts and cases move; suggestions find likely duplicates."""

import pytest
from django.urls import reverse

from cases import selectors, services
from cases.choices import CaseEventKind, CustomerTier, InfluenceTier
from cases.models import Customer
from tests.factories import CaseFactory, CustomerFactory, SocialPostFactory, SocialProfileFactory

pytestmark = pytest.mark.django_db


def test_merge_moves_profiles_posts_and_cases_and_keeps_the_source_as_a_record():
    # Given the same person known by e-mail and on X
    target = CustomerFactory(name="Dana Reyes", email="dana@mail.example", phone="")
    source = CustomerFactory(name="", email="", phone="+44 7700 900123", tier=CustomerTier.VIP)
    x_profile = SocialProfileFactory(customer=source, handle="danar", followers_count=42_000)
    post = SocialPostFactory(author=x_profile)
    case = CaseFactory(customer=source)

    # When they are merged
    merged = services.customer_merge(source=source, target=target)

    # Then everything of the source belongs to the target
    x_profile.refresh_from_db()
    case.refresh_from_db()
    assert x_profile.customer == merged and case.customer == merged
    assert post.author.customer_id == merged.pk
    assert (merged.phone, merged.tier, merged.influence) == ("+44 7700 900123", CustomerTier.VIP, InfluenceTier.HIGH)
    source.refresh_from_db()
    assert source.merged_into == merged
    assert case.events.filter(kind=CaseEventKind.MERGE).exists()


def test_merge_into_itself_or_after_a_merge_is_refused():
    first, second, third = CustomerFactory.create_batch(3)

    with pytest.raises(services.MergeError, match="into itself"):
        services.customer_merge(source=first, target=first)
    services.customer_merge(source=second, target=first)
    with pytest.raises(services.MergeError, match="already merged"):
        services.customer_merge(source=second, target=third)


def test_customers_merged_into_the_source_follow_it():
    oldest, middle, newest = CustomerFactory.create_batch(3)
    services.customer_merge(source=newest, target=middle)

    services.customer_merge(source=middle, target=oldest)

    newest.refresh_from_db()
    assert newest.merged_into == oldest


def test_suggestions_pair_customers_with_the_same_email_ignoring_case():
    a = CustomerFactory(email="Sam.Okafor@mail.example")
    b = CustomerFactory(email="sam.okafor@mail.example")
    CustomerFactory(email="someone.else@mail.example")

    suggestions = selectors.customer_merge_suggestions()

    assert [set(s.customers) for s in suggestions] == [{a, b}]
    assert "same e-mail address" in suggestions[0].reason


def test_suggestions_pair_the_same_handle_and_name_on_different_channel_kinds():
    on_x = SocialProfileFactory(kind="x", handle="MiraTravels", display_name="Mira K")
    on_facebook = SocialProfileFactory(kind="facebook", handle="miratravels", display_name="Mira K")
    SocialProfileFactory(kind="x", handle="mira", display_name="Mira K")

    suggestions = selectors.customer_merge_suggestions()

    assert [set(s.customers) for s in suggestions] == [{on_x.customer, on_facebook.customer}]


def test_merged_customers_are_no_longer_suggested():
    a = CustomerFactory(email="pat@mail.example")
    b = CustomerFactory(email="pat@mail.example")
    services.customer_merge(source=b, target=a)

    assert selectors.customer_merge_suggestions() == []


def test_admin_merge_suggestions_page_lists_and_merges(admin_client):
    a = CustomerFactory(email="lee@mail.example")
    b = CustomerFactory(email="LEE@mail.example")
    url = reverse("admin:cases_customer_merge_suggestions")

    page = admin_client.get(url)
    assert page.status_code == 200
    assert f"Merge into #{a.pk}".encode() in page.content

    admin_client.post(url, {"customer": [a.pk, b.pk]})

    assert Customer.objects.get(pk=b.pk).merged_into_id == a.pk


def test_admin_action_merges_selected_customers_into_the_oldest(admin_client):
    a, b, c = CustomerFactory.create_batch(3)

    admin_client.post(
        reverse("admin:cases_customer_changelist"),
        {"action": "merge_into_oldest", "_selected_action": [a.pk, b.pk, c.pk]},
    )

    assert set(Customer.objects.filter(merged_into=a).values_list("pk", flat=True)) == {b.pk, c.pk}
