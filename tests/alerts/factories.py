"""factory_boy factories of the alerts app (and the listening rule it reads)."""

import datetime as dt

import factory

from alerts import models as alert_models
from listening.models import ListeningRule
from tests.factories import TeamFactory


class ListeningRuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ListeningRule
        skip_postgeneration_save = True

    brand = factory.Sequence(lambda n: f"Acme Air {n}")
    brand_terms = factory.LazyFunction(lambda: ["Acme Air", "@AcmeAir"])
    product_terms = factory.LazyFunction(lambda: ["SkyMiles"])
    competitor_terms = factory.LazyFunction(lambda: ["Globex Airways"])
    exclusions = factory.LazyFunction(lambda: ["acme anvil"])


class TermHourCountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = alert_models.TermHourCount

    rule = factory.SubFactory(ListeningRuleFactory)
    term = "Acme Air"
    hour = dt.datetime(2026, 3, 10, 13, tzinfo=dt.UTC)
    posts = 4


class SpikeAlertFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = alert_models.SpikeAlert

    rule = factory.SubFactory(ListeningRuleFactory)
    term = "Acme Air"
    hour = factory.Sequence(lambda n: dt.datetime(2026, 3, 10, 14, tzinfo=dt.UTC) - dt.timedelta(hours=n))
    count = 64
    baseline = 5.2
    std = 2.3
    z = 25.6
    negative_share = 0.72


class CapacityAlertFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = alert_models.CapacityAlert

    team = factory.SubFactory(TeamFactory)
    window_start = factory.Sequence(lambda n: dt.datetime(2026, 3, 10, 14, tzinfo=dt.UTC) - dt.timedelta(hours=n))
    horizon_hours = 2
    backlog = 30
    agents_on_shift = 2
    predicted_breaches = 6
