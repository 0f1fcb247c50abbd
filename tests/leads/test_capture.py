"""Capturing leads: from post ids (idempotent), through ingestion's posts_stored hook, and the backfill."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from channels_app.pipeline import ingest_posts
from channels_app.pipeline.normalized import NormalizedPost
from channels_app.signals import posts_stored
from leads.models import Lead
from leads.services import leads_backfill, leads_capture
from listening.models import ListeningRule
from tests.factories import CaseFactory, ChannelFactory, CustomerFactory, SocialPostFactory, SocialProfileFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def eager_celery(monkeypatch):
    """Tasks run in the test's process and transaction, whatever broker the run has."""
    from socialcrm.celery import app

    monkeypatch.setitem(app.conf, "task_always_eager", True)


@pytest.fixture
def channel():
    return ChannelFactory(brand_handles=["AcmeMobile"], brand_terms=["Acme Mobile"], competitor_terms=["Globex"])


def stored(channel, text, intent, sentiment="neutral", **fields):
    return SocialPostFactory(channel=channel, text=text, intent=intent, sentiment_label=sentiment, **fields)


def test_capture_makes_one_lead_per_accepted_post(channel):
    case = CaseFactory()
    buyer = stored(channel, "Looking to add 3 lines for my business, which plan?", "sales_lead", case=case)
    unhappy = stored(channel, "Globex dropped my calls all week, so done with them", "complaint", "negative")
    stored(channel, "Acme Mobile and Globex both have awful coverage here", "complaint", "negative")
    stored(channel, "Globex support was lovely today", "praise", "positive")

    created = leads_capture(post_ids=list(channel.posts.values_list("pk", flat=True)))

    assert created == 2
    leads = {lead.post_id: lead for lead in Lead.objects.all()}
    assert set(leads) == {buyer.pk, unhappy.pk}
    assert (leads[buyer.pk].reason, leads[buyer.pk].case_id, leads[buyer.pk].status) == (
        "purchase_intent",
        case.pk,
        "new",
    )
    assert (leads[unhappy.pk].reason, leads[unhappy.pk].competitor) == ("competitor_complaint", "Globex")
    assert leads[unhappy.pk].customer_id == unhappy.author.customer_id
    assert leads[unhappy.pk].channel_id == channel.pk


def test_capturing_the_same_posts_twice_makes_one_lead(channel):
    post = stored(channel, "Looking to add 3 lines for my business, which plan?", "sales_lead")

    assert leads_capture(post_ids=[post.pk]) == 1
    assert leads_capture(post_ids=[post.pk, post.pk]) == 0

    assert Lead.objects.filter(post=post).count() == 1


def test_capture_skips_outbound_deleted_and_authorless_posts(channel):
    brand = stored(channel, "Switching from Globex? Our family plan is $20 off", "sales_lead", direction="outbound")
    deleted = stored(channel, "Looking to add 3 lines", "sales_lead", deleted_at=timezone.now())
    anonymous = stored(channel, "Looking to add 3 lines", "sales_lead", author=None)

    assert leads_capture(post_ids=[brand.pk, deleted.pk, anonymous.pk, 987654]) == 0


def test_a_merged_customers_lead_belongs_to_the_customer_they_were_merged_into(channel):
    survivor = CustomerFactory(name="Dana Whitfield")
    merged = CustomerFactory(name="dana w", merged_into=survivor)
    post = stored(channel, "Looking to add 3 lines", "sales_lead", author=SocialProfileFactory(customer=merged))

    leads_capture(post_ids=[post.pk])

    assert Lead.objects.get().customer == survivor


def test_listening_rules_of_the_channel_add_competitor_and_brand_terms(channel):
    rule = ListeningRule.objects.create(brand="Acme", brand_terms=["AcmeOne"], competitor_terms=["Initech Mobile"])
    rule.channels.add(channel)
    competitor = stored(channel, "Initech Mobile overcharged me again, unbelievable", "complaint", "negative")
    ours = stored(channel, "AcmeOne is as slow as Initech Mobile now", "complaint", "negative")

    leads_capture(post_ids=[competitor.pk, ours.pk])

    assert list(Lead.objects.values_list("post_id", "competitor")) == [(competitor.pk, "Initech Mobile")]


