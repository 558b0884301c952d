import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import translation

from edureg.classifiers.tests.factories import ClassifierItemFactory, CodeListFactory, item
from edureg.core.models import ObjectChange
from edureg.core.testing.imports import csv_bytes, errors_of, run, xlsx_bytes
from edureg.institutions.tests.factories import legal_entity_code
from edureg.learners.models import Enrolment
from edureg.learners.tests.factories import EnrolmentFactory
from edureg.persons import codes
from edureg.persons.tests.factories import PersonFactory

HEADER = ["Asmens kodas", "Įstaigos kodas", "Pradžios data", "Klasė", "Klasė ar grupė", "Pabaigos data",
          "Pabaigos priežastis"]
D = datetime.date


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def learners(world):
    return [PersonFactory(birth_date=D(2012, 1, 1) + datetime.timedelta(days=i)) for i in range(4)]


def changes(**filters):
    return ObjectChange.objects.filter(content_type=ContentType.objects.get_for_model(Enrolment), **filters)


def test_creates_enrolments_with_change_records(world, learners):
    p1, p2 = learners[:2]
    data = csv_bytes(HEADER, [[p1.personal_code, world.a1.code, "2025-09-01", 5, "5a", "", ""],
                              [p2.personal_code, world.a1.code, "2025.09.01", 6, "6b", "2026.06.30", "10"]])
    report = run("enrolments", data, actor=world.user("agency_admin"))
    assert errors_of(report) == []
    assert (report.created, report.updated, report.written) == (2, 0, True)
    e1 = Enrolment.objects.get(person=p1)
    assert (e1.institution, e1.start_date, e1.grade, e1.group, e1.kind, e1.is_main, e1.school_year) == (
        world.a1, D(2025, 9, 1), 5, "5a", "general", True, 2025)
    e2 = Enrolment.objects.get(person=p2)
    assert (e2.end_date, e2.end_reason.code) == (D(2026, 6, 30), "10")
    records = changes(source="import")
    assert records.count() == 2
    assert {r.object_id for r in records} == {str(e1.pk), str(e2.pk)}
    assert {(r.action, r.user_name, r.job_id) for r in records} == {("create", "agency_admin", report.job_id)}
    assert records.get(object_id=str(e2.pk)).postchange_data["end_date"] == "2026-06-30"


def test_system_actor_when_none_is_given(world, learners):
    data = csv_bytes(HEADER[:3], [[learners[0].personal_code, world.a1.code, "2025-09-01"]])
    report = run("enrolments", data)
    assert report.written
    record = changes(source="import").get()
    assert (record.user_id, record.user_name, record.job_id) == (None, "system", report.job_id)


@pytest.mark.parametrize("fmt", ["semicolon", "comma", "bom", "cp1257", "xlsx", "english"])
def test_formats(world, learners, fmt):
    p1, p2 = learners[:2]
    rows = [[p1.personal_code, world.a1.code, "2025-09-01", 5, "5ą", "", ""],
            [p2.personal_code, world.a1.code, "2025.09.01", 5, "5č", "2026.06.30", "10"]]
    if fmt == "semicolon":
        data = csv_bytes(HEADER, rows)
    elif fmt == "comma":
        data = csv_bytes(HEADER, rows, delimiter=",")
    elif fmt == "bom":
        data = csv_bytes(HEADER, rows, bom=True)
    elif fmt == "cp1257":
        data = csv_bytes(HEADER, rows, encoding="cp1257")
    elif fmt == "english":
        data = csv_bytes(["Personal code", "Institution code", "Start date", "Grade", "Class or group", "End date",
                          "End reason"], rows, delimiter=",")
    else:
        rows[0][2] = datetime.datetime(2025, 9, 1)  # a date cell
        rows[1][0] = int(rows[1][0])  # a personal code typed as a number
        data = xlsx_bytes(HEADER, rows)
    report = run("enrolments", data, actor=world.user("institution_officer"))
    assert errors_of(report) == [] and report.created == 2 and report.written
    assert sorted(Enrolment.objects.values_list("group", flat=True)) == ["5ą", "5č"]
    assert Enrolment.objects.get(person=p2).end_date == D(2026, 6, 30)


