"""factory_boy factories for every model, shared by the app test folders."""

import datetime as dt

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from cases import models as case_models
from cases.choices import CaseEventKind, CaseStatus, ChannelKind
from channels_app import models as channel_models
from kpis import models as kpi_models


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"agent{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda user: f"{user.username}@brand.example")
    password = factory.django.Password("correct-horse-battery")


class CustomerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = case_models.Customer

    name = factory.Faker("name")
    email = factory.Sequence(lambda n: f"customer{n}@mail.example")


class BusinessCalendarFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = case_models.BusinessCalendar

    name = factory.Sequence(lambda n: f"Calendar {n}")
    time_zone = "Europe/London"


class OpeningIntervalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = case_models.OpeningInterval

    calendar = factory.SubFactory(BusinessCalendarFactory)
    weekday = 0
    opens_at = dt.time(9, 0)
    closes_at = dt.time(17, 0)


class HolidayFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = case_models.Holiday

    calendar = factory.SubFactory(BusinessCalendarFactory)
    date = dt.date(2026, 12, 25)
    name = "Christmas Day"


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = case_models.Team

    name = factory.Sequence(lambda n: f"Team {n}")


class AgentProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = case_models.AgentProfile

    user = factory.SubFactory(UserFactory)
    languages = factory.LazyFunction(lambda: ["en"])


class TagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = case_models.Tag

    name = factory.Sequence(lambda n: f"tag-{n}")


class CannedResponseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = case_models.CannedResponse

    title = factory.Sequence(lambda n: f"Canned reply {n}")
    shortcut = factory.Sequence(lambda n: f"reply-{n}")
    body = "Hi {{ customer.first_name }}, sorry about that. Could you DM us your order number?"


class CannedResponseVariantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = case_models.CannedResponseVariant

    response = factory.SubFactory(CannedResponseFactory)
    channel_kind = ChannelKind.X
    body = "Sorry about that! DM us your order number?"


class SLAPolicyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = case_models.SLAPolicy

    name = factory.Sequence(lambda n: f"Policy {n}")
    first_response_minutes = 60
    next_response_minutes = 120
    resolution_minutes = 24 * 60


class ChannelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = channel_models.Channel

    kind = ChannelKind.X
    name = factory.Sequence(lambda n: f"Channel {n}")
    brand_handles = factory.LazyFunction(lambda: ["AcmeSupport"])
    brand_terms = factory.LazyFunction(lambda: ["acme"])
    api_base_url = "http://127.0.0.1:9/"


class SocialProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = channel_models.SocialProfile

    customer = factory.SubFactory(CustomerFactory)
    kind = ChannelKind.X
    external_user_id = factory.Sequence(lambda n: str(2_244_994_945 + n))
    handle = factory.Sequence(lambda n: f"user_{n}")
    followers_count = 120


class CaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = case_models.Case

    customer = factory.SubFactory(CustomerFactory)
    origin_channel = factory.SubFactory(ChannelFactory)
    subject = "Order has not shipped"
    status = CaseStatus.OPEN
    first_message_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(hours=2))


class SocialPostFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = channel_models.SocialPost

    channel = factory.SubFactory(ChannelFactory)
    external_id = factory.Sequence(lambda n: str(1_852_017_720_541_925_392 + n))
    author = factory.SubFactory(SocialProfileFactory)
    text = "@AcmeSupport my order still hasn't shipped and nobody answers DMs"
    posted_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(hours=2))


class CaseEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = case_models.CaseEvent

    case = factory.SubFactory(CaseFactory)
    kind = CaseEventKind.INTERNAL_NOTE
    body = "Customer called as well; refund already approved."
    occurred_at = factory.LazyFunction(timezone.now)


class RawEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = channel_models.RawEvent

    channel = factory.SubFactory(ChannelFactory)
    source = "webhook.generic"
    headers = factory.LazyFunction(lambda: {"Content-Type": "application/json"})
    body = b'{"id": "evt-1", "text": "hello"}'


class OutboundMessageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = channel_models.OutboundMessage

    case = factory.SubFactory(CaseFactory)
    channel = factory.SelfAttribute("case.origin_channel")
    text = "Sorry to hear that! Could you DM us your order number so we can look into it?"


class SatisfactionSurveyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = kpi_models.SatisfactionSurvey

    case = factory.SubFactory(CaseFactory)
    token = factory.Sequence(lambda n: f"survey-token-{n}")
    sent_at = factory.LazyFunction(timezone.now)


class KpiRollupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = kpi_models.KpiRollup

    day = dt.date(2026, 11, 1)
    metric = "first_response_minutes_median"
    value = 42.0
    sample_size = 10


class SLAClockFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = case_models.SLAClock

    case = factory.SubFactory(CaseFactory)
    target = "first_response"
    started_at = factory.LazyAttribute(lambda clock: clock.case.first_message_at)
    due_at = factory.LazyAttribute(lambda clock: clock.started_at + dt.timedelta(hours=1))


class NotificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = case_models.Notification

    recipient = factory.SubFactory(UserFactory)
    case = factory.SubFactory(CaseFactory)
    kind = "sla_breach"
    message = "SC-1: first response overdue"
    dedupe_key = factory.Sequence(lambda n: f"case:{n}:first_response:1:breach")


class PriorityWeightSetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = case_models.PriorityWeightSet

    name = factory.Sequence(lambda n: f"Weights {n}")
    is_active = False  # at most one active set: tests activate the one they use


class RoutingRuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = case_models.RoutingRule

    name = factory.Sequence(lambda n: f"Rule {n}")
    team = factory.SubFactory(TeamFactory)


class KpiSettingsFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = kpi_models.KpiSettings
        django_get_or_create = ("id",)

    id = 1
    time_zone = "America/New_York"


class ContactCostFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = kpi_models.ContactCost
        django_get_or_create = ("channel_kind",)

    channel_kind = "x"
    cost_per_contact = 4


class SelfServiceResolutionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = kpi_models.SelfServiceResolution

    occurred_at = factory.LazyFunction(timezone.now)
    source = "knowledge_base"
    reference = "kb/how-to-change-a-flight"


class ApiTokenFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "api.ApiToken"

    user = factory.SubFactory(UserFactory)
    name = "Billing CRM sync"
    prefix = factory.Sequence(lambda n: f"scrm_{n:03d}")
    key_hash = factory.Sequence(lambda n: f"{n:064x}")
