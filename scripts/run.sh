#!/usr/bin/env bash
# Serves socialcrm on http://127.0.0.1:${PORT:-8000}.
# Embedded (no DATABASE_URL/REDIS_URL): SQLite under var/ and eager Celery.
# With REDIS_URL: a Celery worker and beat run beside the web server and
# stop with it.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
PORT="${PORT:-8000}"
export DEBUG="${DEBUG:-1}"

$PY manage.py migrate --noinput -v 0
$PY manage.py seed_demo --if-empty

children=()
stop_children() {
  [ ${#children[@]} -eq 0 ] || kill "${children[@]}" 2>/dev/null || true
  wait 2>/dev/null || true
}
trap stop_children EXIT
trap 'exit 130' INT TERM

var_dir="${VAR_DIR:-var}"
mkdir -p "$var_dir"
if [ -n "${REDIS_URL:-}" ]; then
  .venv/bin/celery -A socialcrm worker -Q default,ingest,outbound,sla,kpis --concurrency 2 \
    --loglevel INFO --logfile "$var_dir/celery-worker.log" &
  children+=($!)
  .venv/bin/celery -A socialcrm beat --loglevel INFO --logfile "$var_dir/celery-beat.log" &
  children+=($!)
  mode="PostgreSQL/Redis mode: Celery worker and beat running (logs in $var_dir/)"
else
  # No beat without Redis: the SLA scan runs as a loop of its own.
  $PY manage.py scan_sla --every 60 >>"$var_dir/sla-scan.log" 2>&1 &
  children+=($!)
  mode="embedded mode: SQLite in ${VAR_DIR:-var}/, Celery tasks run in the web process, SLA scan every minute"
fi

base="http://127.0.0.1:${PORT}"
cat <<BANNER

  socialcrm is starting ($mode)
    Agent console  ${base}/console/
    KPI pages      ${base}/kpis/
    Admin          ${base}/admin/
    Log in at      ${base}/accounts/login/
  Demo logins: agent, manager, admin. Their passwords were printed when the
  demo was seeded (or are \$DEMO_PASSWORD if you set it); to print new ones:
    .venv/bin/python manage.py seed_demo --reset-passwords

BANNER
# --noreload: one process, so stopping this script stops the server too.
$PY manage.py runserver "127.0.0.1:${PORT}" --noreload &
children+=($!)
wait "${children[-1]}"
