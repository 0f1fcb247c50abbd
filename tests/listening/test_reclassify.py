"""Stored posts classified again after a listening rule changed: the service, the admin hook, the command."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from cases.choices import EngagementType
from channels_app.choices import Direction
from listening import services
from listening.services import posts_reclassify
from tests.factories import CaseFactory, ChannelFactory, SocialPostFactory
from tests.listening.factories import ListeningRuleFactory

pytestmark = pytest.mark.django_db

WEEK_AGO = timezone.now() - dt.timedelta(days=7)


@pytest.fixture
def channel():
    return ChannelFactory(brand_handles=["AcmeAirCare"], brand_terms=["Acme Air"], competitor_terms=[])


def post(channel, text, engagement=EngagementType.NONE, *, hours_ago=3, **fields):
    return SocialPostFactory(
        channel=channel,
        text=text,
        engagement_type=engagement,
        language="en",
        posted_at=timezone.now() - dt.timedelta(hours=hours_ago),
        **fields,
    )


def engagement_of(*posts):
    return [type(p).objects.get(pk=p.pk).engagement_type for p in posts]


def test_a_new_competitor_term_makes_recent_posts_naming_it_progressive(channel):
    globex = post(channel, "Globex Airways cancelled my flight to Porto with two hours notice")
    unrelated = post(channel, "Porto is lovely in November, the pastries alone are worth it")
    old = post(channel, "Globex Airways lost my suitcase again", hours_ago=24 * 30)
    ListeningRuleFactory(brand_terms=[], product_terms=[], competitor_terms=["Globex Airways"], channels=[channel])

    changed = posts_reclassify(channel_ids=[channel.pk], since=WEEK_AGO)

    assert changed == 1
    assert engagement_of(globex, unrelated, old) == [
        EngagementType.PROGRESSIVE,
        EngagementType.NONE,
        EngagementType.NONE,
    ]


def test_a_new_exclusion_takes_posts_out_of_listening_and_leaves_their_case(channel):
    case = CaseFactory()
    cartoon = post(channel, "Acme Air freshener from the cartoon shop smells odd", EngagementType.PROACTIVE, case=case)
    flyer = post(channel, "Acme Air lost my bag at Heathrow, no one answers", EngagementType.PROACTIVE)
    ListeningRuleFactory(exclusions=["air freshener"], channels=[channel])

    assert posts_reclassify(channel_ids=[channel.pk], since=WEEK_AGO) == 1

    assert engagement_of(cartoon, flyer) == [EngagementType.NONE, EngagementType.PROACTIVE]
    cartoon.refresh_from_db()
    assert cartoon.case_id == case.pk


def test_reactive_and_outbound_posts_are_left_alone(channel):
    # Stored as reactive (a DM the text does not show): no rule decides that.
    dm = post(channel, "Globex Airways was cheaper, why should I stay?", EngagementType.REACTIVE)
    ours = post(channel, "Globex Airways fans: we match your status", direction=Direction.OUTBOUND)
    ListeningRuleFactory(competitor_terms=["Globex Airways"], exclusions=["cheaper"], channels=[channel])

    assert posts_reclassify(channel_ids=[channel.pk], since=WEEK_AGO) == 0
    assert engagement_of(dm, ours) == [EngagementType.REACTIVE, EngagementType.NONE]


def test_a_second_run_changes_nothing(channel):
    post(channel, "Globex Airways overbooked again, third time this year")
    ListeningRuleFactory(competitor_terms=["Globex Airways"], channels=[channel])

    assert posts_reclassify(channel_ids=[channel.pk], since=WEEK_AGO) == 1
    assert posts_reclassify(channel_ids=[channel.pk], since=WEEK_AGO) == 0


def test_batches_walk_every_post_even_when_many_share_a_time(channel, monkeypatch):
    monkeypatch.setattr(services, "RECLASSIFY_BATCH", 2)
    same_time = timezone.now() - dt.timedelta(hours=1)
    posts = [
        SocialPostFactory(channel=channel, text=f"Globex Airways delay number {n}", posted_at=same_time, language="en")
        for n in range(5)
    ] + [post(channel, "Globex Airways gate change, nobody told us", hours_ago=2)]
    ListeningRuleFactory(competitor_terms=["Globex Airways"], channels=[channel])

    assert posts_reclassify(channel_ids=[channel.pk], since=WEEK_AGO) == 6
    assert set(engagement_of(*posts)) == {EngagementType.PROGRESSIVE}


def test_posts_of_a_channel_the_rule_does_not_listen_on_keep_their_type(channel):
    elsewhere = ChannelFactory(brand_handles=["AcmeAirOffers"], brand_terms=[], competitor_terms=[])
    theirs = post(elsewhere, "Globex Airways upgraded me for free, nice")
    ListeningRuleFactory(competitor_terms=["Globex Airways"], channels=[channel])

    assert posts_reclassify(channel_ids=[channel.pk, elsewhere.pk], since=WEEK_AGO) == 0
    assert engagement_of(theirs) == [EngagementType.NONE]


def test_saving_a_rule_in_admin_reclassifies_the_channels_it_had_and_has(
    admin_client, channel, monkeypatch, django_capture_on_commit_callbacks, settings
):
    settings.LISTENING_RECLASSIFY_DAYS = 5
    dropped = ChannelFactory(brand_handles=["AcmeAirDeals"], brand_terms=[], competitor_terms=[])
    rule = ListeningRuleFactory(competitor_terms=["Globex Airways"], channels=[dropped])
    enqueued = []
    monkeypatch.setattr("listening.admin.reclassify_posts_task.delay", lambda *args: enqueued.append(args))

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            reverse("admin:listening_listeningrule_change", args=[rule.pk]),
            {
                "brand": rule.brand,
                "is_active": "on",
                "channels": [channel.pk],
                "brand_terms": '["Acme Air"]',
                "product_terms": "[]",
                "competitor_terms": '["Globex Airways", "Initech Air"]',
                "exclusions": "[]",
                "languages": "[]",
            },
            follow=True,
        )

    assert response.status_code == 200 and "will be classified again" in response.content.decode()
    assert enqueued == [(sorted([channel.pk, dropped.pk]), 5)]


def test_deleting_a_rule_in_admin_reclassifies_its_channels(
    admin_client, channel, monkeypatch, django_capture_on_commit_callbacks
):
    rule = ListeningRuleFactory(channels=[channel])
    enqueued = []
    monkeypatch.setattr("listening.admin.reclassify_posts_task.delay", lambda *args: enqueued.append(args))

    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(reverse("admin:listening_listeningrule_delete", args=[rule.pk]), {"post": "yes"})

    assert enqueued == [([channel.pk], 7)]


def test_the_task_and_the_command_reclassify_through_the_same_service(channel):
    from listening.tasks import reclassify_posts_task

    first = post(channel, "Initech Air refunded me in a day, impressive")
    second = post(channel, "Globex Airways refund is taking forever", hours_ago=24 * 20)
    ListeningRuleFactory(competitor_terms=["Initech Air", "Globex Airways"], channels=[channel])

    assert reclassify_posts_task.apply(args=([channel.pk], 7)).get() == 1
    out = io.StringIO()
    call_command("reclassify_posts", "--days", "30", "--channel", str(channel.pk), stdout=out)

    assert out.getvalue().strip() == "1 post changed engagement type."
    assert engagement_of(first, second) == [EngagementType.PROGRESSIVE, EngagementType.PROGRESSIVE]
