"""A fake channel API: a real HTTP server on 127.0.0.1 answering from scripted routes.

Adapters are tested over real sockets against it, so their HTTP, paging,
parsing and error handling is what a test exercises, not a mock of our own
code. A route answers with its scripted replies in turn and repeats the
last one; every request is recorded with its query, headers and body.

    api.route("GET", "/2/users/42/mentions", Reply(json=page1), Reply(json=page2))
    api.route("POST", "/2/tweets", Reply(status=429, headers={"x-rate-limit-reset": "..."}))
    api.route("GET", "/feed.xml", handler=lambda request: Reply(body=...))

Faults: Reply(delay=2) answers late (a client timeout), Reply(truncate=True)
promises more bytes than it sends and closes the connection.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


@dataclass
class Reply:
    status: int = 200
    json: Any = None
    body: bytes | str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str = ""
    delay: float = 0.0
    truncate: bool = False

    def payload(self) -> tuple[bytes, str]:
        if self.json is not None:
            return json.dumps(self.json).encode(), self.content_type or "application/json"
        body = self.body or b""
        if isinstance(body, str):
            body = body.encode()
        return body, self.content_type or "text/plain; charset=utf-8"


@dataclass
class Recorded:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]  # lower-cased names
    body: bytes

    def param(self, name: str) -> str | None:
        values = self.query.get(name)
        return values[0] if values else None

    def json(self) -> Any:
        return json.loads(self.body)


Handler = Callable[[Recorded], Reply]


class FakeApi:
    def __init__(self) -> None:
        self.routes: dict[tuple[str, str], list[Reply] | Handler] = {}
        self.requests: list[Recorded] = []
        self.lock = threading.Lock()
        api = self

        class RequestHandler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:  # quiet test output
                pass

            def _serve(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                parts = urlsplit(self.path)
                recorded = Recorded(
                    method=self.command,
                    path=parts.path,
                    query=parse_qs(parts.query, keep_blank_values=True),
                    headers={name.lower(): value for name, value in self.headers.items()},
                    body=body,
                )
                reply = api._reply_for(recorded)
                if reply.delay:
                    time.sleep(reply.delay)
                payload, content_type = reply.payload()
                try:
                    self.send_response(reply.status)
                    self.send_header("Content-Type", content_type)
                    for name, value in reply.headers.items():
                        self.send_header(name, value)
                    if reply.truncate:
                        self.send_header("Content-Length", str(len(payload) + 500))
                        self.send_header("Connection", "close")
                        self.end_headers()
                        self.wfile.write(payload[: max(len(payload) // 2, 1)])
                        self.wfile.flush()
                        self.close_connection = True
                        return
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                except (BrokenPipeError, ConnectionResetError):
                    # The client gave up (its timeout); nothing to answer.
                    self.close_connection = True

            do_GET = do_POST = do_PUT = do_DELETE = _serve

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), RequestHandler)
        self.server.daemon_threads = True
        self.base_url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, name="fake-api", daemon=True
        )

    def start(self) -> FakeApi:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def route(self, method: str, path: str, *replies: Reply, handler: Handler | None = None) -> None:
        """Script the answers to METHOD path (query strings are not part of the match)."""
        if handler is None and not replies:
            raise ValueError("give replies or a handler")
        with self.lock:
            self.routes[(method.upper(), path)] = handler if handler is not None else list(replies)

    def calls(self, method: str | None = None, path: str | None = None) -> list[Recorded]:
        with self.lock:
            return [
                request
                for request in self.requests
                if (method is None or request.method == method.upper()) and (path is None or request.path == path)
            ]

    def _reply_for(self, request: Recorded) -> Reply:
        with self.lock:
            self.requests.append(request)
            route = self.routes.get((request.method, request.path))
            if route is None:
                return Reply(status=404, json={"error": f"no fake route for {request.method} {request.path}"})
            if callable(route):
                handler = route
            else:
                return route.pop(0) if len(route) > 1 else route[0]
        return handler(request)
