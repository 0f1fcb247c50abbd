"""manage.py erase_customer <id> --reason "...": anonymize a customer's personal data; audited."""

from django.core.management.base import BaseCommand, CommandError

from cases.models import Customer
from privacy.services import PrivacyError, customer_erase


class Command(BaseCommand):
    help = "Erase a customer's personal data (anonymized in place; counts and KPIs unchanged)."

    def add_arguments(self, parser):
        parser.add_argument("customer_id", type=int)
        parser.add_argument("--reason", required=True, help="The customer's request: ticket, e-mail, date.")

    def handle(self, *args, customer_id: int, reason: str, **options):
        customer = Customer.objects.filter(pk=customer_id).first()
        if customer is None:
            raise CommandError(f"No customer #{customer_id}.")
        try:
            record = customer_erase(customer=customer, reason=reason)
        except PrivacyError as error:
            raise CommandError(str(error)) from None
        counts = ", ".join(f"{name}: {count}" for name, count in record.counts.items())
        self.stdout.write(f"Customer #{customer_id} erased ({counts}).")
