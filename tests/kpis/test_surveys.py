"""Satisfaction surveys: sent once on resolve, answered once through a signed, expiring link.

Pinned here: the token (round trip; expired, reused, forged and tampered
links refused with 410 or 404), one survey per resolution whatever runs
twice, the agent's opt-out, the delivery route (e-mail, or a reply on the
channel that leaves the resolved case resolved and its response times
alone), the public page (no login, 1 to 5, CSRF), and the answer on the case.
"""

import datetime as dt
import re
import threading
import time

import pytest
from django.contrib.auth.models import Group
from django.core import mail, signing
from django.db import connection, connections
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cases.choices import CaseEventKind, CaseStatus, ChannelKind
from cases.models import Case, CaseEvent, SLAClock
from cases.services import case_change_status, case_resolve
from channels_app.choices import Direction, OutboundStatus
from channels_app.models import OutboundMessage, SocialPost
from channels_app.pipeline import NormalizedPost, ingest_posts
from channels_app.tasks import publish_outbound_task
from kpis.models import KpiSettings, SatisfactionSurvey, SurveyDelivery
from kpis.selectors.surveys import case_surveys
from kpis.services import (
    SurveyAlreadyAnswered,
    SurveyBadAnswer,
    SurveyExpired,
    SurveyInvalid,
    survey_answer,
    survey_check,
    survey_send,
)
from kpis.survey_tokens import SALT, survey_token_make, survey_token_survey_id
from kpis.tasks import send_survey_task
from tests.factories import (
    AgentProfileFactory,
    CaseFactory,
    ChannelFactory,
    CustomerFactory,
    SLAPolicyFactory,
    SocialPostFactory,
    TeamFactory,
    UserFactory,
)
from tests.fakeapi import Reply

pytestmark = pytest.mark.django_db

SITE = "https://help.acme.example"


@pytest.fixture(autouse=True)
def site(settings):
    settings.SITE_URL = SITE
    settings.BRAND_NAME = "Acme Air"


@pytest.fixture
def enqueued(monkeypatch):
    """The (case id, actor id) of each kpis.send_survey enqueued; nothing reaches a broker."""
    calls = []
    monkeypatch.setattr(send_survey_task, "delay", lambda *args: calls.append(args))
    return calls


@pytest.fixture
def rosa():
    return UserFactory(username="rosa", first_name="Rosa", last_name="Diaz")


@pytest.fixture
def billing():
    return TeamFactory(name="Billing")


@pytest.fixture
def email_case(rosa, billing):
    """An open case whose customer wrote by e-mail, assigned to Rosa in Billing."""
    channel = ChannelFactory(kind=ChannelKind.EMAIL, name="Support inbox")
    customer = CustomerFactory(name="Dana Reyes", email="dana@mail.example")
    case = CaseFactory(customer=customer, origin_channel=channel, assignee=rosa, team=billing)
    SocialPostFactory(channel=channel, case=case, text="My refund never arrived.")
    return case


def resolve(case, actor, **kwargs):
    return case_resolve(case=case, actor=actor, **kwargs)


def link_path(survey) -> str:
    return reverse("surveys:answer", args=[survey.token])


def sent_survey(case, actor, **kwargs) -> SatisfactionSurvey:
    resolve(case, actor)
    survey = survey_send(case_id=case.pk, **kwargs)
    assert survey is not None
    return survey


# -- the token -------------------------------------------------------------------------------------


def test_a_token_names_its_survey_and_nothing_else_reads_as_one():
    token = survey_token_make(42)

    assert survey_token_survey_id(token) == 42
    assert survey_token_make(42) != token  # a nonce: each survey's token is its own
    assert survey_token_survey_id(token[:-1] + ("A" if token[-1] != "A" else "B")) is None
    assert survey_token_survey_id(signing.dumps([42, "x"], salt="another.salt")) is None
    assert survey_token_survey_id(signing.dumps([42, "x"], salt=SALT)[:-3]) is None
    assert survey_token_survey_id(signing.dumps("42", salt=SALT)) is None  # signed, but not a survey token
    assert survey_token_survey_id("") is None
    assert survey_token_survey_id("not-a-token") is None


def test_the_sent_surveys_token_round_trips_to_it(email_case, rosa):
    survey = sent_survey(email_case, rosa)

    assert survey.token and not survey.token.startswith("pending-")
    assert survey_check(token=survey.token) == survey


# -- sending ----------------------------------------------------------------------------------------


