"""manage.py import_posts: stream a file of posts through the ingestion pipeline."""

import resource
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from channels_app import services
from channels_app.adapters.imports import READERS, open_text, scan_twcs_brands


class Command(BaseCommand):
    help = "Import posts from a file (twcs CSV, X API v2 pages, Facebook Graph pages or normalized JSON lines)."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)
        parser.add_argument("--format", required=True, choices=sorted(READERS), dest="import_format")
        parser.add_argument("--channel", help="Channel name (created when missing). Default: '<format> import'.")
        parser.add_argument(
            "--brand",
            action="append",
            default=[],
            metavar="HANDLE",
            help="A brand handle (repeatable). For twcs, default: the authors of the inbound=False rows.",
        )
        parser.add_argument("--strict", action="store_true", help="Stop at the first bad row.")
        parser.add_argument("--batch-size", type=int, default=5000)

    def handle(self, *args, path: Path, import_format: str, channel, brand, strict, batch_size, **options):
        if not path.is_file():
            raise CommandError(f"{path} is not a file")
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1")
        brands = list(brand)
        if import_format == "twcs" and not brands:
            with open_text(path) as handle:
                brands = sorted(scan_twcs_brands(handle))
            self.stderr.write(f"Brand handles found in the file: {', '.join(brands) or 'none'}")
        target = services.channel_for_import(
            name=channel or f"{import_format} import", import_format=import_format, brand_handles=brands
        )
        size = path.stat().st_size
        with open_text(path) as handle:
            progress = self._progress(handle, size) if sys.stderr.isatty() else None
            try:
                summary = services.import_items(
                    channel=target,
                    items=READERS[import_format](handle),
                    batch_size=batch_size,
                    strict=strict,
                    on_batch=progress,
                )
            except services.StrictImportError as error:
                raise CommandError(f"Stopped at {error.where}: {error.reason} (--strict)") from None
        if progress:
            self.stderr.write("")
        self._report(summary, target)

    def _progress(self, handle, size):
        def show(summary):
            done = handle.buffer.tell() / size if size else 1.0
            rate = summary.read / summary.seconds if summary.seconds else 0.0
            self.stderr.write(
                f"\r{min(done, 1.0):6.1%}  {summary.read:,} read  {summary.ingested.stored:,} stored  {rate:,.0f}/s",
                ending="",
            )
            self.stderr.flush()

        return show

    def _report(self, summary, channel):
        ingested = summary.ingested
        rate = summary.read / summary.seconds if summary.seconds else 0.0
        self.stdout.write(
            f"Channel: {channel.name}\n"
            f"Read: {summary.read:,}  Stored: {ingested.stored:,}  Duplicates: {ingested.duplicates:,}  "
            f"Rejected: {summary.rejected:,}\n"
            f"Cases opened: {ingested.cases_opened:,}  Cases merged: {ingested.cases_merged:,}  "
            f"Time: {summary.seconds:.2f} s ({rate:,.0f} posts/s)  "
            f"Peak memory: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB"
        )
        for where, reason in summary.rejections:
            self.stdout.write(f"  rejected {where}: {reason}")
        if summary.rejected > len(summary.rejections):
            self.stdout.write(f"  ... and {summary.rejected - len(summary.rejections):,} more rejected")
