"""`edureg demo`: a working demonstration on one machine.

    edureg demo [--no-serve] [--scale small|national] [--seed N] [--reset] [--port 8000]

Migrates the database, loads the classifiers, builds the synthetic country (unless the database
already has one; a country built before the qualifications and programmes registers existed gets them
added; one without the library reports gets them), builds the demo evaluations and competitions when there
are none (synthetic/evaluation.py), computes and publishes the indicators when the data
changed or nothing is published, creates one demo user per role, prints their logins and serves the site.
"""

from functools import partial

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from edureg.synthetic.engine import SCALES, Params
from edureg.synthetic.registers import has_registers
from edureg.synthetic.services import (
    CountryExists,
    MissingClassifiers,
    add_registers,
    build_country,
    ensure_demo_users,
    has_country,
)

STEP_ONLY = {"generate", "reset", "feed positions"}  # progress in steps, not rows


class _Stream:
    """The command's output as a file for tqdm (which writes its own line endings)."""

    def __init__(self, out):
        self.out = out

    def write(self, text: str) -> None:
        self.out.write(text, ending="")

    def flush(self) -> None:
        self.out.flush()


class TqdmProgress:
    """One progress bar per step of the build, on the command's output."""

    def __init__(self, stream):
        self.stream = stream
        self.bars: dict[str, tqdm] = {}

    def __call__(self, step: str, done: int, total: int) -> None:
        bar = self.bars.get(step)
        if bar is None:
            for other in self.bars.values():
                other.close()
            unit = " steps" if step in STEP_ONLY else " rows"
            bar = self.bars[step] = tqdm(total=total, desc=f"{step:<20}", file=self.stream, unit=unit,
                                         unit_scale=True, mininterval=0.5, leave=True, dynamic_ncols=True)
        bar.total = total
        bar.n = done
        bar.refresh()

    def close(self) -> None:
        for bar in self.bars.values():
            bar.close()


def table(rows: list[tuple], header: tuple) -> str:
    widths = [max(len(str(x)) for x in col) for col in zip(header, *rows, strict=True)]
    line = "  ".join("-" * w for w in widths)
    fmt = "  ".join(f"{{:<{w}}}" for w in widths)
    return "\n".join([fmt.format(*header), line, *(fmt.format(*map(str, r)) for r in rows)])


class Command(BaseCommand):
    help = ("Set up a demonstration: migrate, load classifiers, build the synthetic country, create one user "
            "per role and serve the site.")

    def add_arguments(self, parser):
        parser.add_argument("--no-serve", action="store_true", help="set everything up but do not serve")
        parser.add_argument("--scale", choices=sorted(SCALES), default="small",
                            help="small (default; ~1/20 of the country), national, or tiny (tests)")
        parser.add_argument("--seed", type=int, default=1, help="the same seed gives the same country")
        parser.add_argument("--reset", action="store_true",
                            help="delete the register data of an existing country (and their change records) "
                                 "and build a new one")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--host", default="127.0.0.1")

    def handle(self, *args, no_serve=False, scale="small", seed=1, reset=False, port=8000, host="127.0.0.1",
               verbosity=1, **options):
        out = self.stdout
        out.write(self.style.MIGRATE_HEADING("1. Database"))
        call_command("migrate", interactive=False, verbosity=0)
        out.write("   migrated")
        out.write(self.style.MIGRATE_HEADING("2. Classifiers"))
        call_command("load_classifiers", verbosity=0)
        out.write("   loaded")
        out.write(self.style.MIGRATE_HEADING(f"3. Synthetic country (scale {scale}, seed {seed})"))
        build = None
        if has_country() and not reset:
            out.write("   The database already holds a country: kept (use --reset to build a new one).")
            if not has_registers():
                # A country built before the qualifications and programmes existed: add them to it.
                out.write("   Adding the qualifications system and the programmes register to it.")
                build = partial(add_registers, seed=seed)
        else:
            build = partial(build_country, scale=scale, seed=seed, reset=reset)
        if build is not None:
            progress = TqdmProgress(_Stream(out))
            try:
                report = build(progress=progress)
            except (CountryExists, MissingClassifiers) as exc:
                raise CommandError(str(exc)) from exc
            finally:
                progress.close()
            seconds = dict(report.seconds)
            total = seconds.pop("total")
            rows = [(step, f"{s:.1f}", report.counts.get(step, "")) for step, s in seconds.items()]
            rows += [(name, "", count) for name, count in report.counts.items() if name not in seconds]
            rows.append(("total", f"{total:.1f}", ""))
            out.write(table(rows, ("step", "seconds", "rows")))
            out.write(f"   change records written under job {report.job_id}")
        out.write(self.style.MIGRATE_HEADING("4. Library reports, evaluations and statistics"))
        self._reports_and_statistics(seed=seed, changed=build is not None)
        out.write(self.style.MIGRATE_HEADING("5. Demo users"))
        try:
            users = ensure_demo_users(secret=settings.SECRET_KEY)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        out.write(table([(u.username, u.password, u.role, u.scope) for u in users],
                        ("username", "password", "role", "scope")))
        if no_serve:
            out.write(f"\nStart the site with: edureg serve --port {port}")
            return
        out.write("")
        call_command("serve", host=host, port=port)

    def _evaluation(self, *, seed: int) -> bool:
        """The demo evaluations, competitions and experts (synthetic/evaluation.py) when there are none yet."""
        from edureg.core.audit.sequencer import assign_positions
        from edureg.synthetic import evaluation

        if evaluation.has_evaluation():
            self.stdout.write("   evaluations: kept")
            return False
        try:
            counts = evaluation.build_evaluation(seed=seed)
        except evaluation.EvaluationDataError as exc:
            self.stdout.write(self.style.WARNING(f"   evaluations not built: {exc}"))
            return False
        assign_positions()
        self.stdout.write(f"   evaluations built: {counts['experts']} experts, {counts['evaluation applications']} "
                          f"applications, {counts['decisions']} decisions, {counts['calls']} calls "
                          f"({counts['seconds']:.1f} s)")
        return True

    def _reports_and_statistics(self, *, seed: int, changed: bool) -> None:
        """The library reports for a country kept from before they existed; then the indicators computed and
        published when the data changed or nothing is published (synthetic/libraries.py, synthetic/statistics.py).
        Either missing leaves a warning, not a failed demo."""
        from edureg.core.audit.sequencer import assign_positions
        from edureg.synthetic import libraries, statistics

        out = self.stdout
        if libraries.has_libraries():
            out.write("   library reports: " + ("written with the country" if changed else "kept"))
        else:
            params = Params(scale=SCALES["small"], seed=seed)
            try:
                counts = libraries.build_libraries(seed=seed, years=range(params.first_year, params.last_year + 1))
            except libraries.LibraryDataError as exc:
                out.write(self.style.WARNING(f"   library reports not written: {exc}"))
            else:
                assign_positions()
                changed = True
                out.write(f"   library reports written: {counts['library submissions']} submissions, "
                          f"{counts['library values']} values")
        changed = self._evaluation(seed=seed) or changed
        if not changed and statistics.has_published_run():
            out.write("   published statistics: kept")
            return
        try:
            result = statistics.publish_statistics()
        except statistics.StatisticsUnavailable as exc:
            out.write(self.style.WARNING(f"   statistics not published: {exc}"))
            return
        timing = ", ".join(f"{step} {s:.1f} s" for step, s in result.seconds.items())
        out.write(f"   indicator run #{result.run_number} published: {result.observations} observations ({timing})")
