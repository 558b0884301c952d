"""`edureg indicators ...`: load the catalogue, compute, publish and compare runs, write the statistical summary.

    edureg indicators load [--file catalogue.json]
    edureg indicators compute [--indicator CODE ...] [--publish]
    edureg indicators publish [--run N]                 (default: the latest finished run)
    edureg indicators status
    edureg indicators compare A B
    edureg indicators summary --year Y [--municipality LT-xx] --format xlsx|pdf --output PATH

Exit code 0 on success; non-zero with a message on stderr otherwise.
"""

import json

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError


def _message(exc: ValidationError) -> str:
    if hasattr(exc, "error_dict"):
        return "; ".join(f"{field}: {' '.join(messages)}" if field not in ("__all__", "catalogue")
                         else " ".join(messages) for field, messages in exc.message_dict.items())
    return " ".join(exc.messages)


class Command(BaseCommand):
    help = "Indicators: load the catalogue, compute, publish, compare runs, write the statistical summary."

    def add_arguments(self, parser):
        commands = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        load = commands.add_parser("load", help="load the indicator catalogue (and the shipped data collections)")
        load.add_argument("--file", dest="path", help="a catalogue JSON file (default: the shipped one)")
        compute = commands.add_parser("compute", help="compute the catalogue (or some indicators) now")
        compute.add_argument("--indicator", action="append", dest="indicators", metavar="CODE",
                             help="compute only this indicator (repeatable)")
        compute.add_argument("--publish", action="store_true", help="publish the run when it has finished")
        compute.add_argument("--if-changed", action="store_true", dest="if_changed",
                             help="only when the registers or approved reports changed since the published run "
                                  "(for a nightly job)")
        publish = commands.add_parser("publish", help="publish a finished run")
        publish.add_argument("--run", type=int, dest="number", help="the run's number (default: the latest finished)")
        commands.add_parser("status", help="the runs, the published one and whether it is out of date")
        compare = commands.add_parser("compare", help="compare the observations of two runs")
        compare.add_argument("old", type=int, help="number of the older run")
        compare.add_argument("new", type=int, help="number of the newer run")
        compare.add_argument("--json", action="store_true", help="print the comparison as JSON")
        summary = commands.add_parser("summary", help="write the yearly statistical summary")
        summary.add_argument("--year", type=int, required=True)
        summary.add_argument("--municipality", help="a municipality code, e.g. LT-57 (default: the country)")
        summary.add_argument("--format", dest="fmt", choices=("xlsx", "pdf"), default="xlsx")
        summary.add_argument("--output", required=True, help="the file to write")

    def handle(self, *args, action, **options):
        getattr(self, f"handle_{action}")(**options)

    # --- load ----------------------------------------------------------------------------------------------------

    def handle_load(self, *, path=None, **options):
        from edureg.indicators.services import load_catalogue

        try:
            counts = load_catalogue(path)
        except ValidationError as exc:
            raise CommandError(_message(exc)) from None
        for section, numbers in counts.items():
            self.stdout.write(f"{section}: {numbers['created']} created, {numbers['updated']} updated, "
                              f"{numbers['unchanged']} unchanged")

    # --- compute, publish ----------------------------------------------------------------------------------------

    def handle_compute(self, *, indicators=None, publish=False, if_changed=False, **options):
        from edureg.indicators.models import IndicatorRun
        from edureg.indicators.services import changes_since, compute_now, publish_run

        if if_changed:
            published = IndicatorRun.objects.published()
            changes = changes_since(published) if published is not None else None
            if changes == 0:
                self.stdout.write(f"Published run #{published.number} is up to date; nothing to compute.")
                return

        def progress(percent, message):
            if options.get("verbosity", 1) >= 2:
                self.stdout.write(f"  {percent:3d}% {message}")

        try:
            run = compute_now(indicators=indicators, progress=progress)
        except ValidationError as exc:
            raise CommandError(_message(exc)) from None
        except Exception as exc:  # the run row says failed, with the error
            raise CommandError(f"The run failed: {type(exc).__name__}: {exc}") from None
        self._print_run(run)
        if publish:
            try:
                publish_run(run, actor=None)
            except ValidationError as exc:
                raise CommandError(_message(exc)) from None
            self.stdout.write(f"Run #{run.number} published.")

    def _print_run(self, run):
        summary = run.summary or {}
        timings = run.timings or {}
        flags = ", ".join(f"{k} {v}" for k, v in (summary.get("flags") or {}).items()) or "none"
        self.stdout.write(f"Run #{run.number} {run.status}: {summary.get('indicators', 0)} indicators, "
                          f"{summary.get('observations', 0)} observations, years {summary.get('years')}, "
                          f"flags: {flags}; {timings.get('total', 0):.2f} s")
        rows = [(f"source {code}", seconds) for code, seconds in (timings.get("sources") or {}).items()]
        rows += [(f"indicator {code}", seconds) for code, seconds in (timings.get("indicators") or {}).items()]
        rows.append(("write", timings.get("write", 0)))
        width = max(len(name) for name, _ in rows)
        for name, seconds in rows:
            self.stdout.write(f"  {name:<{width}}  {seconds:8.3f} s")

    def _run(self, number):
        from edureg.indicators.models import IndicatorRun

        try:
            return IndicatorRun.objects.get(number=number)
        except IndicatorRun.DoesNotExist:
            raise CommandError(f"No run #{number}.") from None

    def handle_publish(self, *, number=None, **options):
        from edureg.indicators.choices import RunStatus
        from edureg.indicators.models import IndicatorRun
        from edureg.indicators.services import publish_run

        if number is None:
            run = IndicatorRun.objects.filter(status=RunStatus.FINISHED).order_by("-number").first()
            if run is None:
                raise CommandError("No finished run to publish; compute one first.")
        else:
            run = self._run(number)
        try:
            publish_run(run, actor=None)
        except ValidationError as exc:
            raise CommandError(f"Run #{run.number}: {_message(exc)}") from None
        self.stdout.write(f"Run #{run.number} published.")

    # --- status, compare -------------------------------------------------------------------------------------------

    def handle_status(self, **options):
        from edureg.indicators.models import Indicator, IndicatorRun
        from edureg.indicators.services import changes_since

        published = IndicatorRun.objects.published()
        self.stdout.write(f"Catalogue: {Indicator.objects.count()} indicators.")
        runs = list(IndicatorRun.objects.order_by("-number")[:10])
        if not runs:
            self.stdout.write("No runs yet.")
        for run in runs:
            mark = " (published)" if published and run.pk == published.pk else ""
            total = (run.timings or {}).get("total")
            timing = f", {total:.2f} s" if total is not None else ""
            self.stdout.write(f"#{run.number} {run.status}{mark}: {run.progress}% {run.message}; "
                              f"{(run.summary or {}).get('observations', 0)} observations{timing}")
        if published is not None:
            changes = changes_since(published)
            self.stdout.write(f"Published run #{published.number}: " + (
                f"{changes} register changes since it was computed (out of date)." if changes else "up to date."))
        else:
            self.stdout.write("No run is published.")

    def handle_compare(self, *, old, new, **options):
        from edureg.indicators.services import compare_runs

        result = compare_runs(self._run(old), self._run(new))
        if options.get("json"):
            self.stdout.write(json.dumps(result, ensure_ascii=False, indent=1))
            return
        totals = result["totals"]
        self.stdout.write(f"Run #{old} → #{new}: {totals['added']} added, {totals['removed']} removed, "
                          f"{totals['changed']} changed, {totals['unchanged']} unchanged")
        for code, entry in result["indicators"].items():
            if not (entry["added"] or entry["removed"] or entry["changed"]):
                continue
            self.stdout.write(f"  {code}: {entry['added']} added, {entry['removed']} removed, "
                              f"{entry['changed']} changed")
            for move in entry["largest"]:
                where = ", ".join(f"{k}={v}" for k, v in move["dimensions"].items()) or "total"
                self.stdout.write(f"    {move['year']} {where}: {move['old']} → {move['new']}")

    # --- summary -----------------------------------------------------------------------------------------------------

    def handle_summary(self, *, year, municipality=None, fmt="xlsx", output, **options):
        try:
            from edureg.indicators.summary import write_summary
        except ImportError:
            raise CommandError("The statistical summary is not available in this installation.") from None
        try:
            write_summary(output, year=year, municipality=municipality, fmt=fmt)
        except ValidationError as exc:
            raise CommandError(_message(exc)) from None
        except OSError as exc:
            raise CommandError(f"{output}: {exc.strerror or exc}") from None
        self.stdout.write(f"Summary {year}{' ' + municipality if municipality else ''} written to {output}.")
