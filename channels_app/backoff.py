"""Retry delays: exponential backoff with jitter, honouring what a channel asked for.

Owns backoff_seconds(); polling, webhook processing and the outbox all use
it, so every retry in ingestion and delivery spreads out the same way and
several workers retrying together do not hit a channel in step.
"""

from __future__ import annotations

import random


def backoff_seconds(
    failures: int,
    *,
    base: float,
    cap: float,
    retry_after: float | None = None,
    rng: random.Random | None = None,
) -> float:
    """Seconds to wait after `failures` failures in a row (1 for the first).

    Without `retry_after`: base * 2^(failures-1), capped, with "equal
    jitter" (a uniform draw between half and all of it), so waits grow but
    never collapse to zero. With `retry_after` (a rate limit's reset), at
    least that long, plus up to 10% jitter, and never more than 24 hours.
    """
    draw = (rng or random).uniform
    if retry_after is not None and retry_after > 0:
        return min(retry_after + draw(0, max(retry_after * 0.1, 1.0)), 24 * 3600.0)
    ceiling = min(cap, base * 2 ** max(failures - 1, 0))
    return draw(ceiling / 2, ceiling)
