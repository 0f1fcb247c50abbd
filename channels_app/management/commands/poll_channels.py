"""manage.py poll_channels: poll channels in this process, without Celery beat.

For the embedded mode (no Redis, so no beat) and for operators: polls the
due channels, or the named ones (forced, which also resumes a stopped
channel), once or every N seconds, and prints what each poll did. The
same service as beat's tasks, so leases still keep two pollers apart.
"""

import time

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q
from django.utils import timezone

from channels_app import selectors, services
from channels_app.models import Channel


class Command(BaseCommand):
    help = "Poll the due channels (or the named ones) now, in this process."

    def add_arguments(self, parser):
        parser.add_argument("channels", nargs="*", help="Channel names or ids (default: every due channel).")
        parser.add_argument("--every", type=int, default=0, help="Poll again every N seconds until interrupted.")

    def handle(self, *args, channels, every, **options):
        named = self._named(channels)
        while True:
            channel_ids = named or selectors.channels_due_for_poll(now=timezone.now())
            for channel_id in channel_ids:
                outcome = services.channel_poll(channel_id=channel_id, force=bool(named))
                name = Channel.objects.filter(pk=channel_id).values_list("name", flat=True).first()
                if outcome is None:
                    self.stdout.write(f"{name}: not polled (not due, inactive or being polled elsewhere)")
                elif outcome.error:
                    self.stderr.write(f"{name}: {outcome}")
                else:
                    self.stdout.write(f"{name}: {outcome}")
            if not every:
                return
            time.sleep(every)

    def _named(self, names: list[str]) -> list[int]:
        ids = []
        for name in names:
            query = Q(name=name) | (Q(pk=int(name)) if name.isdigit() else Q())
            channel = Channel.objects.filter(query).first()
            if channel is None:
                raise CommandError(f"no channel named {name!r}")
            ids.append(channel.pk)
        return ids
