"""Bounded load run over loopback: `python -m bench.load` (`make load`), docs/PERFORMANCE.md "Load".

orchestrate.py prepares the database, starts gunicorn and a Celery worker, runs the load and
reports; clients.py holds the two load processes it starts (agents, webhook sender).
"""

from bench.load.orchestrate import LoadConfig as LoadConfig
from bench.load.orchestrate import main as main
from bench.load.orchestrate import run as run
