"""SLA policy selection and due times.

Owns select_policy() and due_times(). This first version counts calendar
minutes (every policy behaves as 24/7); the SLA issue replaces the clock
arithmetic with business time (add_business_minutes) without changing the
callers. Pure functions: callers pass the policies and facts.
"""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from cases.models import SLAPolicy


@dataclass(frozen=True, slots=True)
class PolicyFacts:
    priority: str
    channel_kind: str
    customer_tier: str
    engagement_type: str


def _matches(values: list, value: str) -> bool:
    return not values or value in values


def select_policy(policies: Sequence[SLAPolicy], facts: PolicyFacts) -> SLAPolicy | None:
    """The first active policy, in position order, whose conditions all match;
    else the default policy; else None. `policies` must be ordered by position."""
    default = None
    for policy in policies:
        if not policy.is_active:
            continue
        if policy.is_default:
            default = policy
            continue
        if (
            _matches(policy.priorities, facts.priority)
            and _matches(policy.channel_kinds, facts.channel_kind)
            and _matches(policy.customer_tiers, facts.customer_tier)
            and _matches(policy.engagement_types, facts.engagement_type)
        ):
            return policy
    return default


@dataclass(frozen=True, slots=True)
class DueTimes:
    first_response: dt.datetime | None
    resolution: dt.datetime | None

    def earliest_pending(self, *, responded: bool, resolved: bool) -> dt.datetime | None:
        pending = []
        if not responded and self.first_response:
            pending.append(self.first_response)
        if not resolved and self.resolution:
            pending.append(self.resolution)
        return min(pending) if pending else None


def due_times(policy: SLAPolicy | None, first_message_at: dt.datetime | None) -> DueTimes:
    """Due times of a case's first response and resolution from its first customer message."""
    if policy is None or first_message_at is None:
        return DueTimes(None, None)

    def after(minutes: int | None) -> dt.datetime | None:
        return first_message_at + dt.timedelta(minutes=minutes) if minutes else None

    return DueTimes(after(policy.first_response_minutes), after(policy.resolution_minutes))
