from django.core.management.base import BaseCommand

from edureg.programmes.services import load_kinds


class Command(BaseCommand):
    help = "Load (idempotently) the programme kinds and their default rules shipped with edureg."

    def add_arguments(self, parser):
        parser.add_argument("--update", action="store_true",
                            help="also write the shipped values over kinds and rules changed since")

    def handle(self, *args, update=False, verbosity=1, **options):
        report = load_kinds(actor=None, update=update)
        if verbosity:
            self.stdout.write(f"  {report}")
