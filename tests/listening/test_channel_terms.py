"""Listening rules reach the adapters: the X search query, the RSS filter, ChannelConfig, ingestion."""

import datetime as dt

import pytest
from django.utils import timezone

from cases.choices import ChannelKind, EngagementType
from channels_app.adapters.base import ChannelConfig
from channels_app.adapters.rss import RssAdapter
from channels_app.adapters.x import build_search_query
from channels_app.models import SocialPost
from channels_app.pipeline import NormalizedPost, ingest_posts
from channels_app.services.channels import channel_config
from tests.factories import ChannelFactory
from tests.fakeapi import Reply
from tests.listening.factories import ListeningRuleFactory


def test_x_query_appends_exclusions_and_the_language():
    query, dropped = build_search_query(
        ["Acme Air", "@AcmeAir", "Globex Airways"], exclusions=["acme anvil", "cartoon"], languages=["en"]
    )

    assert query == '("Acme Air" OR @AcmeAir OR "Globex Airways") -is:retweet lang:en -"acme anvil" -cartoon'
    assert dropped == []


def test_x_query_ors_several_languages():
    query, _ = build_search_query(["acme"], languages=["en", "es"])

    assert query == "acme -is:retweet (lang:en OR lang:es)"


def test_x_query_over_the_limit_drops_terms_first_and_keeps_exclusions_that_fit():
    terms = [f"destination{n:03d}" for n in range(60)]
    exclusions = ["acme anvil", "road runner cartoon"]

    query, dropped = build_search_query(terms, exclusions=exclusions, languages=["en"], limit=200)

    assert len(query) <= 200
    assert query.endswith(' -is:retweet lang:en -"acme anvil" -"road runner cartoon"')
    assert query.startswith("(destination000 OR destination001")
    assert "destination059" in dropped
    assert not [item for item in dropped if item.startswith("-")]


def test_x_query_drops_exclusions_that_leave_no_room_for_the_first_term():
    query, dropped = build_search_query(["Acme Air"], exclusions=["x" * 40, "cartoon"], limit=60)

    assert query == '"Acme Air" -is:retweet -cartoon'
    assert dropped == ["-" + "x" * 40]


RSS_FEED = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Travel forum</title><link>https://forum.travel.example/</link>
<item><title>Acme Air lost my bag in Lisbon</title><link>https://forum.travel.example/t/1</link>
<pubDate>Mon, 04 Nov 2024 13:27:09 GMT</pubDate><description>Three days and no news.</description></item>
<item><title>Best beaches near Porto?</title><link>https://forum.travel.example/t/2</link>
<pubDate>Mon, 04 Nov 2024 14:00:00 GMT</pubDate><description>Going in June with kids.</description></item>
<item><title>The Acme Air anvil episode</title><link>https://forum.travel.example/t/3</link>
<pubDate>Mon, 04 Nov 2024 15:00:00 GMT</pubDate><description>Acme anvil inside.</description></item>
<item><title>Globex Airways or a train?</title><link>https://forum.travel.example/t/4</link>
<pubDate>Mon, 04 Nov 2024 16:00:00 GMT</pubDate><description>Madrid to Paris.</description></item>
</channel></rss>"""


def rss_adapter(fake_api, **config):
    fake_api.route("GET", "/feed.xml", Reply(body=RSS_FEED, content_type="application/rss+xml"))
    return RssAdapter(ChannelConfig(kind="rss", base_url=fake_api.base_url + "/feed.xml", timeout=2.0, **config))


def test_rss_with_filter_by_terms_keeps_items_naming_a_term_and_no_exclusion(fake_api):
    adapter = rss_adapter(
        fake_api,
        options={"filter_by_terms": True},
        brand_terms=("Acme Air",),
        competitor_terms=("Globex Airways",),
        exclusions=("acme anvil",),
    )

    result = adapter.fetch({})

    assert [item.external_id for item in result.items] == [
        "https://forum.travel.example/t/1",
        "https://forum.travel.example/t/4",
    ]
    assert len(result.ignored) == 2


def test_rss_without_the_option_keeps_every_item(fake_api):
    result = rss_adapter(fake_api, brand_terms=("Acme Air",)).fetch({})

    assert len(result.items) == 4 and result.ignored == []


@pytest.mark.django_db
def test_channel_config_widens_the_channel_terms_with_its_active_rules():
    channel = ChannelFactory(kind=ChannelKind.RSS, brand_terms=["acme"], competitor_terms=[])
    ListeningRuleFactory(
        channels=[channel], exclusions=["acme anvil"], languages=["en"], competitor_terms=["Globex Airways"]
    )
    ListeningRuleFactory(channels=[channel], is_active=False, brand_terms=["Initech"])

    config = channel_config(channel)

    assert config.brand_terms == ("acme", "Acme Air", "SkyMiles Plus")
    assert config.competitor_terms == ("Globex Airways",)
    assert config.exclusions == ("acme anvil",)
    assert config.languages == ("en",)
    assert config.options["filter_by_terms"] is True


@pytest.mark.django_db
def test_channel_options_can_turn_the_rss_filter_off_and_a_channel_without_rules_has_none():
    channel = ChannelFactory(kind=ChannelKind.RSS, options={"filter_by_terms": False})
    ListeningRuleFactory(channels=[channel])

    assert channel_config(channel).options["filter_by_terms"] is False
    assert "filter_by_terms" not in channel_config(ChannelFactory(kind=ChannelKind.RSS)).options


@pytest.mark.django_db
def test_ingestion_classifies_with_the_rules_of_the_channel():
    channel = ChannelFactory(brand_handles=["AcmeAirCare"], brand_terms=[], actionable_rules={"proactive": "never"})
    ListeningRuleFactory(channels=[channel], exclusions=["acme anvil"], languages=["en"])
    posted = timezone.now() - dt.timedelta(minutes=5)
    posts = [
        NormalizedPost(
            external_id="1", posted_at=posted, author_id="11", author_handle="jo", text="SkyMiles Plus is down"
        ),
        NormalizedPost(
            external_id="2", posted_at=posted, author_id="12", author_handle="al", text="Acme anvil, beep beep"
        ),
        NormalizedPost(
            external_id="3",
            posted_at=posted,
            author_id="13",
            author_handle="fr",
            text="Acme Air a perdu ma valise",
            language="fr",
        ),
    ]

    ingest_posts(channel=channel, posts=posts)

    stored = dict(SocialPost.objects.filter(channel=channel).values_list("external_id", "engagement_type"))
    assert stored == {"1": EngagementType.PROACTIVE, "2": EngagementType.NONE, "3": EngagementType.NONE}