def test_existing_key_updates_the_enrolment(world, learners):
    enrolment = EnrolmentFactory(person=learners[0], institution=world.a1, start_date=D(2025, 9, 1), group="5a")
    data = csv_bytes(HEADER, [[learners[0].personal_code, world.a1.code, "2025-09-01", 5, "5a", "2026-01-31", "20"]])
    report = run("enrolments", data, actor=world.user("institution_officer"))
    assert errors_of(report) == [] and (report.created, report.updated) == (0, 1)
    enrolment.refresh_from_db()
    assert (enrolment.end_date, enrolment.end_reason.code) == (D(2026, 1, 31), "20")
    record = changes(source="import").get()
    assert record.action == "update" and record.object_id == str(enrolment.pk)
    assert record.prechange_data["end_date"] is None and record.postchange_data["end_date"] == "2026-01-31"
    # The same file again changes nothing and writes no change record.
    again = run("enrolments", data, actor=world.user("institution_officer"))
    assert (again.updated, again.unchanged, again.written) == (0, 1, False)
    assert changes(source="import").count() == 1


def test_columns_left_out_keep_their_values(world, learners):
    enrolment = EnrolmentFactory(person=learners[0], institution=world.a1, start_date=D(2025, 9, 1), group="5a",
                                 grade=5)
    data = csv_bytes(["Asmens kodas", "Įstaigos kodas", "Pradžios data", "Klasė"],
                     [[learners[0].personal_code, world.a1.code, "2025-09-01", 6]])
    assert run("enrolments", data).updated == 1
    enrolment.refresh_from_db()
    assert (enrolment.grade, enrolment.group) == (6, "5a")


def test_school_year_and_kind(world, learners):
    header = ["Asmens kodas", "Įstaigos kodas", "Pradžios data", "Mokslo metai", "Švietimo rūšis", "Pagrindinis"]
    data = csv_bytes(header, [[learners[0].personal_code, world.a1.code, "2026-01-10", "", "", ""],
                              [learners[1].personal_code, world.a1.code, "2025-09-01", "2025–2026", "vet", "ne"]])
    report = run("enrolments", data)
    assert errors_of(report) == []
    assert Enrolment.objects.get(person=learners[0]).school_year == 2025  # from the start date
    second = Enrolment.objects.get(person=learners[1])
    assert (second.school_year, second.kind, second.is_main) == (2025, "vet", False)


