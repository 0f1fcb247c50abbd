"""The pipeline's bulk helpers: fast instances, COPY inserts, array filters."""

import pytest

from cases.models import Case, Customer
from channels_app.models import OutboundMessage, SocialPost
from channels_app.pipeline.bulk import InstanceBuilder, any_of, insert_objects, insert_rows
from tests.factories import CaseFactory, ChannelFactory, CustomerFactory, SocialPostFactory


def concrete_values(obj):
    return {field.attname: getattr(obj, field.attname) for field in type(obj)._meta.concrete_fields}


@pytest.mark.django_db
def test_built_instance_equals_the_keyword_constructed_one():
    customer = CustomerFactory()

    built = InstanceBuilder(Case)(customer=customer, subject="Lost bag", language="en")
    expected = Case(customer=customer, subject="Lost bag", language="en")

    assert concrete_values(built) == concrete_values(expected)
    assert built.customer is customer  # cached: no query to read it back


def test_callable_defaults_are_evaluated_for_each_instance():
    build = InstanceBuilder(OutboundMessage)

    assert build(text="a").idempotency_key != build(text="b").idempotency_key


@pytest.mark.django_db
def test_insert_objects_gives_ids_and_stamps_auto_times():
    customers = [InstanceBuilder(Customer)(name=f"Customer {n}") for n in range(3)]

    insert_objects(Customer, customers)

    stored = Customer.objects.in_bulk([customer.pk for customer in customers])
    assert [stored[customer.pk].name for customer in customers] == ["Customer 0", "Customer 1", "Customer 2"]
    assert all(stored[customer.pk].created_at is not None for customer in customers)


@pytest.mark.django_db
def test_insert_rows_fills_left_out_columns_with_model_defaults():
    case = CaseFactory()

    insert_rows(
        Case.events.rel.related_model,
        ("case_id", "kind", "occurred_at"),
        [(case.pk, "internal_note", case.created_at)],
        returning=False,
    )

    event = case.events.get()
    assert (event.body, event.payload, event.dedupe_key) == ("", {}, "")


@pytest.mark.django_db
def test_any_of_filters_like_in():
    channel = ChannelFactory()
    wanted = [SocialPostFactory(channel=channel).external_id for _ in range(3)]
    SocialPostFactory(channel=channel)

    found = SocialPost.objects.filter(any_of(SocialPost, "external_id", [*wanted, "missing"]), channel=channel)

    assert sorted(found.values_list("external_id", flat=True)) == sorted(wanted)
