"""The additive parts a KPI figure is made of, so days can be rolled up and merged exactly.

Owns Part, Parts, merge_parts(), share(), pack_values(), unpack_values(),
pack_parts() and unpack_parts().
A figure over a period (a median, a share, a mean) cannot be combined from
the same figure of each day; its parts can: counts and totals add up, and
a distribution keeps every value. The rollup task stores each day's parts
(KpiRollup: sample_size = count, total, the sorted values packed as
float64); the pages add the parts of past days to today's live parts and
compute figures from the sum, so a figure read from rollups equals the same
figure computed from raw rows.

Adding distributions does not merge them: a Part keeps its sorted runs (one
per day and key), and percentiles and bucket counts are found across the
runs by bisection (kth_smallest), without building the merged list. Thirty
days of a million posts are then read and summed in milliseconds.
"""

from __future__ import annotations

import math
import struct
import sys
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import chain

BIG_ENDIAN_HOST = sys.byteorder == "big"


@dataclass(slots=True)
class Part:
    """count items, the sum of their values, and (for distributions only) the values as sorted runs."""

    count: int = 0
    total: float = 0.0
    runs: list[Sequence[float]] = field(default_factory=list)
    # The runs merged, built once on demand when they are few values (see SMALL_MERGE).
    _merged: list[float] | None = field(default=None, init=False, repr=False, compare=False)

    @classmethod
    def of_values(cls, values: Iterable[float]) -> Part:
        ordered = sorted(float(value) for value in values)
        return cls(count=len(ordered), total=float(sum(ordered)), runs=[ordered] if ordered else [])

    @classmethod
    def of_count(cls, count: int) -> Part:
        return cls(count=int(count), total=float(count))

    @property
    def values(self) -> list[float]:
        """Every value, sorted (built on demand: figures use percentile() and count_between())."""
        if len(self.runs) == 1:
            return list(self.runs[0])
        return sorted(chain.from_iterable(self.runs))

    @property
    def size(self) -> int:
        return sum(len(run) for run in self.runs)

    @property
    def mean(self) -> float | None:
        return self.total / self.count if self.count else None

    def _kth_pair(self, k: int) -> tuple[float, float | None]:
        """The k-th and (k+1)-th smallest values (0-based; None past the end)."""
        size = self.size
        if len(self.runs) == 1:
            run = self.runs[0]
        elif size <= SMALL_MERGE:
            if self._merged is None:
                self._merged = sorted(chain.from_iterable(self.runs))
            run = self._merged
        else:
            return kth_pair(self.runs, k)
        return run[k], run[k + 1] if k + 1 < size else None

    def percentile(self, p: float) -> float | None:
        """kpis.scope.percentile of the values: linear interpolation at position p*(n-1)."""
        n = self.size
        if not n:
            return None
        position = p * (n - 1)
        low = math.floor(position)
        value, following = self._kth_pair(low)
        if following is None or position == low:
            return value
        return value + (following - value) * (position - low)

    def count_between(self, low: float, high: float | None) -> int:
        """How many values are >= low and < high (no upper bound when high is None)."""
        return sum((len(run) if high is None else bisect_left(run, high)) - bisect_left(run, low) for run in self.runs)

    def __add__(self, other: Part) -> Part:
        return Part(count=self.count + other.count, total=self.total + other.total, runs=self.runs + other.runs)


Parts = dict[str, Part]
# Up to this many values, sorting them once is cheaper than bisecting the runs for each percentile.
SMALL_MERGE = 20_000


def kth_smallest(runs: Sequence[Sequence[float]], k: int) -> float:
    """The k-th smallest (0-based) of the union of sorted runs, by bisecting candidate values.

    Each round takes the middle of the longest remaining window of one run as
    a candidate and counts, by bisection in every run, the values below it:
    the windows shrink geometrically, so the cost is about log^2 of the sizes
    times the number of runs, whatever the values."""
    windows = [[0, len(run)] for run in runs if len(run)]
    runs = [run for run in runs if len(run)]
    total = sum(high for _low, high in windows)
    if not 0 <= k < total:
        raise IndexError("k is outside the values")
    while True:
        index = max(range(len(runs)), key=lambda i: windows[i][1] - windows[i][0])
        low, high = windows[index]
        candidate = runs[index][(low + high) // 2]
        below = sum(bisect_left(run, candidate) for run in runs)
        through = sum(bisect_right(run, candidate) for run in runs)
        if below <= k < through:
            return candidate
        for i, run in enumerate(runs):
            if k < below:
                windows[i][1] = min(windows[i][1], bisect_left(run, candidate))
            else:
                windows[i][0] = max(windows[i][0], bisect_right(run, candidate))


def kth_pair(runs: Sequence[Sequence[float]], k: int) -> tuple[float, float | None]:
    """The k-th and (k+1)-th smallest (0-based) of the union of sorted runs; the second is None past the end.
    The (k+1)-th is the k-th again when it repeats, else the smallest value after it in any run."""
    value = kth_smallest(runs, k)
    through = sum(bisect_right(run, value) for run in runs)
    if k + 1 < through:
        return value, value
    after = [run[index] for run in runs if (index := bisect_right(run, value)) < len(run)]
    return value, min(after) if after else None


def merge_parts(many: Iterable[Mapping[str, Part]]) -> Parts:
    """The sum of several days' (or dimensions') parts, name by name."""
    merged: Parts = {}
    for parts in many:
        for name, part in parts.items():
            merged[name] = merged[name] + part if name in merged else Part(part.count, part.total, list(part.runs))
    return merged


def share(numerator: Part | None, denominator: Part | None) -> float | None:
    """numerator.count / denominator.count, None when the denominator is empty."""
    if denominator is None or not denominator.count:
        return None
    return (numerator.count if numerator else 0) / denominator.count


def pack_values(part: Part) -> bytes:
    """The part's values, sorted, as little-endian float64: how KpiRollup stores a distribution."""
    values = part.values
    return struct.pack(f"<{len(values)}d", *values) if values else b""


def unpack_values(packed: bytes | memoryview | None) -> array:
    values = array("d")
    if packed:
        values.frombytes(packed)
        if BIG_ENDIAN_HOST:
            values.byteswap()
    return values


def pack_parts(parts: Parts, names: Sequence[str]) -> bytes:
    """Several named parts in one blob (count, total, number of values, then the values, per name,
    as little-endian float64): a table row of a day reads as one rollup row instead of one per metric."""
    out = []
    for name in names:
        part = parts.get(name) or Part()
        values = part.values if part.runs else []
        out.append(struct.pack(f"<3d{len(values)}d", part.count, part.total, len(values), *values))
    return b"".join(out)


def unpack_parts(packed: bytes | memoryview, names: Sequence[str]) -> Parts:
    values = unpack_values(packed)
    view = memoryview(values)  # runs are slices of it, not copies: a page reads thousands of these
    parts: Parts = {}
    at = 0
    for name in names:
        count, size = int(values[at]), int(values[at + 2])
        if count or size:
            parts[name] = Part(count, values[at + 1], [view[at + 3 : at + 3 + size]] if size else [])
        at += 3 + size
    return parts
