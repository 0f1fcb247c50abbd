"""The console inbox: who sees what, views, filters, search, keyset pages, counts, fragments, budgets."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.choices import CaseStatus, EngagementType, Intent, Priority, SentimentLabel
from cases.selectors.inbox import BadCursor, InboxFilters, inbox_counts, inbox_page
from tests.factories import (
    CaseFactory,
    ChannelFactory,
    CustomerFactory,
    SocialPostFactory,
    SocialProfileFactory,
    TagFactory,
    TeamFactory,
)
from tests.roles import user_in_group

pytestmark = pytest.mark.django_db
NOW = timezone.now()


@pytest.fixture
def world():
    """Two teams; an agent in 'care'; a manager; cases of both teams, unrouted and the agent's own."""
    care, billing = TeamFactory(name="care"), TeamFactory(name="billing")
    agent = user_in_group("Agents", username="rosa", first_name="Rosa")
    agent.agent_profile.teams.add(care)
    manager = user_in_group("Managers", username="mara")
    x = ChannelFactory(name="Acme on X")
    cases = {
        "care": CaseFactory(team=care, origin_channel=x, subject="Care case"),
        "billing": CaseFactory(team=billing, origin_channel=x, subject="Billing case"),
        "unrouted": CaseFactory(team=None, origin_channel=x, subject="Unrouted case"),
        "mine": CaseFactory(team=billing, assignee=agent, origin_channel=x, subject="Assigned to Rosa"),
        "resolved": CaseFactory(
            team=care, status=CaseStatus.RESOLVED, resolved_at=NOW - dt.timedelta(hours=1), subject="Done case"
        ),
    }
    return {"agent": agent, "manager": manager, "care_team": care, "billing_team": billing, "x": x, **cases}


def subjects(page):
    return [case.subject for case in page.rows]


def test_anonymous_users_are_sent_to_the_login_page(client):
    response = client.get(reverse("console:inbox"))

    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_an_agent_sees_their_teams_their_own_and_unrouted_cases_but_not_other_teams(world):
    page = inbox_page(user=world["agent"], view="open", filters=InboxFilters())

    assert set(subjects(page)) == {"Care case", "Unrouted case", "Assigned to Rosa"}


def test_a_manager_sees_every_open_case(world):
    page = inbox_page(user=world["manager"], view="open", filters=InboxFilters())

    assert set(subjects(page)) == {"Care case", "Billing case", "Unrouted case", "Assigned to Rosa"}


@pytest.mark.parametrize(
    ("view", "expected"),
    [
        ("mine", {"Assigned to Rosa"}),
        ("unassigned", {"Care case", "Unrouted case"}),
        ("teams", {"Care case"}),
        ("resolved", {"Done case"}),
    ],
)
def test_each_view_holds_its_cases(world, view, expected):
    assert set(subjects(inbox_page(user=world["agent"], view=view, filters=InboxFilters()))) == expected


def test_breaching_soon_lists_cases_by_their_nearest_due_time(world):
    for key, hours in (("care", 3), ("unrouted", 1), ("mine", 2)):
        world[key].sla_next_due_at = NOW + dt.timedelta(hours=hours)
        world[key].save()

    page = inbox_page(user=world["agent"], view="breaching", filters=InboxFilters())

    assert subjects(page) == ["Unrouted case", "Assigned to Rosa", "Care case"]


def test_filters_narrow_the_view(world):
    email = ChannelFactory(name="Care e-mail", kind="email")
    tag = TagFactory(name="refund")
    match = CaseFactory(
        team=world["care_team"],
        origin_channel=email,
        priority=Priority.URGENT,
        sentiment_label=SentimentLabel.NEGATIVE,
        engagement_type=EngagementType.PROACTIVE,
        intent=Intent.CHURN_THREAT,
        language="es",
        assignee=world["manager"],
        subject="The one",
    )
    match.tags.add(tag)
    user = world["manager"]

    for filters in (
        InboxFilters(channel=email.pk),
        InboxFilters(priority=Priority.URGENT),
        InboxFilters(sentiment=SentimentLabel.NEGATIVE),
        InboxFilters(engagement=EngagementType.PROACTIVE),
        InboxFilters(intent=Intent.CHURN_THREAT),
        InboxFilters(tag=tag.pk),
        InboxFilters(language="es"),
        InboxFilters(assignee=world["manager"].pk),
        InboxFilters(status=CaseStatus.OPEN, priority=Priority.URGENT, language="es"),
    ):
        assert subjects(inbox_page(user=user, view="open", filters=filters)) == ["The one"], filters


def test_search_finds_cases_by_the_words_of_their_posts_and_by_handle(world):
    profile = SocialProfileFactory(handle="Dana_Travels", customer=world["care"].customer)
    SocialPostFactory(case=world["care"], author=profile, text="My suitcase never arrived in Lisbon")
    SocialPostFactory(case=world["billing"], text="Charged twice for the seat upgrade")
    user = world["manager"]

    assert subjects(inbox_page(user=user, view="open", filters=InboxFilters(q="suitcase"))) == ["Care case"]
    assert subjects(inbox_page(user=user, view="open", filters=InboxFilters(q="charged twice"))) == ["Billing case"]
    assert subjects(inbox_page(user=user, view="open", filters=InboxFilters(q="@dana_travels"))) == ["Care case"]
    assert subjects(inbox_page(user=user, view="open", filters=InboxFilters(q="volcano"))) == []


