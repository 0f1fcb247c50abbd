"""factory_boy factories of the knowledge models."""

import factory
from django.utils import timezone

from knowledge import models


class ArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Article

    title = factory.Sequence(lambda n: f"Help article {n}")
    slug = factory.Sequence(lambda n: f"help-article-{n}")
    body = "Contact us if this page does not answer your question."
    tags = factory.LazyFunction(list)
    is_published = True
    published_at = factory.LazyFunction(timezone.now)


class ArticleFeedbackFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.ArticleFeedback

    article = factory.SubFactory(ArticleFactory)
    visitor_key = factory.Sequence(lambda n: f"visitor-{n}")
    solved = True


class AskQuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.AskQuestion

    question = "How do I add a second checked bag to my booking?"
    visitor_key = factory.Sequence(lambda n: f"visitor-{n}")