class TestRowErrors:
    """Every bad input is reported with its row and column, and nothing is written."""

    def check(self, world, rows, expected, header=HEADER, actor="agency_admin"):
        report = run("enrolments", csv_bytes(header, rows), actor=world.user(actor) if actor else None)
        assert not report.written
        assert Enrolment.objects.filter(start_date__gte=D(2025, 1, 1)).count() == self.before
        found = errors_of(report)
        for row, column, text in expected:
            assert any(r == row and c == column and text in m for r, c, m in found), (row, column, text, found)
        return report

    @pytest.fixture(autouse=True)
    def _count(self, db):
        self.before = 0

    def test_unknown_classifier_code(self, world, learners):
        self.check(world, [[learners[0].personal_code, world.a1.code, "2025-09-01", 5, "", "2026-06-30", "99"]],
                   [(2, "Pabaigos priežastis", 'Unknown code "99"')])

    def test_code_not_valid_on_the_record_date(self, world, learners):
        ClassifierItemFactory(code_list=CodeListFactory(code="isced_level"), code="0", valid_to=D(2020, 12, 31))
        data = [[learners[0].personal_code, world.a1.code, "2025-09-01", "0"]]
        self.check(world, data, [(2, "ISCED lygis", "not valid on 2025-09-01")],
                   header=["Asmens kodas", "Įstaigos kodas", "Pradžios data", "ISCED lygis"])

    def test_bad_legal_entity_codes(self, world, learners):
        wrong_digit = world.a1.code[:8] + str((int(world.a1.code[8]) + 1) % 10)
        unknown = legal_entity_code(7_000_001)
        self.check(world, [[learners[0].personal_code, wrong_digit, "2025-09-01", 5, "", "", ""],
                           [learners[1].personal_code, "12345", "2025-09-01", 5, "", "", ""],
                           [learners[2].personal_code, unknown, "2025-09-01", 5, "", "", ""]],
                   [(2, "Įstaigos kodas", "check digit"), (3, "Įstaigos kodas", "exactly 9 digits"),
                    (4, "Įstaigos kodas", f"No institution with the legal-entity code {unknown}")])

    def test_bad_and_unknown_personal_codes(self, world, learners):
        unknown = codes.make(D(2011, 2, 3), "M", 998)
        bad = learners[0].personal_code[:10] + str((int(learners[0].personal_code[10]) + 1) % 10)
        report = self.check(world, [[bad, world.a1.code, "2025-09-01", 5, "", "", ""],
                                    ["1234", world.a1.code, "2025-09-01", 5, "", "", ""],
                                    [unknown, world.a1.code, "2025-09-01", 5, "", "", ""],
                                    ["", world.a1.code, "2025-09-01", 5, "", "", ""]],
                            [(2, "Asmens kodas", "check digit"), (3, "Asmens kodas", "11 digits"),
                             (4, "Asmens kodas", "not in the person register"),
                             (5, "Asmens kodas", "Enter a personal code")])
        # Messages never repeat a personal code.
        assert not any(unknown in e.message or bad in e.message for e in report.errors)

    def test_bad_dates(self, world, learners):
        self.check(world, [[learners[0].personal_code, world.a1.code, "01.09.2025", 5, "", "", ""],
                           [learners[1].personal_code, world.a1.code, "2025-02-30", 5, "", "", ""],
                           [learners[2].personal_code, world.a1.code, "", 5, "", "", ""]],
                   [(2, "Pradžios data", "2026-09-01 or 2026.09.01"), (3, "Pradžios data", "not a valid date"),
                    (4, "Pradžios data", "A value is required")])

    def test_end_before_start_and_reason_rules(self, world, learners):
        self.check(world, [[learners[0].personal_code, world.a1.code, "2025-09-01", 5, "", "2025-08-01", "10"],
                           [learners[1].personal_code, world.a1.code, "2025-09-01", 5, "", "2026-06-30", ""],
                           [learners[2].personal_code, world.a1.code, "2025-09-01", 5, "", "", "10"]],
                   [(2, "Pabaigos data", "cannot be before the start date"),
                    (3, "Pabaigos priežastis", "needs an end reason"), (4, "Pabaigos data", "needs an end date")])

    def test_overlap_within_the_file(self, world, learners):
        p = learners[0].personal_code
        report = self.check(world, [[p, world.a1.code, "2025-09-01", 5, "", "", ""],
                                    [p, world.a2.code, "2026-01-01", 5, "", "", ""]],
                            [(3, "Pradžios data", "overlaps the one in row 2")])
        assert report.bad_rows == 1

    def test_overlap_with_the_register(self, world, learners):
        EnrolmentFactory(person=learners[0], institution=world.a2, start_date=D(2024, 9, 1))
        self.before = 0
        self.check(world, [[learners[0].personal_code, world.a1.code, "2025-09-01", 5, "", "", ""]],
                   [(2, "Pradžios data", "already has a main general-education enrolment at A2 progimnazija "
                                          "from 2024-09-01")])

    def test_overlap_at_a_school_the_officer_may_not_see(self, world, learners):
        EnrolmentFactory(person=learners[0], institution=world.b1, start_date=D(2024, 9, 1))
        report = self.check(world, [[learners[0].personal_code, world.a1.code, "2025-09-01", 5, "", "", ""]],
                            [(2, "Pradžios data", "main general-education enrolment at another institution")],
                            actor="institution_officer")
        assert "B1" not in str(errors_of(report))

    def test_duplicate_rows(self, world, learners):
        row = [learners[0].personal_code, world.a1.code, "2025-09-01", 5, "", "", ""]
        self.check(world, [row, row], [(3, "", "Row 2 already has the same learner, institution, start date")])

    def test_row_for_another_institution_by_an_institution_officer(self, world, learners):
        self.check(world, [[learners[0].personal_code, world.b1.code, "2025-09-01", 5, "", "", ""]],
                   [(2, "Įstaigos kodas", "You may not add enrolments at B1 gimnazija")], actor="institution_officer")

    def test_changing_an_enrolment_of_another_institution(self, world, learners):
        EnrolmentFactory(person=learners[0], institution=world.a2, start_date=D(2025, 9, 1), group="5a")
        self.before = 1
        self.check(world, [[learners[0].personal_code, world.a2.code, "2025-09-01", 5, "5b", "", ""]],
                   [(2, "", "outside the part of the register you may change")], actor="institution_officer")
        assert Enrolment.objects.get().group == "5a"

    def test_too_many_cells(self, world, learners):
        self.check(world, [[learners[0].personal_code, world.a1.code, "2025-09-01", 5, "", "", "", "extra"]],
                   [(2, "", "8 cells but the header has 7")])

    def test_unknown_branch(self, world, learners):
        self.check(world, [[learners[0].personal_code, world.a1.code, "2025-09-01", "S-1"]],
                   [(2, "Skyriaus kodas", "has no branch with the code S-1")],
                   header=["Asmens kodas", "Įstaigos kodas", "Pradžios data", "Skyriaus kodas"])


