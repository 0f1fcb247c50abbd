"""Writes of ingestion: channels for imports and the import loop.

The pipeline itself (channels_app.pipeline) owns what happens to posts;
this module feeds it from a stream of source items in batches and keeps
the tally an operator sees.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field

from django.db import connection, connections

from channels_app.choices import ChannelKind
from channels_app.models import Channel
from channels_app.pipeline import Ingestor, IngestResult, InvalidPost, NormalizedPost
from channels_app.pipeline.classify import normalize_handle

KIND_OF_FORMAT = {
    "twcs": ChannelKind.X,
    "x-v2": ChannelKind.X,
    "facebook": ChannelKind.FACEBOOK,
    "jsonl": ChannelKind.IMPORT,
}
REJECTIONS_KEPT = 1000


def channel_for_import(*, name: str, import_format: str, brand_handles: Iterable[str] = ()) -> Channel:
    """The named channel, created for this format when missing; brand handles are added to it."""
    channel, _ = Channel.objects.get_or_create(
        name=name,
        defaults={"kind": KIND_OF_FORMAT[import_format], "is_active": False, "poll_interval_seconds": 3600},
    )
    known = {normalize_handle(handle) for handle in channel.brand_handles}
    added: dict[str, str] = {}  # by normalized handle: "AcmeAir" and "@acmeair" are one
    for handle in brand_handles:
        handle = handle.strip().lstrip("@")
        if handle and normalize_handle(handle) not in known:
            added.setdefault(normalize_handle(handle), handle)
    if added:
        channel.brand_handles = [*channel.brand_handles, *sorted(added.values(), key=str.lower)]
        channel.save(update_fields=["brand_handles", "updated_at"])
    return channel


class StrictImportError(Exception):
    def __init__(self, where: str, reason: str) -> None:
        super().__init__(f"{where}: {reason}")
        self.where, self.reason = where, reason


@dataclass
class ImportSummary:
    read: int = 0
    rejected: int = 0
    seconds: float = 0.0
    ingested: IngestResult = field(default_factory=IngestResult)  # the batches' results, added up
    rejections: list[tuple[str, str]] = field(default_factory=list)  # the first REJECTIONS_KEPT

    def reject(self, where: str, reason: str) -> None:
        self.rejected += 1
        if len(self.rejections) < REJECTIONS_KEPT:
            self.rejections.append((where, reason))


def import_items(
    *,
    channel: Channel,
    items: Iterable[tuple[str, NormalizedPost | InvalidPost]],
    batch_size: int = 5000,
    strict: bool = False,
    on_batch: Callable[[ImportSummary], None] | None = None,
    overlap: bool | None = None,
) -> ImportSummary:
    """Feed source items to the pipeline in batches (one transaction each).

    A bad item is counted and kept with its place and reason; the rest go
    on. With strict=True the first bad item stops the import (after the
    items before it are ingested) by raising StrictImportError.

    Outside a transaction, each batch commits in a writer thread while the
    next one is read and understood, so the database's time overlaps the
    CPU's; batches still commit one at a time, in order. Inside a caller's
    transaction everything stays on the caller's connection (overlap=None
    decides so; True or False forces it).
    """
    summary = ImportSummary()
    ingestor = Ingestor(channel)
    batch: list[NormalizedPost] = []
    started = time.perf_counter()
    if overlap is None:
        overlap = not connection.in_atomic_block
    writer = ThreadPoolExecutor(1, thread_name_prefix="ingest-writer") if overlap else None
    pending: list[Future] = []

    def drain() -> None:
        while pending:
            summary.ingested.add(pending.pop(0).result())

    def flush() -> None:
        if batch:
            prepared = ingestor.prepare(batch, skip_stored=True)
            batch.clear()
            if writer is None:
                summary.ingested.add(ingestor.commit(prepared))
            else:
                drain()
                pending.append(writer.submit(ingestor.commit, prepared))
        summary.seconds = time.perf_counter() - started
        if on_batch:
            on_batch(summary)

    try:
        for where, item in items:
            summary.read += 1
            if isinstance(item, InvalidPost):
                summary.reject(where, str(item))
                if strict:
                    flush()
                    drain()
                    raise StrictImportError(where, str(item))
                continue
            batch.append(item)
            if len(batch) >= batch_size:
                flush()
        flush()
        drain()
    finally:
        if writer is not None:
            # The writer thread's database connection is its own: close it there.
            writer.submit(connections.close_all).result()
            writer.shutdown()
    summary.seconds = time.perf_counter() - started
    return summary
