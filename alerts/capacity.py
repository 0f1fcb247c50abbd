"""Capacity forecast: will a team's agents on shift answer its due-soon cases in time? Pure: no database.

Owns forecast_breaches(). The model is one queue per team, served earliest
due first (the order that minimises lateness), by `agents` agents who are
all free now and each answer one case every 60 / replies_per_agent_hour
minutes. Case i of the queue (0-based, sorted by due time) is answered at

    answered_at(i) = now + (i // agents + 1) * 60 / replies_per_agent_hour minutes

and is a predicted breach when answered_at(i) > its due time. With no agent
on shift every case in the window is a predicted breach.

Cases already overdue stay in the queue (they are still waiting, and
served first they delay the rest) but are not counted as predicted
breaches: the SLA scan has recorded them already. Shift changes inside
the horizon are not modelled: the agents on shift now are the agents for
the whole window, which is why the horizon is short (2 hours by default).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class CapacityForecast:
    backlog: int
    agents: int
    predicted_breaches: int
    # Ids of the cases predicted to breach, earliest due first.
    breaching: tuple[int, ...] = ()


def forecast_breaches(
    *,
    now: dt.datetime,
    due: Iterable[tuple[int, dt.datetime]],
    agents: int,
    replies_per_agent_hour: float,
) -> CapacityForecast:
    """Forecast a team's predicted breaches (see the module docstring). `due`: (case id, due time)
    of its cases waiting for a response, due within the horizon or already overdue."""
    queue = sorted(due, key=lambda item: (item[1], item[0]))
    if agents <= 0 or replies_per_agent_hour <= 0:
        breaching = tuple(case_id for case_id, due_at in queue if due_at >= now)
        return CapacityForecast(len(queue), max(agents, 0), len(breaching), breaching)
    reply = dt.timedelta(hours=1 / replies_per_agent_hour)
    breaching = tuple(
        case_id
        for position, (case_id, due_at) in enumerate(queue)
        if due_at >= now and now + (position // agents + 1) * reply > due_at
    )
    return CapacityForecast(len(queue), agents, len(breaching), breaching)
