"""manage.py rollup_kpis: roll up the KPI rollups of past days (a backfill, or after fixing data)."""

import datetime as dt

from django.core.management.base import BaseCommand
from django.utils import timezone

from kpis.scope import brand_zone
from kpis.services import kpis_rollup_day


class Command(BaseCommand):
    help = "Replace the KPI rollups of the last N closed days (in the brand's time zone)."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=30, help="How many closed days back, yesterday first.")

    def handle(self, *args, days: int, **options):
        zone = brand_zone()
        today = timezone.now().astimezone(zone).date()
        for offset in range(1, days + 1):
            day = today - dt.timedelta(days=offset)
            rows = kpis_rollup_day(day=day, zone=zone)
            self.stdout.write(f"{day}: {rows} rows")
