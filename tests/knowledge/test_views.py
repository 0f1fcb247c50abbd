"""The help centre pages: public list, search, article, feedback and ask page; case suggestions; gaps report."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.choices import ChannelKind
from channels_app.choices import Direction
from channels_app.models import SocialPost
from knowledge.models import ArticleFeedback, AskQuestion, KnowledgeGap, KnowledgeSettings
from knowledge.visitor import COOKIE_NAME
from tests.factories import CaseFactory, ChannelFactory, SocialPostFactory
from tests.knowledge.corpus import ARTICLES
from tests.knowledge.factories import ArticleFactory
from tests.roles import user_in_group

pytestmark = pytest.mark.django_db


@pytest.fixture
def help_centre():
    return {
        a.slug: ArticleFactory(title=a.title, slug=a.slug, body=a.body, tags=list(a.tags), is_published=True)
        for a in ARTICLES
    }


def test_the_list_shows_the_latest_published_articles_without_login(client, help_centre):
    ArticleFactory(title="Draft: new lounge access rules", slug="lounge-draft", is_published=False, published_at=None)

    response = client.get(reverse("knowledge:list"))

    assert response.status_code == 200
    assert "Travelling with pets" in response.text
    assert "lounge access" not in response.text
    assert COOKIE_NAME in response.cookies


def test_search_lists_the_best_article_first(client, help_centre):
    response = client.get(reverse("knowledge:list"), {"q": "my app crashes when I log in"})

    assert response.context["articles"][0].slug == "app-crashes-on-login"


@pytest.mark.parametrize("extra_articles", [0, 20])
def test_search_costs_a_constant_number_of_queries(client, help_centre, extra_articles, django_assert_max_num_queries):
    for number in range(extra_articles):
        ArticleFactory(title=f"Airport guide {number}", body="Terminals, parking and lounges.")
    client.get(reverse("knowledge:list"), {"q": "baggage"})  # builds the index once

    with django_assert_max_num_queries(2):
        client.get(reverse("knowledge:list"), {"q": "checked baggage fees"})


def test_an_article_page_renders_sanitized_markdown_and_counts_the_view(client):
    article = ArticleFactory(
        title="Pet carriers", slug="pet-carriers", body="**Soft** carriers only. <script>alert(1)</script>"
    )

    response = client.get(reverse("knowledge:article", args=["pet-carriers"]))

    assert "<strong>Soft</strong>" in response.text
    assert "<script>alert(1)" not in response.text
    assert "Did this solve your problem?" in response.text
    article.refresh_from_db()
    assert article.view_count == 1


def test_a_draft_article_is_not_found(client):
    ArticleFactory(slug="draft", is_published=False, published_at=None)

    assert client.get(reverse("knowledge:article", args=["draft"])).status_code == 404


def test_yes_records_a_solved_answer_with_the_visitors_cookie_id(client, help_centre):
    client.get(reverse("knowledge:article", args=["baggage-fees"]))

    response = client.post(reverse("knowledge:feedback", args=["baggage-fees"]), {"solved": "yes"})
    client.post(reverse("knowledge:feedback", args=["baggage-fees"]), {"solved": "yes"})

    assert response.status_code == 303
    feedback = ArticleFeedback.objects.get()
    assert feedback.solved and feedback.article.slug == "baggage-fees"
    assert len(feedback.visitor_key) >= 20


def test_feedback_through_htmx_swaps_in_a_thank_you(client, help_centre):
    response = client.post(
        reverse("knowledge:feedback", args=["loyalty-points"]), {"solved": "no"}, headers={"HX-Request": "true"}
    )

    assert "Sorry this did not help" in response.text
    assert not ArticleFeedback.objects.get().solved


def test_feedback_needs_a_csrf_token():
    from django.test import Client

    ArticleFactory(slug="baggage-fees")

    response = Client(enforce_csrf_checks=True).post(
        reverse("knowledge:feedback", args=["baggage-fees"]), {"solved": "yes"}
    )

    assert response.status_code == 403


def test_the_ask_page_shows_matching_articles_as_the_visitor_types(client, help_centre):
    response = client.get(reverse("knowledge:ask_matches"), {"q": "can my dog travel in the cabin"})

    assert "Travelling with pets" in response.text


def test_without_an_ask_channel_the_ask_page_lists_contact_options_and_no_form(client):
    ChannelFactory(kind=ChannelKind.X, brand_handles=["AcmeAirHelp"])

    response = client.get(reverse("knowledge:ask"))

    assert "AcmeAirHelp" in response.text
    assert 'name="question"' not in response.text


def test_a_question_from_the_ask_page_becomes_an_inbound_post_on_the_ask_channel(client):
    channel = ChannelFactory(kind=ChannelKind.WEBHOOK, name="Help centre questions", brand_handles=["acme-help"])
    KnowledgeSettings.objects.create(ask_channel=channel)
    client.get(reverse("knowledge:ask"))

    response = client.post(
        reverse("knowledge:ask"),
        {
            "question": "Can my 12-year-old daughter fly alone from Paris to Dublin?",
            "email": "Marie.Dupont@mail.example",
            "name": "Marie Dupont",
        },
    )

    assert response.status_code == 303
    asked = AskQuestion.objects.select_related("post").get()
    assert asked.email == "marie.dupont@mail.example"
    assert asked.post.channel == channel
    assert asked.post.direction == Direction.INBOUND
    assert asked.post.text == "Can my 12-year-old daughter fly alone from Paris to Dublin?"
    assert asked.customer is not None
    assert asked.visitor_key == client.cookies[COOKIE_NAME].value.split(":")[0]


def test_a_question_without_any_contact_is_refused(client):
    KnowledgeSettings.objects.create(ask_channel=ChannelFactory(kind=ChannelKind.WEBHOOK))

    response = client.post(reverse("knowledge:ask"), {"question": "Can my daughter fly alone to Dublin?"})

    assert response.status_code == 400
    assert "Give an e-mail address or a handle" in response.text
    assert not SocialPost.objects.exists()


def _case_with_messages(texts):
    case = CaseFactory(subject="Bag fees")
    for minutes, text in enumerate(texts):
        SocialPostFactory(case=case, text=text, posted_at=timezone.now() - dt.timedelta(minutes=60 - minutes))
    return case


def test_case_suggestions_rank_articles_by_the_cases_messages_with_insertable_links(client, help_centre):
    client.force_login(user_in_group("Managers"))
    case = _case_with_messages(["@AcmeAir how much does a second checked bag cost? booking for Friday"])

    response = client.get(reverse("knowledge:case_suggestions", args=[case.pk]), headers={"HX-Request": "true"})

    suggestions = response.context["suggestions"]
    assert suggestions[0][0].slug == "baggage-fees"
    assert len(suggestions) <= 3
    assert 'data-insert-link="http://testserver/help/baggage-fees/"' in response.text


@pytest.mark.parametrize("messages", [1, 12])
def test_case_suggestions_cost_a_constant_number_of_queries(
    client, help_centre, messages, django_assert_max_num_queries
):
    client.force_login(user_in_group("Managers"))
    case = _case_with_messages(["My refund still hasn't arrived, where is it?"] * messages)
    client.get(reverse("knowledge:case_suggestions", args=[case.pk]))  # builds the index once

    with django_assert_max_num_queries(7):
        client.get(reverse("knowledge:case_suggestions", args=[case.pk]))


def test_case_suggestions_need_a_login_and_the_case_visible(client, help_centre):
    case = _case_with_messages(["my refund?"])
    assert client.get(reverse("knowledge:case_suggestions", args=[case.pk])).status_code == 302

    client.force_login(user_in_group("Managers"))
    assert client.get(reverse("knowledge:case_suggestions", args=[case.pk + 1000])).status_code == 404


def test_the_case_page_loads_the_suggestions_fragment(client, help_centre):
    client.force_login(user_in_group("Managers"))
    case = _case_with_messages(["my refund?"])

    response = client.get(reverse("console:case", args=[case.pk]))

    assert reverse("knowledge:case_suggestions", args=[case.pk]) in response.text


def test_the_gaps_report_is_for_managers_only(client):
    client.force_login(user_in_group("Agents"))
    assert client.get(reverse("knowledge:gaps")).status_code == 403

    client.force_login(user_in_group("Managers"))
    assert client.get(reverse("knowledge:gaps")).status_code == 200


@pytest.mark.parametrize("gaps", [1, 10])
def test_the_gaps_report_lists_gaps_with_examples_in_constant_queries(client, gaps, django_assert_max_num_queries):
    client.force_login(user_in_group("Managers"))
    case = CaseFactory()
    post = SocialPostFactory(text="Is there wifi on board the A320?", case=case)
    for number in range(gaps):
        KnowledgeGap.objects.create(
            label=f"wifi, board, plane {number}",
            terms=["wifi", "board", "plane"],
            question_count=4 + number,
            example_post_ids=[post.pk],
            best_article=ArticleFactory(),
            best_article_score=0.1,
            computed_at=timezone.now(),
        )

    with django_assert_max_num_queries(9):
        response = client.get(reverse("knowledge:gaps"))

    assert "Is there wifi on board the A320?" in response.text
    assert f"SC-{case.pk}" in response.text
    assert reverse("admin:knowledge_article_add") in response.text
