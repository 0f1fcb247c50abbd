"""SIGKILL of `manage.py import_posts` in the middle of a large import, then the same import again."""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import subprocess
import sys

import pytest
from django.conf import settings

from channels_app.models import Channel
from tests.reliability.conftest import _test_database_url, needs_served_mode, wait_for
from tests.reliability.helpers import COMPLAINTS, T0, expected, outcome

pytestmark = pytest.mark.faults

POSTS = 3000
BATCH = 250


def archive_line(number: int) -> str:
    return json.dumps(
        {
            "external_id": f"archive-{number}",
            "posted_at": (T0 - dt.timedelta(minutes=number)).isoformat(),
            "text": f"@AcmeAir {COMPLAINTS[number % len(COMPLAINTS)]} (archive {number})",
            "author_id": f"archive-user-{number}",
            "author_handle": f"flyer_{number}",
        }
    )


def stored(name: str) -> int:
    channel = Channel.objects.filter(name=name).first()
    return channel.posts.count() if channel else 0


def test_an_import_killed_mid_file_and_run_again_stores_every_post_once_with_its_case(transactional_db, tmp_path):
    needs_served_mode()
    path = tmp_path / "forum-archive.jsonl"
    path.write_text("\n".join(archive_line(number) for number in range(POSTS)) + "\n")
    command = [sys.executable, "manage.py", "import_posts", str(path), "--format", "jsonl"]
    command += ["--channel", "Forum archive", "--brand", "AcmeAir", "--batch-size", str(BATCH)]
    env = {**os.environ, "DATABASE_URL": _test_database_url(), "DB_CONN_MAX_AGE": "0"}

    # Given an import that has committed some batches
    first = subprocess.Popen(command, cwd=settings.BASE_DIR, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    assert wait_for(lambda: stored("Forum archive") >= 2 * BATCH or first.poll() is not None, seconds=50)

    # When it is killed with SIGKILL (no cleanup, a batch maybe half sent) and run again
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=10)
    at_kill = stored("Forum archive")
    assert at_kill < POSTS, "the import ended before the kill: make the file larger"
    again = subprocess.run(command, cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=50)
    assert again.returncode == 0, again.stderr[-3000:]

    # Then every post of the file is stored once, each on its own case
    channel = Channel.objects.get(name="Forum archive")
    result = outcome(channel)
    del result["events"], result["processed"]  # an import has no webhook deliveries
    assert result == {name: value for name, value in expected(POSTS).items() if name not in ("events", "processed")}
    print(f"\nkilled after {at_kill}/{POSTS} posts stored; second run: {again.stdout.strip()[-300:]}")
