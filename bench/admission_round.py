"""Benchmark: a whole admission round on PostgreSQL, from loading the applications to written invitations.

    python bench/admission_round.py [--applicants 100000] [--offerings 1000] [--rerun] [--keep]

Uses DATABASE_URL (default postgres://postgres@127.0.0.1:5432/edureg_bench_round): the database is dropped and
created, migrated, then filled in bulk (no change records; the run writes its own): the classifiers needed,
200 institutions, one registered initial VET programme per offering (LTKS II-IV, a fifth with general education),
the offerings with state-funded and paid places, a closed main round with three scoring formulas and one offer per
offering × funding, and N applicants (persons aged 15-50, education and vocational qualifications held at random,
grades in LT, MAT and EN, 1-3 preferences drawn with a popularity skew so that many offers fill up).

Then `services.runs.run_round_now` is timed, with its own timings per step (load, eligibility, scores, lottery,
allocate, write: results, offer results, invitations and their change records in one transaction). It checks
that the exported input hashes to the run's input hash and that the engine re-run on it gives the stored
assignments. --rerun times a second run (which also deletes the first run's rows). The database is dropped at the
end unless --keep.
"""

import argparse
import datetime
import os
import secrets
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/edureg_bench_round"
INSTITUTIONS = 200
BATCH = 5000


