"""`edureg evaluation ...`: the shipped procedures, the coordinator's reminders and expiry warnings, a call's
ranking and publication, a decision's PDF. See docs/evaluation.md.

    edureg evaluation load [--update]
    edureg evaluation reminders [--send-expiry-warnings] [--today YYYY-MM-DD]
    edureg evaluation rank CALL
    edureg evaluation publish CALL
    edureg evaluation pdf NUMBER -o FILE [--language lt|en]

Exit code 0 on success; non-zero with a message on stderr otherwise. Runs as the system (no user).
"""

import datetime
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from edureg.core.audit.context import audit_context


def _message(exc: ValidationError) -> str:
    if hasattr(exc, "error_dict"):
        return "; ".join(f"{field}: {' '.join(messages)}" for field, messages in exc.message_dict.items())
    return " ".join(exc.messages)


class Command(BaseCommand):
    help = "Evaluation: load the procedures, list reminders (and send expiry warnings), rank and publish a call, " \
           "write a decision's PDF."

    def add_arguments(self, parser):
        commands = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        load = commands.add_parser("load", help="create the shipped evaluation procedures that are missing")
        load.add_argument("--update", action="store_true", help="also reset the existing ones to the shipped values")
        reminders = commands.add_parser("reminders", help="list what needs the coordinator's attention")
        reminders.add_argument("--send-expiry-warnings", action="store_true",
                               help="e-mail the institutions whose decisions expire soon (once per decision)")
        reminders.add_argument("--today", type=datetime.date.fromisoformat, help="the date (default: today)")
        rank = commands.add_parser("rank", help="rank a closed call's scored applications and select them")
        rank.add_argument("call", help="the call's code")
        publish = commands.add_parser("publish", help="publish a ranked call's results and decisions")
        publish.add_argument("call", help="the call's code")
        pdf = commands.add_parser("pdf", help="write a decision's document (PDF)")
        pdf.add_argument("number", help="the decision's number, e.g. SPR-2026-00001")
        pdf.add_argument("-o", "--output", required=True, help="the file to write")
        pdf.add_argument("--language", choices=("lt", "en"), default="lt", help="the document's language")

    def handle(self, *args, action, **options):
        try:
            with audit_context(source="command"):
                getattr(self, f"handle_{action}")(**options)
        except ValidationError as exc:
            raise CommandError(_message(exc)) from None

    def handle_load(self, *, update=False, verbosity=1, **options):
        from edureg.evaluation.services.procedures import load_procedures

        report = load_procedures(actor=None, update=update)
        if verbosity:
            self.stdout.write(str(report))
        for problem in report.problems:
            self.stderr.write(f"warning: {problem}")

    def handle_reminders(self, *, send_expiry_warnings=False, today=None, **options):
        from edureg.evaluation.services.decisions import reminders
        from edureg.evaluation.services.decisions import send_expiry_warnings as send

        items = reminders(on=today)
        for item in items:
            due = item.due_on.isoformat() if item.due_on else "-"
            self.stdout.write(f"{due}  {item.kind:<15} {item.application.number}  {item.message}")
        self.stdout.write(f"{len(items)} reminders")
        if send_expiry_warnings:
            self.stdout.write(f"{send(on=today)} expiry warnings sent")

    def _call(self, code: str):
        from edureg.evaluation.models import Call

        try:
            return Call.objects.get(code=code)
        except Call.DoesNotExist:
            raise CommandError(f"No call {code!r}.") from None

    def handle_rank(self, *, call, **options):
        from edureg.evaluation.services import calls

        ranked = calls.rank_call(self._call(call), actor=None)
        for app in ranked:
            amount = f"{app.granted_amount:.2f}" if app.granted_amount is not None else "-"
            total = f"{app.total:.2f}" if app.total is not None else "-"
            self.stdout.write(f"{app.rank or '-':>4}  {app.number}  {total:>6}  {app.selection:<17} {amount}")
        self.stdout.write(f"{len(ranked)} applications ranked")

    def handle_publish(self, *, call, **options):
        from edureg.evaluation.services import calls

        instance = self._call(call)
        calls.publish_call(instance, actor=None)
        self.stdout.write(f"Results of {instance.code} published.")

    def handle_pdf(self, *, number, output, language="lt", **options):
        from edureg.evaluation.models import Decision
        from edureg.evaluation.services.pdf import decision_pdf

        decision = Decision.objects.select_related("application__procedure", "application__institution").filter(
            number=number).first()
        if decision is None:
            raise CommandError(f"No decision {number!r}.")
        data = decision_pdf(decision, language=language)
        try:
            Path(output).write_bytes(data)
        except OSError as exc:
            raise CommandError(f"{output}: {exc}") from None
        self.stdout.write(f"{number} written to {output} ({len(data)} bytes)")
