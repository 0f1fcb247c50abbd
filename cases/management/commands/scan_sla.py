"""`manage.py scan_sla [--every SECONDS]`: record the SLA warnings and breaches that have come due.

Once, or every SECONDS until stopped. Beat runs the same scan as the task
cases.scan_sla when Redis is there; `make run` in embedded mode (no Redis)
runs this command in a loop instead, so clocks warn and breach there too.
"""

import time

from django.core.management.base import BaseCommand, CommandError

from cases.services import sla_scan


class Command(BaseCommand):
    help = "Record SLA warnings and breaches that have come due (once, or every --every seconds)."

    def add_arguments(self, parser):
        parser.add_argument("--every", type=float, default=0, help="repeat every SECONDS (0: run once)")

    def handle(self, *args, every: float, **options):
        if every < 0:
            raise CommandError("--every must be 0 or more seconds")
        while True:
            result = sla_scan()
            if result.cases or options["verbosity"] > 1:
                self.stdout.write(
                    f"SLA scan: {result.cases} cases, {result.warnings} warnings, "
                    f"{result.breaches} breaches, {result.escalations} escalations"
                )
            if not every:
                return
            time.sleep(every)
