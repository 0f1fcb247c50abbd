"""The --through-pipeline mode: planned posts fed to the real ingestion path.

Owns normalized() (a planned post as its channel's adapter would hand it
over: NormalizedPost with the author fields that kind of channel gives)
and feed_chunk() (a chunk's posts through channels_app.services.import_items,
channel by channel, in time order). The pipeline then decides everything
the COPY mode writes directly: profiles and customers, sentiment, language
and intent (by the classifiers), engagement, threading, cases and their
clocks. Agent work (statuses past open, assignment, surveys) is not
replayed: in this mode cases are as ingestion leaves them.
"""

from __future__ import annotations

from cases.choices import ChannelKind
from channels_app.datagen.threads import Chunk, GenPost
from channels_app.pipeline import IngestResult, NormalizedPost
from channels_app.services import import_items

SOURCE = {"source": "generate_data"}


def _author(post: GenPost) -> dict:
    kind, profile, brand = post.channel.kind, post.author, post.channel.brand
    if profile is None:  # the brand
        if kind == ChannelKind.FACEBOOK:
            return {"author_id": brand.page_id, "author_name": brand.name}
        if kind == ChannelKind.EMAIL:
            return {"author_id": brand.email, "author_email": brand.email, "author_name": brand.name}
        return {"author_id": brand.handle, "author_handle": brand.handle, "author_name": brand.name}
    fields = {"author_id": profile.external_user_id, "author_name": profile.display_name}
    if kind == ChannelKind.X:
        fields |= {
            "author_handle": profile.handle,
            "author_followers": profile.followers,
            "author_verified": profile.verified,
        }
    elif kind == ChannelKind.EMAIL:
        fields |= {"author_handle": profile.handle, "author_email": profile.handle}
    elif kind == ChannelKind.RSS:
        fields["author_handle"] = profile.handle
    return fields


def normalized(post: GenPost) -> NormalizedPost:
    return NormalizedPost(
        external_id=post.external_id,
        posted_at=post.posted_at,
        text=post.text,
        url=post.url,
        language=post.language,
        in_reply_to_id=post.in_reply_to,
        in_reply_to_handle=post.in_reply_to_handle,
        conversation_id=post.conversation_id,
        is_direct=post.is_direct,
        is_outbound=post.author is None,
        like_count=post.likes,
        share_count=post.shares,
        raw=SOURCE,
        **_author(post),
    )


def feed_chunk(chunk: Chunk, *, batch_size: int) -> IngestResult:
    """Ingest a chunk's posts, channel by channel, oldest first; returns the batches' results added up."""
    by_channel: dict[int, list[GenPost]] = {}
    for post in chunk.posts:
        by_channel.setdefault(post.channel.pk, []).append(post)
    total = IngestResult()
    for posts in by_channel.values():
        posts.sort(key=lambda post: (post.posted_at, post.external_id))
        channel = posts[0].channel.model
        summary = import_items(
            channel=channel,
            items=((f"generate_data:{post.external_id}", normalized(post)) for post in posts),
            batch_size=batch_size,
        )
        total.add(summary.ingested)
    return total
