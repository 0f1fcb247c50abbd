"""Fixtures of the browser tests: Debian's Chromium driven by Playwright against the app served on 127.0.0.1.

What runs, for each test:
- the app in this process (pytest-django's live server, threaded, on 127.0.0.1 and a free port,
  static files served), on the test database, committed for real (transactional_db);
- one real Celery worker in a subprocess (session scope) consuming every queue from the Redis of
  REDIS_URL and writing to the same test database, so a webhook, a reply or an admin's SLA change
  goes through the broker exactly as when served;
- the fake channel API of tests/fakeapi.py (function scope, from tests/conftest.py);
- Chromium from /usr/bin/chromium (session scope; never a browser Playwright downloads), one
  fresh context per user, signed in through the real login form or with a session cookie.

Skips (with the reason) when Chromium, Playwright, PostgreSQL or Redis is missing; CI has all four.
The inbox and presence polls run every second here instead of every 10-15 seconds, so a test waits
for the app's own polling rather than reloading.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.conf import settings

from tests.browser.helpers import HOOK_SECRET, HOOK_SECRET_ENV, WAIT_MS

CHROMIUM = "/usr/bin/chromium"
# Running as root needs --no-sandbox; the rest keeps an offline Chromium from calling Google.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--disable-gpu",
]
PASSWORD = "correct-horse-battery"  # tests/factories.UserFactory's
SCREENSHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"
POLL_SECONDS = 1


# -- the browser -----------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def chromium(django_db_setup):
    """Debian's Chromium under Playwright, shared by every test (each gets its own contexts).

    Started once the test database exists, because of what Playwright's sync API does to Django:
    it keeps an asyncio loop running in this thread, so from then on (1) Django refuses database
    calls unless DJANGO_ALLOW_ASYNC_UNSAFE is set; the test code stays synchronous, so that
    refusal guards nothing here (pytest-playwright documents the same setting); (2) Django's
    per-thread connections are looked up in context-local storage instead, as fresh connection
    objects: the database contents serialized at setup for serialized_rollback, kept on the old
    objects, are handed over to the new ones, or every test after the first would start without
    the role groups the data migrations made.
    """
    if not os.access(CHROMIUM, os.X_OK):
        pytest.skip(f"{CHROMIUM} is missing: apt-get install chromium (CI installs it)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed (requirements-dev.txt)")
    from django.db import connections

    serialized = {alias: getattr(connections[alias], "_test_serialized_contents", None) for alias in connections}
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_api.sync_playwright() as playwright:
            for alias, contents in serialized.items():
                if contents is not None:
                    connections[alias]._test_serialized_contents = contents
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            yield browser
            browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


# -- the served app --------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def live_server(request):
    """pytest-django's live server, bound to 127.0.0.1 on a free port (its default is "localhost")."""
    from pytest_django.live_server_helper import LiveServer

    server = LiveServer("127.0.0.1:0")
    yield server
    server.stop()


def _test_database_url() -> str:
    """DATABASE_URL naming the test database pytest-django created (test_<NAME>)."""
    parts = urlsplit(os.environ["DATABASE_URL"])
    return urlunsplit(parts._replace(path="/" + settings.DATABASES["default"]["NAME"]))


@pytest.fixture(scope="session")
def celery_worker_process(django_db_setup) -> Iterator[subprocess.Popen]:
    """A real Celery worker (a subprocess) on the Redis of REDIS_URL and the test database.

    Depends on django_db_setup, so it stops before the test database is dropped."""
    if not os.environ.get("DATABASE_URL") or settings.DATABASES["default"]["ENGINE"] != (
        "django.db.backends.postgresql"
    ):
        pytest.skip("browser tests need PostgreSQL (DATABASE_URL): the worker process shares the test database")
    if not settings.REDIS_URL:
        pytest.skip("browser tests need Redis (REDIS_URL): the Celery broker of the real worker")
    from socialcrm.celery import app

    env = {
        **os.environ,
        "DATABASE_URL": _test_database_url(),
        # No connection kept between tasks: flushing between tests and dropping the database at
        # the end never wait for the worker.
        "DB_CONN_MAX_AGE": "0",
        HOOK_SECRET_ENV: HOOK_SECRET,
        "PYTHONUNBUFFERED": "1",
    }
    name = f"browser-{os.getpid()}@{socket.gethostname()}"
    log = tempfile.NamedTemporaryFile(prefix="browser-celery-", suffix=".log", delete=False)  # noqa: SIM115
    worker = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("celery")),
            "-A",
            "socialcrm",
            "worker",
            "-Q",
            "ingest,outbound,sla,kpis,default",
            "--pool=solo",
            "--purge",  # tasks left in the broker by an earlier run name rows that do not exist here
            "--without-gossip",
            "--without-mingle",
            "--loglevel=INFO",
            "-n",
            name,
        ],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        # Only this worker's answer counts: other workers may share the broker.
        while not app.control.ping(destination=[name], timeout=0.5):
            if worker.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the Celery worker did not start:\n{Path(log.name).read_text()[-3000:]}")
        yield worker
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()
        log.close()
        print(f"\nCelery worker log of the browser tests: {log.name}")


@pytest.fixture
def served(celery_worker_process, live_server, monkeypatch) -> str:
    """The base URL of the app, with the worker running and the console polling every second."""
    from cases.views import case as case_views
    from cases.views import inbox as inbox_views

    monkeypatch.setattr(inbox_views, "POLL_SECONDS", POLL_SECONDS)
    monkeypatch.setattr(case_views, "POLL_SECONDS", POLL_SECONDS)
    monkeypatch.setenv(HOOK_SECRET_ENV, HOOK_SECRET)
    return live_server.url


# -- pages -----------------------------------------------------------------------------------------


class Browsing:
    """Opens pages as users; records page errors and CSP violations; saves screenshots."""

    def __init__(self, browser, base_url: str, test_name: str) -> None:
        self.browser = browser
        self.base_url = base_url
        self.test_name = re.sub(r"[^\w.-]+", "_", test_name)
        self.contexts = []
        self.errors: list[str] = []

    def _new_page(self):
        context = self.browser.new_context(base_url=self.base_url, viewport={"width": 1280, "height": 900})
        context.set_default_timeout(WAIT_MS)
        self.contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda error: self.errors.append(f"{page.url}: {error}"))

        def on_console(message):
            # A blocked script or style is a broken page; failed side requests are not ours to judge.
            if message.type == "error" and "Content Security Policy" in message.text:
                self.errors.append(f"{page.url}: {message.text}")

        page.on("console", on_console)
        return page

    def anonymous(self):
        return self._new_page()

    def signed_in(self, user):
        """A page whose context carries a session of `user` (made server-side, as a login would)."""
        from django.test import Client

        client = Client()
        client.force_login(user)
        page = self._new_page()
        page.context.add_cookies(
            [
                {
                    "name": settings.SESSION_COOKIE_NAME,
                    "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                    "url": self.base_url,
                }
            ]
        )
        return page

    def log_in(self, username: str, password: str = PASSWORD):
        """A page signed in through the real login form."""
        page = self._new_page()
        page.goto("/accounts/login/")
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Log in").click()
        page.wait_for_url(re.compile(r"/console/"))
        return page

    def screenshot(self, page, step: str) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{self.test_name}-{step}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    def close(self) -> None:
        for context in self.contexts:
            context.close()


@pytest.fixture
def browsing(served, chromium, request) -> Iterator[Browsing]:
    browsing = Browsing(chromium, served, request.node.name)
    yield browsing
    browsing.close()
    assert not browsing.errors, "the pages raised script errors or CSP violations:\n" + "\n".join(browsing.errors)
