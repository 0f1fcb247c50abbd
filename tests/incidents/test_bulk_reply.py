"""Incidents and bulk reply through the outbox: one reply per open case, each a response, failures apart, sent once."""

import datetime as dt
import uuid

import pytest
from django.utils import timezone

from cases.choices import CaseStatus, ChannelKind
from cases.models import Case
from cases.services import case_resolve
from channels_app.choices import Direction, OutboundStatus
from channels_app.models import OutboundMessage, SocialPost
from channels_app.pipeline import ingest_posts
from channels_app.tasks import publish_outbound_task
from incidents.models import BulkReplyStatus, IncidentBulkReply
from incidents.services import IncidentError, bulk_reply_send, incident_bulk_reply, incident_link_cases
from incidents.tasks import resend_queued_bulk_replies_task, send_bulk_reply_task
from tests.channels.helpers import T0, post
from tests.factories import CaseFactory, ChannelFactory
from tests.fakeapi import Reply
from tests.incidents.factories import IncidentFactory
from tests.roles import user_in_group

pytestmark = pytest.mark.django_db

SECRET = "incident-bulk-secret"
APOLOGY = "Sorry for the trouble: the app's check-in is fixed. Please try again; your seat is kept."
COMPLAINTS = {
    "f-100": ("maria_s", "@AcmeAirCare the app crashes at check-in, flight AC 88 boards in 2 hours"),
    "f-110": ("tom_k", "@AcmeAirCare check-in error 503 again, can't get my boarding pass"),
    "f-120": ("lea_b", "@AcmeAirCare is online check-in down? Stuck on the seat map for an hour"),
}


@pytest.fixture
def forum(monkeypatch, fake_api, settings):
    settings.CHANNEL_HTTP_TIMEOUT = 1
    monkeypatch.setenv("TEST_INCIDENT_SECRET", SECRET)
    return ChannelFactory(
        kind=ChannelKind.WEBHOOK,
        name="Community forum",
        brand_handles=["AcmeAirCare"],
        api_base_url=fake_api.base_url + "/bridge/",
        credential_env={"signing_secret": "TEST_INCIDENT_SECRET"},
    )


@pytest.fixture
def manager():
    return user_in_group("Managers", username="mia", first_name="Mia", last_name="Chen")


@pytest.fixture
def outage():
    return IncidentFactory(title="App check-in outage", started_at=T0)


@pytest.fixture
def cases(forum, outage, manager):
    """Three customers' complaints on the forum, each its own case, all linked to the outage."""
    ingest_posts(
        channel=forum,
        posts=[
            post(external_id, minute, text, author=author)
            for minute, (external_id, (author, text)) in enumerate(COMPLAINTS.items())
        ],
    )
    linked = [SocialPost.objects.get(channel=forum, external_id=external_id).case for external_id in COMPLAINTS]
    assert len({case.pk for case in linked}) == 3
    incident_link_cases(incident=outage, case_ids=[case.pk for case in linked], actor=manager)
    return linked


def send(outage, manager, capture, text=APOLOGY, token=None):
    """The form's call, with publishing captured and the bulk task run as a worker would."""
    with capture(execute=False) as callbacks:
        bulk, created = incident_bulk_reply(incident=outage, author=manager, text=text, token=token or uuid.uuid4())
    assert len(callbacks) == (1 if created else 0)  # the bulk task, enqueued after commit
    with capture(execute=False):
        send_bulk_reply_task(bulk.pk)
    bulk.refresh_from_db()
    return bulk


def test_a_bulk_reply_queues_one_outbound_message_per_open_case_and_skips_closed_ones(
    cases, outage, manager, django_capture_on_commit_callbacks
):
    case_resolve(case=cases[2], actor=manager, send_survey=False)

    bulk = send(outage, manager, django_capture_on_commit_callbacks)

    messages = OutboundMessage.objects.order_by("case_id")
    assert [(m.case_id, m.text, m.author, m.is_automatic, m.status) for m in messages] == [
        (case.pk, APOLOGY, manager, False, OutboundStatus.QUEUED) for case in cases[:2]
    ]
    assert [m.reply_to.external_id for m in messages] == ["f-100", "f-110"]  # each customer's own post
    assert (bulk.status, bulk.sent_count, bulk.failures, bulk.author) == (BulkReplyStatus.DONE, 2, [], manager)
    assert bulk.finished_at is not None


