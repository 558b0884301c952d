"""Benchmark: one indicator run over the current database — the whole catalogue (or some indicators), from the
registers' GROUP BY queries to the observations written.

    DATABASE_URL=postgres://... .venv/bin/python bench/indicators.py [--indicator CODE ...] [--load] [--keep]
    EDUREG_DATA_DIR=/path/to/demo .venv/bin/python bench/indicators.py      (the demo's SQLite database)

Builds nothing: the database must hold the registers (e.g. `edureg demo --scale national`) and the catalogue
(`edureg indicators load`, or --load here). Times `services.compute_now` and prints the run's own timings: each
source's frame (queries + arrays, with its rows), each indicator (roll-ups, formulas, disclosure control, with its
observations) and the bulk write, then the wall and CPU time of the whole run. The run is deleted afterwards
unless --keep (so that benchmarking leaves the published figures alone).
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "edureg.settings")
    os.environ.setdefault("DEBUG", "0")  # DEBUG would keep every query in memory
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    if not os.environ.get("SECRET_KEY"):
        key = Path(os.environ.get("EDUREG_DATA_DIR", ROOT / "var")) / "secret_key"
        os.environ["SECRET_KEY"] = key.read_text().strip() if key.exists() else "bench-" + "x" * 50
    import django

    django.setup()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--indicator", action="append", dest="indicators", metavar="CODE")
    parser.add_argument("--load", action="store_true", help="load the shipped catalogue first")
    parser.add_argument("--keep", action="store_true", help="keep the run (default: delete it afterwards)")
    args = parser.parse_args(argv)
    setup()

    from django.db import connection
    from django.db.models import Count

    from edureg.indicators.models import Indicator, Observation
    from edureg.indicators.services import compute_now, delete_run, load_catalogue
    from edureg.learners.models import Enrolment
    from edureg.pedagogues.models import Employment

    if args.load:
        load_catalogue()
    if not Indicator.objects.exists():
        print("The catalogue is empty: run `edureg indicators load` (or pass --load).", file=sys.stderr)
        return 2
    print(f"database: {connection.vendor} {connection.settings_dict.get('NAME')}; "
          f"{Enrolment.objects.count()} enrolments, {Employment.objects.count()} employments; "
          f"python {platform.python_version()}, {platform.machine()}, {os.cpu_count()} CPUs")
    wall, cpu = time.perf_counter(), time.process_time()
    run = compute_now(indicators=args.indicators)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    timings, summary = run.timings, run.summary
    counts = dict(Observation.objects.filter(run=run).order_by().values_list("indicator__code")
                  .annotate(n=Count("pk")))
    print(f"\nrun #{run.number}: {summary['indicators']} indicators, {summary['observations']} observations, "
          f"years {summary['years']}, flags {summary['flags']}\n")
    print(f"{'step':<34} {'seconds':>9} {'rows':>10}")
    for code, seconds in timings["sources"].items():
        print(f"{'source ' + code:<34} {seconds:9.3f} {summary['frame_rows'].get(code, 0):10d}")
    for code, seconds in timings["indicators"].items():
        print(f"{'indicator ' + code:<34} {seconds:9.3f} {counts.get(code, 0):10d}")
    print(f"{'write observations':<34} {timings['write']:9.3f} {summary['observations']:10d}")
    print(f"{'sources (sum)':<34} {sum(timings['sources'].values()):9.3f}")
    print(f"{'indicators (sum)':<34} {sum(timings['indicators'].values()):9.3f}")
    print(f"{'run total (its own clock)':<34} {timings['total']:9.3f}")
    print(f"{'compute_now wall / CPU':<34} {wall:9.3f} {cpu:10.3f}")
    if not args.keep:
        delete_run(run, actor=None)
    return 0


if __name__ == "__main__":
    sys.exit(main())
