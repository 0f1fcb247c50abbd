"""Mail servers for tests: a minimal IMAP4rev1 responder and an SMTP sink, both on real sockets on 127.0.0.1.

ImapServer speaks just enough IMAP4rev1 for imaplib: CAPABILITY, LOGIN,
SELECT/EXAMINE (EXISTS, UIDVALIDITY, UIDNEXT), UID SEARCH (UID sets such as
"5:*", HEADER, ALL), UID FETCH (BODY.PEEK[]/BODY[]/RFC822, UID,
INTERNALDATE, as {n} literals), NOOP and LOGOUT. Mailboxes are a dict
name -> list of (uid, bytes); `uidvalidity` may be changed between polls.
Faults: `drop_mid_fetch` sends half a message and closes the connection;
`stall_on` ("FETCH", "SELECT", ...) never answers that command (a client
timeout). Every command is recorded in `commands`.

SmtpSink wraps aiosmtpd's Controller: it records each envelope (sender,
recipients, message bytes), refuses the addresses in `refused` with 550 and
defers those in `deferred` with 450, and checks AUTH when `logins` is set.
"""

from __future__ import annotations

import email
import email.policy
import re
import socket
import socketserver
import threading
from dataclasses import dataclass, field

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

_TOKEN = re.compile(r'"((?:[^"\\]|\\.)*)"|(\S+)')


