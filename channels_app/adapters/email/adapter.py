"""E-mail: a care mailbox polled over IMAP, replies sent over SMTP.

Owns EmailAdapter (fetch, publish, find_published, test_connection), the
IMAP and SMTP connections and responses, and reply_message_id(). Messages
are parsed in channels_app.adapters.email.parse. Standard library only; no
database. `email` below is the standard library package (absolute imports),
not channels_app.adapters.email.

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
from typing import Any
from urllib.parse import urlsplit

from channels_app.adapters.base import ChannelAdapter, ChannelError, FetchResult, OutgoingReply, Published
from channels_app.adapters.email.parse import _bare_id, _first_id, _header, automated_reason, normalize_email
from channels_app.pipeline.normalized import InvalidPost

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
