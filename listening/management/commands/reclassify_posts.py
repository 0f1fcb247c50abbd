"""manage.py reclassify_posts --days N [--channel ID ...]: classify stored posts again with today's rules."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from channels_app.models import Channel
from listening.services import posts_reclassify


class Command(BaseCommand):
    help = (
        "Classify the stored inbound posts of the last N days again (proactive, progressive or none) with the "
        "channels' current terms and listening rules. Saving a rule in admin does this for its last "
        "LISTENING_RECLASSIFY_DAYS days; use this for a longer backfill. Safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=30, help="How many days back (default 30).")
        parser.add_argument("--channel", type=int, action="append", dest="channels", help="A channel id; repeatable.")

    def handle(self, *args, days: int, channels: list[int] | None, **options):
        if days < 1:
            raise CommandError("--days must be at least 1.")
        channel_ids = channels or list(Channel.objects.values_list("pk", flat=True))
        changed = posts_reclassify(channel_ids=channel_ids, since=timezone.now() - dt.timedelta(days=days))
        self.stdout.write(f"{changed} post{'s' if changed != 1 else ''} changed engagement type.")
