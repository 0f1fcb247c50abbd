"""Posting a question from the public ask page as an inbound post on the ask channel.

The question goes through the ingestion pipeline like any post, so it
becomes a case (or joins one) under the channel's normal rules; the
AskQuestion row records who asked (the visitor's cookie id, their contact)
and what the pipeline made of it, for the deflection count.
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.db import transaction
from django.utils import timezone

from channels_app.models import SocialPost
from channels_app.pipeline import NormalizedPost, ingest_posts
from knowledge.models import AskQuestion
from knowledge.selectors import knowledge_settings


class AskUnavailable(Exception):
    """No active ask channel is configured: the ask page offers no question form."""


def ask_question_post(
    *,
    visitor_key: str,
    question: str,
    email: str = "",
    handle: str = "",
    name: str = "",
    now: dt.datetime | None = None,
) -> AskQuestion:
    """Post the question on the ask channel and record it. Expects a cleaned question and at
    least an e-mail or a handle. Raises AskUnavailable when no active ask channel is set."""
    channel = knowledge_settings().ask_channel
    if channel is None or not channel.is_active:
        raise AskUnavailable("No ask channel is configured.")
    now = now or timezone.now()
    email = email.strip().lower()
    handle = handle.strip().lstrip("@")
    external_id = f"ask-{uuid.uuid4().hex}"
    post = NormalizedPost(
        external_id=external_id,
        posted_at=now,
        text=question,
        # The contact is the author's identity on this channel: one profile per e-mail or handle.
        author_id=f"email:{email}" if email else f"handle:{handle.lower()}",
        author_handle=handle or email,
        author_name=name,
        author_email=email,
        is_direct=True,
        is_outbound=False,
        raw={"source": "knowledge.ask", "visitor_key": visitor_key},
    )
    with transaction.atomic():
        ingest_posts(channel=channel, posts=[post])
        stored = SocialPost.objects.select_related("author").filter(channel=channel, external_id=external_id).first()
        return AskQuestion.objects.create(
            question=question,
            visitor_key=visitor_key,
            email=email,
            handle=handle,
            name=name,
            created_at=now,
            post=stored,
            case_id=stored.case_id if stored else None,
            customer_id=stored.author.customer_id if stored and stored.author else None,
        )
