"""Importing X API v2 pages, Facebook Graph responses and normalized JSON lines."""

import datetime as dt
import io
from pathlib import Path

import pytest
from django.core.management import call_command

from cases.choices import EngagementType, InfluenceTier
from channels_app.adapters.facebook import normalize_feed_webhook
from channels_app.models import Channel, SocialPost, SocialProfile
from channels_app.pipeline import InvalidPost

pytestmark = pytest.mark.django_db

DATA = Path(__file__).parent / "data"
UTC = dt.UTC


def run_import(name, import_format, *args):
    out = io.StringIO()
    call_command("import_posts", str(DATA / name), "--format", import_format, *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def case_of(external_id):
    return SocialPost.objects.select_related("case").get(external_id=external_id).case


def test_x_v2_pages_thread_the_brand_reply_and_the_customers_answer():
    output = run_import("x_v2_pages.jsonl", "x-v2", "--brand", "AcmeAirCare")

    case = case_of("1852017720541925392")
    assert set(case.posts.values_list("external_id", flat=True)) == {
        "1852017720541925392",
        "1852018500000000001",
        "1852019011112222333",
    }
    assert case.engagement_type == EngagementType.REACTIVE
    assert (case.first_responded_at - case.first_message_at).total_seconds() == 758
    assert SocialPost.objects.get(external_id="1852018500000000001").direction == "outbound"
    assert "Stored: 4" in output


def test_x_v2_followers_come_from_includes_users_and_the_latest_page_wins():
    run_import("x_v2_pages.jsonl", "x-v2", "--brand", "AcmeAirCare")

    dana = SocialProfile.objects.get(kind="x", external_user_id="2244994945")
    assert (dana.handle, dana.display_name, dana.followers_count) == ("danar", "Dana R", 5900)
    tom = SocialProfile.objects.get(kind="x", external_user_id="98765")
    assert tom.verified and tom.customer.influence == InfluenceTier.TOP


def test_x_v2_keeps_metrics_and_links():
    run_import("x_v2_pages.jsonl", "x-v2", "--brand", "AcmeAirCare")

    tweet = SocialPost.objects.get(external_id="1852017720541925392")
    assert (tweet.like_count, tweet.share_count, tweet.language) == (31, 6, "en")
    assert tweet.url == "https://x.com/danar/status/1852017720541925392"
    assert tweet.posted_at == dt.datetime(2026, 10, 31, 22, 8, 27, tzinfo=UTC)


def test_x_v2_bad_items_and_lines_are_rejected_with_reasons():
    output = run_import("x_v2_pages.jsonl", "x-v2", "--brand", "AcmeAirCare")

    assert "Rejected: 3" in output
    assert "rejected line 2, item 3: id must be a string id, not float" in output
    assert "rejected line 2, item 4: missing time" in output
    assert "rejected line 3: not JSON" in output


def test_facebook_feed_with_nested_comments_threads_the_page_reply():
    output = run_import("facebook_feed.json", "facebook", "--brand", "104857600112233")

    case = case_of("104857600112233_901097836652708")
    assert set(case.posts.values_list("external_id", flat=True)) == {
        "104857600112233_901097836652708",
        "901097836652708_903438993085259",
        "901097836652708_903438993085300",
    }
    assert case.first_message_at == dt.datetime(2026, 11, 3, 9, 15, 2, tzinfo=UTC)
    assert case.first_responded_at == dt.datetime(2026, 11, 3, 9, 47, 40, tzinfo=UTC)
    assert case_of("104857600112233_901097836659999") is None  # the Page's own announcement
    assert "Stored: 4" in output and "Rejected: 1" in output
    assert "missing time" in output


def test_facebook_page_id_is_known_from_feed_post_ids_without_brand_flags():
    run_import("facebook_feed.json", "facebook")

    assert SocialPost.objects.get(external_id="901097836652708_903438993085259").direction == "outbound"


def test_facebook_webhook_feed_changes_become_posts():
    payload = {
        "object": "page",
        "entry": [
            {
                "id": "1234567890321",
                "time": 1449135003,
                "changes": [
                    {
                        "field": "feed",
                        "value": {
                            "item": "comment",
                            "verb": "add",
                            "comment_id": "901097836652708_903438993085259",
                            "post_id": "1234567890321_901097836652708",
                            "parent_id": "1234567890321_901097836652708",
                            "from": {"id": "555", "name": "Visitor"},
                            "created_time": 1449135003,
                            "message": "and the next one",
                        },
                    },
                    {
                        "field": "feed",
                        "value": {
                            "item": "post",
                            "verb": "add",
                            "post_id": "1234567890321_7293787835232",
                            "from": {"name": "John Doe", "id": "8423678347823"},
                            "message": "Let's check this",
                        },
                    },
                    {"field": "feed", "value": {"item": "reaction", "verb": "add", "reaction_type": "like"}},
                    {"field": "feed", "value": {"item": "comment", "verb": "remove", "comment_id": "1_2"}},
                ],
            }
        ],
    }

    comment, post = list(normalize_feed_webhook(payload))

    assert (comment.external_id, comment.in_reply_to_id, comment.is_outbound) == (
        "901097836652708_903438993085259",
        "1234567890321_901097836652708",
        False,
    )
    assert post.posted_at == dt.datetime.fromtimestamp(1449135003, tz=UTC)  # falls back to entry.time
    assert post.in_reply_to_handle == "1234567890321"


def test_facebook_webhook_of_another_object_is_refused():
    (error,) = list(normalize_feed_webhook({"object": "user", "entry": []}))

    assert isinstance(error, InvalidPost)


def test_normalized_jsonl_imports_and_rejects_bad_lines_with_reasons():
    output = run_import("normalized.jsonl", "jsonl", "--brand", "AcmeAirCare")

    case = case_of("form-2026-0001")
    assert case.engagement_type == EngagementType.REACTIVE
    assert (case.first_responded_at - case.first_message_at) == dt.timedelta(minutes=90)
    assert case.customer.email == "jo.baker@mail.example"
    assert Channel.objects.get(name="jsonl import").kind == "import"
    for expected in (
        "rejected line 3: like_count must be a non-negative integer",
        "rejected line 4: missing time",
        "rejected line 5: time without a time zone",
        "rejected line 6: unknown fields: followers",
        "rejected line 7: not a JSON object",
        "rejected line 8: like_count must be a non-negative integer",
    ):
        assert expected in output
    assert "Stored: 2" in output
