"""The grades import (`edureg import grades FILE`, the back-office import page): rows name an application by number or
the applicant's personal code; every error names its row and column; all or nothing, or bad applications left out;
writes go through the services with their change records."""

import datetime
import io
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from edureg.accounts.tests.factories import MembershipFactory, UserFactory
from edureg.admission.imports import GradeImporter
from edureg.admission.models import Grade
from edureg.admission.services.applications import create_application, set_grades
from edureg.admission.tests.conftest import accepting_round, applicant_user
from edureg.admission.tests.factories import ScoringFormulaFactory
from edureg.core.imports.engine import run_import
from edureg.core.imports.registry import importers
from edureg.core.models import ObjectChange
from edureg.core.testing.imports import csv_bytes, xlsx_bytes
from edureg.institutions.tests.factories import InstitutionFactory
from edureg.persons import codes
from edureg.persons.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

HEADER = ["Prašymas", "Dalykas", "Pažymys"]
EN_HEADER = ["Application", "Subject", "Grade", "Grade scale"]


@pytest.fixture
def round_(subjects):
    round_ = accepting_round(code="main-open")
    ScoringFormulaFactory(round=round_)
    return round_


@pytest.fixture
def ona(round_):
    return create_application(round_, person=PersonFactory(), actor=None)


@pytest.fixture
def jonas(round_):
    return create_application(round_, person=PersonFactory(), actor=None)


def grades_of(application):
    return dict(application.grades.values_list("subject__code", "value"))


def run(data, **options):
    return run_import(GradeImporter, data, **options)


def errors(report):
    return [str(e) for e in report.errors]


def test_the_importer_is_registered():
    assert importers()["grades"] is GradeImporter


def test_grades_by_number_and_by_personal_code(ona, jonas):
    set_grades(ona, {"EN": 7}, actor=None)
    data = csv_bytes(HEADER, [[ona.number, "LT", "9"], [ona.number, "mat", "7,5"],
                              [jonas.person.personal_code, "LT", "10"]])
    report = run(data)
    assert report.ok and report.written, errors(report)
    assert (report.total, report.created, report.updated, report.unchanged) == (3, 3, 0, 0)
    assert grades_of(ona) == {"EN": Decimal("7.00"), "LT": Decimal("9.00"), "MAT": Decimal("7.50")}  # EN kept
    assert grades_of(jonas) == {"LT": Decimal("10.00")}
    records = ObjectChange.objects.filter(content_type=ContentType.objects.get_for_model(Grade), action="create",
                                          source="import")
    assert records.count() == 3 and set(records.values_list("job_id", flat=True)) == {report.job_id}
    again = run(csv_bytes(HEADER, [["p-12345678", "LT", "9"]]))  # no such application
    assert not again.written
    report = run(csv_bytes(HEADER, [[ona.number, "LT", "9"], [ona.number, "MAT", "8"]]))
    assert (report.created, report.updated, report.unchanged, report.written) == (0, 1, 1, True)
    assert grades_of(ona)["MAT"] == Decimal("8.00")


def test_the_scale_column_sets_the_applications_scale(ona):
    set_grades(ona, {"LT": 4}, actor=None)
    report = run(csv_bytes(EN_HEADER, [[ona.number, "LT", "4", "5"], [ona.number, "MAT", "5", "5"]]))
    assert report.written, errors(report)
    ona.refresh_from_db()
    assert ona.grade_scale == 5 and grades_of(ona) == {"LT": Decimal("4.00"), "MAT": Decimal("5.00")}
    assert report.updated == 1 and report.created == 1  # LT's meaning changed with the scale
    report = run(csv_bytes(EN_HEADER, [[ona.number, "LT", "9", "10"]]))
    ona.refresh_from_db()
    assert report.written and ona.grade_scale == 10 and grades_of(ona)["LT"] == Decimal("9.00")


