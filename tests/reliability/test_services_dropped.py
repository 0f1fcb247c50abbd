"""Redis restarted and PostgreSQL connections dropped while a real worker processes a webhook burst."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from django.db import connection

from channels_app import selectors
from channels_app.tasks import retry_raw_events_task
from tests.reliability.conftest import WORKER_APPLICATION_NAME, wait_for
from tests.reliability.helpers import deliver_burst, expected, forum_bridge, outcome, processed

pytestmark = pytest.mark.faults

BURST = 400


def test_redis_restarted_mid_burst_loses_its_queue_and_the_sweeper_gets_every_post_stored_once(
    worker, broker, monkeypatch
):
    channel = forum_bridge()

    # Given a burst of deliveries the worker is processing
    deliver_burst(channel, BURST)
    assert wait_for(lambda: processed(channel) > 0), worker.tail()

    # When Redis dies (its queue with it: no persistence) and starts again empty
    broker.kill()
    at_kill = processed(channel)
    assert at_kill < BURST, "the burst ended before Redis died: make it larger"
    time.sleep(1)  # the worker notices the lost connection
    broker.start()

    # Then the worker reconnects, and beat's sweeper (its delay shortened here) finds the
    # deliveries whose tasks Redis lost; every one is processed once
    monkeypatch.setattr(selectors, "RAW_EVENT_LOST_AFTER", dt.timedelta(0))
    assert wait_for(lambda: retry_raw_events_task() >= 0 and processed(channel) == BURST, every=2), worker.tail()
    assert outcome(channel) == expected(BURST)
    print(f"\nRedis killed after {at_kill}/{BURST} deliveries processed; {outcome(channel)}")


def drop_worker_connections() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) FROM pg_stat_activity"
            " WHERE datname = current_database() AND application_name = %s",
            [WORKER_APPLICATION_NAME],
        )
        return cursor.fetchone()[0]


def test_postgresql_connections_dropped_mid_batch_roll_the_batch_back_and_it_is_retried(worker, monkeypatch):
    channel = forum_bridge()

    # Given a burst of deliveries the worker is processing
    deliver_burst(channel, BURST)
    assert wait_for(lambda: processed(channel) > 0), worker.tail()

    # When the worker's database connection is terminated, again and again, mid-batch
    dropped = 0
    for _ in range(40):
        dropped += drop_worker_connections()
        time.sleep(0.05)
    at_drop = processed(channel)
    assert dropped > 0 and at_drop < BURST, (dropped, at_drop)

    # Then the tasks retry (Celery's autoretry on OperationalError), the sweeper finds the rest,
    # and every delivery ends processed once: the batches cut off were rolled back whole
    monkeypatch.setattr(selectors, "RAW_EVENT_LOST_AFTER", dt.timedelta(0))
    retry_raw_events_task()
    assert wait_for(lambda: processed(channel) == BURST), worker.tail()
    assert outcome(channel) == expected(BURST)
    assert "OperationalError" in worker.tail(10**7)
    print(f"\n{dropped} connections dropped, {at_drop}/{BURST} processed then; {outcome(channel)}")
