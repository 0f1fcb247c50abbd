"""The generator's entry point: a world of N posts, chunk by chunk.

Owns generate_data(): checks the database may be filled, creates the
configuration (world.py), then plans chunks of whole threads (threads.py)
and writes each in its own transaction (write.py), or feeds it through the
ingestion pipeline (feed.py). Memory stays constant in N: one chunk is
planned while the previous one is written.

On PostgreSQL outside a transaction, writing overlaps planning: a writer
thread (with its own connection) commits chunk k while the main thread
plans chunk k+1, so the database's time hides behind Python's, as the
import loop does (channels_app.services.imports).
"""

from __future__ import annotations

import datetime as dt
import gc
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field

from django.db import connection, connections

from cases.models import Case, CaseEvent, Customer
from channels_app.datagen import feed, write
from channels_app.datagen.threads import Planner
from channels_app.datagen.world import world_ensure
from channels_app.models import SocialPost, SocialProfile
from channels_app.pipeline import IngestResult
from kpis.models import SatisfactionSurvey

DEFAULT_ANCHOR = dt.datetime(2026, 11, 30, tzinfo=dt.UTC)
COUNTED = {
    "customers": Customer,
    "profiles": SocialProfile,
    "cases": Case,
    "posts": SocialPost,
    "case events": CaseEvent,
    "surveys": SatisfactionSurvey,
}


class GenerateError(ValueError):
    """The database cannot take generated data as asked; the message says why."""


@dataclass
class GenerateSummary:
    posts: int = 0
    chunks: int = 0
    seconds: float = 0.0
    before: dict[str, int] = field(default_factory=dict)
    after: dict[str, int] = field(default_factory=dict)
    ingested: IngestResult | None = None  # --through-pipeline only

    @property
    def posts_per_second(self) -> float:
        return self.posts / self.seconds if self.seconds else 0.0


def table_counts() -> dict[str, int]:
    return {name: model.objects.count() for name, model in COUNTED.items()}


def generate_data(
    *,
    posts: int,
    seed: int = 42,
    anchor: dt.datetime = DEFAULT_ANCHOR,
    through_pipeline: bool = False,
    batch_size: int = 5000,
    chunk_size: int = 50_000,
    append: bool = False,
    on_chunk: Callable[[GenerateSummary], None] | None = None,
) -> GenerateSummary:
    """Generate `posts` posts (with their world) relative to `anchor`; raises GenerateError
    when the database already has posts and `append` is false."""
    if posts < 1 or chunk_size < 1 or batch_size < 1:
        raise GenerateError("--posts, --chunk-size and --batch-size must be at least 1")
    if anchor.tzinfo is None:
        raise GenerateError("the anchor needs a time zone, e.g. 2026-11-30T00:00:00Z")
    existing = SocialPost.objects.count()
    if existing and not append:
        raise GenerateError(
            f"the database already has {existing:,} posts; generate_data fills an empty database. "
            "Use --append to add to them (ids continue), or a fresh database."
        )
    started = time.perf_counter()
    summary = GenerateSummary(before=table_counts())
    world = world_ensure(posts=posts, anchor=anchor)
    planner = Planner(world, seed=seed, anchor=anchor, next_ids=write.next_ids())
    overlap = connection.vendor == "postgresql" and not connection.in_atomic_block and not through_pipeline
    writer = ThreadPoolExecutor(1, thread_name_prefix="datagen-writer") if overlap else None
    pending: list[Future] = []
    if through_pipeline:
        summary.ingested = IngestResult()
    # Millions of short-lived rows, no cycles among them: the cyclic collector
    # would rescan every live row of the chunk many times over for nothing.
    collecting = gc.isenabled()
    gc.disable()
    try:
        remaining = posts
        while remaining > 0:
            chunk = planner.chunk(min(chunk_size, remaining))
            remaining -= len(chunk.posts)
            if through_pipeline:
                summary.ingested.add(feed.feed_chunk(chunk, batch_size=batch_size))
            else:
                rows = write.chunk_rows(chunk)
                del chunk
                if writer is None:
                    write.write_chunk(rows)
                else:
                    while pending:  # at most one chunk in flight: memory stays constant
                        pending.pop().result()
                    pending.append(writer.submit(write.write_chunk, rows))
            summary.posts, summary.chunks = posts - remaining, summary.chunks + 1
            summary.seconds = time.perf_counter() - started
            if on_chunk:
                on_chunk(summary)
        while pending:
            pending.pop().result()
    finally:
        if collecting:
            gc.enable()
        if writer is not None:
            # The writer thread's connection is its own: close it there.
            writer.submit(connections.close_all).result()
            writer.shutdown()
    _analyze()
    summary.seconds = time.perf_counter() - started
    summary.after = table_counts()
    return summary


def _analyze() -> None:
    """Fresh statistics for the tables just filled. Without them PostgreSQL plans the first
    queries as if the tables were empty (until autovacuum gets to them), which is not how a
    real database of this size behaves, and is what a benchmark would then measure."""
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
