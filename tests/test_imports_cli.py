"""`edureg import <register> FILE`: output, exit codes, options."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from edureg.cli import main
from edureg.core.models import ObjectChange
from edureg.core.testing.imports import csv_bytes
from edureg.learners.models import Enrolment
from edureg.persons.tests.factories import PersonFactory

D = datetime.date
HEADER = ["Asmens kodas", "Įstaigos kodas", "Pradžios data", "Pabaigos data", "Pabaigos priežastis"]


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def files(world, tmp_path):
    people = [PersonFactory(birth_date=D(2012, 1, 1) + datetime.timedelta(days=i)) for i in range(3)]
    good = tmp_path / "good.csv"
    good.write_bytes(csv_bytes(HEADER, [[p.personal_code, world.a1.code, "2025-09-01", "", ""] for p in people[:2]]))
    half = tmp_path / "half.csv"
    half.write_bytes(csv_bytes(HEADER, [[people[0].personal_code, world.a1.code, "2025-09-01", "", ""],
                                        [people[1].personal_code, world.a1.code, "2025-09-01", "2025-01-01", "10"],
                                        [people[2].personal_code, world.b1.code, "2025-09-01", "", ""]]))
    return {"good": str(good), "half": str(half), "people": people}


def run_command(*args):
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import", *args, stdout=out, stderr=err)
    except CommandError as exc:
        return exc.returncode, out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


def test_imports_a_good_file(files):
    code, out, err = run_command("enrolments", files["good"])
    assert code == 0
    assert "enrolments: 2 rows, 2 new, 0 updated, 0 unchanged, 0 bad rows; written" in out
    assert "rows/s" in out
    assert "checking" in err and "writing" in err  # the progress bars
    assert Enrolment.objects.count() == 2
    assert set(ObjectChange.objects.filter(source="import").values_list("user_name", flat=True)) == {"system"}


def test_errors_are_listed_and_nothing_is_written(files):
    code, out, _err = run_command("enrolments", files["half"], "--no-progress")
    assert code == 1
    assert "row 3, Pabaigos data: The end date cannot be before the start date." in out
    assert "nothing written" in out
    assert not Enrolment.objects.exists()


def test_skip_bad_rows(files):
    code, out, _err = run_command("enrolments", files["half"], "--skip-bad-rows", "--no-progress")
    assert code == 0 and "row 3, Pabaigos data" in out and "2 new" in out  # the system actor: any institution
    assert set(Enrolment.objects.values_list("person", flat=True)) == {files["people"][0].pk, files["people"][2].pk}


def test_dry_run(files):
    code, out, _err = run_command("enrolments", files["good"], "--dry-run", "--no-progress")
    assert code == 0 and "dry run: nothing written" in out and "2 new" in out
    assert not Enrolment.objects.exists()
    code, _out, _err = run_command("enrolments", files["half"], "--dry-run", "--no-progress")
    assert code == 1


def test_actor_names_the_change_records_and_limits_the_scope(files):
    code, out, _err = run_command("enrolments", files["half"], "--actor", "institution_officer", "--skip-bad-rows",
                                  "--no-progress")
    assert code == 0
    assert "row 4, Įstaigos kodas: You may not add enrolments at B1 gimnazija" in out
    assert set(ObjectChange.objects.filter(source="import").values_list("user_name", flat=True)) == {
        "institution_officer"}
    code, _out, _err = run_command("enrolments", files["good"], "--actor", "nobody", "--no-progress")
    assert code == 1


def test_file_errors(files, tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    code, out, _err = run_command("persons", str(empty), "--no-progress")
    assert code == 1 and "The file is empty." in out


def test_the_console_script_exit_code(files, monkeypatch):
    # run_from_argv closes the database connections when it ends, which would end the test's transaction.
    monkeypatch.setattr("django.core.management.base.connections.close_all", lambda: None)
    with pytest.raises(SystemExit) as exit_info:
        main(["import", "enrolments", files["half"], "--no-progress"])
    assert exit_info.value.code == 1
    main(["import", "enrolments", files["good"], "--no-progress"])  # returns: exit code 0
    assert Enrolment.objects.count() == 2
