"""Counting posts per term and hour, and raising spike alerts (alerts.services.spikes)."""

import datetime as dt

import pytest

from alerts.models import SpikeAlert, TermHourCount
from alerts.services import alerts_count_and_detect_spikes
from cases.choices import NotificationKind, SentimentLabel
from cases.models import Notification
from tests.alerts.factories import ListeningRuleFactory
from tests.factories import ChannelFactory, SocialPostFactory, UserFactory
from tests.roles import user_in_group

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 3, 10, 14, 25, tzinfo=dt.UTC)
CURRENT = dt.datetime(2026, 3, 10, 14, tzinfo=dt.UTC)
PREVIOUS = CURRENT - dt.timedelta(hours=1)
# A quiet week: three to six posts an hour naming the brand.
QUIET = [3, 5, 4, 4, 6, 3, 4, 5]
COMPLAINTS = [
    "Acme Air app crashed at check-in, can't get my boarding pass",
    "@AcmeAir the app says my booking does not exist?? flight in 2 hours",
    "Is Acme Air down for everyone? Website and app both dead",
    "acme air check-in is broken, queue at LHR T5 is enormous",
]


@pytest.fixture
def world():
    channel = ChannelFactory(name="Acme Air on X")
    rule = ListeningRuleFactory(brand="Acme Air")
    rule.channels.add(channel)
    managers = [user_in_group("Managers", username="mara"), user_in_group("Managers", username="tomas")]
    user_in_group("Agents", username="ana")
    return channel, rule, managers


def quiet_week(rule, *, terms=("Acme Air", "*")):
    TermHourCount.objects.bulk_create(
        TermHourCount(rule=rule, term=term, hour=PREVIOUS - dt.timedelta(hours=step), posts=QUIET[step % 8])
        for term in terms
        for step in range(1, 169)
    )


def post(channel, text, *, minute=10, hour=CURRENT, **fields):
    return SocialPostFactory(
        channel=channel, author=None, text=text, posted_at=hour + dt.timedelta(minutes=minute), **fields
    )


def storm(channel, count=30):
    return [
        post(
            channel,
            COMPLAINTS[index % 4],
            minute=index % 25,
            sentiment_label=SentimentLabel.NEGATIVE if index % 3 else SentimentLabel.NEUTRAL,
        )
        for index in range(count)
    ]


def counts(rule, hour):
    return dict(TermHourCount.objects.filter(rule=rule, hour=hour).values_list("term", "posts"))


def test_posts_are_counted_per_term_and_hour_with_exclusions_and_only_inbound(world):
    channel, rule, _managers = world
    post(channel, "Acme Air lost my suitcase, third time this year", sentiment_label=SentimentLabel.NEGATIVE)
    post(channel, "My SkyMiles balance is wrong after the Acme Air merger")
    post(channel, "Globex Airways has the better lounge, sorry")
    post(channel, "That acme anvil cartoon about Acme Air is hilarious")  # excluded
    post(channel, "Acme Air: we are sorry, please DM us", direction="outbound")
    post(channel, "Acme Air deleted this post", deleted_at=NOW)
    post(ChannelFactory(name="Unrelated"), "Acme Air on another brand's channel")
    post(channel, "Acme Air flight was fine in the end", hour=PREVIOUS, minute=50)

    alerts_count_and_detect_spikes(now=NOW)

    assert counts(rule, CURRENT) == {"*": 2, "Acme Air": 2, "@AcmeAir": 0, "SkyMiles": 1, "Globex Airways": 1}
    assert counts(rule, PREVIOUS)["Acme Air"] == 1
    negative = TermHourCount.objects.get(rule=rule, term="Acme Air", hour=CURRENT).negative_posts
    assert negative == 1


def test_counting_twice_changes_nothing(world):
    channel, rule, _managers = world
    post(channel, "Acme Air lost my suitcase, third time this year")

    alerts_count_and_detect_spikes(now=NOW)
    alerts_count_and_detect_spikes(now=NOW + dt.timedelta(minutes=10))

    assert counts(rule, CURRENT)["Acme Air"] == 1
    assert TermHourCount.objects.filter(rule=rule).count() == 10