def prepare_environment(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "edureg.settings"
    os.environ["DEBUG"] = "0"  # DEBUG would keep every query in memory
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
    os.environ.setdefault("LOG_LEVEL", "WARNING")


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


def bulk(model, rows) -> list:
    created = []
    for start in range(0, len(rows), BATCH):
        created += model.objects.bulk_create(rows[start:start + BATCH])
    return created


def populate(n_applicants: int, n_offerings: int, seed: int):
    """Build the round; returns it."""
    from edureg.admission.models import Application, Grade, Offer, Preference, Round, ScoringFormula
    from edureg.classifiers.models import ClassifierItem, CodeList
    from edureg.core.validators import legal_entity_check_digit
    from edureg.institutions.models import Institution
    from edureg.persons import codes
    from edureg.persons.models import Person
    from edureg.programmes.models import Offering, Programme, ProgrammeKind, ProgrammeVersion

    rng = np.random.default_rng(seed)
    items = {}
    for list_code, entries in {
        "municipality": [("LT-57", "Vilniaus m. sav.")], "institution_type": [("3210", "Profesinė mokykla")],
        "ownership": [("10", "Valstybinė")], "sex": [("M", "Vyras"), ("F", "Moteris")],
        "language": [("lt", "lietuvių")], "isced_f": [("0715", "Mechanika ir metalo apdirbimas")],
        "subject": [("LT", "Lietuvių kalba ir literatūra"), ("MAT", "Matematika"), ("EN", "Anglų kalba")],
    }.items():
        code_list, _ = CodeList.objects.get_or_create(code=list_code, defaults={"name_lt": list_code,
                                                                                 "name_en": list_code})
        for code, name in entries:
            items[(list_code, code)], _ = ClassifierItem.objects.get_or_create(
                code_list=code_list, code=code, defaults={"name_lt": name, "name_en": name})
    municipality, language = items[("municipality", "LT-57")], items[("language", "lt")]

    institution_codes, body = [], 30_000_000
    while len(institution_codes) < INSTITUTIONS:
        digit = legal_entity_check_digit(str(body))
        if digit is not None:
            institution_codes.append(f"{body}{digit}")
        body += 7
    institutions = bulk(Institution, [
        Institution(code=code, name=f"Bandomasis profesinio mokymo centras Nr. {n}",
                    type=items[("institution_type", "3210")], ownership=items[("ownership", "10")],
                    municipality=municipality, status="active", registered_on=datetime.date(2000, 9, 1),
                    status_since=datetime.date(2000, 9, 1))
        for n, code in enumerate(institution_codes)])

    kind = ProgrammeKind.objects.get(code="initial_vet")
    levels = rng.choice([2, 3, 4], size=n_offerings, p=[0.1, 0.3, 0.6])
    with_ge = rng.random(n_offerings) < 0.2
    programmes = bulk(Programme, [
        Programme(kind=kind, temp_code=f"BENCH-{n:06d}", state_code=f"P4{n:07d}",
                  provider=institutions[n % INSTITUTIONS], status="registered",
                  name_lt=f"Bandomoji programa {n}", name_en=f"Benchmark programme {n}", ltks_level=int(levels[n]),
                  isced_f=items[("isced_f", "0715")])
        for n in range(n_offerings)])
    versions = bulk(ProgrammeVersion, [
        ProgrammeVersion(programme=p, number=1, status="registered", name_lt=p.name_lt, name_en=p.name_en,
                         ltks_level=int(levels[n]), isced_f=items[("isced_f", "0715")],
                         with_general_education=bool(with_ge[n]), language=language, forms=["full_time"],
                         credits=90, valid_from=datetime.date(2025, 9, 1),
                         registered_on=datetime.date(2025, 6, 1))
        for n, p in enumerate(programmes)])
    for p, v in zip(programmes, versions, strict=True):
        p.current_version = v
    Programme.objects.bulk_update(programmes, ["current_version"], batch_size=BATCH)
    state_places = rng.integers(10, 41, size=n_offerings)
    paid_places = rng.integers(2, 16, size=n_offerings)
    offerings = bulk(Offering, [
        Offering(programme=p, version=v, institution=p.provider, municipality=municipality, year=2026,
                 start_date=datetime.date(2026, 9, 1), form="full_time", language=language,
                 state_funded_places=int(state_places[n]), paid_places=int(paid_places[n]))
        for n, (p, v) in enumerate(zip(programmes, versions, strict=True))])

    round_ = Round.objects.create(
        code="bench-2026-main", name_lt="Bandomasis 2026 m. pagrindinis priėmimas", name_en="Benchmark main round",
        kind="main", year=2026, status="closed", max_preferences=3, applications_open=datetime.date(2026, 6, 1),
        application_deadline=datetime.date(2026, 7, 15), results_date=datetime.date(2026, 7, 20),
        contract_deadline=datetime.date(2026, 7, 31), age_on=datetime.date(2026, 9, 1),
        lottery_seed="bench-seed")
    formulas = [
        ScoringFormula.objects.create(round=round_, code="general", name_lt="Bendroji", components=[
            {"type": "subject", "code": "LT", "weight": 0.4}, {"type": "subject", "code": "MAT", "weight": 0.4},
            {"type": "extra", "code": "work_experience", "weight": 1, "max": 2}], priorities=["orphan"]),
        ScoringFormula.objects.create(round=round_, code="technical", name_lt="Techninė", components=[
            {"type": "subject", "code": "MAT", "weight": 0.6}, {"type": "subject", "code": "LT", "weight": 0.2},
            {"type": "subject", "code": "EN", "weight": 0.2}], priorities=["orphan", "disability"]),
        ScoringFormula.objects.create(round=round_, code="languages", name_lt="Kalbų", components=[
            {"type": "subject", "code": "LT", "weight": 0.5}, {"type": "subject", "code": "EN", "weight": 0.5}],
            priorities=[]),
    ]
    offers = []
    for n, offering in enumerate(offerings):
        formula = formulas[n % len(formulas)]
        offers.append(Offer(round=round_, code=f"{offering.pk}-S", offering=offering, funding="state",
                            capacity=offering.state_funded_places, formula=formula))
        offers.append(Offer(round=round_, code=f"{offering.pk}-M", offering=offering, funding="paid",
                            capacity=offering.paid_places, formula=formula))
    offers = bulk(Offer, offers)

    # Persons aged 15-50 on 1 September 2026, most of them school leavers.
    ages = np.where(rng.random(n_applicants) < 0.8, rng.integers(15, 20, n_applicants),
                    rng.integers(20, 51, n_applicants))
    days = rng.integers(0, 365, n_applicants)
    persons, serials = [], {}
    for i in range(n_applicants):
        born = datetime.date(2026 - int(ages[i]) - 1, 9, 2) + datetime.timedelta(days=int(days[i]))
        sex = "M" if i % 2 else "F"
        serial = serials[(born, sex)] = serials.get((born, sex), -1) + 1
        persons.append(Person(personal_code=codes.make(born, sex, serial), first_name=f"Vardas{i}",
                              last_name=f"Pavardė{i}", birth_date=born, sex=items[("sex", sex)]))
    persons = bulk(Person, persons)

    education = rng.choice(["none", "basic", "secondary"], size=n_applicants, p=[0.03, 0.5, 0.47])
    prior = rng.choice(["none", "one_state", "two_or_more"], size=n_applicants, p=[0.85, 0.1, 0.05])
    scale = rng.choice([10, 5], size=n_applicants, p=[0.95, 0.05])
    submitted = datetime.datetime(2026, 7, 1, 12, tzinfo=datetime.UTC)
    applications = bulk(Application, [
        Application(round=round_, person=persons[i], status="submitted", education=str(education[i]),
                    prior_qualifications=str(prior[i]), grade_scale=int(scale[i]),
                    extras={"work_experience": int(rng.integers(0, 4))} if ages[i] > 20 else {},
                    priorities=["orphan"] if rng.random() < 0.02 else [], submitted_at=submitted)
        for i in range(n_applicants)])

    subjects = [items[("subject", c)] for c in ("LT", "MAT", "EN")]
    grades = []
    values = rng.integers(4, 11, size=(n_applicants, 3))
    for i, application in enumerate(applications):
        top = application.grade_scale
        for s, item in enumerate(subjects):
            value = int(values[i, s]) if top == 10 else max(1, int(values[i, s]) // 2)
            grades.append(Grade(application=application, subject=item, value=value))
    bulk(Grade, grades)

    # Popularity: a few offers are wanted by many (a Zipf-like weight), state places more than paid ones.
    weights = 1.0 / np.arange(1, len(offers) + 1) ** 0.7
    weights = weights[rng.permutation(len(offers))]
    weights *= np.array([3.0 if o.funding == "state" else 1.0 for o in offers])
    weights /= weights.sum()
    counts = rng.choice([1, 2, 3], size=n_applicants, p=[0.2, 0.3, 0.5])
    preferences = []
    for i, application in enumerate(applications):
        chosen = rng.choice(len(offers), size=int(counts[i]), replace=False, p=weights)
        for rank, index in enumerate(chosen.tolist(), start=1):
            preferences.append(Preference(application=application, rank=rank, offer=offers[index]))
    bulk(Preference, preferences)
    return round_, len(grades), len(preferences), len(offers), sum(o.capacity for o in offers)


def timed_run(round_) -> tuple:
    from django.db import connection

    from edureg.admission.services.runs import run_round_now

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = cursor.fetchone()[0]
    started, cpu, db_cpu = time.perf_counter(), time.process_time(), process_cpu(backend)

    def progress(percent: int, message: str) -> None:
        print(f"  {time.perf_counter() - started:6.2f} s {percent:3d}% {message}", flush=True)

    run = run_round_now(round_, actor=None, progress=progress)
    return (time.perf_counter() - started, time.process_time() - cpu,
            process_cpu(backend) - db_cpu if db_cpu is not None else None, run)


def process_cpu(pid: int) -> float | None:
    """CPU seconds (user + system) used so far by a local process (the PostgreSQL backend serving us), or None."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def check(round_, run) -> None:
    from edureg.admission.engine import allocation, roundfile
    from edureg.admission.models import ApplicationResult, Invitation
    from edureg.admission.services.runs import round_input

    started = time.perf_counter()
    data = round_input(round_, run=run)
    if roundfile.canonical_hash(data) != run.input_hash:
        raise SystemExit("the exported input does not hash to the run's input hash")
    parsed = roundfile.parse(data)
    result = roundfile.result(parsed, allocation.allocate(parsed.instance))
    stored = dict(ApplicationResult.objects.filter(run=run).values_list("public_id", "offer__code"))
    if result["assignments"] != stored:
        raise SystemExit("re-running the exported input does not give the stored assignments")
    invitations = Invitation.objects.filter(run=run).count()
    print(f"checked in {time.perf_counter() - started:.1f} s: export hash = input hash; re-run of the export gives "
          f"the stored assignments; {invitations} invitations")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--applicants", type=int, default=100_000)
    parser.add_argument("--offerings", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--rerun", action="store_true", help="time a second run as well")
    parser.add_argument("--keep", action="store_true", help="keep the database")
    args = parser.parse_args()

    url = os.environ.get("DATABASE_URL") or DEFAULT_URL
    if not url.startswith(("postgres://", "postgresql://")):
        raise SystemExit("this benchmark runs on PostgreSQL: set DATABASE_URL=postgres://...")
    prepare_environment(url)
    recreate_postgres(url)
    try:
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection

        started = time.perf_counter()
        call_command("migrate", verbosity=0)
        print(f"database: {connection.vendor} {connection.settings_dict['NAME']}; migrated in "
              f"{time.perf_counter() - started:.1f} s")
        started = time.perf_counter()
        round_, grades, preferences, offers, places = populate(args.applicants, args.offerings, args.seed)
        print(f"setup: {args.applicants} applications, {grades} grades, {preferences} preferences, {offers} offers "
              f"({args.offerings} offerings × 2 fundings), {places} places in {time.perf_counter() - started:.1f} s")
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # fresh statistics, as a database in use would have
        print(f"load average before the run: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")

        runs = [timed_run(round_)]
        if args.rerun:
            runs.append(timed_run(round_))
        for seconds, cpu, db_cpu, run in runs:
            steps = ", ".join(f"{k} {v:.2f}" for k, v in run.timings.items() if k != "total")
            db = f", {db_cpu:.2f} s CPU in the database backend" if db_cpu is not None else ""
            print(f"run #{run.number}: {seconds:.2f} s wall, {cpu:.2f} s CPU in this process{db} (run's total "
                  f"{run.timings['total']:.2f} s) — {steps}")
            summary = run.summary
            print(f"  {summary['applications']} applications, {summary['preferences']} preferences "
                  f"({summary['eligible_preferences']} eligible), {summary['invited']} invited "
                  f"(by rank {summary['invited_by_rank']}), {summary['full_offers']}/{summary['offers']} offers full")
        check(round_, runs[-1][3])
        print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    finally:
        from django.db import connections

        connections.close_all()
        if not args.keep:
            recreate_postgres(url, drop_only=True)


if __name__ == "__main__":
    main()
