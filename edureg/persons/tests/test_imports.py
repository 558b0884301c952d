import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import translation

from edureg.classifiers.tests.factories import item
from edureg.core.models import ObjectChange
from edureg.core.testing.imports import csv_bytes, errors_of, run
from edureg.learners.tests.factories import EnrolmentFactory
from edureg.persons import codes
from edureg.persons.models import Person
from edureg.persons.tests.factories import PersonFactory

D = datetime.date
HEADER = ["Asmens kodas", "Vardas", "Pavardė", "Gimimo data", "Lytis"]


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def test_creates_persons_and_derives_birth_date_and_sex(world):
    code_f = codes.make(D(2012, 3, 4), "F", 11)
    code_m = codes.make(D(2011, 5, 6), "M", 12)
    data = csv_bytes(HEADER, [[code_f, "Ona", "Onaitė", "2012-03-04", "F"], [code_m, "Jonas", "Jonaitis", "", ""]])
    report = run("persons", data, actor=world.user("institution_officer"))
    assert errors_of(report) == [] and report.created == 2
    jonas = Person.objects.get(personal_code=code_m)
    assert (jonas.birth_date, jonas.sex.code, jonas.first_name) == (D(2011, 5, 6), "M", "Jonas")
    records = ObjectChange.objects.filter(content_type=ContentType.objects.get_for_model(Person), source="import")
    assert records.count() == 2 and {r.user_name for r in records} == {"institution_officer"}


def test_personal_code_rules_as_in_the_model(world):
    code = codes.make(D(2012, 3, 4), "F", 21)
    bad = code[:10] + str((int(code[10]) + 1) % 10)
    data = csv_bytes(HEADER, [[code, "Ona", "Onaitė", "2012-03-05", "F"],  # birth date mismatch
                              [codes.make(D(2012, 3, 4), "F", 22), "Eglė", "Eglaitė", "", "M"],  # sex mismatch
                              [bad, "Rūta", "Rūtaitė", "", ""],
                              ["", "Be", "Kodo", "2012-03-04", "F"]])
    report = run("persons", data)
    assert errors_of(report) == [
        (2, "Gimimo data", "The birth date does not match the personal code (2012-03-04)."),
        (3, "Lytis", "The sex does not match the personal code."),
        (4, "Asmens kodas", "The check digit of the personal code is wrong."),
        (5, "Asmens kodas", "Enter a personal code, or another identifier for people without one."),
    ]
    assert not Person.objects.filter(last_name__in=["Onaitė", "Eglaitė", "Rūtaitė", "Kodo"]).exists()


def test_other_identifiers(world):
    item("sex", "M")
    holder = PersonFactory(personal_code=None, other_id="X1", other_id_country="LV", birth_date=D(2010, 1, 1))
    header = ["Asmens kodas", "Kitas identifikatorius", "Išdavusi šalis", "Vardas", "Pavardė", "Gimimo data", "Lytis"]
    new_code = codes.make(D(2011, 1, 1), "M", 31)
    data = csv_bytes(header, [["", "P-77", "ua", "Ivan", "Petrenko", "2011-01-01", "M"],
                              ["", "P-78", "", "Olga", "Petrenko", "2011-01-01", "F"],
                              [new_code, "X1", "LV", "Kitas", "Žmogus", "", ""],
                              ["", "X1", "lv", "Jānis", "Bērziņš", "2010-01-01", "M"],
                              ["", "P-77", "UA", "Ivan", "Petrenko", "2011-01-01", "M"]])
    report = run("persons", data, skip_bad_rows=True)
    assert errors_of(report) == [
        (3, "Išdavusi šalis", "Name the country that issued the identifier."),
        (4, "Kitas identifikatorius", "Another person in the register has this identifier."),
        (6, "", "Row 2 already has the same person (personal code or other identifier)."),
    ]
    assert (report.created, report.updated) == (1, 1)
    holder.refresh_from_db()
    assert (holder.first_name, holder.sex.code) == ("Jānis", "M")
    assert Person.objects.get(other_id="P-77").other_id_country == "UA"


def test_update_only_within_scope(world):
    """An institution officer may update their learners, not other people."""
    mine = PersonFactory(birth_date=D(2012, 1, 1))
    EnrolmentFactory(person=mine, institution=world.a1)
    other = PersonFactory(birth_date=D(2012, 1, 2))
    EnrolmentFactory(person=other, institution=world.b1)
    data = csv_bytes(["Asmens kodas", "El. paštas"], [[mine.personal_code, "a@example.lt"],
                                                      [other.personal_code, "b@example.lt"]])
    report = run("persons", data, actor=world.user("institution_officer"), skip_bad_rows=True)
    assert errors_of(report) == [(3, "", "This person exists but is outside the part of the register you may change.")]
    mine.refresh_from_db()
    other.refresh_from_db()
    assert (mine.email, other.email) == ("a@example.lt", "")


def test_bad_email(world):
    code = codes.make(D(2012, 3, 4), "F", 41)
    data = csv_bytes([*HEADER, "El. paštas"], [[code, "Ona", "Onaitė", "", "", "ne-adresas"]])
    report = run("persons", data)
    assert [(r, c) for r, c, _m in errors_of(report)] == [(2, "El. paštas")]


def test_new_person_needs_names(world):
    code = codes.make(D(2012, 3, 4), "F", 51)
    report = run("persons", csv_bytes(["Asmens kodas"], [[code]]))
    assert {(r, c) for r, c, _m in errors_of(report)} == {(2, "First name"), (2, "Last name")}
