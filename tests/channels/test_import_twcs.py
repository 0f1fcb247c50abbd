"""Importing the twcs CSV: threading, first-response times, quirks, idempotency, order independence."""

import csv
import datetime as dt
import io
import random
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from cases.choices import CaseEventKind, CaseStatus, EngagementType
from cases.models import Case, CaseEvent
from channels_app.models import Channel, SocialPost
from tests.channels.helpers import case_structure

pytestmark = pytest.mark.django_db

SAMPLE = Path(__file__).parent / "data" / "twcs_sample.csv"
UTC = dt.UTC


def run_import(path, *args):
    out = io.StringIO()
    call_command("import_posts", str(path), "--format", "twcs", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def case_of(external_id, channel_name="twcs import"):
    return SocialPost.objects.select_related("case").get(channel__name=channel_name, external_id=external_id).case


def test_threads_become_cases_with_first_response_to_the_second():
    run_import(SAMPLE)

    rebooking = case_of("1001")
    assert set(rebooking.posts.values_list("external_id", flat=True)) == {"1001", "1002", "1003", "1004", "1005"}
    assert rebooking.first_message_at == dt.datetime(2026, 11, 2, 10, 0, 0, tzinfo=UTC)
    assert rebooking.first_responded_at == dt.datetime(2026, 11, 2, 10, 12, 30, tzinfo=UTC)
    assert (rebooking.first_responded_at - rebooking.first_message_at).total_seconds() == 750
    assert rebooking.last_customer_message_at == dt.datetime(2026, 11, 2, 10, 50, tzinfo=UTC)
    assert rebooking.status == CaseStatus.OPEN


def test_customer_follow_up_after_days_joins_the_same_case():
    run_import(SAMPLE)

    bag = case_of("4001")
    assert case_of("4003") == bag
    assert bag.last_customer_message_at == dt.datetime(2026, 11, 5, 9, 0, tzinfo=UTC)
    assert bag.first_responded_at == dt.datetime(2026, 11, 3, 9, 40, tzinfo=UTC)


def test_brand_reply_to_a_post_without_a_case_opens_one_with_the_reply_as_first_response():
    run_import(SAMPLE)

    # 3001 praises the brand without addressing it: proactive and positive, so not actionable on its own.
    lounge = case_of("3001")
    assert lounge is not None
    assert lounge.engagement_type == EngagementType.PROACTIVE
    assert set(lounge.posts.values_list("external_id", flat=True)) == {"3001", "3002"}
    assert lounge.first_message_at == dt.datetime(2026, 11, 2, 13, 2, tzinfo=UTC)
    assert lounge.first_responded_at == dt.datetime(2026, 11, 2, 13, 31, 15, tzinfo=UTC)


def test_unanswered_question_opens_a_case_without_response():
    run_import(SAMPLE)

    question = case_of("2001")
    assert question.first_responded_at is None
    assert question.status == CaseStatus.NEW
    assert question.sla_next_due_at is None or question.sla_next_due_at > question.first_message_at


def test_every_brand_in_the_file_is_known_without_brand_flags():
    output = run_import(SAMPLE)

    channel = Channel.objects.get(name="twcs import")
    assert sorted(channel.brand_handles) == ["AcmeAirCare", "SkyJetHelp"]
    assert case_of("5001").first_responded_at == dt.datetime(2026, 11, 3, 12, 30, tzinfo=UTC)
    assert "Stored: 14" in output


def test_brand_posts_are_outbound_and_customer_posts_inbound():
    run_import(SAMPLE)

    directions = dict(SocialPost.objects.values_list("external_id", "direction"))
    assert {key for key, value in directions.items() if value == "outbound"} == {"1002", "1004", "3002", "4002", "5002"}


def test_quirky_rows_are_read_float_ids_carriage_returns_and_emoji():
    run_import(SAMPLE)

    assert SocialPost.objects.filter(external_id="1003").exists()  # written as 1003.0
    assert case_of("1003") == case_of("1001")  # its reply id 1003.0 threads too
    assert SocialPost.objects.get(external_id="8001").text == (
        "@AcmeAirCare the app logs me out\nevery time I try to check in for AC301"
    )
    assert "🙏" in SocialPost.objects.get(external_id="1005").text


def test_bad_rows_are_rejected_with_line_numbers_and_reasons_and_the_rest_imported():
    output = run_import(SAMPLE)

    assert "Read: 18" in output
    assert "Rejected: 4" in output
    assert "rejected line 16: unreadable time 'yesterday'" in output
    assert "rejected line 17: missing tweet_id" in output
    assert "rejected line 18: tweet_id '5.70306E+17' is not a tweet id" in output
    assert "rejected line 19: inbound 'maybe' is not True or False" in output
    assert SocialPost.objects.count() == 14


def test_strict_import_stops_at_the_first_bad_row():
    with pytest.raises(CommandError, match="Stopped at line 16: unreadable time"):
        run_import(SAMPLE, "--strict")

    # Everything before the bad row was imported.
    assert SocialPost.objects.count() == 13


def test_importing_the_same_file_twice_changes_nothing():
    run_import(SAMPLE)
    before = (case_structure(Channel.objects.get()), CaseEvent.objects.count(), Case.objects.count())

    output = run_import(SAMPLE)

    assert "Stored: 0  Duplicates: 14" in output
    assert (case_structure(Channel.objects.get()), CaseEvent.objects.count(), Case.objects.count()) == before


def test_timeline_has_an_event_per_post():
    run_import(SAMPLE)

    rebooking = case_of("1001")
    kinds = list(rebooking.events.order_by("occurred_at").values_list("kind", flat=True))
    assert kinds == [
        CaseEventKind.INBOUND_POST,
        CaseEventKind.OUTBOUND_REPLY,
        CaseEventKind.INBOUND_POST,
        CaseEventKind.OUTBOUND_REPLY,
        CaseEventKind.INBOUND_POST,
    ]


def _write_rows(path, header, rows):
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_result_does_not_depend_on_row_order_or_batch_size(tmp_path, seed):
    # Given the sample's valid rows in file order, imported in one batch
    with open(SAMPLE, newline="", encoding="utf-8-sig") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        rows = [row for row in reader if row[0] and row[0][0].isdigit() and "E+" not in row[0]]
    rows = [row for row in rows if row[2] in ("True", "False") and row[3] != "yesterday"]
    _write_rows(tmp_path / "ordered.csv", header, rows)
    run_import(tmp_path / "ordered.csv", "--channel", "ordered")
    expected = case_structure(Channel.objects.get(name="ordered"))

    # When the same rows arrive shuffled, in small batches
    shuffled = rows[:]
    random.Random(seed).shuffle(shuffled)
    _write_rows(tmp_path / "shuffled.csv", header, shuffled)
    run_import(tmp_path / "shuffled.csv", "--channel", "shuffled", "--batch-size", str(seed))

    # Then the cases are the same
    assert case_structure(Channel.objects.get(name="shuffled")) == expected
    assert len(expected) == 6


def test_rows_in_reverse_order_one_per_batch_give_the_same_cases(tmp_path):
    with open(SAMPLE, newline="", encoding="utf-8-sig") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        rows = [row for row in reader if row[0] and row[0][0].isdigit() and "E+" not in row[0]]
    rows = [row for row in rows if row[2] in ("True", "False") and row[3] != "yesterday"]
    _write_rows(tmp_path / "forward.csv", header, sorted(rows, key=lambda row: row[3]))
    _write_rows(tmp_path / "backward.csv", header, list(reversed(rows)))

    run_import(tmp_path / "forward.csv", "--channel", "forward")
    run_import(tmp_path / "backward.csv", "--channel", "backward", "--batch-size", "1")

    forward = case_structure(Channel.objects.get(name="forward"))
    assert case_structure(Channel.objects.get(name="backward")) == forward
