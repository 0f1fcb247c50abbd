"""E-mail messages into NormalizedPost: pure parsing of RFC 5322 messages, no network.

Owns normalize_email() (RFC 5322 bytes or EmailMessage -> NormalizedPost),
automated_reason() (auto-replies and bounces, which are never ingested),
html_to_text(), strip_quoted() and the header and Message-ID readers
EmailAdapter shares. Standard library only; no database. `email` below is
the standard library package (absolute imports), not channels_app.adapters.email.

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
import re
from email.message import EmailMessage
from html.parser import HTMLParser

from channels_app.adapters.base import storable
from channels_app.pipeline.normalized import InvalidPost, NormalizedPost

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
    return storable(
        NormalizedPost(
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
