"""KPI pages: the dashboard for managers (agents see their own numbers), its CSV exports, and a per-case export.

Thin: the filter form makes a KpiScope, kpis.selectors.dashboard reads the
figures (rollups for closed days, live for today), kpis.selectors.exports
streams the per-case rows. Who sees what: holders of
kpis.view_kpi_dashboard (managers) see the whole brand and filter by
channel, team or agent; anyone else signed in sees only the cases assigned
to them, and neither the churn-risk list nor other people's rows.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator

from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode

from audit.models import AuditAction
from audit.services import audit_record
from cases.models import Team
from channels_app.models import Channel
from kpis.forms import kpi_filter
from kpis.selectors.dashboard import NO_KEY, Dashboard, kpi_dashboard
from kpis.selectors.exports import CASE_EXPORT_COLUMNS, case_export_rows

EXPORTS = ("series", "agents", "teams", "channels", "churn_risk", "cost")


def _is_manager(user) -> bool:
    return user.has_perm("kpis.view_kpi_dashboard")


def _scope_from(request):
    return kpi_filter(user=request.user, data=request.GET)


@login_required
def dashboard(request):
    form, scope = _scope_from(request)
    if scope is None:
        return render(request, "kpis/dashboard.html", {"form": form, "board": None}, status=400)
    manager = _is_manager(request.user)
    board = kpi_dashboard(scope, tables=manager)
    if not manager:
        board.churn_risk = []
    export = request.GET.get("export")
    if export in EXPORTS:
        audit_record(
            action=AuditAction.EXPORT_CSV,
            request=request,
            detail={"export": f"kpis.{export}", **_scope_detail(scope)},
        )
        return _csv_response(f"kpis-{export}-{scope.days[0]}-{scope.days[-1]}.csv", _export_rows(export, board))
    tables = _tables(board) if manager else {}
    context = {
        "form": form,
        "board": board,
        "figures": board.figures,
        "previous": board.previous_figures,
        "manager": manager,
        "tables": tables,
        "charts": _charts(board),
        "links": _links(board),
        "cost_rows": _cost_rows(board),
        "backlog": board.series[-1]["backlog"] if board.series else None,
        "query": urlencode({key: value for key, value in request.GET.items() if key != "export"}),
    }
    return render(request, "kpis/dashboard.html", context)


@login_required
def case_export(request):
    """One row per case created in the period (times, targets, achieved or breached, CSAT, sentiment), streamed."""
    form, scope = _scope_from(request)
    if scope is None:
        return HttpResponse("; ".join(form.non_field_errors()) or "Invalid filter.", status=400)
    detail = {"export": "kpis.cases", **_scope_detail(scope)}
    audit_record(action=AuditAction.EXPORT_CSV, request=request, detail=detail)
    return _csv_response(
        f"kpis-cases-{scope.days[0]}-{scope.days[-1]}.csv",
        [CASE_EXPORT_COLUMNS, *case_export_rows(scope)],
        stream=True,
    )


def _scope_detail(scope) -> dict:
    """What an audit entry of an export says it covered."""
    return {
        "start": str(scope.days[0]),
        "end": str(scope.days[-1]),
        "channel": scope.channel_id,
        "team": scope.team_id,
        "agent": scope.agent_id,
    }


# -- tables, charts, links --------------------------------------------------------------------


def _row(key: str, name: str, figures: dict, link: str) -> dict:
    return {
        "key": key,
        "name": name,
        "link": link,
        "resolved": figures["resolution"]["count"],
        "first_responses": figures["first_response"]["count"],
        "first_response_median": figures["first_response"]["median"],
        "resolution_median": figures["resolution"]["median"],
        "csat": figures["csat"]["csat"],
        "csat_answered": figures["csat"]["answered"],
        "sla_first_response": figures["sla"]["first_response"]["compliance"],
        "sla_resolution": figures["sla"]["resolution"]["compliance"],
    }


def _tables(board: Dashboard) -> dict[str, list[dict]]:
    """Rows per agent, team and channel, named (three queries), busiest first."""
    users = get_user_model()._default_manager.in_bulk([int(k) for k in board.agents if k.isdigit()])
    teams = Team.objects.in_bulk([int(k) for k in board.teams if k.isdigit()])
    channels = Channel.objects.in_bulk([int(k) for k in board.channels if k.isdigit()])
    inbox = reverse("console:inbox")

    def name_of(objects, key, nobody):
        if key == NO_KEY:
            return nobody
        found = objects.get(int(key)) if key.isdigit() else None
        return (found.get_full_name() or found.get_username()) if hasattr(found, "get_username") else str(found or key)

    def rows(figures_by_key, objects, nobody, filter_name):
        built = [
            _row(
                key,
                name_of(objects, key, nobody),
                figures,
                f"{inbox}?{urlencode({'view': 'open', filter_name: key})}" if key != NO_KEY and filter_name else "",
            )
            for key, figures in figures_by_key.items()
        ]
        return sorted(built, key=lambda row: (-(row["resolved"] + row["first_responses"]), row["name"]))

    return {
        "agents": rows(board.agents, users, "Unassigned", "assignee"),
        # The inbox filters by channel and assignee; a team's cases are its members' "Teams" view.
        "teams": rows(board.teams, teams, "No team", None),
        "channels": rows(board.channels, channels, "No channel", "channel"),
    }


def _charts(board: Dashboard) -> dict[str, list]:
    def series(pick):
        return [(row["day"].strftime("%d %b"), pick(row)) for row in board.series]

    return {
        "posts": series(lambda row: row["volume"]["inbound_posts"]),
        "new_cases": series(lambda row: row["volume"]["new_cases"]),
        "first_response": series(lambda row: row["first_response"]["median"]),
        "sla": series(lambda row: row["sla"]["first_response"]["compliance"]),
        "csat": series(lambda row: row["csat"]["csat"]),
        "net_sentiment": series(lambda row: row["sentiment"]["net"]),
        "backlog": series(lambda row: row["backlog"]),
        "churned": series(lambda row: row["churned"]),
    }


def _links(board: Dashboard) -> dict[str, str]:
    """Where each headline figure's cases are: the console inbox with the scope's filter."""
    inbox = reverse("console:inbox")
    scope = board.scope
    extra = {}
    if scope.channel_id:
        extra["channel"] = scope.channel_id
    if scope.agent_id:
        extra["assignee"] = scope.agent_id

    def link(**params):
        return f"{inbox}?{urlencode(params | extra)}"

    return {
        "open": link(view="open"),
        "resolved": link(view="resolved"),
        "breaching": link(view="breaching"),
        "negative": link(view="open", sentiment="negative"),
        "churn_threat": link(view="open", intent="churn_threat"),
    }


def _cost_rows(board: Dashboard) -> list[dict]:
    cost = board.figures["cost"]
    return [{"kind": kind, "contacts": contacts} for kind, contacts in cost["contacts_by_kind"].items()]


# -- CSV ------------------------------------------------------------------------------------------


def _export_rows(export: str, board: Dashboard) -> list[list]:
    if export == "series":
        header = ["day", "inbound_posts", "new_cases", "first_response_median_minutes", "first_response_p90_minutes"]
        header += ["sla_first_response_compliance", "csat", "net_sentiment", "mean_polarity", "backlog", "churned"]
        return [header] + [
            [
                row["day"].isoformat(),
                row["volume"]["inbound_posts"],
                row["volume"]["new_cases"],
                row["first_response"]["median"],
                row["first_response"]["p90"],
                row["sla"]["first_response"]["compliance"],
                row["csat"]["csat"],
                row["sentiment"]["net"],
                row["sentiment"]["mean_polarity"],
                row["backlog"],
                row["churned"],
            ]
            for row in board.series
        ]
    if export in ("agents", "teams", "channels"):
        rows = _tables(board).get(export, [])
        names = ["key", "name", "resolved", "first_responses", "first_response_median", "resolution_median"]
        names += ["csat", "csat_answered", "sla_first_response", "sla_resolution"]
        header = [f"{name}_minutes" if name.endswith("_median") else name for name in names]
        return [header] + [[row[name] for name in names] for row in rows]
    if export == "churn_risk":
        header = ["customer_id", "name", "tier", "reasons", "open_cases", "negative_posts", "last_activity"]
        return [header] + [
            [
                row["customer_id"],
                row["name"],
                row["tier"],
                "; ".join(reason["label"] for reason in row["reasons"]),
                row["open_cases"],
                row["negative_posts"],
                row["last_activity"].isoformat() if row["last_activity"] else "",
            ]
            for row in board.churn_risk
        ]
    cost = board.figures["cost"]
    rows = [["channel_kind", "contacts"]] + [[kind, n] for kind, n in cost["contacts_by_kind"].items()]
    rows += [["total_cost", cost["cost"]], ["cost_per_resolved_case", cost["cost_per_resolved_case"]]]
    deflection = board.figures["deflection"]
    rows += [["self_service_resolutions", deflection["self_service"]], ["assisted_cases", deflection["assisted"]]]
    rows += [["deflection_rate", deflection["rate"]], ["savings", deflection["savings"]]]
    return rows


class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv_response(filename: str, rows: Iterable[list], *, stream: bool = False) -> HttpResponse:
    writer = csv.writer(_Echo())
    if stream:
        lines: Iterator[str] = (writer.writerow(_cells(row)) for row in rows)
        response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse("".join(writer.writerow(_cells(row)) for row in rows), content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _cells(row) -> list:
    # Spreadsheet formula injection: a cell a customer wrote must not start with = + - @.
    return [f"'{cell}" if isinstance(cell, str) and cell[:1] in ("=", "+", "-", "@") else cell for cell in row]
