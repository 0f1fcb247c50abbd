"""The additive parts a KPI figure is made of, so days can be rolled up and merged exactly.

Owns Part, Parts and merge_parts(). A figure over a period (a median, a
share, a mean) cannot be combined from the same figure of each day; its
parts can: counts and totals add up, and the sorted values of a
distribution merge. The rollup task stores each day's parts (KpiRollup:
sample_size = count, total, values); the pages merge the parts of past days
with today's live parts and compute figures from the sum, so a figure read
from rollups equals the same figure computed from raw rows.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field


@dataclass(slots=True)
class Part:
    """count items, the sum of their values, and (for distributions only) every value, sorted."""

    count: int = 0
    total: float = 0.0
    values: list[float] = field(default_factory=list)

    @classmethod
    def of_values(cls, values: Iterable[float]) -> Part:
        ordered = sorted(float(value) for value in values)
        return cls(count=len(ordered), total=float(sum(ordered)), values=ordered)

    @classmethod
    def of_count(cls, count: int) -> Part:
        return cls(count=int(count), total=float(count))

    @property
    def mean(self) -> float | None:
        return self.total / self.count if self.count else None

    def __add__(self, other: Part) -> Part:
        return Part(
            count=self.count + other.count,
            total=self.total + other.total,
            values=list(heapq.merge(self.values, other.values)),
        )


Parts = dict[str, Part]


def merge_parts(many: Iterable[Mapping[str, Part]]) -> Parts:
    """The sum of several days' (or dimensions') parts, name by name."""
    merged: Parts = {}
    for parts in many:
        for name, part in parts.items():
            merged[name] = merged[name] + part if name in merged else Part(part.count, part.total, list(part.values))
    return merged


def share(numerator: Part | None, denominator: Part | None) -> float | None:
    """numerator.count / denominator.count, None when the denominator is empty."""
    if denominator is None or not denominator.count:
        return None
    return (numerator.count if numerator else 0) / denominator.count
