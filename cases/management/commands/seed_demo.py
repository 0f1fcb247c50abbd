"""seed_demo: demo logins, configuration and a month of Acme Air conversations.

Thin: parses options, calls cases.demo.demo_seed(), prints what it did.
`make run` calls `seed_demo --if-empty` on every start, so that form must
stay quiet and harmless on a database that already has data.
"""

import os

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from cases.choices import CaseStatus
from cases.demo import demo_seed


class Command(BaseCommand):
    help = (
        "Create demo users (agent, manager, admin), teams, calendars, SLA policies, canned responses, "
        "three Acme Air channels and a month of posts, fed through the ingestion pipeline, with the agent work "
        "on their cases. Safe to run twice."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--posts", type=int, default=300, help="Customer posts to ingest (default 300; 0: none), plus replies."
        )
        parser.add_argument("--seed", type=int, default=42, help="Random seed; the same seed gives the same texts.")
        parser.add_argument(
            "--if-empty", action="store_true", help="Do nothing when any case or channel already exists."
        )
        parser.add_argument(
            "--reset-passwords",
            action="store_true",
            help="Set new passwords for existing demo users (DEMO_PASSWORD, or generated and printed).",
        )

    def handle(self, *args, posts: int, seed: int, if_empty: bool, reset_passwords: bool, **options):
        if posts < 0:
            raise CommandError("--posts must be 0 or more.")
        try:
            result = demo_seed(
                posts=posts,
                seed=seed,
                password=os.environ.get("DEMO_PASSWORD") or None,
                reset_passwords=reset_passwords,
                if_empty=if_empty,
            )
        except ValidationError as error:
            raise CommandError(f"DEMO_PASSWORD is not accepted: {' '.join(error.messages)}") from None

        if result.skipped:
            self.stdout.write("seed_demo: the database already has channels or cases; nothing done (--if-empty).")
            return
        counts = result.counts
        if result.posts_skipped:
            self.stdout.write(
                f"Demo configuration checked ({counts['channels']} channels); "
                "posts skipped: the demo channels already have posts."
            )
        else:
            statuses = ", ".join(
                f"{label.split(' (')[0].lower()} {result.status_counts[value]}" for value, label in CaseStatus.choices
            )
            self.stdout.write(
                self.style.SUCCESS(
                    f"Seeded the Acme Air demo (seed {seed}): {counts['channels']} channels, "
                    f"{counts['customers']} customers, {counts['posts']} inbound posts, {counts['replies']} replies, "
                    f"{counts['cases']} cases ({statuses}), {counts['events']} case events, "
                    f"{counts['surveys']} surveys."
                )
            )

        self.stdout.write("Demo logins:")
        shown = False
        for login in result.logins:
            if login.password:
                note, shown = f"password: {login.password}", True
            elif login.from_env:
                note = "password: from DEMO_PASSWORD"
            else:
                note = "existing user, password unchanged"
            state = " (new)" if login.created else " (password reset)" if login.reset else ""
            self.stdout.write(f"  {login.username:<8} {login.group:<9} {note}{state}")
        if shown:
            self.stdout.write(
                "These passwords are shown once and stored nowhere else; "
                "run seed_demo --reset-passwords to set new ones."
            )
