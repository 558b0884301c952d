"""Benchmark: import N enrolment rows through `edureg import enrolments` (the CLI's code path).

    python bench/import_enrolments.py --rows 100000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_import python bench/import_enrolments.py --rows 100000

Creates a fresh database (PostgreSQL: the database named in DATABASE_URL is dropped and created; otherwise a
SQLite file in a temporary directory), migrates it, inserts the classifiers, 200 institutions and one person per
row in bulk, writes a CSV of N enrolment rows (`;`, both date styles, some ended with a reason), then runs the
command twice: a dry run (validation only) and the import. Prints the timings and rows/s and checks that every
row and its change record were written. The database and the file are removed at the end unless --keep.
"""

import argparse
import datetime
import io
import os
import secrets
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
INSTITUTIONS = 200


def prepare_environment(database_url: str | None, workdir: Path) -> str:
    url = database_url or f"sqlite:///{workdir / 'bench.sqlite3'}"
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "edureg.settings"
    os.environ["DEBUG"] = "0"  # DEBUG would keep every query in memory
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
    os.environ["EDUREG_DATA_DIR"] = str(workdir)
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    return url


def recreate_postgres(url: str, *, drop_only: bool = False) -> None:
    import dj_database_url
    import psycopg

    cfg = dj_database_url.parse(url)
    admin = psycopg.connect(host=cfg["HOST"] or None, port=cfg["PORT"] or None, user=cfg["USER"] or None,
                            password=cfg["PASSWORD"] or None, dbname="postgres", autocommit=True)
    with admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{cfg["NAME"]}" WITH (FORCE)')
        if not drop_only:
            admin.execute(f'CREATE DATABASE "{cfg["NAME"]}"')


def populate(rows: int) -> tuple[list[str], list[str]]:
    """Classifiers, institutions and one person per row; returns (institution codes, personal codes)."""
    from edureg.classifiers.models import ClassifierItem, CodeList
    from edureg.core.validators import legal_entity_check_digit
    from edureg.institutions.models import Institution
    from edureg.persons import codes
    from edureg.persons.models import Person

    items = {}
    for list_code, entries in {
        "municipality": [("LT-57", "Vilniaus m. sav.")], "institution_type": [("3140", "Gimnazija")],
        "ownership": [("20", "Savivaldybės")], "sex": [("M", "Vyras"), ("F", "Moteris")],
        "enrolment_end_reason": [("10", "Baigė"), ("20", "Išvyko"), ("30", "Nutraukė")],
        "isced_level": [("1", "Pradinis"), ("2", "Pagrindinis"), ("3", "Vidurinis")],
    }.items():
        code_list = CodeList.objects.create(code=list_code, name_lt=list_code, name_en=list_code)
        for code, name in entries:
            items[(list_code, code)] = ClassifierItem.objects.create(code_list=code_list, code=code, name_lt=name,
                                                                     name_en=name)
    institution_codes = []
    body = 30_000_000
    while len(institution_codes) < INSTITUTIONS:
        digit = legal_entity_check_digit(str(body))
        if digit is not None:
            institution_codes.append(f"{body}{digit}")
        body += 7
    Institution.objects.bulk_create([
        Institution(code=code, name=f"Bandomoji gimnazija Nr. {n}", type=items[("institution_type", "3140")],
                    ownership=items[("ownership", "20")], municipality=items[("municipality", "LT-57")],
                    status="active", registered_on=datetime.date(2000, 9, 1), status_since=datetime.date(2000, 9, 1))
        for n, code in enumerate(institution_codes)])
    personal_codes = []
    batch = []
    start = datetime.date(2008, 1, 1)
    for i in range(rows):
        born = start + datetime.timedelta(days=i % 4000)
        sex = "M" if i % 2 else "F"
        code = codes.make(born, sex, i // 4000)
        personal_codes.append(code)
        batch.append(Person(personal_code=code, first_name=f"Vardas{i}", last_name=f"Pavardė{i}", birth_date=born,
                            sex=items[("sex", sex)]))
        if len(batch) == 5000:
            Person.objects.bulk_create(batch)
            batch = []
    Person.objects.bulk_create(batch)
    return institution_codes, personal_codes


def write_csv(path: Path, institution_codes: list[str], personal_codes: list[str]) -> None:
    header = ["Asmens kodas", "Įstaigos kodas", "Pradžios data", "Klasė", "Klasė ar grupė", "ISCED lygis",
              "Pabaigos data", "Pabaigos priežastis"]
    with open(path, "w", encoding="utf-8", newline="") as fh:
        fh.write(";".join(header) + "\r\n")
        for i, code in enumerate(personal_codes):
            grade = 1 + i % 12
            start = "2025-09-01" if i % 2 else "2025.09.01"
            end, reason = ("2026-06-30", "10") if i % 10 == 0 else ("", "")
            isced = "1" if grade <= 4 else "2" if grade <= 10 else "3"
            fh.write(f"{code};{institution_codes[i % len(institution_codes)]};{start};{grade};{grade}a;{isced};"
                     f"{end};{reason}\r\n")


def run_command(path: Path, *extra: str) -> tuple[float, float, str]:
    """Runs `edureg import enrolments FILE --no-progress ...`; (wall seconds, this process's CPU seconds, output)."""
    from django.core.management import call_command

    out = io.StringIO()
    started, cpu = time.perf_counter(), time.process_time()
    call_command("import", "enrolments", str(path), "--no-progress", *extra, stdout=out, stderr=io.StringIO())
    return time.perf_counter() - started, time.process_time() - cpu, out.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--keep", action="store_true", help="keep the database and the CSV file")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="bench-import-"))
    url = prepare_environment(os.environ.get("DATABASE_URL"), workdir)
    postgres = url.startswith(("postgres://", "postgresql://"))
    if postgres:
        recreate_postgres(url)
    try:
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection

        from edureg.core.models import ObjectChange
        from edureg.learners.models import Enrolment

        call_command("migrate", verbosity=0)
        started = time.perf_counter()
        institution_codes, personal_codes = populate(args.rows)
        csv_path = workdir / "enrolments.csv"
        write_csv(csv_path, institution_codes, personal_codes)
        print(f"database: {connection.vendor} {connection.settings_dict['NAME']}")
        print(f"setup: {args.rows} persons, {INSTITUTIONS} institutions, CSV of {csv_path.stat().st_size / 1e6:.1f} MB"
              f" in {time.perf_counter() - started:.1f} s")

        print(f"load average before the runs: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        seconds, cpu, out = run_command(csv_path, "--dry-run")
        print(f"dry run (read + validate): {seconds:.2f} s, {args.rows / seconds:,.0f} rows/s "
              f"(Python CPU {cpu:.2f} s)")
        assert Enrolment.objects.count() == 0, out
        seconds, cpu, out = run_command(csv_path)
        written = Enrolment.objects.count()
        records = ObjectChange.objects.filter(source="import", action="create").count()
        print(f"import (read + validate + write + change records): {seconds:.2f} s, {args.rows / seconds:,.0f} rows/s "
              f"(Python CPU {cpu:.2f} s)")
        print(out.strip().splitlines()[0])
        if written != args.rows or records != args.rows:
            raise SystemExit(f"expected {args.rows} enrolments and change records, got {written} and {records}")
        print(f"checked: {written} enrolments and {records} change records written")
    finally:
        from django.db import connections

        connections.close_all()
        if not args.keep:
            if postgres:
                recreate_postgres(url, drop_only=True)
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
