"""The ingestion pipeline over normalized posts: identity, threading rules, clocks, bulk behaviour."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.choices import CaseEventKind, CaseStatus, EngagementType, InfluenceTier, Intent
from cases.models import Case, CaseEvent, Customer
from channels_app.models import SocialPost, SocialProfile
from channels_app.pipeline import Ingestor, ingest_posts
from tests.channels.helpers import T0, case_structure, post
from tests.factories import ChannelFactory, SLAPolicyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def channel():
    return ChannelFactory(
        name="Acme on X", brand_handles=["AcmeAirCare"], brand_terms=["Acme Air"], competitor_terms=["SkyJet"]
    )


def case_of(channel, external_id):
    return SocialPost.objects.select_related("case").get(channel=channel, external_id=external_id).case


def test_new_author_gets_a_profile_and_customer_with_influence(channel):
    ingest_posts(
        channel=channel,
        posts=[
            post(
                1,
                0,
                "@AcmeAirCare my flight is delayed 4 hours and no one is at the gate",
                author_followers=25_000,
                author_name="Priya N",
                author_verified=True,
            )
        ],
    )

    profile = SocialProfile.objects.get(external_user_id="9001")
    assert (profile.kind, profile.followers_count, profile.verified) == ("x", 25_000, True)
    assert profile.customer.name == "Priya N"
    assert profile.customer.influence == InfluenceTier.HIGH


def test_followers_are_refreshed_from_the_latest_post_and_reach_recomputed(channel):
    ingest_posts(channel=channel, posts=[post(1, 0, "@AcmeAirCare hello, bag missing", author_followers=500)])
    ingest_posts(channel=channel, posts=[post(2, 60, "@AcmeAirCare still missing", author_followers=150_000)])

    customer = SocialProfile.objects.get(external_user_id="9001").customer
    assert (customer.max_followers, customer.influence) == (150_000, InfluenceTier.TOP)
    assert Customer.objects.count() == 1


def test_duplicate_with_more_likes_refreshes_the_counts_only(channel):
    first = ingest_posts(channel=channel, posts=[post(1, 0, "@AcmeAirCare lost my bag", like_count=2)])
    again = ingest_posts(channel=channel, posts=[post(1, 0, "@AcmeAirCare lost my bag", like_count=40, share_count=9)])

    assert (first.stored, again.stored, again.duplicates, again.refreshed) == (1, 0, 1, 1)
    stored = SocialPost.objects.get()
    assert (stored.like_count, stored.share_count) == (40, 9)
    assert Case.objects.count() == 1


def test_duplicates_inside_one_batch_are_stored_once(channel):
    result = ingest_posts(channel=channel, posts=[post(1, 0, "@AcmeAirCare hi"), post(1, 0, "@AcmeAirCare hi")])

    assert (result.stored, result.duplicates) == (1, 1)


def test_reply_arriving_before_its_parent_has_its_case_merged_into_the_parents(channel):
    # Given a customer's follow-up that arrived first and opened its own case
    ingest_posts(channel=channel, posts=[post(2, 30, "@AcmeAirCare still waiting on this??", reply_to=1)])
    early_case = case_of(channel, "2")

    # When the post it replies to arrives
    result = ingest_posts(channel=channel, posts=[post(1, 0, "@AcmeAirCare my refund never arrived")])

    # Then both are in one case, starting at the parent, and the early case is closed as merged
    merged = case_of(channel, "1")
    assert case_of(channel, "2") == merged
    assert merged.first_message_at == T0
    early_case.refresh_from_db()
    assert (early_case.status, early_case.merged_into_id) == (CaseStatus.CLOSED, merged.pk)
    assert result.cases_merged == 1
    assert CaseEvent.objects.filter(case=merged, kind=CaseEventKind.INBOUND_POST).count() == 2


def test_stored_brand_reply_opens_a_case_when_its_parent_arrives(channel):
    ingest_posts(channel=channel, posts=[post(2, 12, "@9001 thanks for flying with us!", reply_to=1, outbound=True)])
    assert Case.objects.count() == 0

    ingest_posts(channel=channel, posts=[post(1, 0, "Great crew on the Acme Air flight to Rome today")])

    case = case_of(channel, "1")
    assert case_of(channel, "2") == case
    assert case.first_responded_at == T0 + dt.timedelta(minutes=12)


def test_reply_to_a_recently_resolved_case_reopens_it(channel):
    ingest_posts(channel=channel, posts=[post(1, 0, "@AcmeAirCare wifi not working on AC12")])
    case = case_of(channel, "1")
    Case.objects.filter(pk=case.pk).update(status=CaseStatus.RESOLVED, resolved_at=T0 + dt.timedelta(hours=1))

    ingest_posts(channel=channel, posts=[post(2, 24 * 60, "@AcmeAirCare it broke again on the way back", reply_to=1)])

    case.refresh_from_db()
    assert case_of(channel, "2") == case
    assert (case.status, case.resolved_at) == (CaseStatus.OPEN, None)
    assert case.events.filter(kind=CaseEventKind.STATUS_CHANGE).exists()


def test_reply_to_a_case_resolved_long_ago_opens_a_new_case(channel):
    ingest_posts(channel=channel, posts=[post(1, 0, "@AcmeAirCare wifi not working on AC12")])
    old = case_of(channel, "1")
    Case.objects.filter(pk=old.pk).update(status=CaseStatus.RESOLVED, resolved_at=T0 + dt.timedelta(hours=1))

    ingest_posts(channel=channel, posts=[post(2, 30 * 24 * 60, "@AcmeAirCare wifi broken again", reply_to=1)])

    assert case_of(channel, "2") != old


def test_thanks_after_resolution_joins_without_reopening(channel):
    ingest_posts(channel=channel, posts=[post(1, 0, "@AcmeAirCare my seat was double booked on AC7")])
    case = case_of(channel, "1")
    Case.objects.filter(pk=case.pk).update(status=CaseStatus.RESOLVED, resolved_at=T0 + dt.timedelta(hours=1))

    ingest_posts(
        channel=channel, posts=[post(2, 90, "@AcmeAirCare thank you so much, you were brilliant!", reply_to=1)]
    )

    case.refresh_from_db()
    assert case.status == CaseStatus.RESOLVED
    assert case_of(channel, "2") == case


def test_proactive_praise_is_stored_without_a_case(channel):
    ingest_posts(channel=channel, posts=[post(1, 0, "Acme Air cabin crew were amazing today, thank you")])

    stored = SocialPost.objects.get()
    assert stored.engagement_type == EngagementType.PROACTIVE
    assert stored.case is None


def test_progressive_churn_threat_about_a_competitor_opens_a_case(channel):
    ingest_posts(channel=channel, posts=[post(1, 0, "SkyJet lost my bag again. done with them, switching airlines")])

    stored = SocialPost.objects.get()
    assert stored.engagement_type == EngagementType.PROGRESSIVE
    assert stored.intent == Intent.CHURN_THREAT
    assert stored.case is not None


def test_channel_rules_can_make_progressive_posts_never_actionable(channel):
    channel.actionable_rules = {"progressive": "never"}
    channel.save()

    ingest_posts(channel=channel, posts=[post(1, 0, "SkyJet lost my bag again. switching airlines")])

    assert SocialPost.objects.get().case is None


def test_new_case_gets_priority_and_sla_due_times_from_the_first_message(channel):
    SLAPolicyFactory(name="Default", is_default=True, first_response_minutes=60, resolution_minutes=1440)

    ingest_posts(channel=channel, posts=[post(1, 0, "@AcmeAirCare cancelled flight, stuck in Dublin, nobody answers")])

    case = case_of(channel, "1")
    assert case.sla_policy.name == "Default"
    assert case.first_response_due_at == T0 + dt.timedelta(minutes=60)
    assert case.resolution_due_at == T0 + dt.timedelta(days=1)
    assert case.sla_next_due_at == case.first_response_due_at
    assert case.priority_score > 0


def test_brand_reply_moves_the_next_due_time_to_resolution(channel):
    SLAPolicyFactory(name="Default", is_default=True, first_response_minutes=60, resolution_minutes=1440)

    ingest_posts(
        channel=channel,
        posts=[
            post(1, 0, "@AcmeAirCare cancelled flight, stuck in Dublin"),
            post(2, 20, "@9001 We're sorry, DM us your booking ref", reply_to=1, outbound=True),
        ],
    )

    case = case_of(channel, "1")
    assert case.first_responded_at == T0 + dt.timedelta(minutes=20)
    assert case.sla_next_due_at == case.resolution_due_at


def _thread_batch(start, size):
    posts = []
    for number in range(start, start + size):
        author = str(50_000 + number)
        posts.append(post(f"{number}a", number, f"@AcmeAirCare bag {number} missing at JFK", author=author))
        posts.append(post(f"{number}b", number + 5, f"@{author} sorry! DM us", reply_to=f"{number}a", outbound=True))
    return posts


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite splits bulk inserts by its limit on query parameters"
)
def test_query_count_per_batch_does_not_grow_with_its_size(channel):
    ingestor = Ingestor(channel)
    counts = []
    for start, size in ((0, 5), (1000, 100)):
        with CaptureQueriesContext(connection) as queries:
            ingestor.ingest(_thread_batch(start, size))
        counts.append(len(queries))

    assert counts[0] == counts[1], counts
    assert counts[1] <= 25


def test_ingesting_in_one_batch_or_many_gives_the_same_cases(channel):
    other = ChannelFactory(name="Same feed, small batches", brand_handles=["AcmeAirCare"], brand_terms=["Acme Air"])
    posts = _thread_batch(0, 12)

    ingest_posts(channel=channel, posts=posts)
    ingestor = Ingestor(other)
    for index in range(len(posts) - 1, -1, -3):
        ingestor.ingest(posts[max(index - 2, 0) : index + 1])

    assert case_structure(other) == case_structure(channel)


def test_text_and_raw_with_tabs_backslashes_newlines_and_nul_are_stored_exactly(channel):
    text = "@AcmeAirCare refund\tstill pending\\nope\nline two\r\nand a NUL\x00here 😤"
    raw = {"text": text, "path": "C:\\temp\\receipt.pdf", "nested": {"tab": "\t", "quote": '"'}}

    ingest_posts(channel=channel, posts=[post(1, 0, text, raw=raw)])

    stored = SocialPost.objects.get()
    # PostgreSQL text cannot hold NUL; it is the one character dropped.
    assert stored.text == text.replace("\x00", "")
    assert stored.raw["path"] == "C:\\temp\\receipt.pdf"
    assert stored.raw["nested"] == {"tab": "\t", "quote": '"'}


def test_customers_own_earlier_message_joins_the_case_its_follow_up_opened(channel):
    # A question that names a competitor is not actionable; the customer's follow-up to it is.
    opening = post(1, 0, "Done with SkyJet. Which airline flies BCN-FRA on Sundays?")
    follow_up = post(2, 60, "@AcmeAirCare is anyone reading these?", reply_to=1)

    ingest_posts(channel=channel, posts=[opening, follow_up])

    case = case_of(channel, "2")
    assert case_of(channel, "1") == case
    assert case.first_message_at == T0


def test_customers_earlier_message_arriving_late_joins_the_case_too(channel):
    ingest_posts(channel=channel, posts=[post(2, 60, "@AcmeAirCare is anyone reading these?", reply_to=1)])

    ingest_posts(channel=channel, posts=[post(1, 0, "Done with SkyJet. Which airline flies BCN-FRA on Sundays?")])

    case = case_of(channel, "2")
    assert case_of(channel, "1") == case
    assert case.first_message_at == T0


def test_another_customers_post_is_not_adopted(channel):
    ingest_posts(
        channel=channel,
        posts=[
            post(1, 0, "Which airline flies BCN-FRA on Sundays?", author="111"),
            post(2, 5, "@AcmeAirCare same question, and my flight was cancelled", author="222", reply_to=1),
        ],
    )

    assert case_of(channel, "1") is None
    assert case_of(channel, "2") is not None


def test_customer_answer_moves_a_pending_case_back_to_open(channel):
    ingest_posts(channel=channel, posts=[post(1, 0, "@AcmeAirCare my refund for AC12 never arrived")])
    case = case_of(channel, "1")
    Case.objects.filter(pk=case.pk).update(status=CaseStatus.PENDING)

    ingest_posts(channel=channel, posts=[post(2, 90, "@AcmeAirCare here is the booking ref: QX7P2L", reply_to=1)])

    case.refresh_from_db()
    assert case.status == CaseStatus.OPEN
    change = case.events.get(kind=CaseEventKind.STATUS_CHANGE)
    assert change.payload == {"from": "pending", "to": "open", "reason": "customer answered"}


def test_case_keeps_the_label_of_the_latest_customer_message(channel):
    ingest_posts(
        channel=channel,
        posts=[
            post(1, 0, "@AcmeAirCare my bag never arrived in Denver and nobody answers the phone"),
            post(2, 30, "@AcmeAirCare found it, thank you so much for the help!", reply_to=1),
        ],
    )

    assert case_of(channel, "1").sentiment_label == "positive"


def test_email_author_with_a_known_address_becomes_a_profile_of_that_customer(channel):
    # Given a VIP known by e-mail, and a policy for VIPs
    vip = Customer.objects.create(name="Ana Ruiz", email="ana.ruiz@mail.example", tier="vip")
    SLAPolicyFactory(name="VIP", position=1, customer_tiers=["vip"], first_response_minutes=15)
    SLAPolicyFactory(name="Default", is_default=True, first_response_minutes=240)

    # When she writes from that address
    ingest_posts(
        channel=channel,
        posts=[
            post(
                1,
                0,
                "My wheelchair assistance was not booked for tomorrow's flight",
                author="ANA.RUIZ@mail.example",
                author_email="ANA.RUIZ@mail.example",
                is_direct=True,
            )
        ],
    )

    # Then the case is hers, under the VIP policy
    case = case_of(channel, "1")
    assert case.customer == vip
    assert case.sla_policy.name == "VIP"
    assert Customer.objects.count() == 1


def test_another_customer_chiming_in_on_a_thread_gets_their_own_case(channel):
    ingest_posts(
        channel=channel,
        posts=[
            post(1, 0, "@AcmeAirCare flight AC88 cancelled, nobody at the desk", author="111"),
            post(2, 10, "@AcmeAirCare same here!! stuck at gate B12 for 3 hours", author="222", reply_to=1),
            post(3, 20, "@222 Sorry! Please DM us your booking reference.", reply_to=2, outbound=True),
        ],
    )

    first, second = case_of(channel, "1"), case_of(channel, "2")
    assert first != second
    assert case_of(channel, "3") == second
    assert second.first_responded_at == T0 + dt.timedelta(minutes=20)
    assert first.first_responded_at is None


def test_another_customers_reply_arriving_first_is_not_merged_into_the_thread_case(channel):
    ingest_posts(channel=channel, posts=[post(2, 10, "@AcmeAirCare same here!! 3 hours", author="222", reply_to=1)])
    ingest_posts(channel=channel, posts=[post(1, 0, "@AcmeAirCare AC88 cancelled, nobody at the desk", author="111")])

    assert case_of(channel, "1") != case_of(channel, "2")
    assert Case.objects.filter(merged_into__isnull=False).count() == 0
