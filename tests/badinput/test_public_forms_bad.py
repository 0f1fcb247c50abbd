"""The public forms under huge, binary and hostile input: a 4xx or a form error, never a 500.

Covers the pages anyone on the internet can post to without an account:
the satisfaction survey (/survey/<token>/), the help centre's question form
(/help/ask/) and article feedback (/help/<slug>/feedback/), and the sign-in
form (/accounts/login/). Django refuses an oversized body or too many fields
with 400 before any view runs; what reaches a form is either refused with
its error or, when valid, stored as text and shown escaped.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from channels_app.choices import ChannelKind
from knowledge.models import KnowledgeSettings
from kpis.survey_tokens import survey_token_make
from tests.factories import ChannelFactory, SatisfactionSurveyFactory
from tests.knowledge.factories import ArticleFactory

pytestmark = pytest.mark.django_db

FORM = "application/x-www-form-urlencoded"

# (what, raw body, content type): the bodies a broken client or a scanner sends.
HOSTILE_BODIES = [
    ("5 MB field", b"comment=" + b"A" * 5_000_000 + b"&score=5", FORM),
    ("2,000 fields", b"&".join(b"f%d=1" % number for number in range(2_000)), FORM),
    ("binary bytes", bytes(range(256)) * 8, FORM),
    ("invalid UTF-8 values", b"score=%FF%FE&comment=%C3%28%ED%A0%80&question=%80&username=%FF&password=%FE", FORM),
    ("NUL and controls", b"score=5%00&comment=Fine%00%1b%5B2J&question=Refund%00&username=a%00&password=%00", FORM),
    ("multipart without boundary", b"--x\r\nContent-Disposition: form-data\r\n\r\n", "multipart/form-data"),
    ("multipart garbage", b"\xff" * 4096, "multipart/form-data; boundary=xyz"),
    ("JSON, not a form", b'{"score": [5], "comment": {"a": 1}}', "application/json"),
    ("repeated fields", b"score=1&score=99&score=-5&comment=a&comment=b", FORM),
]


@pytest.fixture
def survey():
    survey = SatisfactionSurveyFactory()
    survey.token = survey_token_make(survey.pk)
    survey.save(update_fields=["token"])
    return survey


@pytest.fixture
def public_urls(survey):
    KnowledgeSettings.objects.create(ask_channel=ChannelFactory(kind=ChannelKind.WEBHOOK, name="Help centre"))
    article = ArticleFactory(slug="baggage-delays")
    return {
        "survey": reverse("surveys:answer", args=[survey.token]),
        "ask": reverse("knowledge:ask"),
        "feedback": reverse("knowledge:feedback", args=[article.slug]),
        "login": reverse("login"),
    }


@pytest.mark.parametrize("page", ["survey", "ask", "feedback", "login"])
@pytest.mark.parametrize(("what", "body", "content_type"), HOSTILE_BODIES, ids=[case[0] for case in HOSTILE_BODIES])
def test_a_hostile_body_on_a_public_form_is_refused_or_a_form_error_never_a_500(
    client, public_urls, page, what, body, content_type
):
    response = client.generic("POST", public_urls[page], body, content_type=content_type)

    # 303 after feedback that reads as a valid yes/no is fine; a redirect back is the form's error.
    assert response.status_code in (200, 302, 303, 400, 403, 404, 413, 429), (what, response.status_code)


@pytest.mark.parametrize("page", ["survey", "ask", "login"])
def test_a_form_error_page_shows_a_script_tag_escaped(client, public_urls, page):
    script = "<script>alert('x')</script>"
    data = {"score": script, "comment": script, "question": script, "email": script, "username": script}

    response = client.post(public_urls[page], data)

    assert response.status_code in (200, 400)
    assert "<script>alert('x')</script>" not in response.content.decode()


def test_a_survey_comment_with_a_nul_is_a_form_error_and_nothing_is_stored(client, public_urls, survey):
    response = client.post(public_urls["survey"], {"score": "4", "comment": "Good agent\x00, slow refund"})

    survey.refresh_from_db()
    assert response.status_code == 400
    assert survey.answered_at is None and survey.comment == ""


def test_a_survey_comment_with_markup_is_stored_as_typed(client, public_urls, survey):
    response = client.post(public_urls["survey"], {"score": "4", "comment": "Good <b>agent</b>, slow <script>refund"})

    survey.refresh_from_db()
    assert response.status_code == 200
    assert survey.comment == "Good <b>agent</b>, slow <script>refund"
