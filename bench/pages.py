"""Page benchmark: server time and SQL queries per request of the pages that exist, on the
database DATABASE_URL names (filled by `generate_data` beforehand).

Usage (run by bench.run in a child process): DATABASE_URL=... python -m bench.pages --requests 30
Prints one JSON object: for each page, median and p95 milliseconds over the requests (after
warm-up requests), the queries of one request, and the user it was measured as. Server time is
the whole Django handling of the request in process (middleware, view, template), without the
network: what a WSGI server adds on top is the same for every page.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time

WARM_UP = 3

# name -> (path, role); a path may be a function of nothing, called once the database is there.
# Pages later issues build are listed in bench.run as skipped until they exist.


def _busiest_open_case() -> str:
    """The open case with the longest timeline among the newest 2,000: the heaviest case page agents open."""
    from django.db.models import Count

    from cases.choices import OPEN_STATUSES
    from cases.models import Case

    recent = Case.objects.filter(status__in=OPEN_STATUSES).order_by("-id").values("id")[:2000]
    case = (
        Case.objects.filter(id__in=recent).annotate(event_count=Count("events")).order_by("-event_count", "-id").first()
    )
    return f"/console/cases/{case.pk}/"


PAGES = {
    "console_inbox": ("/console/", "agent"),  # the agent's default view: Mine
    "console_inbox_teams": ("/console/?view=teams", "agent"),
    "console_inbox_breaching": ("/console/?view=breaching", "agent"),
    "console_inbox_manager": ("/console/", "manager"),  # the manager's default view: All open
    "console_inbox_search": ("/console/?view=open&q=refund", "manager"),
    "console_inbox_resolved": ("/console/?view=resolved", "manager"),
    "console_case": (_busiest_open_case, "manager"),
    "kpi_dashboard_raw": ("/kpis/", "manager"),
}


def _users():
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.db.models import Count

    from cases.models import AgentProfile

    user_model = get_user_model()
    manager, _ = user_model.objects.get_or_create(username="bench-manager", defaults={"is_staff": True})
    manager.groups.add(Group.objects.get(name="Managers"))
    # The agent in the most teams: the widest inbox an agent sees.
    profile = (
        AgentProfile.objects.filter(user__is_active=True)
        .annotate(team_count=Count("teams"))
        .select_related("user")
        .order_by("-team_count", "id")
        .first()
    )
    if profile is None:
        agent, _ = user_model.objects.get_or_create(username="bench-agent")
    else:
        agent = profile.user
    agent.groups.add(Group.objects.get(name="Agents"))
    return {"agent": agent, "manager": manager}


def measure(requests: int) -> dict:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    users = _users()
    results = {}
    for name, (path, role) in PAGES.items():
        path = path() if callable(path) else path
        client = Client()
        client.force_login(users[role])
        for _ in range(WARM_UP):
            response = client.get(path)
            assert response.status_code == 200, f"{path} answered {response.status_code}"
        with CaptureQueriesContext(connection) as queries:
            client.get(path)
        # Read now: the next request's start clears the connection's query log.
        query_count = len(queries.captured_queries)
        times = []
        for _ in range(requests):
            started = time.perf_counter()
            response = client.get(path)
            times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200
        times.sort()
        results[name] = {
            "path": path,
            "as": role,
            "requests": requests,
            "median_ms": round(statistics.median(times), 2),
            "p95_ms": round(times[min(len(times) - 1, int(len(times) * 0.95))], 2),
            "queries": query_count,
        }
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=30)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "socialcrm.settings")
    import django

    django.setup()
    print(json.dumps(measure(args.requests)))


if __name__ == "__main__":
    main()
