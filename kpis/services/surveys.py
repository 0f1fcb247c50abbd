"""Satisfaction surveys: sending one when a case is resolved, and recording the customer's answer.

Owns survey_send() (the kpis.send_survey task's work), survey_check() (is a
link answerable: the read half, for the public page's GET) and
survey_answer() (the write half). Views and tasks call these; tokens are
kpis.survey_tokens.

Definitions:
- One survey per resolution: a survey belongs to the resolution it was
  sent after, i.e. the case's survey with sent_at >= case.resolved_at.
  survey_send() returns that survey when there is one, so a task run twice
  (or a Resolve clicked twice) sends once. A case resolved, reopened and
  resolved again has a new resolved_at, so it may get a new survey; the
  first one's link keeps working until it expires (the customer answered
  about the first resolution, and that is what it records).
- Delivery, from the case's latest inbound post that is not deleted: on X
  or Facebook, a reply on that post through the outbox (a DM when the post
  was one); on e-mail, an e-mail to the customer; with no channel to reply
  on, an e-mail when the customer has an address; else no survey (None,
  and a log line says why). Agent, team and channel are frozen on the
  survey at send time (the channel is the post's, else the case's origin),
  so CSAT per agent, team and channel does not move with a reassignment.
- The survey message is automatic (OutboundMessage.is_automatic): ingested
  back as the brand's post, it joins the resolved case's timeline but
  reopens nothing, starts or stops no SLA clock and is no response
  (first_responded_at, last_responded_at unchanged): see
  channels_app.pipeline.thread.Threader._attach and cases.sla.
- An answer is single use: one conditional UPDATE ... WHERE answered_at IS
  NULL AND not expired; of two answers at once the database lets exactly
  one match, the other gets SurveyAlreadyAnswered and changes nothing.
  The winner records one `survey` event on the case's timeline (dedupe
  key survey-answer:<id>), which starts or stops no clock and makes no
  agent's draft reply stale.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from cases.choices import DONE_STATUSES, CaseEventKind, ChannelKind
from cases.models import Case, CaseEvent
from cases.webhook_events import emit
from channels_app.choices import Direction
from channels_app.models import SocialPost
from channels_app.services.outbox import outbound_enqueue
from kpis.models import SatisfactionSurvey, SurveyDelivery
from kpis.scope import kpi_settings
from kpis.survey_tokens import survey_token_make, survey_token_survey_id

logger = logging.getLogger(__name__)

SCORE_LABELS = {1: "Very unhappy", 2: "Unhappy", 3: "Neither happy nor unhappy", 4: "Happy", 5: "Very happy"}
COMMENT_MAX_LENGTH = 2000
# Channel kinds a survey can be posted back on (the others have no publishing, or are e-mail).
REPLY_KINDS = (ChannelKind.X, ChannelKind.FACEBOOK)


class SurveyError(Exception):
    """A survey link that answers nothing; `status` is the HTTP status the public page uses."""

    status = 400


class SurveyInvalid(SurveyError):
    """Forged, tampered, malformed, or naming no survey: as if the page did not exist."""

    status = 404


class SurveyExpired(SurveyError):
    status = 410


class SurveyAlreadyAnswered(SurveyError):
    status = 410


class SurveyBadAnswer(SurveyError, ValueError):
    """A score outside 1 to 5, or a comment too long (the form says so first)."""

    status = 400


# -- sending --------------------------------------------------------------------------------------


def survey_link(token: str) -> str:
    """The absolute URL of the answer page (SITE_URL, the public base URL of this site)."""
    base = getattr(settings, "SITE_URL", "http://127.0.0.1:8000").rstrip("/")
    return base + reverse("surveys:answer", args=[token])


def survey_message(*, link: str) -> str:
    brand = getattr(settings, "BRAND_NAME", "") or "us"
    return f"Thanks for contacting {brand}! How did we do? Rate us from 1 to 5: {link}"


def survey_send(*, case_id: int, actor=None, now: dt.datetime | None = None) -> SatisfactionSurvey | None:
    """Send the case's survey for its current resolution, once; returns it, or None when none is sent.

    None when the case is gone, not resolved (reopened before the task
    ran), merged, or has no way to reach the customer. Locks the case row
    so two tasks for one case send one survey. An e-mail is sent inside the
    transaction, last: if it fails nothing is recorded and the task retries;
    a channel reply is an outbox row committed with the survey and published
    after commit by channels_app, with its own retries.
    """
    now = now or timezone.now()
    with transaction.atomic():
        case = Case.objects.select_for_update().filter(pk=case_id).first()
        if case is None:
            logger.info("no survey for case %s: the case is gone", case_id)
            return None
        if case.status not in DONE_STATUSES or case.resolved_at is None or case.merged_into_id:
            logger.info("no survey for %s: it is %s, not resolved", case.reference, case.status)
            return None
        existing = (
            SatisfactionSurvey.objects.filter(case=case, sent_at__gte=case.resolved_at)
            .order_by("sent_at", "pk")
            .first()
        )
        if existing is not None:
            return existing
        route = _route(case)
        if route is None:
            logger.info("no survey for %s: no channel to reply on and the customer has no e-mail", case.reference)
            return None
        delivery, channel_id, reply_to, email = route
        # Never before the resolution it belongs to, even with a skewed `now`.
        sent_at = max(now, case.resolved_at)
        survey = SatisfactionSurvey.objects.create(
            case=case,
            token=f"pending-{uuid.uuid4().hex}",  # the signed token names the id, known only after the insert
            sent_at=sent_at,
            expires_at=sent_at + dt.timedelta(days=kpi_settings().survey_expiry_days),
            delivery=delivery,
            agent_id=case.assignee_id,
            team_id=case.team_id,
            channel_id=channel_id,
        )
        survey.token = survey_token_make(survey.pk)
        survey.save(update_fields=["token"])
        text = survey_message(link=survey_link(survey.token))
        if delivery == SurveyDelivery.EMAIL:
            send_mail(f"How did we do? ({case.reference})", text, None, [email], fail_silently=False)
        else:
            outbound_enqueue(case=case, text=text, reply_to=reply_to, is_automatic=True)
    logger.info("survey %s for %s sent by %s (%s)", survey.pk, case.reference, delivery, actor or "the system")
    return survey


def _route(case: Case) -> tuple[str, int | None, SocialPost | None, str] | None:
    """(delivery, channel id, post to reply to, e-mail address) for the case's survey, or None."""
    latest = (
        SocialPost.objects.filter(case=case, direction=Direction.INBOUND, deleted_at=None)
        .select_related("channel")
        .order_by("-posted_at", "-id")
        .first()
    )
    email = (case.customer.email or "").strip()
    channel_id = latest.channel_id if latest else case.origin_channel_id
    if latest is not None and latest.channel.kind in REPLY_KINDS and latest.channel.is_active:
        # Same test as the outbox's OutgoingReply.is_direct: DMs are stored with a dm- prefix.
        direct = latest.external_id.startswith("dm-")
        return (SurveyDelivery.DIRECT_MESSAGE if direct else SurveyDelivery.REPLY), channel_id, latest, ""
    if email:
        return SurveyDelivery.EMAIL, channel_id, None, email
    return None