class _ThreadingServer(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True


class ImapServer:
    def __init__(self, *, username: str = "care@acme.example", password: str = "correct horse", uidvalidity: int = 1):
        self.username = username
        self.password = password
        self.uidvalidity = uidvalidity
        self.mailboxes: dict[str, list[tuple[int, bytes]]] = {"INBOX": []}
        self.internaldates: dict[tuple[str, int], str] = {}
        self.next_uid: dict[str, int] = {}
        self.drop_mid_fetch = False
        self.stall_on = ""
        self.uid_after_literal = False  # some servers put UID after the message literal
        self.commands: list[str] = []
        self._release = threading.Event()
        self._server: socketserver.ThreadingTCPServer | None = None

    # -- setup --------------------------------------------------------------------
    def add(self, raw: bytes, mailbox: str = "INBOX", *, internaldate: str = "03-Jun-2024 09:15:02 +0000") -> int:
        """Deliver `raw` to `mailbox` (created when new); returns its UID."""
        messages = self.mailboxes.setdefault(mailbox, [])
        uid = self.next_uid.get(mailbox, 1)
        self.next_uid[mailbox] = uid + 1
        messages.append((uid, raw))
        self.internaldates[(mailbox, uid)] = internaldate
        return uid

    def start(self) -> ImapServer:
        outer = self

        class Handler(socketserver.StreamRequestHandler):
            def handle(self) -> None:
                outer._session(self)

        self._server = _ThreadingServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True).start()
        return self

    def stop(self) -> None:
        self._release.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    @property
    def port(self) -> int:
        assert self._server is not None
        return self._server.server_address[1]

    @property
    def url(self) -> str:
        return f"imap://127.0.0.1:{self.port}"

    # -- protocol -----------------------------------------------------------------
    def _session(self, handler: socketserver.StreamRequestHandler) -> None:
        out = handler.wfile
        out.write(b"* OK [CAPABILITY IMAP4rev1] test IMAP ready\r\n")
        state = {"mailbox": None, "authenticated": False}
        while True:
            line = handler.rfile.readline()
            if not line:
                return
            text = line.decode("utf-8", "replace").rstrip("\r\n")
            self.commands.append(text)
            tag, _, rest = text.partition(" ")
            tokens = [
                re.sub(r"\\(.)", r"\1", found.group(1)) if found.group(1) is not None else found.group(2)
                for found in _TOKEN.finditer(rest)
            ]
            command = tokens[0].upper() if tokens else ""
            args = tokens[1:]
            if command == "UID" and args:
                command, args = "UID " + args[0].upper(), args[1:]
            if self.stall_on and self.stall_on.upper() in command:
                self._release.wait(10)
                return
            reply = self._answer(tag, command, args, state, handler)
            if reply is None:
                return
            out.write(reply)
            if command == "LOGOUT":
                return

    def _answer(self, tag, command, args, state, handler) -> bytes | None:
        def done(status: str = "OK", text: str = "completed") -> bytes:
            return f"{tag} {status} {command} {text}\r\n".encode()

        if command == "CAPABILITY":
            return b"* CAPABILITY IMAP4rev1 AUTH=PLAIN\r\n" + done()
        if command == "NOOP":
            return done()
        if command == "LOGOUT":
            return b"* BYE logging out\r\n" + done()
        if command == "LOGIN":
            if args[:2] == [self.username, self.password]:
                state["authenticated"] = True
                return done()
            return f"{tag} NO [AUTHENTICATIONFAILED] Invalid credentials\r\n".encode()
        if not state["authenticated"]:
            return done("BAD", "needs LOGIN first")
        if command in ("SELECT", "EXAMINE"):
            name = args[0] if args else ""
            name = "INBOX" if name.upper() == "INBOX" else name
            if name not in self.mailboxes:
                state["mailbox"] = None
                return f"{tag} NO [NONEXISTENT] Unknown mailbox {name}\r\n".encode()
            state["mailbox"] = name
            messages = self.mailboxes[name]
            access = "READ-ONLY" if command == "EXAMINE" else "READ-WRITE"
            return (
                f"* {len(messages)} EXISTS\r\n* 0 RECENT\r\n* FLAGS (\\Seen \\Answered \\Flagged \\Deleted \\Draft)\r\n"
                f"* OK [UIDVALIDITY {self.uidvalidity}] UIDs valid\r\n"
                f"* OK [UIDNEXT {self.next_uid.get(name, 1)}] Predicted next UID\r\n"
                f"{tag} OK [{access}] {command} completed\r\n"
            ).encode()
        mailbox = state["mailbox"]
        if mailbox is None:
            return done("BAD", "no mailbox selected")
        messages = self.mailboxes[mailbox]
        if command == "UID SEARCH":
            found = self._search(messages, args)
            return f"* SEARCH{''.join(f' {uid}' for uid in found)}\r\n".encode() + done()
        if command == "UID FETCH":
            return self._fetch(tag, mailbox, messages, args, handler)
        return done("BAD", "unknown command")

    @staticmethod
    def _uid_set(spec: str, messages: list[tuple[int, bytes]]) -> set[int]:
        highest = messages[-1][0] if messages else 0
        wanted: set[int] = set()
        for part in spec.split(","):
            low, _, high = part.partition(":")
            low_n = highest if low == "*" else int(low)
            high_n = low_n if not high else (highest if high == "*" else int(high))
            # RFC 3501: n:m is the same as m:n, so "7:*" includes the highest UID even below 7.
            low_n, high_n = sorted((low_n, high_n))
            wanted.update(uid for uid, _ in messages if low_n <= uid <= high_n)
        return wanted

    def _search(self, messages: list[tuple[int, bytes]], args: list[str]) -> list[int]:
        upper = [arg.upper() for arg in args]
        if upper[:1] == ["UID"]:
            wanted = self._uid_set(args[1], messages)
            return [uid for uid, _ in messages if uid in wanted]
        if upper[:1] == ["HEADER"]:
            name, value = args[1], args[2].lower()
            found = []
            for uid, raw in messages:
                headers = email.message_from_bytes(raw, policy=email.policy.compat32)
                if any(value in str(v).lower() for v in headers.get_all(name, [])):
                    found.append(uid)
            return found
        return [uid for uid, _ in messages]

    def _fetch(self, tag, mailbox, messages, args, handler) -> bytes | None:
        wanted = self._uid_set(args[0], messages)
        items = " ".join(args[1:]).upper()
        out = bytearray()
        for sequence, (uid, raw) in enumerate(messages, 1):
            if uid not in wanted:
                continue
            name = "RFC822" if "RFC822" in items else "BODY[]"
            date = self.internaldates.get((mailbox, uid), "03-Jun-2024 09:15:02 +0000")
            before = f'* {sequence} FETCH (INTERNALDATE "{date}" '
            if not self.uid_after_literal:
                before += f"UID {uid} "
            out += f"{before}{name} {{{len(raw)}}}\r\n".encode()
            if self.drop_mid_fetch:
                handler.wfile.write(bytes(out) + raw[: len(raw) // 2])
                handler.wfile.flush()
                handler.request.shutdown(socket.SHUT_RDWR)
                return None
            out += raw + (f" UID {uid})\r\n" if self.uid_after_literal else ")\r\n").encode()
        return bytes(out) + f"{tag} OK UID FETCH completed\r\n".encode()


@dataclass
class Envelope:
    mail_from: str
    rcpt_tos: list[str]
    content: bytes

    @property
    def message(self) -> email.message.EmailMessage:
        return email.message_from_bytes(self.content, policy=email.policy.default)


@dataclass
class SmtpSink:
    refused: set[str] = field(default_factory=set)
    deferred: set[str] = field(default_factory=set)
    logins: dict[str, str] | None = None  # username -> password; None: no AUTH offered
    received: list[Envelope] = field(default_factory=list)
    _controller: Controller | None = None

    def start(self) -> SmtpSink:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        options = {}
        if self.logins is not None:
            options = {"authenticator": self._authenticate, "auth_require_tls": False}
        self._controller = Controller(_Recorder(self), hostname="127.0.0.1", port=port, **options)
        self._controller.start()
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()

    @property
    def url(self) -> str:
        assert self._controller is not None
        return f"smtp://127.0.0.1:{self._controller.port}"

    def _authenticate(self, server, session, envelope, mechanism, auth_data) -> AuthResult:
        ok = (
            isinstance(auth_data, LoginPassword)
            and self.logins is not None
            and self.logins.get(auth_data.login.decode()) == auth_data.password.decode()
        )
        return AuthResult(success=ok, handled=False)


class _Recorder:
    def __init__(self, sink: SmtpSink) -> None:
        self.sink = sink

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.lower() in self.sink.refused:
            return f"550 5.1.1 <{address}>: Recipient address rejected: User unknown"
        if address.lower() in self.sink.deferred:
            return f"450 4.2.0 <{address}>: Recipient address rejected: Greylisted, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.sink.received.append(
            Envelope(envelope.mail_from, list(envelope.rcpt_tos), bytes(envelope.original_content))
        )
        return "250 2.0.0 Ok: queued"
