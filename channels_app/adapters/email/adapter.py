"""E-mail: a care mailbox polled over IMAP, replies sent over SMTP.

Owns EmailAdapter (fetch, publish, find_published, test_connection) and the
pure functions behind it: normalize_email() (RFC 5322 bytes -> NormalizedPost),
automated_reason() (auto-replies and bounces, which are never ingested),
html_to_text() and strip_quoted(). Standard library only; no database.

Invariants:
- The mailbox is opened read-only (EXAMINE, BODY.PEEK[]): polling never
  marks mail as seen, so people reading the same mailbox are not disturbed.
- Cursor {"uidvalidity": int, "last_uid": int}. UIDs only grow within one
  UIDVALIDITY; when the server announces a new UIDVALIDITY (mailbox rebuilt
  or migrated), the poll starts again from UID 0. Nothing is stored twice,
  because ingestion dedupes on external_id, the Message-ID.
- A message without a Message-ID gets "uid-<uidvalidity>-<uid>": stable while
  the mailbox keeps its UIDVALIDITY (a rebuilt mailbox may ingest it again).
- A reply's Message-ID is "<idempotency key>@<domain of the care address>", so
  a retried send carries the same id (receiving servers and clients dedupe on
  it) and find_published() can look for it in the sent mailbox.

What a case shows of a reply (strip_quoted): everything above the first
attribution line ("On <date>, <name> wrote:", wrapped over two lines or not,
and its French/German/Spanish/Italian/Dutch forms), above an Outlook
"-----Original Message-----" or "____" + "From:" block, and without the lines
starting with ">" (inline answers between quotes are kept). When nothing
would remain, the body is kept whole.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import email
import email.policy
import email.utils
import imaplib
import re
import smtplib
import ssl
from collections.abc import Iterator, Mapping
from email.message import EmailMessage
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlsplit

from channels_app.adapters.base import ChannelAdapter, ChannelError, FetchResult, OutgoingReply, Published
from channels_app.pipeline.normalized import InvalidPost, NormalizedPost

BATCH_SIZE = 50  # UIDs per UID FETCH: bounds memory and the work lost to a crash mid-poll


class EmailAdapter(ChannelAdapter):
    """Options: mailbox (default INBOX), address (the care address), smtp_url, smtp_starttls,
    sent_mailbox, from_name. Credentials: username, password (IMAP); smtp_username and
    smtp_password (SMTP AUTH, only when both are set)."""

    kind = "email"
    supports_polling = True
    supports_publishing = True

    # -- pull ---------------------------------------------------------------------
    def fetch(self, cursor: Mapping[str, Any]) -> FetchResult:
        mailbox = self.config.options.get("mailbox") or "INBOX"
        with self._imap(mailbox) as (client, _count, uidvalidity):
            last_uid = int(cursor.get("last_uid") or 0)
            if cursor.get("uidvalidity") is not None and int(cursor["uidvalidity"]) != uidvalidity:
                last_uid = 0
            uids = _search_uids(client, "UID", f"{last_uid + 1}:*")
            # "n:*" matches the highest UID even when it is below n (RFC 3501 6.4.8).
            uids = sorted(uid for uid in uids if uid > last_uid)
            batch = uids[:BATCH_SIZE]
            result = FetchResult(cursor={"uidvalidity": uidvalidity, "last_uid": batch[-1] if batch else last_uid})
            result.more = len(uids) > len(batch)
            if not batch:
                return result
            typ, data = client.uid("FETCH", ",".join(map(str, batch)), "(UID INTERNALDATE BODY.PEEK[])")
            if typ != "OK":
                raise ChannelError(f"IMAP UID FETCH in {mailbox!r} refused: {_text(data)}")
            for uid, internaldate, raw in _fetched(data):
                self._read(result, raw, uid=uid, uidvalidity=uidvalidity, internaldate=internaldate)
            return result

    def _read(self, result: FetchResult, raw: bytes, *, uid: int, uidvalidity: int, internaldate: str) -> None:
        try:
            message = email.message_from_bytes(raw, policy=email.policy.default)
            reason = automated_reason(message)
        except Exception as error:  # the stdlib parser has many failure modes; one bad mail must not stop the rest
            result.items.append(InvalidPost(f"unreadable message: {error}", raw={"uid": uid, "size": len(raw)}))
            return
        if reason:
            message_id = _first_id(_header(message, "Message-ID"))
            result.ignored.append(f"uid {uid} <{message_id}>: {reason}" if message_id else f"uid {uid}: {reason}")
            return
        try:
            post = normalize_email(
                message,
                brand_address=self.config.options.get("address") or "",
                fallback_id=f"uid-{uidvalidity}-{uid}",
                internaldate=internaldate,
                uid=uid,
            )
        except InvalidPost as error:
            error.raw = {"uid": uid, "size": len(raw)}
            post = error
        except Exception as error:  # as above: a header the parser chokes on
            post = InvalidPost(f"unreadable message: {error}", raw={"uid": uid, "size": len(raw)})
        result.items.append(post)

    def test_connection(self) -> str:
        mailbox = self.config.options.get("mailbox") or "INBOX"
        with self._imap(mailbox) as (_client, count, _uidvalidity):
            seen = f"IMAP {mailbox}: {count} messages"
        if not self.config.options.get("smtp_url"):
            return f"{seen}; SMTP not configured"
        with self._smtp() as smtp:
            code, detail = smtp.noop()
            if code != 250:
                raise _smtp_status_error(code, detail, "NOOP")
        return f"{seen}; SMTP ok"

    # -- publish ------------------------------------------------------------------
    def publish(self, reply: OutgoingReply) -> Published:
        message = self._reply_message(reply)
        address = self._address()
        with self._smtp() as smtp:
            try:
                smtp.send_message(message, from_addr=address, to_addrs=[reply.recipient_id.strip()])
            except smtplib.SMTPRecipientsRefused as error:
                # One recipient: refused means all refused. 4xx is greylisting or a full mailbox, worth a retry.
                code, detail = next(iter(error.recipients.values()), (550, b""))
                raise _smtp_status_error(code, detail, f"RCPT TO {reply.recipient_id}") from None
        return Published(external_id=message["Message-ID"].strip("<>"), posted_at=dt.datetime.now(dt.UTC))

    def find_published(self, reply: OutgoingReply) -> Published | None:
        """Looks for the reply's Message-ID in options.sent_mailbox; without one it cannot tell (None).
        Works where the submission server files a copy of sent mail there (Gmail, Microsoft 365 do)."""
        sent = self.config.options.get("sent_mailbox")
        if not sent:
            return None
        message_id = reply_message_id(reply.idempotency_key, self._address())
        with self._imap(sent) as (client, _count, _uidvalidity):
            found = _search_uids(client, "HEADER", "Message-ID", _quote(message_id))
        return Published(external_id=message_id.strip("<>")) if found else None

    def _reply_message(self, reply: OutgoingReply) -> EmailMessage:
        address = self._address()
        recipient = reply.recipient_id.strip()
        if not recipient or "@" not in recipient:
            raise ChannelError(f"reply {reply.idempotency_key}: no e-mail address to send to", permanent=True)
        subject = " ".join(reply.subject.split())
        if not re.match(r"re\s*:", subject, re.IGNORECASE):
            subject = f"Re: {subject}".strip()
        parent = _bare_id(reply.in_reply_to_id)
        references = [_bare_id(ref) for ref in reply.references if _bare_id(ref)]
        if parent:
            references = [ref for ref in references if ref != parent] + [parent]
        message = EmailMessage()
        try:
            message["From"] = email.utils.formataddr((self.config.options.get("from_name") or "", address))
            message["To"] = recipient
            message["Subject"] = subject
            message["Date"] = email.utils.format_datetime(dt.datetime.now(dt.UTC))
            message["Message-ID"] = reply_message_id(reply.idempotency_key, address)
            if parent:
                message["In-Reply-To"] = f"<{parent}>"
            if references:
                message["References"] = " ".join(f"<{ref}>" for ref in references)
            message.set_content(reply.text, charset="utf-8")
        except (ValueError, TypeError) as error:  # a header with a line break, an unusable address
            raise ChannelError(
                f"reply {reply.idempotency_key}: cannot build the e-mail ({error})", permanent=True
            ) from None
        return message

    # -- connections --------------------------------------------------------------
    def _address(self) -> str:
        address = str(self.config.options.get("address") or "").strip()
        if "@" not in address:
            raise ChannelError(
                f"channel {self.config.name!r}: option 'address' (the care address) is not set", permanent=True
            )
        return address

    @contextlib.contextmanager
    def _imap(self, mailbox: str) -> Iterator[tuple[imaplib.IMAP4, int, int]]:
        """A logged-in client with `mailbox` opened read-only: (client, message count, UIDVALIDITY).
        Every failure inside the block becomes a ChannelError; LOGOUT always runs."""
        where = f"IMAP {self.config.base_url}"
        url = urlsplit(self.config.base_url)
        if url.scheme not in ("imap", "imaps") or not url.hostname:
            raise ChannelError(f"channel {self.config.name!r}: base URL must be imap:// or imaps://", permanent=True)
        username, password = self.config.secret("username"), self.config.secret("password")
        client: imaplib.IMAP4 | None = None
        try:
            if url.scheme == "imaps":
                context = ssl.create_default_context()
                client = imaplib.IMAP4_SSL(
                    url.hostname, url.port or 993, ssl_context=context, timeout=self.config.timeout
                )
            else:
                client = imaplib.IMAP4(url.hostname, url.port or 143, timeout=self.config.timeout)
            try:
                client.login(username, password)
            except imaplib.IMAP4.abort:
                raise
            except imaplib.IMAP4.error as error:
                detail = _text(error.args)
                # RFC 5530: UNAVAILABLE is the server's trouble, anything else refuses the credentials.
                raise ChannelError(f"{where}: login refused: {detail}", permanent="UNAVAILABLE" not in detail) from None
            typ, data = client.select(_quote(mailbox), readonly=True)
            if typ != "OK":
                detail = _text(data)
                raise ChannelError(
                    f"{where}: cannot open mailbox {mailbox!r}: {detail}", permanent="UNAVAILABLE" not in detail
                )
            count = _int(data[0] if data else 0)
            _typ, validity = client.response("UIDVALIDITY")
            yield client, count, _int(validity[0] if validity else 0)
        except ChannelError:
            raise
        except imaplib.IMAP4.abort as error:
            raise ChannelError(f"{where}: connection lost ({_text(error.args)})") from None
        except ssl.SSLCertVerificationError as error:
            raise ChannelError(f"{where}: certificate refused ({error})", permanent=True) from None
        except OSError as error:  # refused, reset, timed out
            raise ChannelError(f"{where}: {error or type(error).__name__}") from None
        except imaplib.IMAP4.error as error:
            # A BAD answer or a reply imaplib cannot read: the server misbehaving, which tends to pass.
            raise ChannelError(f"{where}: protocol error ({_text(error.args)})") from None
        finally:
            if client is not None:
                with contextlib.suppress(Exception):
                    client.logout()

    @contextlib.contextmanager
    def _smtp(self) -> Iterator[smtplib.SMTP]:
        """A connected (and, when configured, STARTTLS'd and logged-in) SMTP client.
        Every failure inside the block becomes a ChannelError; QUIT always runs."""
        smtp_url = str(self.config.options.get("smtp_url") or "")
        where = f"SMTP {smtp_url}"
        url = urlsplit(smtp_url)
        if url.scheme not in ("smtp", "smtps") or not url.hostname:
            raise ChannelError(
                f"channel {self.config.name!r}: option smtp_url must be smtp:// or smtps://", permanent=True
            )
        user = self.config.credentials.get("smtp_username")
        password = self.config.credentials.get("smtp_password")
        client: smtplib.SMTP | None = None
        try:
            if url.scheme == "smtps":
                context = ssl.create_default_context()
                client = smtplib.SMTP_SSL(url.hostname, url.port or 465, timeout=self.config.timeout, context=context)
            else:
                client = smtplib.SMTP(url.hostname, url.port or 25, timeout=self.config.timeout)
                if self.config.options.get("smtp_starttls"):
                    client.starttls(context=ssl.create_default_context())
            if user and password:
                client.login(user, password)
            yield client
        except ChannelError:
            raise
        except smtplib.SMTPAuthenticationError as error:
            raise ChannelError(
                f"{where}: login refused ({error.smtp_code} {_text(error.smtp_error)})", permanent=True
            ) from None
        except smtplib.SMTPResponseException as error:  # sender refused, data refused, a 4xx/5xx greeting
            raise _smtp_status_error(error.smtp_code, error.smtp_error, where) from None
        except smtplib.SMTPNotSupportedError as error:  # STARTTLS or AUTH asked of a server without it
            raise ChannelError(f"{where}: {error}", permanent=True) from None
        except ssl.SSLCertVerificationError as error:
            raise ChannelError(f"{where}: certificate refused ({error})", permanent=True) from None
        except OSError as error:  # SMTPServerDisconnected, refused, timed out (smtplib errors are OSErrors)
            raise ChannelError(f"{where}: {error or type(error).__name__}") from None
        finally:
            if client is not None:
                with contextlib.suppress(Exception):
                    client.quit()


def reply_message_id(idempotency_key: str, address: str) -> str:
    """'<key@domain>': the same for every attempt at one outbox message. Characters a Message-ID
    cannot hold become '-'."""
    left = re.sub(r"[^A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]", "-", idempotency_key).strip(".")
    left = re.sub(r"\.{2,}", ".", left)
    if not left:
        raise ChannelError("a reply without an idempotency key cannot be given a Message-ID", permanent=True)
    return f"<{left}@{address.rpartition('@')[2]}>"


def _smtp_status_error(code: int, detail: Any, where: str) -> ChannelError:
    text = f"{where}: {code} {_text(detail)}"
    return ChannelError(text, permanent=code >= 500)


# -- IMAP responses ----------------------------------------------------------------
def _search_uids(client: imaplib.IMAP4, *criteria: str) -> list[int]:
    typ, data = client.uid("SEARCH", *criteria)
    if typ != "OK":
        raise ChannelError(f"IMAP UID SEARCH {' '.join(criteria)} refused: {_text(data)}")
    return [int(part) for line in data if line for part in line.split() if part.isdigit()]


_UID = re.compile(rb"\bUID (\d+)", re.IGNORECASE)
_INTERNALDATE = re.compile(rb'\bINTERNALDATE "([^"]+)"', re.IGNORECASE)


def _fetched(data: list[Any]) -> Iterator[tuple[int, str, bytes]]:
    """(uid, internaldate, message bytes) from imaplib's UID FETCH data: (prefix, literal) tuples, each
    followed by the bytes after the literal, where some servers put UID and INTERNALDATE."""
    for index, item in enumerate(data):
        if not isinstance(item, tuple) or len(item) != 2:
            continue  # flag updates and closing parentheses
        prefix, raw = item
        after = data[index + 1] if index + 1 < len(data) and isinstance(data[index + 1], bytes) else b""
        uid = _UID.search(prefix) or _UID.search(after)
        date = _INTERNALDATE.search(prefix) or _INTERNALDATE.search(after)
        if uid:
            yield int(uid.group(1)), date.group(1).decode("ascii", "replace") if date else "", raw


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def _text(value: Any) -> str:
    """Server text for an error message: imaplib hands bytes, lists of bytes, or tuples of them."""
    if isinstance(value, list | tuple):
        return " ".join(_text(part) for part in value if part is not None)
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return str(value)


# -- messages ----------------------------------------------------------------------
_AUTO_PRECEDENCE = {"bulk", "junk", "auto_reply", "list"}
_AUTO_SUBJECT = re.compile(r"(out of office( autoreply)?|automatic reply|auto[- ]?reply|abwesenheitsnotiz)\s*:", re.I)
_BOUNCE_SUBJECT = re.compile(
    r"(undeliverable|undelivered mail|delivery status notification|mail delivery failed|returned mail|"
    r"delivery failure|failure notice)",
    re.IGNORECASE,
)


def automated_reason(message: EmailMessage) -> str:
    """Why `message` is machine-sent (an auto-reply, a bounce, bulk mail) and not a customer's, or ''.
    Answering those would start mail loops, so they never become posts."""
    # Bounces first: they often carry Auto-Submitted too, and "bounce" tells the operator more.
    if message.get_content_type() == "multipart/report":
        report_type = str(message.get_param("report-type") or "")
        kind = "bounce" if report_type.lower() == "delivery-status" else "automatic report"
        return f"{kind} (multipart/report; report-type={report_type})"
    sender = _address(message, "From")[1]
    if sender.partition("@")[0] in ("mailer-daemon", "postmaster"):
        return f"bounce (From: {sender})"
    auto_submitted = _header(message, "Auto-Submitted").strip()
    if auto_submitted and auto_submitted.lower() != "no":
        return f"auto-reply (Auto-Submitted: {auto_submitted})"
    for name in ("X-Autoreply", "X-Autorespond", "X-Autoresponder"):
        if _header(message, name):
            return f"auto-reply ({name}: {_header(message, name).strip()})"
    precedence = _header(message, "Precedence").strip()
    if precedence.lower() in _AUTO_PRECEDENCE:
        return f"bulk or automatic mail (Precedence: {precedence})"
    if _header(message, "Return-Path").strip() == "<>":
        return "bounce or auto-reply (Return-Path: <>)"
    subject = " ".join(_header(message, "Subject").split())
    if _AUTO_SUBJECT.match(subject):
        return f"auto-reply (Subject: {subject[:80]})"
    if _BOUNCE_SUBJECT.match(subject):
        return f"bounce (Subject: {subject[:80]})"
    return ""


def normalize_email(
    message: EmailMessage | bytes,
    *,
    brand_address: str,
    fallback_id: str,
    internaldate: str = "",
    uid: int | None = None,
) -> NormalizedPost:
    """One e-mail as a post. `fallback_id` is the external id when the mail has no Message-ID;
    `internaldate` (IMAP, "17-Jul-2024 09:12:00 +0200") dates a mail without a readable Date.
    Raises InvalidPost when it cannot be a post (no sender, no time)."""
    if isinstance(message, bytes):
        message = email.message_from_bytes(message, policy=email.policy.default)
    if not message.keys():
        raise InvalidPost("not an e-mail: no headers")
    name, sender = _address(message, "From")
    if not sender:
        raise InvalidPost("no From address")
    message_id = _first_id(_header(message, "Message-ID"))
    in_reply_to = _ids(_header(message, "In-Reply-To"))
    references = _ids(_header(message, "References"))
    subject = " ".join(_header(message, "Subject").split())
    body = strip_quoted(_body_text(message))
    brand = brand_address.strip().lower()
    outbound = bool(brand) and sender == brand
    external_id = message_id or fallback_id
    parent = in_reply_to[0] if in_reply_to else (references[-1] if references else "")
    return NormalizedPost(
        external_id=external_id,
        posted_at=_posted_at(_header(message, "Date"), internaldate),
        text="\n\n".join(part for part in (subject, body) if part),
        author_id=sender,
        author_email=sender,
        author_name=name,
        in_reply_to_id=parent,
        in_reply_to_handle="" if outbound else brand,
        conversation_id=references[0] if references else (parent or external_id),
        is_direct=True,
        is_outbound=True if outbound else None,
        raw={
            "message_id": message_id,
            "from": _header(message, "From"),
            "to": _header(message, "To"),
            "subject": subject,
            "date": _header(message, "Date"),
            "in_reply_to": in_reply_to[0] if in_reply_to else "",
            "references": references,
            "uid": uid,
            "attachments": [part.get_filename() or part.get_content_type() for part in message.iter_attachments()]
            if message.is_multipart()
            else [],
        },
    )


def _header(message: EmailMessage, name: str) -> str:
    """A header's decoded value, '' when absent. The default policy's header parsers can raise on
    malformed values; such a header counts as absent rather than losing the mail."""
    try:
        value = message.get(name)
        return "" if value is None else str(value)
    except Exception:
        return ""


def _address(message: EmailMessage, name: str) -> tuple[str, str]:
    """(display name, lower-cased address) of the first address in header `name`."""
    try:
        header = message.get(name)
        addresses = getattr(header, "addresses", ()) if header is not None else ()
        if addresses:
            return str(addresses[0].display_name or ""), str(addresses[0].addr_spec or "").strip().lower()
    except Exception:  # see _header
        pass
    display, address = email.utils.parseaddr(_header(message, name))
    return display, address.strip().lower()


_ID = re.compile(r"<([^<>\s]+)>")


def _ids(value: str) -> list[str]:
    return _ID.findall(value)


def _first_id(value: str) -> str:
    found = _ID.search(value)
    if found:
        return found.group(1)
    # Some mailers leave out the angle brackets.
    return value.split()[0] if value.split() else ""


def _bare_id(value: str) -> str:
    return value.strip().strip("<>").strip()


def _posted_at(date: str, internaldate: str) -> dt.datetime:
    with contextlib.suppress(TypeError, ValueError, IndexError):
        parsed = email.utils.parsedate_to_datetime(date)
        # "-0000" (zone unknown) parses naive; RFC 5322 reads it as UTC.
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)
    if internaldate:
        # IMAP's date-time ("11-Jun-2024 09:15:02 +0200"); %b is English in the C locale Python runs in.
        with contextlib.suppress(ValueError):
            return dt.datetime.strptime(internaldate.strip(), "%d-%b-%Y %H:%M:%S %z")
    raise InvalidPost(f"missing or unreadable Date {date!r}")


def _body_text(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain", "html"))
    if part is None:
        return ""
    text = _decode(part)
    if part.get_content_type() == "text/html":
        text = html_to_text(text)
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()


def _decode(part: EmailMessage) -> str:
    """A text part's content; a wrong or unknown charset gives replacement characters, never an error."""
    payload = part.get_payload(decode=True) or b""
    charset = (part.get_content_charset() or "us-ascii").strip()
    # Mailers often label 8-bit UTF-8 as us-ascii; UTF-8 reads plain ASCII the same.
    if charset.lower() in ("us-ascii", "ascii", "unknown-8bit", "x-unknown"):
        charset = "utf-8"
    try:
        return payload.decode(charset, "replace")
    except LookupError:
        return payload.decode("utf-8", "replace")


_ATTRIBUTION = re.compile(
    r"^\s*(on|le|am|el|il|op)\b.*\b(wrote|a écrit|schrieb|escribió|ha scritto|schreef)\s*:\s*$", re.IGNORECASE
)
_OUTLOOK_SEPARATOR = re.compile(r"^\s*-{2,}\s*original message\s*-{2,}\s*$", re.IGNORECASE)


def strip_quoted(text: str) -> str:
    """`text` without the previous message it quotes (the rule is in the module docstring)."""
    lines = text.split("\n")
    end = len(lines)
    for index, line in enumerate(lines):
        wrapped = f"{line} {lines[index + 1]}" if index + 1 < len(lines) else line
        if _ATTRIBUTION.match(line) or (re.match(r"^\s*on\s", line, re.I) and _ATTRIBUTION.match(wrapped)):
            end = index
            break
        if _OUTLOOK_SEPARATOR.match(line):
            end = index
            break
        if re.match(r"^\s*_{10,}\s*$", line):
            following = next((later.strip() for later in lines[index + 1 :] if later.strip()), "")
            if re.match(r"(from|von|de|da|van)\s*:", following, re.IGNORECASE):
                end = index
                break
    kept = [line for line in lines[:end] if not line.lstrip().startswith(">")]
    result = re.sub(r"\n{3,}", "\n\n", "\n".join(line.rstrip() for line in kept)).strip()
    return result or text.strip()


class _HtmlText(HTMLParser):
    _SKIP = frozenset({"script", "style", "title", "template", "noscript"})
    _PARAGRAPH = frozenset({"p", "h1", "h2", "h3", "h4", "h5", "h6", "table", "ul", "ol", "pre"})
    _LINE = frozenset({"div", "tr", "li", "section", "article", "header", "footer", "address"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0
        self.quote = 0
        self.pending = 0  # line breaks owed before the next text: nested blocks ask, they do not add up

    def _break(self, count: int) -> None:
        self.pending = max(self.pending, count)

    def _write(self, text: str) -> None:
        if self.pending and self.parts:
            self.parts.append(("\n" + "> " * self.quote) * self.pending)
        elif self.quote and not self.parts:
            self.parts.append("> " * self.quote)
        self.pending = 0
        self.parts.append(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._SKIP:
            self.skip += 1
        elif tag == "blockquote":
            # Quoted replies in HTML mail: marked like plain-text quotes, then stripped the same way.
            self._break(1)
            self.quote += 1
        elif tag == "hr":
            # Outlook puts its "From: ... Sent: ..." header of the quoted mail below a rule.
            self._break(1)
            self._write("_" * 32)
            self._break(1)
        elif tag == "br":
            # A hard break counts: "<br><br>" and Gmail's "<div><br></div>" are blank lines.
            self.pending += 1
        elif tag in self._PARAGRAPH:
            self._break(2)
        elif tag in self._LINE:
            self._break(1)
        if tag == "li":
            self._write("- ")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._SKIP:
            self.skip = max(self.skip - 1, 0)
        elif tag == "blockquote":
            self._break(1)
            self.quote = max(self.quote - 1, 0)
        elif tag in self._PARAGRAPH:
            self._break(2)
        elif tag in self._LINE:
            self._break(1)

    def handle_data(self, data: str) -> None:
        text = re.sub(r"\s+", " ", data)
        if self.skip or (not text.strip() and (self.pending or not self.parts)):
            return
        self._write(text)


def html_to_text(html: str) -> str:
    """The readable text of an HTML mail: no scripts or styles, entities unescaped, paragraphs kept
    as blank lines, blockquotes as '> ' lines."""
    parser = _HtmlText()
    parser.feed(html)
    parser.close()
    lines = []
    for line in "".join(parser.parts).split("\n"):
        marks = re.match(r"^((?:>\s?)*)(.*)$", line)
        depth = marks.group(1).count(">")
        content = marks.group(2).strip()
        lines.append(("> " * depth + content).rstrip())
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