def test_the_file_may_end_the_enrolment_it_overlaps(world, learners):
    """A transfer in one file: the row ending the old enrolment counts, not the register's version."""
    old = EnrolmentFactory(person=learners[0], institution=world.a2, start_date=D(2024, 9, 1))
    p = learners[0].personal_code
    data = csv_bytes(HEADER, [[p, world.a2.code, "2024-09-01", 5, "", "2025-08-31", "20"],
                              [p, world.a1.code, "2025-09-01", 6, "", "", ""]])
    report = run("enrolments", data)
    assert errors_of(report) == [] and (report.created, report.updated) == (1, 1)
    old.refresh_from_db()
    assert old.end_date == D(2025, 8, 31)


def test_other_kinds_may_overlap(world, learners):
    EnrolmentFactory(person=learners[0], institution=world.a2, start_date=D(2024, 9, 1))
    data = csv_bytes(["Asmens kodas", "Įstaigos kodas", "Pradžios data", "Švietimo rūšis"],
                     [[learners[0].personal_code, world.a1.code, "2025-09-01", "non_formal"]])
    assert run("enrolments", data).written


def test_file_errors(world, learners):
    missing = run("enrolments", csv_bytes(["Asmens kodas", "Pradžios data"],
                                          [[learners[0].personal_code, "2025-09-01"]]))
    assert errors_of(missing) == [(None, "", 'The required column "Įstaigos kodas" ("Institution code") is missing.')]
    unknown = run("enrolments", csv_bytes([*HEADER, "Pastabos"], [[learners[0].personal_code]]))
    assert len(unknown.errors) == 1 and 'Unknown column "Pastabos" (column 8)' in unknown.errors[0].message
    assert not Enrolment.objects.exists()


def test_a_role_without_enrolment_permissions_may_not_import(world, learners):
    data = csv_bytes(HEADER[:3], [[learners[0].personal_code, world.a1.code, "2025-09-01"]])
    report = run("enrolments", data, actor=world.user("municipality_officer"))
    assert errors_of(report) == [(None, "", "You may not import enrolments.")]


