#!/usr/bin/env bash
# Runs the whole suite against the services named by DATABASE_URL and
# REDIS_URL, after checking they answer, so a missing service is one clear
# message instead of a hundred connection errors.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -n "${DATABASE_URL:-}" ]; then
  .venv/bin/python - <<'PY' || { echo "PostgreSQL at DATABASE_URL is not answering (start it, or run: make test DATABASE_URL=)"; exit 1; }
import os, psycopg, dj_database_url
cfg = dj_database_url.parse(os.environ["DATABASE_URL"])
psycopg.connect(host=cfg["HOST"] or None, port=cfg["PORT"] or None, user=cfg["USER"] or None,
                password=cfg["PASSWORD"] or None, dbname="postgres", connect_timeout=5).close()
PY
fi
if [ -n "${REDIS_URL:-}" ]; then
  .venv/bin/python -c 'import os, redis; redis.Redis.from_url(os.environ["REDIS_URL"], socket_timeout=5).ping()' \
    || { echo "Redis at REDIS_URL is not answering (start it, or run: make test REDIS_URL=)"; exit 1; }
fi

echo "Testing with database: ${DATABASE_URL:-SQLite (embedded)}; broker: ${REDIS_URL:-none (eager Celery)}"
# A throwaway VAR_DIR keeps test runs away from the demo's SQLite file.
export VAR_DIR="${VAR_DIR:-$(mktemp -d)}"
# Arguments (make test PYTEST_ARGS=...): exactly the pytest run asked for.
if [ "$#" -gt 0 ]; then
  exec .venv/bin/pytest "$@"
fi
# No arguments: the suite, then the browser tests (Chromium, a served app and a real Celery worker)
# and the fault injection tests (workers, Redis and database connections killed on purpose;
# docs/RELIABILITY.md) as steps of their own, so their time and failures show apart.
.venv/bin/pytest -m "not browser and not faults"
printf '\n== %s\n' "Browser tests (pytest -m browser tests/browser)"
.venv/bin/pytest -m browser tests/browser
printf '\n== %s\n' "Fault injection and load smoke (pytest -m faults tests/reliability tests/test_load_smoke.py)"
exec .venv/bin/pytest -m faults tests/reliability tests/test_load_smoke.py
