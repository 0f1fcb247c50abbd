#!/usr/bin/env bash
# Audit the installed dependencies (.venv) for known vulnerabilities with
# pip-audit, installed in a venv of its own so it never changes the app's.
# Fails when pip-audit finds a vulnerability. Packages the advisory service
# could not look up are counted and printed, not hidden: on a machine whose
# package index lacks PyPI's per-release JSON, nothing can be audited.
set -euo pipefail
cd "$(dirname "$0")/.."
PIP_AUDIT_VERSION=2.10.1
tool_venv=var/pip-audit-venv
if [ ! -x "$tool_venv/bin/pip-audit" ]; then
  python3 -m venv "$tool_venv"
  "$tool_venv/bin/pip" install --quiet --disable-pip-version-check "pip-audit==$PIP_AUDIT_VERSION" 2>/dev/null
fi
site_packages=$(.venv/bin/python -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
report=$(mktemp)
set +e
"$tool_venv/bin/pip-audit" --progress-spinner off --path "$site_packages" >"$report" 2>&1
status=$?
set -e
cat "$report"
unaudited=$(grep -c "could not be audited" "$report" || true)
if [ "$status" -ne 0 ]; then
  echo "pip-audit: vulnerabilities found (or the audit failed), status $status" >&2
  exit "$status"
fi
if [ "$unaudited" -gt 0 ]; then
  echo "pip-audit: WARNING: $unaudited packages could not be audited (the advisory service did not know them)." >&2
fi
echo "pip-audit: no known vulnerabilities among the packages it could look up."
