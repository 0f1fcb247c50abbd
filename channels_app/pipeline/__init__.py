"""The ingestion pipeline: normalized posts in, understood and threaded cases out.

The normalized post (plain data) is importable without Django, so adapters
that build it never load models; the Ingestor, which writes, loads on first use.
"""

from typing import TYPE_CHECKING

from channels_app.pipeline.normalized import InvalidPost as InvalidPost
from channels_app.pipeline.normalized import NormalizedPost as NormalizedPost

if TYPE_CHECKING:
    from channels_app.pipeline.ingest import Ingestor as Ingestor
    from channels_app.pipeline.ingest import IngestResult as IngestResult
    from channels_app.pipeline.ingest import ingest_posts as ingest_posts

_FROM_INGEST = ("Ingestor", "IngestResult", "ingest_posts")


def __getattr__(name: str):
    if name in _FROM_INGEST:
        from channels_app.pipeline import ingest

        return getattr(ingest, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