# -- answering ------------------------------------------------------------------------------------


def survey_check(*, token: str, now: dt.datetime | None = None) -> SatisfactionSurvey:
    """The survey `token` may answer now, with its case and customer; raises a SurveyError subclass.

    Read only: the public page's GET. survey_answer() checks again under the
    conditional update, so a link that passed here may still lose a race.
    """
    now = now or timezone.now()
    survey_id = survey_token_survey_id(token)
    survey = (
        SatisfactionSurvey.objects.select_related("case__customer").filter(pk=survey_id, token=token).first()
        if survey_id
        else None
    )
    if survey is None:
        raise SurveyInvalid("This survey link is not valid.")
    if survey.answered_at is not None:
        raise SurveyAlreadyAnswered("This survey was already answered. Thank you!")
    if survey.expires_at is not None and survey.expires_at <= now:
        raise SurveyExpired("This survey link has expired.")
    return survey


def survey_answer(*, token: str, score: int, comment: str = "", now: dt.datetime | None = None) -> SatisfactionSurvey:
    """Record the customer's answer, once; returns the answered survey.

    Raises SurveyBadAnswer (score outside 1..5, comment too long),
    SurveyInvalid, SurveyExpired or SurveyAlreadyAnswered; a refused answer
    changes nothing. Adds a `survey` event on the case, its body saying the
    score and the comment.
    """
    now = now or timezone.now()
    if type(score) is not int or score not in SCORE_LABELS:
        raise SurveyBadAnswer("Choose a score from 1 to 5.")
    comment = (comment or "").strip()
    if len(comment) > COMMENT_MAX_LENGTH:
        raise SurveyBadAnswer(f"A comment has at most {COMMENT_MAX_LENGTH:,} characters.")
    survey = survey_check(token=token, now=now)
    answered_at = max(now, survey.sent_at)  # the row's check: answered after sent, even with a skewed clock
    not_expired = Q(expires_at__isnull=True) | Q(expires_at__gt=now)
    with transaction.atomic():
        won = SatisfactionSurvey.objects.filter(
            not_expired, pk=survey.pk, token=token, answered_at__isnull=True
        ).update(answered_at=answered_at, score=score, comment=comment)
        if not won:
            # Lost a race (answered or expired since the check): say which, change nothing.
            survey_check(token=token, now=now)
            raise SurveyAlreadyAnswered("This survey was already answered. Thank you!")
        body = f"Satisfaction survey answered: {score}/5 ({SCORE_LABELS[score]})."
        if comment:
            body += f"\n\n{comment}"
        CaseEvent.objects.create(
            case_id=survey.case_id,
            kind=CaseEventKind.SURVEY,
            occurred_at=answered_at,
            body=body,
            payload={"survey": survey.pk, "score": score, "comment": bool(comment)},
            dedupe_key=f"survey-answer:{survey.pk}",
        )
        emit("survey_answered", survey.pk)
    survey.refresh_from_db()
    return survey
