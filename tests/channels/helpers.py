"""Helpers for pipeline tests: building normalized posts and reading back case structure."""

import datetime as dt

from channels_app.models import SocialPost
from channels_app.pipeline import NormalizedPost

T0 = dt.datetime(2026, 11, 2, 10, 0, tzinfo=dt.UTC)


def post(external_id, minutes, text, *, author="9001", reply_to="", outbound=None, **fields) -> NormalizedPost:
    return NormalizedPost(
        external_id=str(external_id),
        posted_at=T0 + dt.timedelta(minutes=minutes),
        text=text,
        author_id="" if outbound else author,
        author_handle="AcmeAirCare" if outbound else author,
        in_reply_to_id=str(reply_to),
        is_outbound=outbound,
        **fields,
    )


def case_structure(channel) -> set[tuple]:
    """Each live (not merged) case of the channel's posts as
    (frozenset of post ids, first message, first response, status)."""
    groups: dict[int, set[str]] = {}
    cases = {}
    for social_post in SocialPost.objects.filter(channel=channel).select_related("case"):
        if social_post.case_id:
            groups.setdefault(social_post.case_id, set()).add(social_post.external_id)
            cases[social_post.case_id] = social_post.case
    return {
        (frozenset(ids), cases[case_id].first_message_at, cases[case_id].first_responded_at, cases[case_id].status)
        for case_id, ids in groups.items()
    }
