from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from edureg.classifiers.services import DATA_DIR, load_all, read_manifest
from edureg.core.audit.context import audit_context


class Command(BaseCommand):
    help = "Load (idempotently) the code lists from the data files shipped with edureg."

    def add_arguments(self, parser):
        parser.add_argument("--list", action="append", dest="only", help="load only this list (repeatable)")
        parser.add_argument("--data-dir", type=Path, default=DATA_DIR,
                            help="directory holding lists.json and the CSV files (default: the shipped ones)")

    def handle(self, *args, only=None, data_dir=DATA_DIR, verbosity=1, **options):
        data_dir = Path(data_dir)
        try:
            read_manifest(data_dir)
        except (OSError, ValueError) as exc:  # no manifest, or not JSON
            raise CommandError(f"{data_dir / 'lists.json'} cannot be read: {exc}") from exc
        with audit_context(source="command"):
            reports = load_all(data_dir, only=only)
        errors = [e for r in reports for e in r.errors]
        if errors:
            raise CommandError("Nothing was loaded:\n" + "\n".join(errors))
        if verbosity:
            for report in reports:
                self.stdout.write(f"  {report}")
