"""Spike detection on hourly post counts: an EWMA baseline and a z-score. Pure: no database.

Owns SpikeParams, SpikeCheck and check_spike(). The baseline of an hour is
the exponentially weighted moving average (EWMA) of the hours before it,
oldest first, with an exponentially weighted variance updated alongside
(West 1979 / Finch 2009, the incremental form):

    diff = x - mean;  mean += alpha * diff;  var = (1 - alpha) * (var + alpha * diff**2)

The hour under test is never part of its own baseline. Its z-score is
(count - baseline) / std, where std is the EW standard deviation floored
at sqrt(baseline) and at 1: counts of independent posts vary at least like
a Poisson count, so a series that happened to be flat for a week does not
make the next small wobble look like a storm.

An hour is flagged only when all three hold:
- count >= min_volume (ten posts is not a story, whatever the z-score);
- z >= z_threshold;
- count >= baseline * min_ratio (guards tiny baselines, where a z-score
  alone calls 4 posts after a quiet 1 a spike).
A slow rise is absorbed: the EWMA follows a trend with a lag of about
slope * (1 - alpha) / alpha posts, far below a z of 3 for any trend a week
of hours makes. Daily cycles widen the EW variance, which lowers z at the
morning ramp; a sudden jump well above the day's peak is still found.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class SpikeParams:
    # 0.1: the baseline's memory is about 1/alpha = 10 hours (half-life 6.6 h).
    alpha: float = 0.1
    z_threshold: float = 3.0
    min_volume: int = 10
    min_ratio: float = 2.0


@dataclass(frozen=True)
class SpikeCheck:
    count: int
    baseline: float
    std: float
    z: float
    flagged: bool


def ewma(history: Sequence[float], alpha: float) -> tuple[float, float]:
    """The EW mean and EW variance of `history` (oldest first); (0, 0) when it is empty."""
    if not history:
        return 0.0, 0.0
    mean, var = float(history[0]), 0.0
    for value in history[1:]:
        diff = value - mean
        mean += alpha * diff
        var = (1 - alpha) * (var + alpha * diff * diff)
    return mean, var


def check_spike(history: Sequence[int], count: int, params: SpikeParams = SpikeParams()) -> SpikeCheck:
    """Test `count` (the hour under test) against the baseline of `history`: the hours before it,
    oldest first, an hour without posts as 0."""
    baseline, var = ewma(history, params.alpha)
    std = max(math.sqrt(var), math.sqrt(baseline), 1.0)
    z = (count - baseline) / std
    flagged = count >= params.min_volume and z >= params.z_threshold and count >= baseline * params.min_ratio
    return SpikeCheck(count=count, baseline=baseline, std=std, z=z, flagged=flagged)
