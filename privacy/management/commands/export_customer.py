"""manage.py export_customer <id>: a customer's data as JSON on stdout (or --output FILE); audited."""

import json

from django.core.management.base import BaseCommand, CommandError

from cases.models import Customer
from privacy.services import customer_export


class Command(BaseCommand):
    help = "Print a customer's personal data as JSON (profiles, posts, cases, surveys, replies)."

    def add_arguments(self, parser):
        parser.add_argument("customer_id", type=int)
        parser.add_argument("--output", help="Write to this file instead of stdout.")

    def handle(self, *args, customer_id: int, output: str | None = None, **options):
        customer = Customer.objects.filter(pk=customer_id).first()
        if customer is None:
            raise CommandError(f"No customer #{customer_id}.")
        text = json.dumps(customer_export(customer=customer), indent=2, ensure_ascii=False)
        if output:
            with open(output, "w", encoding="utf-8") as file:
                file.write(text + "\n")
            self.stderr.write(f"Customer #{customer_id} exported to {output}.")
        else:
            self.stdout.write(text)