def test_resolving_enqueues_one_survey_on_commit_and_the_task_sends_it_by_email(
    email_case, rosa, enqueued, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        resolve(email_case, rosa)
    assert enqueued == [(email_case.pk, rosa.pk)]

    survey_id = send_survey_task(*enqueued[0])

    survey = SatisfactionSurvey.objects.get(case=email_case)
    assert survey.pk == survey_id
    assert (survey.delivery, survey.agent, survey.team, survey.channel) == (
        SurveyDelivery.EMAIL,
        rosa,
        email_case.team,
        email_case.origin_channel,
    )
    email_case.refresh_from_db()
    assert survey.sent_at == email_case.resolved_at or survey.sent_at > email_case.resolved_at
    assert survey.expires_at == survey.sent_at + dt.timedelta(days=14)
    (message,) = mail.outbox
    assert message.to == ["dana@mail.example"]
    assert f"SC-{email_case.pk}" in message.subject
    assert message.body == (
        f"Thanks for contacting Acme Air! How did we do? Rate us from 1 to 5: {SITE}/survey/{survey.token}/"
    )


def test_the_agent_opting_out_enqueues_no_survey(email_case, rosa, enqueued, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        resolve(email_case, rosa, send_survey=False)

    assert enqueued == []
    assert Case.objects.get(pk=email_case.pk).status == CaseStatus.RESOLVED


def test_the_resolve_button_sends_a_survey_unless_no_survey_is_ticked(
    rosa, billing, enqueued, django_capture_on_commit_callbacks
):
    rosa.groups.add(Group.objects.get(name="Agents"))
    AgentProfileFactory(user=rosa).teams.add(billing)
    kept, opted_out = CaseFactory(team=billing), CaseFactory(team=billing)
    client = Client()
    client.force_login(rosa)

    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(reverse("console:case_resolve", args=[kept.pk]))
        second = client.post(reverse("console:case_resolve", args=[opted_out.pk]), {"no_survey": "1"})

    assert (first.status_code, second.status_code) == (303, 303)
    assert enqueued == [(kept.pk, rosa.pk)]
    assert set(Case.objects.filter(pk__in=[kept.pk, opted_out.pk]).values_list("status", flat=True)) == {
        CaseStatus.RESOLVED
    }


def test_the_case_page_offers_the_no_survey_checkbox_next_to_resolve(rosa, billing):
    rosa.groups.add(Group.objects.get(name="Agents"))
    AgentProfileFactory(user=rosa).teams.add(billing)
    case = CaseFactory(team=billing)
    client = Client()
    client.force_login(rosa)

    page = client.get(reverse("console:case", args=[case.pk])).content.decode()

    resolve_form = re.search(r'<form[^>]*/resolve/".*?</form>', page, re.S).group(0)
    assert 'data-shortcut="e"' in resolve_form
    assert 'name="no_survey"' in resolve_form and "No survey" in resolve_form


def test_a_task_run_twice_or_a_second_resolve_sends_one_survey(email_case, rosa):
    resolve(email_case, rosa)
    first = send_survey_task(email_case.pk)
    resolve(email_case, rosa)  # already resolved: nothing changes
    second = send_survey_task(email_case.pk)

    assert first == second
    assert SatisfactionSurvey.objects.filter(case=email_case).count() == 1
    assert len(mail.outbox) == 1


def test_a_case_resolved_again_after_reopening_gets_a_survey_for_the_new_resolution(email_case, rosa):
    earlier = sent_survey(email_case, rosa, now=timezone.now())
    case_change_status(case=email_case, status=CaseStatus.OPEN, actor=rosa, at=timezone.now() + dt.timedelta(hours=1))
    case_resolve(case=email_case, actor=rosa, at=timezone.now() + dt.timedelta(hours=2))

    later = survey_send(case_id=email_case.pk)

    assert later is not None and later.pk != earlier.pk
    assert later.sent_at >= Case.objects.get(pk=email_case.pk).resolved_at
    assert survey_send(case_id=email_case.pk) == later


def test_no_survey_for_a_case_reopened_before_the_task_ran_or_gone(email_case, rosa):
    resolve(email_case, rosa)
    case_change_status(case=email_case, status=CaseStatus.OPEN, actor=rosa)

    assert survey_send(case_id=email_case.pk) is None
    assert survey_send(case_id=10**9) is None
    assert not SatisfactionSurvey.objects.exists() and mail.outbox == []


def test_no_survey_when_there_is_no_channel_to_reply_on_and_no_email(rosa, caplog):
    case = CaseFactory(customer=CustomerFactory(email=""), origin_channel=ChannelFactory(kind=ChannelKind.RSS))
    resolve(case, rosa)

    assert survey_send(case_id=case.pk) is None
    assert not SatisfactionSurvey.objects.exists()
    assert "no channel to reply on and the customer has no e-mail" in caplog.text


def test_without_a_channel_to_reply_on_the_survey_goes_to_the_customers_email(rosa):
    forum = ChannelFactory(kind=ChannelKind.RSS, name="Reviews feed")
    case = CaseFactory(customer=CustomerFactory(email="li@mail.example"), origin_channel=forum)
    SocialPostFactory(channel=forum, case=case)

    survey = sent_survey(case, rosa)

    assert (survey.delivery, survey.channel) == (SurveyDelivery.EMAIL, forum)
    assert [message.to for message in mail.outbox] == [["li@mail.example"]]


def test_the_expiry_follows_the_kpi_settings(email_case, rosa):
    KpiSettings.objects.create(survey_expiry_days=3)
    now = timezone.now()

    survey = sent_survey(email_case, rosa, now=now)

    assert survey.expires_at == survey.sent_at + dt.timedelta(days=3)


# -- through the channel: the case stays resolved ---------------------------------------------------


@pytest.fixture
def x_channel(fake_api, monkeypatch, settings):
    settings.CHANNEL_HTTP_TIMEOUT = 2
    monkeypatch.setenv("TEST_SURVEY_X_USER_TOKEN", "user-token")
    monkeypatch.setenv("TEST_SURVEY_X_BEARER", "app-bearer")
    SLAPolicyFactory(name="Default", is_default=True, first_response_minutes=240, resolution_minutes=48 * 60)
    return ChannelFactory(
        kind=ChannelKind.X,
        name="Acme Air on X",
        brand_handles=["AcmeAirCare"],
        brand_terms=["Acme Air"],
        api_base_url=fake_api.base_url,
        options={"user_id": "1111111111", "username": "AcmeAirCare"},
        credential_env={"user_access_token": "TEST_SURVEY_X_USER_TOKEN", "bearer_token": "TEST_SURVEY_X_BEARER"},
    )


def tweet(external_id, minutes_ago, text, **fields):
    return NormalizedPost(
        external_id=external_id,
        posted_at=timezone.now() - dt.timedelta(minutes=minutes_ago),
        text=text,
        **fields,
    )


def clocks(case) -> list[dict]:
    """The case's SLA clocks, all but their updated_at (re-planning rewrites rows it leaves equal)."""
    return [
        {name: value for name, value in row.items() if name != "updated_at"}
        for row in SLAClock.objects.filter(case=case).order_by("pk").values()
    ]


def test_a_survey_posted_on_the_channel_leaves_the_case_resolved_and_its_response_times_alone(
    x_channel, rosa, fake_api, django_capture_on_commit_callbacks
):
    # Given a customer's tweet, answered by an agent, and the case resolved
    customer = {"author_id": "9001", "author_handle": "dana_r", "author_name": "Dana Reyes"}
    ingest_posts(channel=x_channel, posts=[tweet("1900", 120, "@AcmeAirCare my bag never arrived", **customer)])
    ingest_posts(
        channel=x_channel,
        posts=[
            tweet(
                "1901",
                60,
                "Sorry Dana, found it!",
                author_handle="AcmeAirCare",
                in_reply_to_id="1900",
                is_outbound=True,
            )
        ],
    )
    case = SocialPost.objects.get(channel=x_channel, external_id="1900").case
    Case.objects.filter(pk=case.pk).update(assignee=rosa)
    case = resolve(case, rosa)
    clocks_before = clocks(case)
    assert case.first_responded_at is not None and clocks_before
    fake_api.route("POST", "/2/tweets", Reply(status=201, json={"data": {"id": "1999", "text": "..."}}))

    # When the survey is sent and the outbox publishes it
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        survey = survey_send(case_id=case.pk, actor=rosa)
    assert len(callbacks) == 1  # the outbox publishes after commit
    message = OutboundMessage.objects.get(case=case)
    assert publish_outbound_task(message.pk) == OutboundStatus.SENT

    # Then it went out as an automatic reply to the customer's tweet, and nothing about the case moved
    assert (survey.delivery, survey.channel, survey.agent) == (SurveyDelivery.REPLY, x_channel, rosa)
    assert message.is_automatic and message.author is None
    (request,) = fake_api.calls("POST", "/2/tweets")
    assert request.json() == {
        "text": f"Thanks for contacting Acme Air! How did we do? Rate us from 1 to 5: {SITE}/survey/{survey.token}/",
        "reply": {"in_reply_to_tweet_id": "1900"},
    }
    after = Case.objects.get(pk=case.pk)
    assert after.status == CaseStatus.RESOLVED
    assert (after.resolved_at, after.first_responded_at, after.last_responded_at) == (
        case.resolved_at,
        case.first_responded_at,
        case.last_responded_at,
    )
    assert clocks(case) == clocks_before
    posted = SocialPost.objects.get(channel=x_channel, external_id="1999")
    assert (posted.direction, posted.case_id) == (Direction.OUTBOUND, case.pk)
    event = CaseEvent.objects.get(case=case, post=posted)
    assert event.kind == CaseEventKind.OUTBOUND_REPLY and event.payload.get("automatic") is True
    assert not CaseEvent.objects.filter(case=case, kind=CaseEventKind.STATUS_CHANGE, payload__to="open").exists()
    assert mail.outbox == []


# -- the public page --------------------------------------------------------------------------------


def test_the_public_page_needs_no_login_and_asks_for_1_to_5_and_a_comment(email_case, rosa):
    survey = sent_survey(email_case, rosa)

    response = Client().get(link_path(survey))

    assert response.status_code == 200
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert "no-store" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    page = response.content.decode()
    assert sorted(re.findall(r'type="radio" name="score" value="(\d)"', page)) == ["1", "2", "3", "4", "5"]
    assert "1: Very unhappy" in page and "5: Very happy" in page
    assert '<textarea id="id_comment" name="comment"' in page
    assert "csrfmiddlewaretoken" in page
    assert "Hi Dana," in page and f"SC-{email_case.pk}" in page
    assert "Reyes" not in page and "dana@mail.example" not in page  # a first name and the reference only


def test_answering_through_the_page_records_it_thanks_the_customer_and_shows_it_on_the_case(email_case, rosa):
    survey = sent_survey(email_case, rosa)
    client = Client(enforce_csrf_checks=True)
    form = client.get(link_path(survey)).content.decode()
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)

    response = client.post(
        link_path(survey), {"score": "4", "comment": "  Quick and kind, thanks!  ", "csrfmiddlewaretoken": csrf}
    )

    assert response.status_code == 200 and "Thank you!" in response.content.decode()
    survey.refresh_from_db()
    assert (survey.score, survey.comment) == (4, "Quick and kind, thanks!")
    assert survey.answered_at >= survey.sent_at
    event = CaseEvent.objects.get(case=email_case, kind=CaseEventKind.SURVEY)
    assert event.body == "Satisfaction survey answered: 4/5 (Happy).\n\nQuick and kind, thanks!"
    assert (event.actor, event.payload) == (None, {"survey": survey.pk, "score": 4, "comment": True})
    (view,) = case_surveys(case_id=email_case.pk)
    assert (view.survey, view.state, view.score_label) == (survey, "answered", "Happy")
    panel = render_to_string("console/partials/case_survey.html", {"surveys": case_surveys(case_id=email_case.pk)})
    assert "4/5" in panel and "Happy" in panel and "Quick and kind, thanks!" in panel and "e-mail" in panel


def test_a_score_outside_1_to_5_is_a_form_error_and_records_nothing(email_case, rosa):
    survey = sent_survey(email_case, rosa)

    for score in ("0", "6", "five", ""):
        response = Client().post(link_path(survey), {"score": score, "comment": "meh"})
        assert response.status_code == 400
        assert "Choose a score from 1 to 5." in response.content.decode()
    with pytest.raises(SurveyBadAnswer):
        survey_answer(token=survey.token, score=6, comment="")
    with pytest.raises(SurveyBadAnswer):
        survey_answer(token=survey.token, score=True, comment="")  # a bool is not a score

    survey.refresh_from_db()
    assert (survey.answered_at, survey.score) == (None, None)
    assert not CaseEvent.objects.filter(kind=CaseEventKind.SURVEY).exists()


def test_a_reused_link_is_gone_and_the_second_answer_does_not_overwrite_the_first(email_case, rosa):
    survey = sent_survey(email_case, rosa)
    assert Client().post(link_path(survey), {"score": "2", "comment": "slow"}).status_code == 200

    again = Client().post(link_path(survey), {"score": "5", "comment": "changed my mind"})
    reopened = Client().get(link_path(survey))

    assert (again.status_code, reopened.status_code) == (410, 410)
    assert "Already answered" in again.content.decode()
    with pytest.raises(SurveyAlreadyAnswered):
        survey_answer(token=survey.token, score=5, comment="")
    survey.refresh_from_db()
    assert (survey.score, survey.comment) == (2, "slow")
    assert CaseEvent.objects.filter(case=email_case, kind=CaseEventKind.SURVEY).count() == 1


def test_an_expired_link_is_gone_and_takes_no_answer(email_case, rosa):
    survey = sent_survey(email_case, rosa)
    SatisfactionSurvey.objects.filter(pk=survey.pk).update(expires_at=timezone.now() - dt.timedelta(minutes=1))

    shown = Client().get(link_path(survey))
    posted = Client().post(link_path(survey), {"score": "5"})

    assert (shown.status_code, posted.status_code) == (410, 410)
    assert "expired" in shown.content.decode()
    with pytest.raises(SurveyExpired):
        survey_answer(token=survey.token, score=5, comment="")
    assert SatisfactionSurvey.objects.get(pk=survey.pk).answered_at is None
    (view,) = case_surveys(case_id=email_case.pk)
    assert view.state == "expired"


def test_an_answer_at_the_expiry_instant_is_refused(email_case, rosa):
    survey = sent_survey(email_case, rosa)

    with pytest.raises(SurveyExpired):
        survey_answer(token=survey.token, score=3, comment="", now=survey.expires_at)
    assert survey_answer(token=survey.token, score=3, comment="", now=survey.expires_at - dt.timedelta(seconds=1))


def test_forged_tampered_or_unknown_links_are_not_found(email_case, rosa):
    survey = sent_survey(email_case, rosa)
    tampered = survey.token[:-2] + ("xy" if not survey.token.endswith("xy") else "zz")
    other_salt = signing.dumps([survey.pk, "abc"], salt="socialcrm.other")
    genuine_but_not_stored = survey_token_make(survey.pk)  # signed by us, but not this survey's token
    no_such_survey = survey_token_make(10**9)

    for token in (tampered, other_salt, genuine_but_not_stored, no_such_survey, "garbage"):
        shown = Client().get(reverse("surveys:answer", args=[token]))
        posted = Client().post(reverse("surveys:answer", args=[token]), {"score": "5"})
        assert (shown.status_code, posted.status_code) == (404, 404), token
        assert "Survey not found" in shown.content.decode()
        with pytest.raises(SurveyInvalid):
            survey_answer(token=token, score=5, comment="")
    assert SatisfactionSurvey.objects.get(pk=survey.pk).answered_at is None


def test_the_case_panel_shows_a_waiting_survey_and_no_survey(email_case, rosa):
    assert "No survey sent for this case." in render_to_string(
        "console/partials/case_survey.html", {"surveys": case_surveys(case_id=email_case.pk)}
    )
    sent_survey(email_case, rosa)

    panel = render_to_string("console/partials/case_survey.html", {"surveys": case_surveys(case_id=email_case.pk)})

    assert "Waiting for an answer until" in panel


# -- through a real worker ---------------------------------------------------------------------------


@pytest.mark.redis
def test_resolving_sends_the_survey_through_a_real_worker_on_redis(celery_worker, rosa):
    # Given an open case whose customer has an e-mail address (rows committed: the worker has its own connection)
    case = CaseFactory(customer=CustomerFactory(email="dana@mail.example"), assignee=rosa)

    # When the agent resolves it (autocommit: the on-commit enqueue runs at once, onto the broker)
    resolve(case, rosa)

    # Then the worker sends the survey by e-mail, once
    deadline = time.monotonic() + 30
    while not SatisfactionSurvey.objects.filter(case=case).exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    survey = SatisfactionSurvey.objects.get(case=case)
    assert (survey.delivery, survey.agent) == (SurveyDelivery.EMAIL, rosa)
    assert [message.to for message in mail.outbox] == [["dana@mail.example"]]


# -- concurrency -------------------------------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_of_two_answers_at_once_exactly_one_is_recorded():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises writers, so nothing runs concurrently")
    customer = CustomerFactory(email="dana@mail.example")
    case = CaseFactory(customer=customer, status=CaseStatus.RESOLVED, resolved_at=timezone.now())
    survey = survey_send(case_id=case.pk)
    barrier = threading.Barrier(2)
    outcomes, errors = {}, []

    def answer(score):
        try:
            barrier.wait(timeout=10)
            outcomes[score] = survey_answer(token=survey.token, score=score, comment=f"said {score}")
        except SurveyAlreadyAnswered as refused:
            outcomes[score] = refused
        except Exception as error:  # surfaced by the assertion below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=answer, args=(score,)) for score in (1, 5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    winners = [score for score, outcome in outcomes.items() if isinstance(outcome, SatisfactionSurvey)]
    refused = [outcome for outcome in outcomes.values() if isinstance(outcome, SurveyAlreadyAnswered)]
    assert len(winners) == 1 and len(refused) == 1
    survey.refresh_from_db()
    assert (survey.score, survey.comment) == (winners[0], f"said {winners[0]}")
    assert CaseEvent.objects.filter(case=case, kind=CaseEventKind.SURVEY).count() == 1
