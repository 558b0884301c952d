import datetime
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import translation

from edureg.classifiers.tests.factories import item
from edureg.core.models import ObjectChange
from edureg.core.testing.imports import csv_bytes, errors_of, run
from edureg.pedagogues.models import Employment
from edureg.persons.tests.factories import PersonFactory

D = datetime.date
HEADER = ["Asmens kodas", "Įstaigos kodas", "Pareigos", "Dalykai", "Krūvis", "Pradžios data"]


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def teacher(world):
    item("position", "10", "Mokytojas")
    for code in ("MAT", "LIT", "ANG"):
        item("subject", code)
    return PersonFactory(birth_date=D(1980, 2, 2))


def test_employments_with_subjects(world, teacher):
    data = csv_bytes(HEADER, [[teacher.personal_code, world.a1.code, "10", "MAT, LIT", "0,75", "2024-09-01"]])
    report = run("employments", data, actor=world.user("institution_officer"))
    assert errors_of(report) == [] and report.created == 1
    employment = Employment.objects.get()
    assert employment.workload == Decimal("0.75")
    assert sorted(employment.subjects.values_list("code", flat=True)) == ["LIT", "MAT"]
    record = ObjectChange.objects.get(content_type=ContentType.objects.get_for_model(Employment), source="import")
    assert len(record.postchange_data["subjects"]) == 2
    # Same key: the subjects change, nothing else.
    data = csv_bytes(HEADER, [[teacher.personal_code, world.a1.code, "10", "ANG", "0.75", "2024.09.01"]])
    report = run("employments", data, actor=world.user("institution_officer"))
    assert (report.created, report.updated) == (0, 1)
    assert list(employment.subjects.values_list("code", flat=True)) == ["ANG"]
    update = ObjectChange.objects.filter(source="import", action="update").get()
    assert len(update.prechange_data["subjects"]) == 2 and len(update.postchange_data["subjects"]) == 1


def test_employment_errors(world, teacher):
    data = csv_bytes(HEADER, [[teacher.personal_code, world.a1.code, "10", "FIZ", "1", "2024-09-01"],
                              [teacher.personal_code, world.a1.code, "10", "", "3", "2024-09-02"],
                              [teacher.personal_code, world.a1.code, "77", "", "1", "2024-09-03"],
                              [teacher.personal_code, world.b1.code, "10", "", "1", "2024-09-04"]])
    report = run("employments", data, actor=world.user("institution_officer"))
    found = errors_of(report)
    assert found[0] == (2, "Dalykai", 'Unknown code "FIZ" (list subject).')
    assert found[1][:2] == (3, "Krūvis")
    assert found[2] == (4, "Pareigos", 'Unknown code "77" (list position).')
    assert found[3][:2] == (5, "Įstaigos kodas") and "not one of your institutions" in found[3][2]
    assert not Employment.objects.exists()
