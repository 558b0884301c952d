from django.core.management.base import BaseCommand, CommandError

from edureg.classifiers.services import load_all
from edureg.core.audit.context import audit_context


class Command(BaseCommand):
    help = "Load (idempotently) the code lists from the data files shipped with edureg."

    def add_arguments(self, parser):
        parser.add_argument("--list", action="append", dest="only", help="load only this list (repeatable)")

    def handle(self, *args, only=None, verbosity=1, **options):
        with audit_context(source="command"):
            reports = load_all(only=only)
        errors = [e for r in reports for e in r.errors]
        if errors:
            raise CommandError("Nothing was loaded:\n" + "\n".join(errors))
        if verbosity:
            for report in reports:
                self.stdout.write(f"  {report}")
