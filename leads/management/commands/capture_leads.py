"""manage.py capture_leads --days N: make leads of the stored posts of the last N days (idempotent)."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from leads.services import leads_backfill


class Command(BaseCommand):
    help = "Capture sales leads from posts already stored, posted in the last N days. Safe to run again."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=30, help="How many days back (default 30).")
        parser.add_argument("--batch-size", type=int, default=1000)

    def handle(self, *args, days: int, batch_size: int, **options):
        if days < 1 or batch_size < 1:
            raise CommandError("--days and --batch-size must be at least 1.")
        now = timezone.now()
        created = leads_backfill(since=now - dt.timedelta(days=days), until=now, batch_size=batch_size)
        self.stdout.write(f"{created} new lead{'s' if created != 1 else ''} from the last {days} days.")
