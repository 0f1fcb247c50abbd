"""Admin of the knowledge base: articles are written here; answers, questions and gaps are shown read-only."""

from __future__ import annotations

from django.contrib import admin
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from knowledge.markdown import render_markdown
from knowledge.models import Article, ArticleFeedback, AskQuestion, KnowledgeGap, KnowledgeSettings
from knowledge.services import article_save
from socialcrm.admin_utils import truncated


class ReadOnlyAdmin(admin.ModelAdmin):
    """Facts recorded by the public pages or computed by tasks: shown, never edited here."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ("title", "slug", "is_published", "published_at", "updated_at", "view_count")
    list_filter = ("is_published", ("published_at", admin.DateFieldListFilter))
    search_fields = ("title", "slug", "body")
    prepopulated_fields = {"slug": ("title",)}
    readonly_fields = ("published_at", "created_at", "updated_at", "author", "view_count", "preview")
    fields = ("title", "slug", "tags", "is_published", "body", "preview", "published_at", "updated_at", "author")

    @admin.display(description="preview")
    def preview(self, obj: Article) -> str:
        if obj.pk is None:
            return "Shown after the first save."
        # render_markdown sanitizes: the same HTML the public page shows.
        return format_html('<div class="help-body">{}</div>', mark_safe(render_markdown(obj.body)))

    def save_model(self, request, obj, form, change) -> None:
        article_save(article=obj, author=request.user)


@admin.register(ArticleFeedback)
class ArticleFeedbackAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "article", "solved", "outcome", "counted_at", "visitor_key")
    list_filter = ("solved", "outcome")
    list_select_related = ("article",)
    search_fields = ("visitor_key__exact", "article__slug")
    raw_id_fields = ("article",)


@admin.register(AskQuestion)
class AskQuestionAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "question_preview", "email", "handle", "case_id")
    search_fields = ("question", "email", "handle", "visitor_key__exact")
    raw_id_fields = ("post", "case", "customer")

    @admin.display(description="question")
    def question_preview(self, obj: AskQuestion) -> str:
        return truncated(obj.question)


@admin.register(KnowledgeGap)
class KnowledgeGapAdmin(ReadOnlyAdmin):
    list_display = ("label", "question_count", "best_article_score", "computed_at")
    raw_id_fields = ("best_article",)


@admin.register(KnowledgeSettings)
class KnowledgeSettingsAdmin(admin.ModelAdmin):
    list_display = ("__str__", "match_threshold", "ask_channel")
    raw_id_fields = ("ask_channel",)

    def has_add_permission(self, request) -> bool:
        # One row: once it exists it is edited, not added again.
        return not KnowledgeSettings.objects.exists()

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
