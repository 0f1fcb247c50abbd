"""factory_boy factories of the goodwill models, and a helper that stores the policy a test needs."""

import datetime as dt
from decimal import Decimal

import factory
from django.utils import timezone

from goodwill.choices import CompensationCategory, CompensationKind, CompensationStatus, RelationshipKind
from goodwill.models import (
    CompensationRequest,
    CustomerContactDetail,
    DeclaredRelationship,
    EmployeeContact,
    GoodwillPolicy,
)
from tests.factories import CaseFactory, CustomerFactory, UserFactory


def policy(**fields) -> GoodwillPolicy:
    """The policy row with these values (the rest: USD, 50 per case, 100 per customer a month, 500 for managers)."""
    settings = GoodwillPolicy.load()
    for name, value in fields.items():
        setattr(settings, name, value)
    settings.save()
    return settings


class CompensationRequestFactory(factory.django.DjangoModelFactory):
    """A request already given within limits (status granted); pass status and decided_by for others."""

    class Meta:
        model = CompensationRequest

    case = factory.SubFactory(CaseFactory)
    customer = factory.SelfAttribute("case.customer")
    requested_by = factory.SubFactory(UserFactory)
    kind = CompensationKind.CREDIT
    amount = Decimal("20.00")
    currency = "USD"
    reason = "Parcel arrived nine days late; goodwill credit for the delay."
    category = CompensationCategory.DELAY
    status = CompensationStatus.GRANTED
    decided_at = factory.LazyFunction(timezone.now)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        # created_at is auto_now_add: tests that need history pass it and it is written afterwards.
        created_at = kwargs.pop("created_at", None)
        obj = super()._create(model_class, *args, **kwargs)
        if created_at is not None:
            model_class.objects.filter(pk=obj.pk).update(created_at=created_at)
            obj.created_at = created_at
        return obj


class EmployeeContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EmployeeContact

    user = factory.SubFactory(UserFactory)


class CustomerContactDetailFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CustomerContactDetail

    customer = factory.SubFactory(CustomerFactory)


class DeclaredRelationshipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DeclaredRelationship

    agent = factory.SubFactory(UserFactory)
    customer = factory.SubFactory(CustomerFactory)
    kind = RelationshipKind.FAMILY


def days_ago(days: float) -> dt.datetime:
    return timezone.now() - dt.timedelta(days=days)