def test_each_published_bulk_reply_counts_as_its_cases_response(
    cases, outage, manager, fake_api, django_capture_on_commit_callbacks
):
    fake_api.route(
        "POST",
        "/bridge/replies",
        Reply(status=201, json={"id": "f-201"}),
        Reply(status=201, json={"id": "f-202"}),
        Reply(status=201, json={"id": "f-203"}),
    )
    send(outage, manager, django_capture_on_commit_callbacks)

    for message in OutboundMessage.objects.order_by("pk"):
        assert publish_outbound_task(message.pk) == OutboundStatus.SENT

    assert len(fake_api.calls("POST", "/bridge/replies")) == 3
    for case in Case.objects.filter(pk__in=[case.pk for case in cases]):
        reply = SocialPost.objects.get(case=case, direction=Direction.OUTBOUND)
        assert reply.text == APOLOGY
        assert case.first_responded_at == reply.posted_at
        assert case.status == CaseStatus.OPEN  # a new case answered is open


def test_a_case_that_cannot_be_answered_is_reported_and_the_others_still_go_out(
    cases, outage, manager, django_capture_on_commit_callbacks
):
    # A case logged by hand, with no customer post to answer through a channel.
    phoned = CaseFactory(subject="Called about check-in")
    # A case on X, where the reply is too long.
    x = ChannelFactory(kind=ChannelKind.X, name="Acme on X")
    ingest_posts(channel=x, posts=[post("x-1", 3, "@AcmeSupport app check-in broken", author="r_v")])
    on_x = SocialPost.objects.get(external_id="x-1").case
    incident_link_cases(incident=outage, case_ids=[phoned.pk, on_x.pk], actor=manager)
    long_apology = " ".join([APOLOGY, *["We will refund any fee you paid at the airport desk because of this."] * 4])

    bulk = send(outage, manager, django_capture_on_commit_callbacks, text=long_apology)

    assert bulk.sent_count == 3
    assert bulk.failures == [
        {
            "case_id": phoned.pk,
            "reference": phoned.reference,
            "error": f"{phoned.reference} has no customer post to answer through a channel.",
        },
        {
            "case_id": on_x.pk,
            "reference": on_x.reference,
            "error": f"Replies on X (Twitter) have at most 280 characters (this one has {len(long_apology)}).",
        },
    ]
    assert set(OutboundMessage.objects.values_list("case_id", flat=True)) == {case.pk for case in cases}


def test_submitting_the_same_form_twice_sends_once(cases, outage, manager, django_capture_on_commit_callbacks):
    token = uuid.uuid4()

    first = send(outage, manager, django_capture_on_commit_callbacks, token=token)
    second = send(outage, manager, django_capture_on_commit_callbacks, token=token)

    assert first.pk == second.pk
    assert IncidentBulkReply.objects.count() == 1
    assert OutboundMessage.objects.count() == 3


def test_a_redelivered_send_task_answers_no_case_twice(cases, outage, manager, django_capture_on_commit_callbacks):
    bulk = send(outage, manager, django_capture_on_commit_callbacks)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert send_bulk_reply_task(bulk.pk) == 3
        assert bulk_reply_send(bulk_reply_id=bulk.pk).sent_count == 3

    assert callbacks == []
    assert OutboundMessage.objects.count() == 3


def test_the_send_task_of_a_deleted_bulk_reply_does_nothing():
    assert send_bulk_reply_task(123_456) is None


def test_a_bulk_reply_without_text_is_refused(outage, manager):
    with pytest.raises(IncidentError, match="needs text"):
        incident_bulk_reply(incident=outage, author=manager, text="   ", token=uuid.uuid4())
    assert not IncidentBulkReply.objects.exists()


def test_the_safety_net_enqueues_again_only_bulk_replies_left_queued_for_long(outage, manager):
    lost = IncidentBulkReply.objects.create(incident=outage, author=manager, text=APOLOGY, token=uuid.uuid4())
    IncidentBulkReply.objects.filter(pk=lost.pk).update(created_at=timezone.now() - dt.timedelta(minutes=11))
    IncidentBulkReply.objects.create(incident=outage, author=manager, text=APOLOGY, token=uuid.uuid4())  # just made

    assert resend_queued_bulk_replies_task() == 1