def test_keyset_pages_neither_repeat_nor_skip_when_cases_arrive_between_them(world):
    user = world["manager"]
    first = inbox_page(user=user, view="open", filters=InboxFilters(), size=2)
    CaseFactory(team=world["care_team"], subject="Arrived meanwhile")

    second = inbox_page(user=user, view="open", filters=InboxFilters(), size=2, after=first.next_cursor)

    assert subjects(first) == ["Assigned to Rosa", "Unrouted case"]
    assert subjects(second) == ["Billing case", "Care case"]
    assert second.next_cursor is None


def test_breaching_pages_continue_after_equal_due_times(world):
    due = NOW + dt.timedelta(hours=1)
    for key in ("care", "billing", "unrouted", "mine"):
        world[key].sla_next_due_at = due
        world[key].save()
    user = world["manager"]

    first = inbox_page(user=user, view="breaching", filters=InboxFilters(), size=3)
    rest = inbox_page(user=user, view="breaching", filters=InboxFilters(), size=3, after=first.next_cursor)

    assert len(subjects(first) + subjects(rest)) == 4
    assert set(subjects(first)).isdisjoint(subjects(rest))


def test_a_tampered_or_foreign_cursor_is_refused(world):
    page = inbox_page(user=world["manager"], view="open", filters=InboxFilters(), size=1)

    with pytest.raises(BadCursor):
        inbox_page(user=world["manager"], view="open", filters=InboxFilters(), after="not-a-cursor")
    with pytest.raises(BadCursor, match="another view"):
        inbox_page(user=world["manager"], view="resolved", filters=InboxFilters(), after=page.next_cursor)


def test_counts_per_view_in_one_query(world, django_assert_num_queries):
    team_ids = [world["care_team"].pk]
    world["agent"].has_perm("cases.view_all_cases")  # load permissions outside the count

    with django_assert_num_queries(1):
        counts = inbox_counts(user=world["agent"], team_ids=team_ids)

    assert counts == {"mine": 1, "unassigned": 2, "teams": 1, "breaching": 0, "open": 3, "resolved": 1}


def test_the_inbox_page_shows_rows_counts_and_a_bad_cursor_message(client, world):
    client.force_login(world["agent"])

    page = client.get(reverse("console:inbox"), {"view": "open"})
    bad = client.get(reverse("console:inbox"), {"view": "open", "after": "garbage"}, follow=True)

    html = page.content.decode()
    assert page.status_code == 200
    assert "Care case" in html and "Billing case" not in html
    assert 'All open <span class="count">3</span>' in html
    assert "not valid" in bad.content.decode()


def test_post_text_is_escaped_in_the_inbox(client, world):
    SocialPostFactory(case=world["care"], text="<script>alert('x')</script> my bag")
    client.force_login(world["agent"])

    html = client.get(reverse("console:inbox"), {"view": "open"}).content.decode()

    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; my bag" in html


def test_the_polled_fragment_is_only_the_rows(client, world):
    client.force_login(world["agent"])

    response = client.get(reverse("console:inbox"), {"view": "open", "fragment": "rows"}, HTTP_HX_REQUEST="true")

    html = response.content.decode()
    assert html.lstrip().startswith('<tbody id="inbox-rows"')
    assert 'hx-trigger="every 15s"' in html and "<nav" not in html


def test_the_more_fragment_appends_the_next_page(client, world, monkeypatch):
    monkeypatch.setattr("cases.selectors.inbox.PAGE_SIZE", 2)
    client.force_login(world["manager"])
    first = client.get(reverse("console:inbox"), {"view": "open"})
    cursor = first.context["page"].next_cursor

    more = client.get(
        reverse("console:inbox"), {"view": "open", "after": cursor, "fragment": "more"}, HTTP_HX_REQUEST="true"
    )

    html = more.content.decode()
    assert html.lstrip().startswith('<tbody class="page">')
    assert "Billing case" in html and "Care case" in html and "Unrouted case" not in html


def test_sla_countdowns_turn_amber_on_warning_and_red_on_breach(client, world):
    world["care"].sla_next_due_at, world["care"].sla_warned = NOW + dt.timedelta(minutes=20), True
    world["care"].save()
    world["unrouted"].sla_next_due_at, world["unrouted"].first_response_breached = NOW - dt.timedelta(minutes=5), True
    world["unrouted"].save()
    client.force_login(world["agent"])

    html = client.get(reverse("console:inbox"), {"view": "open"}).content.decode()

    assert 'class="sla sla-warning"' in html and "left" in html
    assert 'class="sla sla-breached"' in html and "overdue" in html


@pytest.mark.parametrize("extra", [0, 40])
def test_the_inbox_needs_at_most_12_queries_whatever_the_rows(client, world, extra, django_assert_max_num_queries):
    channel = world["x"]
    tag = TagFactory(name="vip")
    for n in range(extra):
        case = CaseFactory(team=world["care_team"], origin_channel=channel, customer=CustomerFactory())
        case.tags.add(tag)
        SocialPostFactory(case=case, channel=channel, text=f"post {n}")
    client.force_login(world["agent"])

    with django_assert_max_num_queries(12):
        response = client.get(reverse("console:inbox"), {"view": "open", "priority": "normal"})

    assert response.status_code == 200
    assert len(response.context["page"].rows) == 3 + extra
