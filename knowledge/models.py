"""The knowledge base: articles, what visitors told us about them, questions asked, and gaps.

Article holds Markdown (rendered and sanitized by knowledge.markdown, never
stored as HTML). ArticleFeedback is one visitor's "did this solve your
problem?" answer; knowledge.services.deflection turns the solved ones into
kpis.SelfServiceResolution rows once a day has passed without a case.
AskQuestion is a question posted from the public ask page (it became an
inbound post on the ask channel). KnowledgeGap rows are written only by the
gap finder (replaced whole each run). KnowledgeSettings is one row (pk 1).
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from socialcrm.db import choices_check, range_check

# Paths under /help/ that are pages, not articles.
RESERVED_SLUGS = frozenset({"ask", "gaps", "case", "feedback", "search"})


def validate_article_slug(value: str) -> None:
    if value in RESERVED_SLUGS:
        raise ValidationError(f"{value!r} is the address of a help centre page; choose another slug.")


def validate_tags(value) -> None:
    if not isinstance(value, list) or not all(isinstance(tag, str) and tag.strip() for tag in value):
        raise ValidationError('Tags are a list of words, e.g. ["baggage", "fees"].')
    if any(len(tag) > 50 for tag in value):
        raise ValidationError("A tag has at most 50 characters.")


class Article(models.Model):
    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True, validators=[validate_article_slug])
    body = models.TextField(help_text="Markdown. Raw HTML is shown as text; links open with rel=nofollow.")
    tags = models.JSONField(default=list, blank=True, validators=[validate_tags])
    is_published = models.BooleanField(default=False)
    published_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # The ranking index's version reads max(updated_at): every save must move it.
    updated_at = models.DateTimeField(auto_now=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    view_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-published_at", "-id"]
        indexes = [
            models.Index(
                fields=["-published_at", "-id"],
                condition=models.Q(is_published=True),
                name="article_published_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(is_published=False) | models.Q(published_at__isnull=False),
                name="article_published_has_time",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class FeedbackOutcome(models.TextChoices):
    PENDING = "pending", "Pending"
    DEFLECTED = "deflected", "Deflected (self-service resolution)"
    FOLLOWED_BY_CASE = "followed_by_case", "Followed by a case"
    DUPLICATE = "duplicate", "Already counted for this visitor and article"


class ArticleFeedback(models.Model):
    """A visitor's answer to "Did this solve your problem?" on one article."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="feedback")
    visitor_key = models.CharField(max_length=64, help_text="The random id of the visitor's signed cookie.")
    solved = models.BooleanField()
    created_at = models.DateTimeField(default=timezone.now)
    counted_at = models.DateTimeField(
        null=True, blank=True, help_text="When the deflection count judged it (set once, for solved answers)."
    )
    outcome = models.CharField(max_length=16, choices=FeedbackOutcome.choices, default=FeedbackOutcome.PENDING)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            # The deflection count's queue: solved answers not yet judged, oldest first.
            models.Index(
                fields=["created_at"],
                condition=models.Q(solved=True, counted_at__isnull=True),
                name="feedback_uncounted_idx",
            ),
            models.Index(fields=["visitor_key", "article", "-created_at"], name="feedback_visitor_idx"),
        ]
        constraints = [
            choices_check("outcome", FeedbackOutcome, "feedback_outcome_valid"),
            models.CheckConstraint(
                condition=models.Q(counted_at__isnull=True, outcome=FeedbackOutcome.PENDING)
                | (models.Q(counted_at__isnull=False) & ~models.Q(outcome=FeedbackOutcome.PENDING)),
                name="feedback_counted_iff_judged",
            ),
        ]

    def __str__(self) -> str:
        return f"{'Solved' if self.solved else 'Not solved'}: {self.article_id} by {self.visitor_key[:8]}"


class AskQuestion(models.Model):
    """A question a visitor posted from the public ask page, after searching."""

    question = models.TextField()
    visitor_key = models.CharField(max_length=64, db_index=True)
    email = models.EmailField(blank=True)
    handle = models.CharField(max_length=100, blank=True, help_text="A social handle, when no e-mail was given.")
    name = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    post = models.ForeignKey(
        "channels_app.SocialPost", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    case = models.ForeignKey("cases.Case", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    customer = models.ForeignKey("cases.Customer", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.question[:60]


class KnowledgeGap(models.Model):
    """A cluster of recent customer questions that no article answers well (computed)."""

    label = models.CharField(max_length=200, help_text="The cluster's top terms.")
    terms = models.JSONField(default=list)
    question_count = models.PositiveIntegerField()
    example_post_ids = models.JSONField(default=list, help_text="Ids of a few of its posts, newest first.")
    best_article = models.ForeignKey(Article, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    best_article_score = models.FloatField(help_text="The best normalized match of any of its questions (0..1).")
    computed_at = models.DateTimeField()

    class Meta:
        ordering = ["-question_count", "id"]
        permissions = [("view_knowledge_gaps", "Can view the knowledge gaps report")]
        constraints = [range_check("best_article_score", 0.0, 1.0, "gap_best_score_range")]

    def __str__(self) -> str:
        return f"{self.label} ({self.question_count})"


class KnowledgeSettings(models.Model):
    """The knowledge base's settings: one row (pk 1), edited in admin; absent means the defaults."""

    match_threshold = models.FloatField(
        default=0.3,
        help_text="A question whose best article scores below this (0..1) is unanswered: it counts for gaps.",
    )
    ask_channel = models.ForeignKey(
        "channels_app.Channel",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Where questions from the public ask page go, as inbound posts. Empty: no question form.",
    )

    class Meta:
        verbose_name = "knowledge settings"
        verbose_name_plural = "knowledge settings"
        constraints = [
            models.CheckConstraint(condition=models.Q(pk=1), name="knowledge_settings_single_row"),
            range_check("match_threshold", 0.0, 1.0, "knowledge_match_threshold_range"),
        ]

    def __str__(self) -> str:
        return "Knowledge settings"

    def save(self, *args, **kwargs):
        self.pk = 1
        super().save(*args, **kwargs)