def test_a_post_naming_a_listening_rules_exclusion_is_no_lead(channel):
    rule = ListeningRule.objects.create(brand="Acme", exclusions=["Globex shares", "careers"])
    rule.channels.add(channel)
    investor = stored(
        channel, "Globex shares tanked again today, what a disaster of a quarter", "complaint", "negative"
    )
    applicant = stored(channel, "Looking to join, which careers page lists the store jobs?", "sales_lead")
    customer = stored(channel, "Globex billed me twice this month and nobody answers", "complaint", "negative")

    leads_capture(post_ids=[investor.pk, applicant.pk, customer.pk])

    assert list(Lead.objects.values_list("post_id", flat=True)) == [customer.pk]


@pytest.mark.parametrize("posts", [3, 30])
def test_capture_costs_the_same_queries_at_any_batch_size(channel, posts, django_assert_max_num_queries):
    ids = [
        stored(channel, f"Globex billed me twice for March, ticket #{n} ignored", "complaint", "negative").pk
        for n in range(posts)
    ]

    # posts, channels, their listening rules, the insert
    with django_assert_max_num_queries(4):
        assert leads_capture(post_ids=ids) == posts


def normalized(external_id, text, *, author="1201", handle="dana_w", minutes_ago=10):
    return NormalizedPost(
        external_id=external_id,
        posted_at=timezone.now() - dt.timedelta(minutes=minutes_ago),
        text=text,
        author_id=author,
        author_handle=handle,
        author_name="Dana Whitfield",
    )


def test_ingested_posts_become_leads_through_the_posts_stored_hook(
    channel, eager_celery, django_capture_on_commit_callbacks
):
    posts = [
        normalized("9001", "Looking to add 3 lines for my business, which plan would you recommend?"),
        normalized("9002", "Globex lost my number port AGAIN, third time this year. Absolutely useless.", author="77"),
        normalized("9003", "Globex crew were amazing today, upgraded my phone for free!", author="78"),
        normalized("9004", "@AcmeMobile thanks for the quick fix yesterday", author="79"),
    ]

    with django_capture_on_commit_callbacks(execute=True):
        ingest_posts(channel=channel, posts=posts)

    captured = dict(Lead.objects.values_list("post__external_id", "reason"))
    assert captured == {"9001": "purchase_intent", "9002": "competitor_complaint"}


def test_ingesting_the_same_batch_again_makes_no_second_lead(channel, eager_celery, django_capture_on_commit_callbacks):
    posts = [normalized("9101", "Globex lost my number port AGAIN, third time this year. Absolutely useless.")]

    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            ingest_posts(channel=channel, posts=posts)

    assert Lead.objects.count() == 1


def test_a_batch_without_candidates_announces_nothing(channel, django_capture_on_commit_callbacks):
    received = []

    def listener(**kwargs):
        received.append(kwargs["post_ids"])

    posts_stored.connect(listener, dispatch_uid="test-no-candidates")
    try:
        with django_capture_on_commit_callbacks(execute=True):
            ingest_posts(channel=channel, posts=[normalized("9201", "What a lovely sunny day in Leeds")])
            ingest_posts(channel=channel, posts=[normalized("9202", "Looking to add 3 lines, which plan?", author="2")])
    finally:
        posts_stored.disconnect(dispatch_uid="test-no-candidates")

    assert received == [[channel.posts.get(external_id="9202").pk]]


def test_backfill_captures_leads_of_stored_posts_in_the_period_once(channel):
    now = timezone.now()
    recent = stored(channel, "Globex charged me roaming in my own country", "complaint", "negative")
    old = stored(
        channel, "Globex charged me roaming again", "complaint", "negative", posted_at=now - dt.timedelta(days=40)
    )
    stored(channel, "Globex shop staff were friendly", "praise", "positive")

    assert leads_backfill(since=now - dt.timedelta(days=30), until=now, batch_size=1) == 1
    out = io.StringIO()
    call_command("capture_leads", "--days", "30", stdout=out)

    assert out.getvalue().startswith("0 new leads")
    assert list(Lead.objects.values_list("post_id", flat=True)) == [recent.pk]
    assert not Lead.objects.filter(post=old).exists()
