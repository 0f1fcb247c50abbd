"""Proactive outreach: an agent opens a case from a post the brand was not asked about.

Owns case_open_from_post(). The post becomes the case's first message, as
ingestion's threading makes it for an actionable post: the case is opened
for the post's customer on the post's channel with the post's engagement
type, intent, language and sentiment; the post's inbound_post event starts
the SLA clocks at the post's time; the priority is scored, the clocks
planned and the case routed on commit, as case_log_contact() does for a
contact logged by hand. The event says who opened the case and why.

Idempotent: a post already in a case (opened by ingestion, by a colleague a
moment before, or merged since) gives that case back and writes nothing.
The post row is locked so two agents clicking at once open one case.
"""

from __future__ import annotations

from django.apps import apps
from django.db import transaction

from cases.choices import CaseEventKind, CaseStatus, EngagementType
from cases.models import Case, CaseEvent
from cases.services.cases import case_subject, cases_rescore
from cases.services.sla import sla_refresh
from cases.webhook_events import emit

OUTREACH_REASON = "proactive outreach from the listening stream"


class OutreachError(Exception):
    """The post cannot open a case (the brand's own post, or a post without an author)."""


def case_open_from_post(*, post_id: int, actor) -> tuple[Case, bool]:
    """The case of the post, opened now when it has none. Returns (case, opened now)."""
    SocialPost = apps.get_model("channels_app", "SocialPost")
    with transaction.atomic():
        post = SocialPost.objects.select_for_update(of=("self",)).select_related("author", "channel").get(pk=post_id)
        if post.case_id is not None:
            case = Case.objects.get(pk=post.case_id)
            while case.merged_into_id:
                case = Case.objects.get(pk=case.merged_into_id)
            return case, False
        if post.direction != "inbound":
            raise OutreachError("This is the brand's own post: there is no customer to reach out to.")
        if post.author is None:
            raise OutreachError("This post has no known author: there is no customer to open a case for.")
        case = Case.objects.create(
            customer_id=post.author.customer_id,
            origin_channel=post.channel,
            subject=case_subject(post.text),
            status=CaseStatus.NEW,
            engagement_type=post.engagement_type
            if post.engagement_type != EngagementType.NONE
            else EngagementType.PROACTIVE,
            intent=post.intent,
            language=post.language,
            first_message_at=post.posted_at,
            last_customer_message_at=post.posted_at,
            sentiment_start=post.sentiment_polarity,
            sentiment_latest=post.sentiment_polarity,
            sentiment_label=post.sentiment_label,
        )
        SocialPost.objects.filter(pk=post.pk).update(case=case)
        CaseEvent.objects.create(
            case=case,
            kind=CaseEventKind.INBOUND_POST,
            actor=actor,
            post=post,
            occurred_at=post.posted_at,
            # external_id as ingestion writes it; opened_by and reason say who chose to act and why.
            payload={"external_id": post.external_id, "opened_by": actor.pk, "reason": OUTREACH_REASON},
        )
        cases_rescore(case_ids=[case.pk], reason=OUTREACH_REASON)
        sla_refresh(case_ids=[case.pk])
        emit("case_created", case.pk)
        case_id = case.pk
        # Imported here: cases.tasks imports the services.
        from cases.tasks import route_cases_task

        transaction.on_commit(lambda: route_cases_task.delay([case_id]), robust=True)
    case.refresh_from_db()
    return case, True
