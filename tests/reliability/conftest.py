"""Fixtures of the fault injection tests: processes this test run owns and may break.

- RedisServer: a redis-server of this test only, on a free port (never the shared one of
  REDIS_URL, which other runs use), that a test may kill and start again on the same port.
  It starts empty: `--save "" --appendonly no`, so a restart loses every queued task, as a
  Redis without persistence does.
- WorkerProcess: a real Celery worker subprocess (solo pool, every queue) on that Redis and on
  the test database, with `application_name=faults-worker` on its PostgreSQL connections so a
  test can drop them with pg_terminate_backend. kill() is SIGKILL: no shutdown, no ack, no restore.
- The test process's own Celery app is pointed at the same Redis, so the tasks the services
  enqueue on commit reach that worker.

Redelivery after a kill or a Redis restart is left to the beat sweepers (retry_raw_events,
retry_outbound), called by the test as beat would: Redis' visibility timeout (3 x the task time
limit) is longer than a bounded test. The sweepers' "lost after" delays are shortened instead.

Needs PostgreSQL (DATABASE_URL) and Redis (REDIS_URL, for the redis-server binary and the suite's
conventions); skips with the reason otherwise.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.conf import settings

REDIS_SERVER = "/usr/bin/redis-server"
CELERY = str(Path(sys.executable).with_name("celery"))
WORKER_APPLICATION_NAME = "faults-worker"
HOOK_SECRET_ENV = "FAULTS_HOOK_SECRET"
HOOK_SECRET = "faults-signing-secret"
QUEUES = "ingest,outbound,sla,kpis,default"
PRIVATE_REDIS_OPTIONS = ("--save", "", "--appendonly", "no", "--daemonize", "no")
WORKER_OPTIONS = ("--pool=solo", "--without-gossip", "--without-mingle", "--without-heartbeat", "--loglevel=INFO")


def wait_for(predicate: Callable[[], bool], seconds: float = 45.0, every: float = 0.05) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(every)
    return predicate()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def needs_served_mode() -> None:
    if not os.environ.get("DATABASE_URL") or settings.DATABASES["default"]["ENGINE"] != (
        "django.db.backends.postgresql"
    ):
        pytest.skip("fault injection needs PostgreSQL (DATABASE_URL): the worker process shares the test database")
    if not settings.REDIS_URL:
        pytest.skip("fault injection needs Redis (REDIS_URL): the tests run Celery through a real broker")
    if not os.access(REDIS_SERVER, os.X_OK):
        pytest.skip(f"{REDIS_SERVER} is missing: the tests start a Redis of their own to restart it")


class RedisServer:
    """A private redis-server on a fixed free port; start() again after kill() reuses the port."""

    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1", *PRIVATE_REDIS_OPTIONS],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        import redis

        client = redis.Redis.from_url(self.url, socket_timeout=1)

        def answers() -> bool:
            try:
                return bool(client.ping())
            except redis.ConnectionError:
                return False

        if not wait_for(answers, seconds=10):
            raise RuntimeError(f"redis-server did not start on port {self.port}")

    def kill(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=10)


def _test_database_url() -> str:
    """DATABASE_URL of the test database, tagging the worker's connections with an application_name."""
    parts = urlsplit(os.environ["DATABASE_URL"])
    return urlunsplit(
        parts._replace(
            path="/" + settings.DATABASES["default"]["NAME"], query=f"application_name={WORKER_APPLICATION_NAME}"
        )
    )


class WorkerProcess:
    """A Celery worker subprocess; start() after kill() is the restart an orchestrator would do."""

    def __init__(self, broker_url: str) -> None:
        self.broker_url = broker_url
        self.process: subprocess.Popen | None = None
        self.log = tempfile.NamedTemporaryFile(prefix="faults-celery-", suffix=".log", delete=False)  # noqa: SIM115
        self.name = f"faults-{os.getpid()}-{time.monotonic_ns()}@{socket.gethostname()}"
        self.starts = 0

    def start(self) -> None:
        from socialcrm.celery import app

        self.starts += 1
        env = {
            **os.environ,
            "DATABASE_URL": _test_database_url(),
            "REDIS_URL": self.broker_url,
            # A new connection per task: a dropped one costs one task, and teardown never waits on it.
            "DB_CONN_MAX_AGE": "0",
            HOOK_SECRET_ENV: HOOK_SECRET,
            "PYTHONUNBUFFERED": "1",
        }
        name = f"{self.starts}-{self.name}"
        self.process = subprocess.Popen(
            [CELERY, "-A", "socialcrm", "worker", "-Q", QUEUES, *WORKER_OPTIONS, "-n", name],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        if not wait_for(lambda: bool(app.control.ping(destination=[name], timeout=0.5)), seconds=60, every=0):
            raise RuntimeError(f"the Celery worker did not start:\n{self.tail()}")

    def kill(self) -> None:
        """SIGKILL: the worker gets no chance to finish, ack, or give its task back."""
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()

    def tail(self, characters: int = 3000) -> str:
        return Path(self.log.name).read_text(errors="replace")[-characters:]


@pytest.fixture
def redis_server() -> Iterator[RedisServer]:
    needs_served_mode()
    server = RedisServer()
    server.start()
    yield server
    server.kill()


@pytest.fixture
def broker(redis_server, monkeypatch) -> Iterator[RedisServer]:
    """This process's Celery app publishing to the private Redis.

    The result backend stays on REDIS_URL: this process subscribes there to the results of the
    tasks it sends, and a subscription on a Redis that a test kills ends in "Retry limit exceeded"."""
    from socialcrm.celery import app

    saved = (app.conf.broker_url, app._pool, app.amqp._producer_pool)
    app.conf.broker_url = redis_server.url
    app._pool = None
    app.amqp._producer_pool = None
    monkeypatch.setenv(HOOK_SECRET_ENV, HOOK_SECRET)
    yield redis_server
    app.pool.force_close_all()
    app.conf.broker_url, app._pool, app.amqp._producer_pool = saved


@pytest.fixture
def worker(broker, transactional_db) -> Iterator[WorkerProcess]:
    """A started worker on the private Redis and the committed test database."""
    process = WorkerProcess(broker.url)
    process.start()
    yield process
    process.stop()
    print(f"\nCelery worker log: {process.log.name}")
    process.log.close()
