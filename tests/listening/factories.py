"""Factories of listening's models."""

import factory

from listening import models


class ListeningRuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.ListeningRule
        skip_postgeneration_save = True

    brand = factory.Sequence(lambda n: f"Acme Air {n}")
    brand_terms = factory.LazyFunction(lambda: ["Acme Air"])
    product_terms = factory.LazyFunction(lambda: ["SkyMiles Plus"])
    competitor_terms = factory.LazyFunction(lambda: ["Globex Airways"])

    @factory.post_generation
    def channels(self, create, extracted, **kwargs):
        if create and extracted:
            self.channels.set(extracted)
