"""`edureg import <register> FILE`: import a CSV or XLSX file into a register (see docs/imports.md).

Exit code 0 when the rows were imported (with --skip-bad-rows: the good ones) or a dry run found no error;
1 when nothing was imported because of errors (they are printed: row, column, message).
"""

import sys

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from edureg.core.imports.engine import run_import
from edureg.core.imports.registry import get_importer, importers

STAGES = {"read": "reading", "check": "checking", "write": "writing"}


class TqdmProgress:
    """One progress bar per stage of the run."""

    def __init__(self, stream, disable: bool):
        self.stream, self.disable = stream, disable
        self.bar = None
        self.stage = None

    def __call__(self, stage: str, done: int, total: int) -> None:
        if stage != self.stage:
            self.close()
            self.stage = stage
            self.bar = tqdm(total=total or None, desc=STAGES.get(stage, stage), unit=" rows", file=self.stream,
                            disable=self.disable, leave=True, dynamic_ncols=True)
        if total and self.bar.total != total:
            self.bar.total = total
            self.bar.refresh()
        self.bar.update(done - self.bar.n)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None


class Command(BaseCommand):
    help = ("Import a CSV or XLSX file into a register: institutions, persons, enrolments or employments; "
            "programmes (with their modules) from an XLSX workbook.")

    def add_arguments(self, parser):
        parser.add_argument("register", choices=sorted(importers()), help="which register the file is for")
        parser.add_argument("file", help="a CSV (; or , UTF-8 or Windows-1257) or XLSX file")
        parser.add_argument("--dry-run", action="store_true", help="check the file and report; write nothing")
        parser.add_argument("--skip-bad-rows", action="store_true",
                            help="import the good rows and skip the bad ones (default: all or nothing)")
        parser.add_argument("--actor", metavar="USERNAME",
                            help="the user the change records name; their permissions and scope apply "
                                 "(default: the system, unrestricted)")
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")

    def handle(self, *args, register, file, dry_run, skip_bad_rows, actor, no_progress, **options):
        user = None
        if actor:
            try:
                user = get_user_model().objects.get(username=actor)
            except get_user_model().DoesNotExist:
                raise CommandError(f"No user {actor!r}.") from None
        stream = getattr(self.stderr, "_out", sys.stderr)
        progress = TqdmProgress(stream, disable=no_progress)
        try:
            report = run_import(get_importer(register), file, actor=user, dry_run=dry_run,
                                skip_bad_rows=skip_bad_rows, progress=progress)
        finally:
            progress.close()
        for note in report.notes:
            self.stdout.write(str(note))
        for error in report.errors:
            self.stdout.write(str(error))
        self.stdout.write(f"{report.summary()} (job {report.job_id}, {report.seconds:.1f} s)")
        if report.total and report.seconds:
            self.stdout.write(f"{report.total / report.seconds:.0f} rows/s")
        if report.nothing_imported_due_to_errors:
            raise CommandError(f"Nothing was imported: {len(report.errors)} errors.", returncode=1)