def test_every_error_names_its_row_and_column(ona, jonas, round_):
    bad_code = codes.make(datetime.date(2010, 5, 5), "F", 12)
    bad_code = bad_code[:-1] + str((int(bad_code[-1]) + 1) % 10)
    stranger = PersonFactory()
    data = csv_bytes(EN_HEADER, [
        [ona.number, "XX", "9", ""],                        # 2 unknown subject
        [ona.number, "LT", "abc", ""],                      # 3 not a number
        [ona.number, "MAT", "11", ""],                      # 4 above 10
        [jonas.number, "LT", "4", "5"],                     # 5
        [jonas.number, "MAT", "7", "5"],                    # 6 above the scale given
        [jonas.number, "EN", "4", "10"],                    # 7 another scale
        [jonas.number, "LT", "5", "5"],                     # 8 LT again
        ["P-0999999", "LT", "5", ""],                       # 9 no such application
        [bad_code, "LT", "5", ""],                          # 10 check digit
        [stranger.personal_code, "LT", "5", ""],            # 11 no application
        ["", "LT", "5", "7"],                               # 12 empty application, bad scale
    ])
    report = run(data)
    assert not report.written and not ona.grades.exists() and not jonas.grades.exists()
    found = errors(report)
    expected = [
        'row 2, Subject: Unknown subject code "XX" (classifier "subject").',
        'row 3, Grade: "abc" is not a number.',
        "row 4, Grade: A grade is between 1 and 10 (this value is 11).",
        f"row 6, Grade: The grade 7 is above the scale of {jonas.number} (5).",
        f"row 7, Grade scale: Row 5 gives the grade scale 5 for {jonas.number}; one application has one scale.",
        f"row 8, Subject: Row 5 already has the grade of LT for {jonas.number}.",
        "row 9, Application: No application P-0999999 that you may change.",
        f'row 10, Application: "{codes.mask(bad_code)}" is neither an application number (such as P-0000012) nor a '
        "valid personal code: The check digit of the personal code is wrong.",
        f"row 11, Application: No application of the person {codes.mask(stranger.personal_code)} in a round open "
        "for applications that you may change.",
        "row 12, Application: A value is required.",
        "row 12, Grade scale: The grade scale is 10 or 5 (this value is 7).",
    ]
    for message in expected:
        assert message in found, (message, found)
    assert f"row 5: Left out with the other grades of {jonas.number}: its rows 6, 7, 8 have errors." in found
    assert not any(stranger.personal_code in e or bad_code in e for e in found)


def test_all_or_nothing_or_skip_the_bad_applications(ona, jonas):
    data = csv_bytes(HEADER, [[ona.number, "LT", "9"], [ona.number, "MAT", "8"],
                              [jonas.number, "LT", "9"], [jonas.number, "MAT", "12"]])
    report = run(data)
    assert not report.written and not Grade.objects.exists()
    assert report.nothing_imported_due_to_errors
    report = run(data, skip_bad_rows=True)
    assert report.written, errors(report)
    assert grades_of(ona) == {"LT": Decimal("9.00"), "MAT": Decimal("8.00")}
    assert not jonas.grades.exists()  # left out as a whole
    assert f"row 4: Left out with the other grades of {jonas.number}: its row 5 has errors." in errors(report)


def test_a_dry_run_writes_nothing(ona):
    report = run(csv_bytes(HEADER, [[ona.number, "LT", "9"]]), dry_run=True)
    assert report.ok and report.created == 1 and not report.written and not Grade.objects.exists()


def test_the_services_rules_apply(ona, round_):
    round_.application_deadline = timezone.localdate() - datetime.timedelta(days=1)
    round_.save()
    report = run(csv_bytes(HEADER, [[ona.number, "LT", "9"], [ona.number, "MAT", "8"]]))
    assert not report.written and not Grade.objects.exists()
    found = errors(report)
    assert len(found) == 2 and all(e.startswith(("row 2, Prašymas: The application deadline",
                                                 "row 3, Prašymas: The application deadline")) for e in found)


