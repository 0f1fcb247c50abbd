"""Capacity forecast: will a team's agents on shift answer its due-soon cases in time? Pure: no database.

Owns forecast_breaches(). The model is one queue per team, served earliest
due first (the order that minimises lateness), by `agents` agents who are
all free now and each answer one case every 60 / replies_per_agent_hour
minutes of the team's business time. Case i of the queue (0-based, sorted by
due time) is answered at

    answered_at(i) = add_business_minutes(calendar, now, (i // agents + 1) * 60 / replies_per_agent_hour)

and is a predicted breach when answered_at(i) > its due time. Without a
calendar (a team always open) that is now + the minutes. With one, work
stops when the shift ends and resumes at the next opening: a queue that
outlasts the day is answered the next morning, after cases due first thing
then. With no agent on shift every case in the window is a predicted breach.

Cases already overdue stay in the queue (they are still waiting, and
served first they delay the rest) but are not counted as predicted
breaches: the SLA scan has recorded them already. Who is on the next shift
is not known here: the agents on shift now are assumed to come back, which
is one more reason the horizon is short (2 hours by default).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from cases.business_time import CalendarSpec, add_business_minutes


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
    calendar: CalendarSpec | None = None,
) -> CapacityForecast:
    """Forecast a team's predicted breaches (see the module docstring). `due`: (case id, due time)
    of its cases waiting for a response, due within the horizon or already overdue; `calendar`:
    the team's business calendar, None when it is always open."""
    queue = sorted(due, key=lambda item: (item[1], item[0]))
    if agents <= 0 or replies_per_agent_hour <= 0:
        breaching = tuple(case_id for case_id, due_at in queue if due_at >= now)
        return CapacityForecast(len(queue), max(agents, 0), len(breaching), breaching)
    minutes_per_reply = 60 / replies_per_agent_hour
    breaching = tuple(
        case_id
        for position, (case_id, due_at) in enumerate(queue)
        if due_at >= now and add_business_minutes(calendar, now, (position // agents + 1) * minutes_per_reply) > due_at
    )
    return CapacityForecast(len(queue), agents, len(breaching), breaching)
