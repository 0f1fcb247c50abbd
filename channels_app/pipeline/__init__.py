"""The ingestion pipeline: normalized posts in, understood and threaded cases out."""

from channels_app.pipeline.ingest import Ingestor as Ingestor
from channels_app.pipeline.ingest import IngestResult as IngestResult
from channels_app.pipeline.ingest import ingest_posts as ingest_posts
from channels_app.pipeline.normalized import InvalidPost as InvalidPost
from channels_app.pipeline.normalized import NormalizedPost as NormalizedPost