def test_a_person_with_applications_in_two_open_rounds_needs_the_number(ona, subjects):
    other = accepting_round(code="second-open")
    second = create_application(other, person=ona.person, actor=None)
    report = run(csv_bytes(HEADER, [[ona.person.personal_code, "LT", "9"]]))
    [message] = errors(report)
    assert message == (f"row 2, Prašymas: The person {codes.mask(ona.person.personal_code)} has applications in "
                       f"several open rounds ({', '.join(sorted([ona.number, second.number]))}): give the "
                       "application's number.")


def test_an_applicant_imports_only_their_own_grades(ona, round_):
    applicant = applicant_user("applicant", person=ona.person)
    other = create_application(round_, person=PersonFactory(), actor=None)
    report = run(csv_bytes(HEADER, [[ona.number, "LT", "9"], [other.number, "LT", "9"]]), actor=applicant)
    assert f"row 3, Prašymas: No application {other.number} that you may change." in errors(report)
    report = run(csv_bytes(HEADER, [[ona.number, "LT", "9"]]), actor=applicant)
    assert report.written
    assert ObjectChange.objects.filter(source="import", user_id=applicant.pk).count() == 1


def test_a_school_may_not_import_grades(ona):
    officer = UserFactory(username="school")
    MembershipFactory(user=officer, role="institution_officer", institution=InstitutionFactory())
    report = run(csv_bytes(HEADER, [[ona.number, "LT", "9"]]), actor=officer)
    assert errors(report) == ["You may not import grades."]


def test_file_errors(ona):
    report = run(csv_bytes(["Prašymas", "Pažymys", "Spalva"], [[ona.number, "9", "red"]]))
    found = errors(report)
    assert any('Unknown column "Spalva"' in e for e in found)
    assert any('The required column "Dalykas" ("Subject") is missing.' in e for e in found)


def test_xlsx_files_and_the_command_line(ona, tmp_path):
    path = tmp_path / "grades.xlsx"
    path.write_bytes(xlsx_bytes(EN_HEADER, [[ona.number, "LT", 9, 10], [ona.number, "MAT", 8.5, None]]))
    out = io.StringIO()
    call_command("import", "grades", str(path), "--no-progress", stdout=out)
    assert "grades: 2 rows, 2 new" in out.getvalue()
    assert grades_of(ona) == {"LT": Decimal("9.00"), "MAT": Decimal("8.50")}
    bad = tmp_path / "bad.csv"
    bad.write_bytes(csv_bytes(HEADER, [[ona.number, "XX", "9"]]))
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import", "grades", str(bad), "--no-progress", stdout=out)
    assert 'row 2, Dalykas: Unknown subject code "XX"' in out.getvalue()


def test_export_shows_numbers_not_personal_codes(ona, organiser):
    set_grades(ona, {"LT": 9}, actor=None)
    importer = GradeImporter(actor=organiser)
    rows = [importer.export_row(g, show_codes=False) for g in importer.export_queryset(organiser)]
    assert rows == [{"application": ona.number, "subject": "LT", "grade": Decimal("9.00"), "scale": 10}]


def test_the_back_office_import_page(client, ona, organiser, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    settings.EDUREG_IMPORT_DIR = str(tmp_path / "imports")
    client.force_login(organiser)
    url = reverse("admin:admission_grade_import")
    assert client.get(url).status_code == 200
    data = csv_bytes(HEADER, [[ona.number, "LT", "9"], [ona.number, "MAT", "8"]])
    response = client.post(url, {"file": SimpleUploadedFile("pazymiai.csv", data, content_type="text/csv")})
    assert response.status_code == 302
    job = response["Location"]
    preview = client.get(job)
    assert preview.context["report"].created == 2 and not Grade.objects.exists()
    client.post(job, {"action": "confirm"})
    assert grades_of(ona) == {"LT": Decimal("9.00"), "MAT": Decimal("8.00")}
    token = job.rstrip("/").rsplit("/", 1)[1]
    assert set(ObjectChange.objects.filter(content_type=ContentType.objects.get_for_model(Grade))
               .values_list("source", "job_id", "user_name")) == {("import", token, "organiser")}
