"""The knowledge admin pages and the permissions the roles migration grants."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from knowledge.models import Article, KnowledgeGap
from tests.factories import UserFactory
from tests.knowledge.factories import ArticleFactory, ArticleFeedbackFactory, AskQuestionFactory

pytestmark = pytest.mark.django_db


def _codes(group_name: str) -> set[str]:
    group = Group.objects.get(name=group_name)
    return {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.select_related("content_type")}


def test_managers_and_admins_see_the_gaps_report_and_agents_only_read_articles():
    assert "knowledge.view_knowledge_gaps" in _codes("Managers")
    assert "knowledge.view_knowledge_gaps" in _codes("Admins")
    assert "knowledge.change_article" in _codes("Managers")
    assert {code for code in _codes("Agents") if code.startswith("knowledge.")} == {"knowledge.view_article"}


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def test_every_knowledge_admin_page_opens(admin_client):
    article = ArticleFactory(body="## Fees\n\n<script>alert(1)</script> A bag costs **30 EUR**.")
    feedback = ArticleFeedbackFactory(article=article)
    asked = AskQuestionFactory()
    gap = KnowledgeGap.objects.create(
        label="wifi", terms=["wifi"], question_count=3, best_article_score=0, computed_at=timezone.now()
    )
    pages = [
        reverse("admin:knowledge_article_changelist"),
        reverse("admin:knowledge_article_add"),
        reverse("admin:knowledge_articlefeedback_changelist"),
        reverse("admin:knowledge_articlefeedback_change", args=[feedback.pk]),
        reverse("admin:knowledge_askquestion_changelist"),
        reverse("admin:knowledge_askquestion_change", args=[asked.pk]),
        reverse("admin:knowledge_knowledgegap_changelist"),
        reverse("admin:knowledge_knowledgegap_change", args=[gap.pk]),
        reverse("admin:knowledge_knowledgesettings_add"),
    ]
    for url in pages:
        assert admin_client.get(url).status_code == 200, url

    change = admin_client.get(reverse("admin:knowledge_article_change", args=[article.pk]))
    assert "<strong>30 EUR</strong>" in change.text
    assert "<script>alert(1)</script>" not in change.text


def test_publishing_from_admin_stamps_the_publication_time_and_the_author(admin_client):
    response = admin_client.post(
        reverse("admin:knowledge_article_add"),
        {
            "title": "Travelling with pets",
            "slug": "travelling-with-pets",
            "tags": '["Pets", "animals"]',
            "is_published": "on",
            "body": "Small dogs and cats travel in the cabin.",
        },
    )

    assert response.status_code == 302
    article = Article.objects.get()
    assert article.published_at is not None and article.author is not None
    assert article.tags == ["pets", "animals"]


def test_a_slug_naming_a_help_page_is_refused(admin_client):
    response = admin_client.post(
        reverse("admin:knowledge_article_add"), {"title": "Ask", "slug": "ask", "tags": "[]", "body": "Ask us."}
    )

    assert response.status_code == 200
    assert not Article.objects.exists()
