"""`edureg admission ...`: re-run a round from its published input, export a round's input, run a round, annul the
invitations left unsigned. See docs/admission-runs.md.

    edureg admission allocate --input round.json --output result.json   (no database needed)
    edureg admission export --round CODE --output round.json [--run N]
    edureg admission run --round CODE
    edureg admission annul --round CODE [--today YYYY-MM-DD]

Exit code 0 on success; non-zero with a message on stderr otherwise (for `allocate`, the message names the item of
the input that is wrong).
"""

import datetime
import json
import time
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from edureg.admission.engine import roundfile


def _message(exc: ValidationError) -> str:
    if hasattr(exc, "error_dict"):
        return "; ".join(f"{field}: {' '.join(messages)}" for field, messages in exc.message_dict.items())
    return " ".join(exc.messages)


class Command(BaseCommand):
    help = "Common admission: re-run a round from its JSON input, export a round's input, run a round, annul."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser):
        commands = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        allocate = commands.add_parser("allocate", help="allocate the places of a round file (no database)")
        allocate.add_argument("--input", required=True, dest="input_path",
                              help="the round in the documented JSON format")
        allocate.add_argument("--output", required=True, dest="output_path", help="where to write the result (JSON)")
        export = commands.add_parser("export", help="write the anonymised input of a round's current run")
        export.add_argument("--round", required=True, dest="round_code", help="the round's code")
        export.add_argument("--output", required=True, help="where to write the input (JSON)")
        export.add_argument("--run", type=int, help="the run's number (default: the current run)")
        run = commands.add_parser("run", help="run a round's allocation now (applications must be closed)")
        run.add_argument("--round", required=True, dest="round_code", help="the round's code")
        annul = commands.add_parser("annul", help="annul the invitations without a contract after the deadline")
        annul.add_argument("--round", required=True, dest="round_code", help="the round's code")
        annul.add_argument("--today", type=datetime.date.fromisoformat, help="the date to act on (default: today)")

    def handle(self, *args, action, **options):
        getattr(self, f"handle_{action}")(**options)

    def handle_allocate(self, *, input_path, output_path, **options):
        started = time.perf_counter()
        try:
            result = roundfile.allocate_file(input_path, output_path)
        except roundfile.RoundFileError as exc:
            message = str(exc)  # names the item; a file that cannot be read or parsed is named by its path
            raise CommandError(message if message.startswith(str(input_path)) else f"{input_path}: {message}") from None
        except FileNotFoundError as exc:
            raise CommandError(f"{exc.filename or input_path}: no such file") from None
        except json.JSONDecodeError as exc:
            raise CommandError(f"{input_path}: not valid JSON ({exc})") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"{getattr(exc, 'filename', None) or input_path}: {exc}") from None
        assignments = result["assignments"]
        invited = sum(1 for offer in assignments.values() if offer is not None)
        full = sum(1 for cutoff in result["cutoffs"].values() if cutoff is not None)
        self.stdout.write(f"{len(assignments)} applicants, {invited} invited; {len(result['cutoffs'])} offers, "
                          f"{full} full; written to {output_path} ({time.perf_counter() - started:.2f} s)")

    def _round(self, code: str):
        from edureg.admission.models import Round

        try:
            return Round.objects.get(code=code)
        except Round.DoesNotExist:
            raise CommandError(f"No round {code!r}.") from None

    def handle_export(self, *, round_code, output, run=None, **options):
        from edureg.admission.models import AllocationRun
        from edureg.admission.services.runs import round_input

        round_ = self._round(round_code)
        chosen = None
        if run is not None:
            chosen = AllocationRun.objects.filter(round=round_, number=run).first()
            if chosen is None:
                raise CommandError(f"Round {round_code!r} has no run {run}.")
        try:
            data = round_input(round_, run=chosen)
        except ValidationError as exc:
            raise CommandError(_message(exc)) from None
        Path(output).write_text(json.dumps(data, sort_keys=True, indent=1, ensure_ascii=False) + "\n",
                                encoding="utf-8")
        self.stdout.write(f"{len(data['applicants'])} applicants, {len(data['offers'])} offers written to {output}; "
                          f"input hash {roundfile.canonical_hash(data)}")

    def handle_run(self, *, round_code, **options):
        from edureg.admission.services.runs import run_round_now
        from edureg.core.audit.context import audit_context

        round_ = self._round(round_code)

        def progress(percent: int, message: str) -> None:
            self.stdout.write(f"{percent:3d}% {message}")

        try:
            with audit_context(source="command"):
                run = run_round_now(round_, actor=None, progress=progress)
        except ValidationError as exc:
            raise CommandError(_message(exc)) from None
        except Exception as exc:
            raise CommandError(f"The run failed: {type(exc).__name__}: {exc}") from exc
        summary = run.summary
        self.stdout.write(f"Run #{run.number}: {summary['applications']} applications, {summary['invited']} invited, "
                          f"{summary['full_offers']} of {summary['offers']} offers full; input hash {run.input_hash}; "
                          f"{run.timings['total']:.1f} s")

    def handle_annul(self, *, round_code, today=None, **options):
        from edureg.admission.services.contracts import annul_unsigned
        from edureg.core.audit.context import audit_context

        round_ = self._round(round_code)
        try:
            with audit_context(source="command"):
                count = annul_unsigned(round_, actor=None, today=today)
        except ValidationError as exc:
            raise CommandError(_message(exc)) from None
        self.stdout.write(f"{count} invitations annulled; round {round_.code} is finished.")