class TestHalfValidFile:
    @pytest.fixture
    def data(self, world, learners):
        return csv_bytes(HEADER, [[learners[0].personal_code, world.a1.code, "2025-09-01", 5, "", "", ""],
                                  [learners[1].personal_code, world.a1.code, "2025-09-01", 5, "", "2025-01-01", "10"],
                                  [learners[2].personal_code, world.a1.code, "2025-09-01", 5, "", "", ""]])

    def test_all_or_nothing_writes_nothing(self, world, data):
        report = run("enrolments", data, actor=world.user("institution_officer"))
        assert (report.created, report.bad_rows, report.written) == (2, 1, False)
        assert report.nothing_imported_due_to_errors
        assert not Enrolment.objects.exists() and not changes().exists()

    def test_skip_mode_writes_only_the_good_rows(self, world, learners, data):
        report = run("enrolments", data, actor=world.user("institution_officer"), skip_bad_rows=True)
        assert (report.created, report.bad_rows, report.written) == (2, 1, True)
        assert set(Enrolment.objects.values_list("person", flat=True)) == {learners[0].pk, learners[2].pk}
        assert changes(source="import", action="create").count() == 2

    def test_dry_run_writes_nothing(self, world, data):
        for skip in (False, True):
            report = run("enrolments", data, dry_run=True, skip_bad_rows=skip)
            assert (report.created, report.bad_rows, report.written, report.dry_run) == (2, 1, False, True)
        assert not Enrolment.objects.exists() and not changes().exists()


def test_classifier_codes_resolve_to_the_version_valid_on_the_date(world, learners):
    isced = CodeListFactory(code="isced_level")
    old = ClassifierItemFactory(code_list=isced, code="1", valid_to=D(2024, 12, 31))
    new = ClassifierItemFactory(code_list=isced, code="1", valid_from=D(2025, 1, 1))
    header = ["Asmens kodas", "Įstaigos kodas", "Pradžios data", "ISCED lygis"]
    data = csv_bytes(header, [[learners[0].personal_code, world.a1.code, "2024-09-01", "1"],
                              [learners[1].personal_code, world.a1.code, "2025-09-01", "1"]])
    assert run("enrolments", data).written
    assert Enrolment.objects.get(person=learners[0]).isced_level == old
    assert Enrolment.objects.get(person=learners[1]).isced_level == new


def test_other_identifier(world):
    foreigner = PersonFactory(personal_code=None, other_id="P1234567", other_id_country="UA",
                              birth_date=D(2011, 5, 5))
    item("sex", "M")
    header = ["Kitas identifikatorius", "Išdavusi šalis", "Įstaigos kodas", "Pradžios data"]
    data = csv_bytes(header, [["P1234567", "ua", world.a1.code, "2025-09-01"], ["P1234567", "", world.a1.code,
                                                                                 "2025-09-01"]])
    report = run("enrolments", data, skip_bad_rows=True)
    assert errors_of(report) == [(3, "Išdavusi šalis", "Name the country that issued the identifier.")]
    assert Enrolment.objects.get().person == foreigner


def test_a_larger_file_and_its_change_records(world, monkeypatch):
    """Enough rows for the batched paths (change records are copied in bulk on PostgreSQL)."""
    from django.db import connection

    from edureg.core.audit import registry

    copied = []
    original = registry._copy_changes
    monkeypatch.setattr(registry, "_copy_changes", lambda rows: copied.append(original(rows)) or copied[-1])
    people = PersonFactory.create_batch(150, birth_date=D(2013, 4, 4))
    people[0].first_name = "Back\\slash\tTab"  # characters that COPY's text format escapes
    people[0].save()
    data = csv_bytes(HEADER, [[p.personal_code, world.a1.code, "2025-09-01", 5, f"5{i % 3}\\ą", "", ""]
                              for i, p in enumerate(people)])
    report = run("enrolments", data, actor=world.user("institution_officer"))
    assert copied == [connection.vendor == "postgresql"]
    assert report.written and report.created == 150
    records = {r.object_id: r for r in changes(source="import")}
    assert len(records) == 150
    for enrolment in Enrolment.objects.select_related("person", "institution"):
        record = records[str(enrolment.pk)]
        assert (record.action, record.user_name, record.job_id, record.seq) == (
            "create", "institution_officer", report.job_id, None)
        assert record.user_id == world.user("institution_officer").pk
        assert record.object_repr == str(enrolment)
        assert record.postchange_data["group"] == enrolment.group
        assert record.postchange_data["start_date"] == "2025-09-01" and record.prechange_data is None
