"""The Celery application.

Configuration comes from Django settings under the CELERY_ namespace; with
no REDIS_URL, tasks run eagerly in the calling process (the embedded mode).
Queues: ingest (channel polling and webhook processing), outbound (replies),
sla (clock scans), kpis (rollups), default (everything else).
"""

import os

from celery import Celery
from kombu import Queue

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "socialcrm.settings")

app = Celery("socialcrm")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.conf.task_queues = [Queue(name) for name in ("default", "ingest", "outbound", "sla", "kpis")]
app.autodiscover_tasks()
