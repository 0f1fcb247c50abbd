"""factory_boy factories of the incidents app."""

import datetime as dt

import factory
from django.utils import timezone

from incidents.models import Incident, IncidentCase
from tests.factories import CaseFactory


class IncidentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Incident

    title = factory.Sequence(lambda n: f"Check-in outage {n}")
    description = "The mobile check-in returns an error after the seat map; web check-in works."
    started_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(hours=3))
    public_message = "We know check-in in the app is failing and are fixing it; please use the website meanwhile."


class IncidentCaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IncidentCase

    incident = factory.SubFactory(IncidentFactory)
    case = factory.SubFactory(CaseFactory)
