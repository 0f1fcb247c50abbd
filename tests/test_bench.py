"""`make bench` at a small size: the table and results.json are produced (timings are not judged here)."""

import json
import os
import re
import subprocess
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.postgres
@pytest.mark.django_db
def test_a_small_make_bench_prints_the_table_and_writes_the_results(tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("make bench runs on PostgreSQL")
    server = connection.settings_dict
    bench_url = f"postgres://{server['USER']}@{server['HOST']}:{server['PORT']}/{server['NAME']}_bench"
    output = tmp_path / "results.json"

    finished = subprocess.run(
        [
            "make",
            "-s",
            "bench",
            "SIZE=2000",
            f"BENCH_ARGS=--repeats 1 --requests 5 --sla-open-cases 2000 --output {output}",
        ],
        cwd=ROOT,
        env={**os.environ, "BENCH_DATABASE_URL": bench_url},
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )

    assert finished.returncode == 0, finished.stdout[-3000:] + finished.stderr[-3000:]
    lines = finished.stdout.splitlines()
    assert lines[0].split() == ["benchmark", "size", "figure", "goal"]
    body = "\n".join(lines)
    for row in (
        "ingestion: peak memory",
        "generate_data",
        "page /console/ as agent",
        "page /kpis/ as manager",
        "webhooks: processing",
        "SLA scan: a pass a minute",
        "2,000 open cases",
        "SLA scan: backlog pass",
        "page /console/?view=breaching as agent",
        "page /console/cases/",
        "KPI rollups: one day (60 days)",
        "KPI dashboard from rollups: 30 days",
        "KPI figures from raw rows: 30 days",
    ):
        assert row in body
    assert "issue 7" not in body
    # Columns are as wide as their longest cell: the size follows the name after some spaces.
    assert re.search(r"ingestion: pipeline vs TextBlob alone +2,000 ", body)
    assert "SLAs (issue 6)" not in body
    report = json.loads(output.read_text())
    (size,) = report["sizes"]
    assert size["ingest"]["posts"] == 2000 and size["ingest"]["stored"] == 2000
    assert size["generate"]["posts"] == 2000
    assert set(size["pages"]) == {
        "console_inbox",
        "console_inbox_teams",
        "console_inbox_breaching",
        "console_inbox_manager",
        "console_inbox_search",
        "console_inbox_resolved",
        "console_case",
        "kpi_dashboard_raw",
    }
    assert all(page["queries"] > 0 for page in size["pages"].values())
    kpis = size["kpis"]
    assert kpis["days"] == 30 and kpis["dashboard"]["rolled_up_days"] == 30 and kpis["dashboard"]["live_days"] == 0
    assert kpis["rollups_agree_with_raw"] and kpis["inbound_posts"] > 0
    assert kpis["dashboard"]["queries"] > 0 and kpis["raw"]["queries"] > 0
    assert "issue 9" not in body and report["skipped"] == []
    sla = report["sla_scan"]
    assert sla["open_cases"] == 2000 and sla["clocks"] > 2000
    assert sla["backlog"]["cases"] > 0 and sla["backlog"]["queries"] > 0
    assert sla["plan"]["nodes"] and sla["backlog"]["plan"]["nodes"]  # which plan is not judged at this size
    assert report["table"] == lines[: len(report["table"])]
