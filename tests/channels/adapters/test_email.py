"""The e-mail adapter against a real IMAP responder and a real SMTP sink (tests/mailservers.py)."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import json
import socket
from dataclasses import replace
from pathlib import Path

import pytest

from channels_app.adapters.base import ChannelConfig, ChannelError, OutgoingReply
from channels_app.adapters.email import EmailAdapter, automated_reason, html_to_text, strip_quoted
from channels_app.pipeline.normalized import InvalidPost, NormalizedPost
from tests.mailservers import ImapServer, SmtpSink

DATA = Path(__file__).parent / "data"
CARE = "care@acme.example"


def eml(name: str) -> bytes:
    return (DATA / f"email_{name}.eml").read_bytes()


@pytest.fixture
def imap():
    server = ImapServer(username=CARE, password="correct horse", uidvalidity=1718000000).start()
    yield server
    server.stop()


@pytest.fixture
def smtp():
    sink = SmtpSink(refused={"gone@example.net"}, deferred={"greylisted@example.org"}).start()
    yield sink
    sink.stop()


def make_adapter(
    imap: ImapServer | None = None,
    smtp: SmtpSink | None = None,
    *,
    password: str = "correct horse",
    credentials: dict[str, str] | None = None,
    timeout: float = 5.0,
    **options,
) -> EmailAdapter:
    return EmailAdapter(
        ChannelConfig(
            kind="email",
            name="Acme care mailbox",
            base_url=imap.url if imap else "imap://127.0.0.1:9",
            credentials={"username": CARE, "password": password, **(credentials or {})},
            options={"address": CARE, **({"smtp_url": smtp.url} if smtp else {}), **options},
            timeout=timeout,
        )
    )


def fetch_one(imap: ImapServer, name: str) -> NormalizedPost:
    imap.add(eml(name), internaldate="11-Jun-2024 09:15:02 +0200")
    result = make_adapter(imap).fetch({})
    assert not result.ignored, result.ignored
    [post] = result.items
    assert isinstance(post, NormalizedPost), post
    return post


# -- normalization --------------------------------------------------------------------
def test_plain_complaint_becomes_a_direct_inbound_post(imap):
    post = fetch_one(imap, "plain_complaint")

    assert post.external_id == "CAOk7fa1+Yw3Jp0rJr2m@mail.example.net"
    assert post.author_email == post.author_id == "m.okafor@example.net"  # lower-cased
    assert post.author_name == "Michael Okafor"
    assert post.text.startswith("Bag never arrived - flight AC 1187 LHR to MAD\n\nHello,\n\nI flew AC 1187")
    assert post.text.endswith("Michael Okafor\n+44 7700 900123")
    assert post.posted_at == dt.datetime(2024, 6, 3, 7, 14, 37, tzinfo=dt.UTC)
    assert post.is_direct is True
    assert post.is_outbound is None
    assert post.in_reply_to_handle == CARE
    assert post.in_reply_to_id == ""
    assert post.conversation_id == post.external_id
    assert post.raw["uid"] == 1
    assert post.raw["subject"] == "Bag never arrived - flight AC 1187 LHR to MAD"
    json.dumps(post.raw)


def test_multipart_alternative_uses_the_plain_part_decoded_from_quoted_printable(imap):
    post = fetch_one(imap, "multipart_alternative")

    assert post.author_name == "Anaïs Lefèvre"
    assert "paid 349,00 €.\nThe parcel arrived" in post.text
    assert "café crème button" in post.text
    assert "<p>" not in post.text and "&euro;" not in post.text
    assert post.text.endswith("Thanks,\nAnaïs")


def test_html_only_mail_becomes_text_without_scripts_styles_or_the_quoted_reply(imap):
    post = fetch_one(imap, "html_only")

    assert post.text == (
        "RE: Refund for cancelled flight AC 904\n\n"
        "Hello,\n\n"
        "Thank you for the reply, but the refund you offered (£120) does not cover both tickets. "
        "I paid £480 for two passengers & the seat upgrade.\n\n"
        "What I need:\n\n"
        "- a refund for both tickets\n"
        '- the "flexible" fee back\n\n'
        "Kind regards,\nPriya"
    )
    assert post.in_reply_to_id == "case-4411-r1@acme.example"
    assert post.conversation_id == "PAXPR08MB7021AA01@PAXPR08MB7021.eurprd08.prod.outlook.example"


def test_gmail_style_html_blockquote_is_stripped_like_a_plain_quote():
    html = (
        '<div dir="ltr">Yes, seat 14C is fine.<div><br></div><div>Thanks!</div></div><br>'
        '<div class="gmail_quote"><div dir="ltr" class="gmail_attr">On Wed, 5 Jun 2024 at 10:00, Acme Care '
        "&lt;care@acme.example&gt; wrote:<br></div>"
        '<blockquote class="gmail_quote" style="margin:0 0 0 .8ex">'
        "<div>Would seat 14C suit you?</div></blockquote></div>"
    )

    text = html_to_text(html)

    assert "> Would seat 14C suit you?" in text
    assert strip_quoted(text) == "Yes, seat 14C is fine.\n\nThanks!"


def test_base64_utf8_body_and_encoded_word_sender_are_decoded(imap):
    post = fetch_one(imap, "base64_body")

    assert post.author_name == "Jürgen Weiß"
    assert post.text.startswith("Sitzplatz ändern geht nicht\n\nGuten Tag,")
    assert "München \u2013 Lissabon" in post.text and "„Fehler 500“" in post.text
    assert post.external_id == "A1B2C3D4-5E6F-4711-8899-0123456789AB@example.de"


@pytest.mark.parametrize(
    ("name", "author", "expected"),
    [
        (
            "latin1",
            "François Bérubé",
            "Réservation annulée sans préavis\n\nBonjour,\n\nMa réservation ABX4K2 pour Montréal",
        ),
        ("windows1252", "Dave Whitfield", "charged €89.99 twice for the same order \u2013 I only got one “blender”."),
    ],
)
def test_single_byte_charsets_are_decoded(imap, name, author, expected):
    post = fetch_one(imap, name)

    assert post.author_name == author
    assert expected in post.text
    assert "\ufffd" not in post.text


def test_unknown_charset_gives_replacement_characters_not_an_error(imap):
    post = fetch_one(imap, "unknown_charset")

    assert post.text == (
        "Voucher code not accepted\n\n"
        "The voucher code SUMMER24 says \ufffdinvalid\ufffd at checkout. It was in your newsletter."
    )
    assert post.author_name == ""
    assert post.author_email == "kim.nguyen@example.com"


def test_encoded_word_subject_and_from_are_decoded(imap):
    post = fetch_one(imap, "encoded_words")

    assert post.author_name == "Zoë Łukasiewicz"
    assert post.text.startswith("Lot AC 2207 \u2013 opuźniony o 5 godzin 😡\n\nDzień dobry, mój lot był opóźniony")
    assert "Należy mi się odszkodowanie" in post.text  # a soft line break inside a word


def test_reply_keeps_only_the_new_text_and_threads_on_in_reply_to_and_references(imap):
    post = fetch_one(imap, "reply_quoted")

    assert post.text == (
        "Re: Bag never arrived - flight AC 1187 LHR to MAD\n\n"
        "Thanks. The tracker now says the bag is in Madrid, but\n"
        "yes: Hotel Miradouro, Calle de Atocha 34, Madrid. I am there until Thursday.\n\n"
        "Michael"
    )
    assert post.in_reply_to_id == "case-4410-r1@acme.example"
    assert post.conversation_id == "CAOk7fa1+Yw3Jp0rJr2m@mail.example.net"
    assert post.raw["references"] == ["CAOk7fa1+Yw3Jp0rJr2m@mail.example.net", "case-4410-r1@acme.example"]


def test_mail_from_the_care_address_is_outbound(imap):
    post = fetch_one(imap, "outbound_copy")

    assert post.is_outbound is True
    assert post.author_email == CARE
    assert post.in_reply_to_handle == ""
    assert post.in_reply_to_id == post.conversation_id == "CAOk7fa1+Yw3Jp0rJr2m@mail.example.net"


def test_mail_without_message_id_gets_an_id_from_uidvalidity_and_uid(imap):
    imap.add(eml("plain_complaint"))
    imap.add(eml("no_message_id"))

    _complaint, post = make_adapter(imap).fetch({}).items

    assert post.external_id == "uid-1718000000-2"
    assert post.conversation_id == "uid-1718000000-2"
    assert (
        post.text
        == "Pet in cabin on AC 415?\n\nCan I bring my cat (4.5 kg with the carrier) in the cabin on AC 415 to Oslo?"
    )


def test_mail_without_date_is_dated_by_its_internaldate(imap):
    post = fetch_one(imap, "no_date")

    assert post.posted_at == dt.datetime(2024, 6, 11, 7, 15, 2, tzinfo=dt.UTC)


def test_attachment_is_listed_in_raw_and_the_text_part_is_the_body(imap):
    post = fetch_one(imap, "attachment")

    assert post.raw["attachments"] == ["hotel-receipt-FRA.pdf"]
    assert "%PDF" not in post.text
    assert post.text.endswith("Please reimburse it as agreed on the phone.")


# -- auto-replies, bounces, unreadable mail --------------------------------------------
def test_auto_replies_and_bounces_are_ignored_with_their_reasons(imap):
    imap.add(eml("out_of_office"))
    imap.add(eml("plain_complaint"))
    imap.add(eml("bulk_autoreply"))
    imap.add(eml("bounce"))

    result = make_adapter(imap).fetch({})

    assert [post.external_id for post in result.items] == ["CAOk7fa1+Yw3Jp0rJr2m@mail.example.net"]
    assert result.ignored == [
        "uid 1 <AM9PR02MB66C0F1A2@AM9PR02MB66C0.eurprd02.prod.outlook.example>: "
        "auto-reply (Auto-Submitted: auto-replied)",
        "uid 3 <ticket-88213-ack@example-travel.test>: auto-reply (X-Autoreply: yes)",
        "uid 4 <20240610082109.5A1B2C0123@mail.acme.example>: bounce (multipart/report; report-type=delivery-status)",
    ]
    assert result.cursor["last_uid"] == 4


HUMAN_HEADERS = (
    "From: Ines Duarte <ines@example.pt>\r\nTo: care@acme.example\r\nDate: Wed, 12 Jun 2024 10:00:00 +0100\r\n"
)


@pytest.mark.parametrize(
    ("extra", "subject", "reason"),
    [
        ("Precedence: junk\r\n", "Newsletter", "bulk or automatic mail (Precedence: junk)"),
        ("X-Autorespond: vacation\r\n", "Re: Seat", "auto-reply (X-Autorespond: vacation)"),
        ("", "Out of Office: Re: Seat 14C", "auto-reply (Subject: Out of Office: Re: Seat 14C)"),
        ("", "Automatic reply: Your case 4410", "auto-reply (Subject: Automatic reply: Your case 4410)"),
        ("", "Delivery Status Notification (Failure)", "bounce (Subject: Delivery Status Notification (Failure))"),
        ("", "Undeliverable: Re: Lost bag", "bounce (Subject: Undeliverable: Re: Lost bag)"),
        ("Auto-Submitted: no\r\n", "Out of office hours support?", ""),
        ("Precedence: first-class\r\n", "Re: Seat", ""),
    ],
)
def test_automated_mail_is_recognised_by_headers_and_subject(extra, subject, reason):
    raw = f"{HUMAN_HEADERS}{extra}Subject: {subject}\r\n\r\nText.\r\n".encode()

    assert automated_reason(email.message_from_bytes(raw, policy=email.policy.default)) == reason


def test_mail_from_postmaster_is_a_bounce():
    raw = b"From: postmaster@example.net\r\nSubject: Message delayed\r\n\r\nStill trying.\r\n"

    assert automated_reason(email.message_from_bytes(raw, policy=email.policy.default)) == (
        "bounce (From: postmaster@example.net)"
    )


def test_unreadable_mail_becomes_an_invalid_post_and_the_rest_go_on(imap):
    garbage = b"\x00\x01\x02\xff garbage from a broken migration\r\n"
    imap.add(garbage)
    imap.add(b"To: care@acme.example\r\nSubject: who am I\r\nDate: Wed, 12 Jun 2024 10:00:00 +0100\r\n\r\nHi\r\n")
    imap.add(eml("plain_complaint"))

    result = make_adapter(imap).fetch({})

    first, second, third = result.items
    assert isinstance(first, InvalidPost) and first.raw == {"uid": 1, "size": len(garbage)}
    assert isinstance(second, InvalidPost) and str(second) == "no From address" and second.raw["uid"] == 2
    assert isinstance(third, NormalizedPost)


# -- polling ------------------------------------------------------------------------
def test_cursor_over_two_polls_returns_only_new_mail(imap):
    imap.add(eml("plain_complaint"))
    imap.add(eml("latin1"))
    adapter = make_adapter(imap)

    first = adapter.fetch({})
    imap.add(eml("reply_quoted"))
    second = adapter.fetch(first.cursor)

    assert first.cursor == {"uidvalidity": 1718000000, "last_uid": 2}
    assert len(first.items) == 2 and first.more is False
    assert [post.external_id for post in second.items] == ["CAOk7fa2+Zq9mK1s@mail.example.net"]
    assert second.cursor == {"uidvalidity": 1718000000, "last_uid": 3}


def test_poll_without_new_mail_returns_nothing_although_imap_answers_the_highest_uid(imap):
    imap.add(eml("plain_complaint"))
    imap.add(eml("latin1"))

    result = make_adapter(imap).fetch({"uidvalidity": 1718000000, "last_uid": 2})

    # "UID SEARCH UID 3:*" answers UID 2, the highest: it must not come back.
    assert "UID SEARCH UID 3:*" in " ".join(imap.commands)
    assert result.items == [] and result.more is False
    assert result.cursor == {"uidvalidity": 1718000000, "last_uid": 2}


def test_polling_is_read_only_and_always_logs_out(imap):
    imap.add(eml("plain_complaint"))

    make_adapter(imap).fetch({})

    verbs = [command.split()[1].upper() for command in imap.commands]
    assert "EXAMINE" in verbs and "SELECT" not in verbs
    assert "BODY.PEEK[]" in " ".join(imap.commands)
    assert verbs[-1] == "LOGOUT"


def test_a_large_mailbox_is_read_in_batches_of_50(imap):
    names = ["Ama Mensah", "Lars Holm", "Mei Tanaka", "Omar Haddad", "Sofia Rossi"]
    for number in range(120):
        name = names[number % len(names)]
        address = name.lower().replace(" ", ".") + "@example.com"
        imap.add(
            f"From: {name} <{address}>\r\nTo: {CARE}\r\nSubject: Order RT-{600000 + number} not delivered\r\n"
            f"Date: Thu, 13 Jun 2024 08:{number % 60:02d}:00 +0000\r\nMessage-ID: <order-{number}@example.com>\r\n"
            f"\r\nMy order RT-{600000 + number} still has not arrived.\r\n".encode()
        )
    adapter = make_adapter(imap)

    pages, cursor = [], {}
    for _ in range(5):
        result = adapter.fetch(cursor)
        pages.append((len(result.items), result.more, result.cursor["last_uid"]))
        cursor = result.cursor
        if not result.more:
            break

    assert pages == [(50, True, 50), (50, True, 100), (20, False, 120)]
    fetches = [command for command in imap.commands if "UID FETCH" in command.upper()]
    assert max(len(command.split()[3].split(",")) for command in fetches) == 50


def test_uidvalidity_change_restarts_from_the_first_uid(imap):
    imap.add(eml("plain_complaint"))
    imap.add(eml("latin1"))
    adapter = make_adapter(imap)
    cursor = adapter.fetch({}).cursor

    imap.uidvalidity = 1718999999  # the mailbox was rebuilt: old UIDs mean nothing now
    result = adapter.fetch(cursor)

    assert len(result.items) == 2
    assert result.cursor == {"uidvalidity": 1718999999, "last_uid": 2}


def test_uid_given_after_the_message_literal_is_read(imap):
    imap.uid_after_literal = True
    imap.add(eml("plain_complaint"))
    imap.add(eml("latin1"))

    result = make_adapter(imap).fetch({})

    assert [post.raw["uid"] for post in result.items] == [1, 2]


def test_wrong_password_is_a_permanent_error(imap):
    with pytest.raises(ChannelError) as caught:
        make_adapter(imap, password="Tr0ub4dor&3").fetch({})

    assert caught.value.permanent is True
    assert "AUTHENTICATIONFAILED" in str(caught.value)


def test_missing_credential_is_a_permanent_error(imap):
    adapter = EmailAdapter(ChannelConfig(kind="email", base_url=imap.url, options={"address": CARE}))

    with pytest.raises(ChannelError) as caught:
        adapter.fetch({})

    assert caught.value.permanent is True


def test_a_mailbox_that_does_not_exist_is_a_permanent_error(imap):
    with pytest.raises(ChannelError) as caught:
        make_adapter(imap, mailbox="Customer Care").fetch({})

    assert caught.value.permanent is True
    assert "'Customer Care'" in str(caught.value)
    assert 'EXAMINE "Customer Care"' in " ".join(imap.commands)


def test_connection_dropped_mid_fetch_is_transient(imap):
    imap.add(eml("plain_complaint"))
    imap.drop_mid_fetch = True

    with pytest.raises(ChannelError) as caught:
        make_adapter(imap).fetch({})

    assert caught.value.permanent is False


def test_a_server_that_stops_answering_times_out_as_transient(imap):
    imap.add(eml("plain_complaint"))
    imap.stall_on = "FETCH"

    with pytest.raises(ChannelError) as caught:
        make_adapter(imap, timeout=0.5).fetch({})

    assert caught.value.permanent is False


def test_refused_connection_is_transient():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    adapter = EmailAdapter(
        ChannelConfig(
            kind="email",
            base_url=f"imap://127.0.0.1:{closed_port}",
            credentials={"username": CARE, "password": "x"},
            timeout=0.5,
        )
    )

    with pytest.raises(ChannelError) as caught:
        adapter.fetch({})

    assert caught.value.permanent is False


# -- publishing ---------------------------------------------------------------------
REPLY = OutgoingReply(
    text="Dear Michael,\n\nYour bag will be delivered to Hotel Miradouro before 18:00 today. Sorry again \u2013 Sam",
    idempotency_key="outbox-4410-2",
    in_reply_to_id="CAOk7fa2+Zq9mK1s@mail.example.net",
    recipient_id="m.okafor@example.net",
    subject="Bag never arrived - flight AC 1187 LHR to MAD",
    references=("<CAOk7fa1+Yw3Jp0rJr2m@mail.example.net>", "case-4410-r1@acme.example"),
    is_direct=True,
)


def test_publish_sends_a_threaded_reply_with_a_message_id_from_the_idempotency_key(smtp):
    published = make_adapter(smtp=smtp, from_name="Acme Airlines Care").publish(REPLY)

    [envelope] = smtp.received
    message = envelope.message
    assert envelope.mail_from == CARE
    assert envelope.rcpt_tos == ["m.okafor@example.net"]
    assert message["From"] == "Acme Airlines Care <care@acme.example>"
    assert message["To"] == "m.okafor@example.net"
    assert message["Subject"] == "Re: Bag never arrived - flight AC 1187 LHR to MAD"
    assert message["Message-ID"] == "<outbox-4410-2@acme.example>"
    assert message["In-Reply-To"] == "<CAOk7fa2+Zq9mK1s@mail.example.net>"
    assert message["References"] == (
        "<CAOk7fa1+Yw3Jp0rJr2m@mail.example.net> <case-4410-r1@acme.example> <CAOk7fa2+Zq9mK1s@mail.example.net>"
    )
    assert message["Auto-Submitted"] is None
    assert message.get_content_type() == "text/plain"
    assert message.get_content_charset() == "utf-8"
    assert message.get_content().replace("\r\n", "\n").rstrip("\n") == REPLY.text
    assert published.external_id == "outbox-4410-2@acme.example"


def test_a_retried_publish_carries_the_same_message_id(smtp):
    adapter = make_adapter(smtp=smtp)

    adapter.publish(REPLY)
    adapter.publish(REPLY)

    assert [envelope.message["Message-ID"] for envelope in smtp.received] == ["<outbox-4410-2@acme.example>"] * 2


def test_publish_does_not_prefix_re_twice_and_encodes_a_non_ascii_subject(smtp):
    adapter = make_adapter(smtp=smtp)

    adapter.publish(replace(REPLY, subject="RE: Refund for cancelled flight AC 904"))
    adapter.publish(replace(REPLY, subject="Sitzplatz ändern geht nicht"))

    assert smtp.received[0].message["Subject"] == "RE: Refund for cancelled flight AC 904"
    subject_line = smtp.received[1].content.split(b"\r\nSubject: ")[1].split(b"\r\n")[0]
    assert subject_line.isascii() and b"=?utf-8?" in subject_line
    assert smtp.received[1].message["Subject"] == "Re: Sitzplatz ändern geht nicht"


@pytest.mark.parametrize(("recipient", "permanent"), [("gone@example.net", True), ("greylisted@example.org", False)])
def test_a_refused_recipient_is_permanent_and_a_deferred_one_transient(smtp, recipient, permanent):
    with pytest.raises(ChannelError) as caught:
        make_adapter(smtp=smtp).publish(replace(REPLY, recipient_id=recipient))

    assert caught.value.permanent is permanent
    assert smtp.received == []


def test_publish_without_a_recipient_address_is_permanent(smtp):
    with pytest.raises(ChannelError) as caught:
        make_adapter(smtp=smtp).publish(replace(REPLY, recipient_id=""))

    assert caught.value.permanent is True


def test_publish_logs_in_when_smtp_credentials_are_set_and_a_refused_login_is_permanent():
    sink = SmtpSink(logins={"care-bot": "s3nd-only"}).start()
    try:
        make_adapter(smtp=sink, credentials={"smtp_username": "care-bot", "smtp_password": "s3nd-only"}).publish(REPLY)
        with pytest.raises(ChannelError) as caught:
            make_adapter(smtp=sink, credentials={"smtp_username": "care-bot", "smtp_password": "wrong"}).publish(REPLY)
    finally:
        sink.stop()

    assert len(sink.received) == 1
    assert caught.value.permanent is True


def test_publish_when_the_smtp_server_is_down_is_transient():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    adapter = make_adapter(smtp_url=f"smtp://127.0.0.1:{closed_port}", timeout=0.5)

    with pytest.raises(ChannelError) as caught:
        adapter.publish(REPLY)

    assert caught.value.permanent is False


def test_find_published_looks_for_the_message_id_in_the_sent_mailbox(imap, smtp):
    adapter = make_adapter(imap, smtp, sent_mailbox="Sent")
    adapter.publish(REPLY)
    imap.add(smtp.received[0].content, mailbox="Sent")  # the submission server files its copy

    found = adapter.find_published(REPLY)
    missing = adapter.find_published(replace(REPLY, idempotency_key="outbox-4410-3"))

    assert found is not None and found.external_id == "outbox-4410-2@acme.example"
    assert missing is None
    assert any('UID SEARCH HEADER Message-ID "<outbox-4410-2@acme.example>"' in command for command in imap.commands)


def test_find_published_without_a_sent_mailbox_cannot_tell(imap, smtp):
    assert make_adapter(imap, smtp).find_published(REPLY) is None
    assert imap.commands == []


def test_test_connection_counts_the_mailbox_and_greets_smtp(imap, smtp):
    imap.add(eml("plain_complaint"))
    imap.add(eml("latin1"))

    assert make_adapter(imap, smtp).test_connection() == "IMAP INBOX: 2 messages; SMTP ok"
    assert make_adapter(imap).test_connection() == "IMAP INBOX: 2 messages; SMTP not configured"