def test_a_storm_raises_one_alert_and_tells_each_manager_once(world):
    channel, rule, _managers = world
    quiet_week(rule)
    posts = storm(channel)

    first = alerts_count_and_detect_spikes(now=NOW)
    alerts_count_and_detect_spikes(now=NOW + dt.timedelta(minutes=10))

    alert = SpikeAlert.objects.get(rule=rule, term="Acme Air")
    assert (alert.hour, alert.count, alert.status) == (CURRENT, 22, "open")
    assert 3 < alert.baseline < 6 and alert.z > 3
    assert SpikeAlert.objects.filter(rule=rule, term="*").exists()
    assert first.notified == 2
    sample_ids = {p.pk for p in posts if p.sentiment_label == SentimentLabel.NEGATIVE}
    assert len(alert.sample_post_ids) == 5 and set(alert.sample_post_ids) <= sample_ids
    notes = Notification.objects.filter(kind=NotificationKind.SPIKE, link=f"/alerts/{alert.pk}/")
    assert sorted(notes.values_list("recipient__username", flat=True)) == ["mara", "tomas"]
    assert Notification.objects.filter(kind=NotificationKind.SPIKE).count() == 4  # the term and the total


def test_a_later_run_of_the_hour_refreshes_the_figures_but_not_the_status(world):
    channel, rule, _managers = world
    quiet_week(rule)
    storm(channel)
    alerts_count_and_detect_spikes(now=NOW)
    SpikeAlert.objects.filter(term="Acme Air").update(status="acknowledged")
    storm(channel, count=12)

    alerts_count_and_detect_spikes(now=NOW + dt.timedelta(minutes=10))

    alert = SpikeAlert.objects.get(rule=rule, term="Acme Air")
    assert (alert.count, alert.status) == (31, "acknowledged")


def test_a_quiet_hour_raises_nothing(world):
    channel, rule, _managers = world
    quiet_week(rule)
    for text in COMPLAINTS:
        post(channel, text)

    alerts_count_and_detect_spikes(now=NOW)

    assert not SpikeAlert.objects.exists()
    assert not Notification.objects.exists()


def test_the_previous_hour_is_tested_again_only_until_a_run_after_its_end(world):

    at_five = alerts_count_and_detect_spikes(now=CURRENT + dt.timedelta(minutes=5))
    at_fifteen = alerts_count_and_detect_spikes(now=CURRENT + dt.timedelta(minutes=15))

    assert at_five.hours_tested == 10  # five topics, this hour and the last
    assert at_fifteen.hours_tested == 5  # the last hour was final at 14:05


def test_the_previous_hour_flagged_after_its_end_raises_its_alert(world):
    channel, rule, _managers = world
    quiet_week(rule)
    for index in range(30):
        post(channel, COMPLAINTS[index % 4], hour=PREVIOUS, minute=30 + index % 30)

    alerts_count_and_detect_spikes(now=CURRENT + dt.timedelta(minutes=5))

    assert SpikeAlert.objects.get(rule=rule, term="Acme Air").hour == PREVIOUS


def test_a_rule_with_languages_counts_its_languages_and_unknown_ones(world):
    channel, rule, _managers = world
    rule.languages = ["es"]
    rule.save()
    post(channel, "Acme Air perdió mi maleta", language="es")
    post(channel, "Acme Air lost my suitcase", language="en")
    post(channel, "Acme Air ???", language="")

    alerts_count_and_detect_spikes(now=NOW)

    assert counts(rule, CURRENT)["Acme Air"] == 2


def test_inactive_rules_are_not_counted(world):
    channel, rule, _managers = world
    rule.is_active = False
    rule.save()
    post(channel, "Acme Air lost my suitcase")

    assert alerts_count_and_detect_spikes(now=NOW).rules == 0
    assert not TermHourCount.objects.exists()


@pytest.mark.parametrize("storm_size", [15, 60])
def test_the_run_costs_the_same_queries_whatever_the_posts(world, storm_size, django_assert_max_num_queries):
    channel, rule, _managers = world
    second = ListeningRuleFactory(brand="Globex")
    second.channels.add(channel)
    quiet_week(rule)
    storm(channel, count=storm_size)
    UserFactory()

    # Three to start, then at most fourteen per rule (savepoints included), whatever the posts.
    with django_assert_max_num_queries(3 + 2 * 14 + 1):
        result = alerts_count_and_detect_spikes(now=NOW)

    assert result.rules == 2 and result.notified >= 2
