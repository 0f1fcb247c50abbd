"""factory_boy factories of sales leads (the shared ones are tests/factories.py)."""

import factory
from django.utils import timezone

from leads.choices import LeadReason
from leads.models import Lead
from tests.factories import ChannelFactory, SocialPostFactory, SocialProfileFactory


class LeadPostFactory(SocialPostFactory):
    """An inbound post with an author, as a lead's post is."""

    channel = factory.SubFactory(ChannelFactory)
    author = factory.SubFactory(SocialProfileFactory)
    text = "Looking to switch our 40-person team off Globex, which plan covers shared inboxes?"
    intent = "sales_lead"
    posted_at = factory.LazyFunction(timezone.now)


class LeadFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Lead

    post = factory.SubFactory(LeadPostFactory)
    channel = factory.SelfAttribute("post.channel")
    customer = factory.SelfAttribute("post.author.customer")
    reason = LeadReason.PURCHASE_INTENT
    competitor = "Globex"
