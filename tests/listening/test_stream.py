"""The listening stream page: what it shows, its filters, pages, live poll, query budget and access."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.choices import EngagementType, SentimentLabel
from listening.models import ListeningFeedback
from tests.factories import CaseFactory, ChannelFactory, SocialPostFactory, UserFactory
from tests.listening.factories import ListeningRuleFactory
from tests.roles import user_in_group

pytestmark = pytest.mark.django_db
URL = reverse("listening:stream")


@pytest.fixture
def channel():
    return ChannelFactory(name="Acme Air on X")


@pytest.fixture
def rule(channel):
    return ListeningRuleFactory(brand="Acme Air", channels=[channel])


@pytest.fixture
def agent(client):
    user = user_in_group("Agents")
    client.force_login(user)
    return user


def post(channel, text, *, minutes_ago=10, **fields):
    fields.setdefault("engagement_type", EngagementType.PROACTIVE)
    return SocialPostFactory(
        channel=channel, text=text, posted_at=timezone.now() - dt.timedelta(minutes=minutes_ago), **fields
    )


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(URL)

    assert response.status_code == 302 and "/login" in response["Location"]


def test_agents_see_matching_posts_newest_first_with_terms_sentiment_and_case(client, agent, rule, channel):
    case = CaseFactory()
    post(
        channel,
        "Acme Air lost my bag again, third time this year",
        minutes_ago=30,
        sentiment_label="negative",
        sentiment_polarity=-0.6,
        case=case,
    )
    post(
        channel,
        "Loving my SkyMiles Plus upgrade to Lisbon",
        minutes_ago=5,
        sentiment_label="positive",
        sentiment_polarity=0.7,
    )
    post(channel, "Just a sunny day in Porto", engagement_type=EngagementType.NONE)
    post(ChannelFactory(), "Acme Air on another channel no rule reads")

    response = client.get(URL)

    assert response.status_code == 200
    rows = response.context["page"].rows
    assert [row.post.text[:20] for row in rows] == ["Loving my SkyMiles P", "Acme Air lost my bag"]
    assert rows[0].matched_terms == ["SkyMiles Plus"] and rows[1].matched_terms == ["Acme Air"]
    html = response.content.decode()
    assert reverse("console:case", args=[case.pk]) in html
    assert "-0.60" in html and "Open case" in html


def test_filters_narrow_by_engagement_sentiment_and_without_case(client, agent, rule, channel):
    post(
        channel, "Globex Airways was late again", engagement_type=EngagementType.PROGRESSIVE, sentiment_label="negative"
    )
    post(channel, "Acme Air crew were lovely", sentiment_label="positive")
    post(channel, "Acme Air refund finally arrived", sentiment_label="positive", case=CaseFactory())

    def texts(**query):
        return [row.post.text for row in client.get(URL, query).context["page"].rows]

    assert texts(engagement="progressive") == ["Globex Airways was late again"]
    assert sorted(texts(sentiment=SentimentLabel.POSITIVE)) == [
        "Acme Air crew were lovely",
        "Acme Air refund finally arrived",
    ]
    assert "Acme Air refund finally arrived" not in texts(without_case="on")
    assert len(texts(rule=rule.pk)) == 3


def test_the_rule_filter_shows_only_that_rules_channels(client, agent, rule, channel):
    other = ChannelFactory()
    other_rule = ListeningRuleFactory(brand="Globex", brand_terms=["Globex"], channels=[other])
    post(other, "Globex lost my booking")
    post(channel, "Acme Air lost my booking")

    rows = client.get(URL, {"rule": other_rule.pk}).context["page"].rows

    assert [row.post.text for row in rows] == ["Globex lost my booking"]


def test_pages_follow_each_other_without_overlap(client, agent, rule, channel):
    for n in range(55):
        post(channel, f"Acme Air delay report {n}", minutes_ago=n)

    first = client.get(URL).context["page"]
    second = client.get(URL, {"after": first.next_cursor, "fragment": "more"}, HTTP_HX_REQUEST="true").context["page"]

    assert len(first.rows) == 50 and len(second.rows) == 5 and second.next_cursor is None
    assert {row.post.pk for row in first.rows}.isdisjoint({row.post.pk for row in second.rows})


def test_the_poll_returns_only_posts_stored_since_the_page(client, agent, rule, channel):
    post(channel, "Acme Air shown at first")
    page = client.get(URL).context["page"]
    newer = post(channel, "Acme Air arriving later", minutes_ago=1)

    response = client.get(URL, {"fragment": "newer", "newer_than": page.newest_id}, HTTP_HX_REQUEST="true")

    assert [row.post.pk for row in response.context["page"].rows] == [newer.pk]
    assert f"newer_than={newer.pk}" in response.content.decode()
    assert "<html" not in response.content.decode()


def test_posts_marked_not_relevant_are_hidden_unless_asked_for(client, agent, rule, channel):
    dismissed = post(channel, "Acme Air anvil in the cartoon")
    ListeningFeedback.objects.create(post=dismissed, rule=rule, user=agent)

    assert client.get(URL).context["page"].rows == []
    assert [row.post.pk for row in client.get(URL, {"show_dismissed": "on"}).context["page"].rows] == [dismissed.pk]


@pytest.mark.parametrize("posts", [3, 30])
def test_a_page_costs_the_same_queries_whatever_the_number_of_posts(
    client, agent, rule, channel, posts, django_assert_max_num_queries
):
    ListeningRuleFactory(brand="Globex", brand_terms=["Globex"], channels=[channel, ChannelFactory()])
    for n in range(posts):
        post(channel, f"Acme Air flight {n} was late", minutes_ago=n, case=CaseFactory() if n % 3 == 0 else None)

    with django_assert_max_num_queries(9):
        response = client.get(URL)

    assert len(response.context["page"].rows) == posts


def test_a_user_without_a_role_is_refused(client, rule):
    client.force_login(UserFactory())

    assert client.get(URL).status_code == 403
