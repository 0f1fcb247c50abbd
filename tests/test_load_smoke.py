"""The load run (bench/load.py), short and at a reduced rate, against the test database.

Real processes: gunicorn with the production settings, a Celery worker on the test Redis, the
two load processes. Pins what must hold under load whatever the machine: no agent request and
no delivery fails, and every post sent is stored exactly once. Timings are only reported.
"""

import os
import socket

import pytest
from django.core.management import call_command
from django.db import connection

from bench.load import LoadConfig, run

pytestmark = [
    pytest.mark.faults,
    pytest.mark.skipif(
        not (os.environ.get("DATABASE_URL", "").startswith("postgres") and os.environ.get("REDIS_URL")),
        reason="the load run needs PostgreSQL (DATABASE_URL) and Redis (REDIS_URL)",
    ),
]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def served_database_url() -> str:
    """The test database as a URL, for the server and worker processes the run starts."""
    settings = connection.settings_dict
    password = f":{settings['PASSWORD']}" if settings["PASSWORD"] else ""
    return f"postgres://{settings['USER']}{password}@{settings['HOST']}:{settings['PORT'] or 5432}/{settings['NAME']}"


@pytest.mark.django_db(transaction=True)
def test_agents_browsing_while_posts_arrive_see_no_errors_and_every_post_is_stored_once(role_groups, tmp_path):
    # Given a small generated world (cases, customers, gen-agent users) in the test database
    call_command("generate_data", "--posts", "3000", stdout=open(os.devnull, "w"))  # noqa: SIM115
    config = LoadConfig(
        database_url=served_database_url(),
        redis_url=os.environ["REDIS_URL"],
        agents=10,
        rate=20,
        posts_per_delivery=1,
        seconds=15,
        think=0.5,
        port=free_port(),
        web_workers=2,
        web_threads=2,
        worker_concurrency=1,
        drain_timeout=120,
        log_dir=tmp_path,
    )

    # When 10 agents browse for 15 s while 20 posts a second arrive by signed webhook
    report = run(config)

    # Then nothing failed and every post sent is stored, once
    assert report["agent_errors"] == 0, report["pages"]
    assert report["agent_requests"] > 0
    assert {"inbox (Mine)", "inbox (My teams)", "case page"} <= set(report["pages"])
    assert report["webhooks"]["errors"] == 0, report["webhooks"]
    assert report["posts_sent"] == 300
    assert report["posts_stored"] == 300
    assert report["posts_stored_twice"] == 0
    assert report["failed_deliveries"] == 0
