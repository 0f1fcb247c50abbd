"""manage.py generate_data: a realistic, seeded world of N posts for benchmarks (channels_app.datagen)."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from channels_app.datagen import DEFAULT_ANCHOR, GenerateError, generate_data


def _anchor(value: str) -> dt.datetime:
    try:
        parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise CommandError(f"--anchor {value!r} is not an ISO 8601 time, e.g. 2026-11-30T00:00:00Z") from None
    if parsed.tzinfo is None:
        raise CommandError("--anchor needs a time zone, e.g. 2026-11-30T00:00:00Z")
    return parsed


class Command(BaseCommand):
    help = (
        "Generate a reproducible world of posts (brands' channels, customers, threads, cases, agents, surveys) "
        "for benchmarks: COPY by chunk, or through the ingestion pipeline."
    )

    def add_arguments(self, parser):
        parser.add_argument("--posts", type=int, required=True, help="How many posts to generate.")
        parser.add_argument("--seed", type=int, default=42)
        parser.add_argument(
            "--anchor",
            default=DEFAULT_ANCHOR.isoformat().replace("+00:00", "Z"),
            help="Every time is before this moment (ISO 8601 with a zone). Default: %(default)s.",
        )
        parser.add_argument(
            "--through-pipeline",
            action="store_true",
            help="Feed the posts through the real ingestion pipeline instead of writing rows directly.",
        )
        parser.add_argument("--batch-size", type=int, default=5000, help="Pipeline batch size (--through-pipeline).")
        parser.add_argument("--chunk-size", type=int, default=50_000, help="Posts planned and written per transaction.")
        parser.add_argument("--append", action="store_true", help="Add to a database that already has posts.")

    def handle(self, *args, posts, seed, anchor, through_pipeline, batch_size, chunk_size, append, **options):
        try:
            summary = generate_data(
                posts=posts,
                seed=seed,
                anchor=_anchor(anchor),
                through_pipeline=through_pipeline,
                batch_size=batch_size,
                chunk_size=chunk_size,
                append=append,
                on_chunk=self._progress,
            )
        except GenerateError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"{'table':<12} {'added':>12} {'total':>12}")
        for name, total in summary.after.items():
            self.stdout.write(f"{name:<12} {total - summary.before.get(name, 0):>12,} {total:>12,}")
        mode = "through the pipeline" if through_pipeline else "by COPY" if self._postgres() else "by bulk insert"
        self.stdout.write(
            f"Generated {summary.posts:,} posts {mode} in {summary.seconds:.1f} s "
            f"({summary.posts_per_second:,.0f} posts/s), seed {seed}."
        )
        if summary.ingested is not None:
            ingested = summary.ingested
            self.stdout.write(
                f"Pipeline: stored {ingested.stored:,}, duplicates {ingested.duplicates:,}, "
                f"cases opened {ingested.cases_opened:,}, merged {ingested.cases_merged:,}."
            )

    def _progress(self, summary):
        self.stderr.write(f"  {summary.posts:,} posts in {summary.seconds:.1f} s ({summary.posts_per_second:,.0f}/s)")

    @staticmethod
    def _postgres() -> bool:
        from django.db import connection

        return connection.vendor == "postgresql"
