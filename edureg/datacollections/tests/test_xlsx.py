"""The XLSX template and its upload: the round trip (template → filled in with openpyxl → imported), a template of
another version, collection, year or institution, bad cells named by sheet, row and field, and nothing stored on
any error."""

import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from openpyxl import Workbook, load_workbook

from edureg.core.models import ObjectChange
from edureg.datacollections import services
from edureg.datacollections.choices import SubmissionStatus
from edureg.datacollections.models import Submission
from edureg.datacollections.tests.conftest import GOOD

pytestmark = pytest.mark.django_db


def fill(data: bytes, answers: dict, *, meta: dict | None = None) -> bytes:
    """Fill the value column (E) of a template with openpyxl, as a respondent would in Excel."""
    workbook = load_workbook(io.BytesIO(data))
    for sheet in workbook.worksheets:
        if sheet.title == "meta":
            for row in sheet.iter_rows(min_row=2):
                if meta and row[0].value in meta:
                    row[1].value = meta[row[0].value]
            continue
        for row in sheet.iter_rows(min_row=2):
            if row[0].value in answers:
                row[4].value = answers[row[0].value]
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def typed(answers: dict) -> dict:
    """Numbers as Excel stores them (numbers, not text)."""
    out = {}
    for code, value in answers.items():
        text = value.replace(",", ".")
        out[code] = value if code == "comments" else (float(text) if "." in text else int(text))
    return out


def test_template_has_a_sheet_per_section_and_a_hidden_meta_sheet(period):
    workbook = load_workbook(io.BytesIO(services.template_xlsx(period)))
    assert workbook.sheetnames == ["service_points", "users", "visits", "loans", "events", "collection", "staff",
                                   "expenditure", "notes", "meta"]
    assert workbook["meta"].sheet_state == "hidden"
    meta = {row[0]: row[1] for row in workbook["meta"].iter_rows(min_row=2, values_only=True)}
    assert meta == {"collection": "LIB-ANNUAL", "version": 1, "year": 2025}
    users = list(workbook["users"].iter_rows(values_only=True))
    assert users[0] == ("Field code", "Question", "Unit", "Help", "Value")
    assert users[1][:3] == ("registered_users", "Registered users", "persons")
    assert users[1][3].startswith("Persons and organisations registered") and users[1][4] is None
    assert workbook["users"].data_validations.dataValidation[0].type == "whole"


def test_round_trip(report, respondent):
    data = fill(services.template_xlsx(report.period, report), typed(GOOD))
    result = services.import_xlsx(report, data, actor=respondent)
    assert result.ok and result.warnings == []
    values = services.stored_values(report)
    assert values["registered_users"] == Decimal(5000)
    assert values["opening_hours_weekly"] == Decimal("48.5")
    assert "comments" not in values
    report.refresh_from_db()
    assert report.status == SubmissionStatus.DRAFT
    # The report's own template carries its answers and its institution.
    again = load_workbook(io.BytesIO(services.template_xlsx(report.period, report)))
    assert [r[4] for r in again["users"].iter_rows(min_row=2, values_only=True)] == [5000, 3200, 1200]
    assert ("institution", report.institution.code) in list(again["meta"].iter_rows(values_only=True))
    services.submit(report, actor=respondent)
    assert report.status == SubmissionStatus.SUBMITTED


def test_text_cells_as_people_type_them(report, respondent):
    answers = {**GOOD, "registered_users": "5 000", "staff_fte": "12,5", "comments": "Two branches renovated."}
    services.import_xlsx(report, fill(services.template_xlsx(report.period), answers), actor=respondent)
    values = services.stored_values(report)
    assert values["registered_users"] == 5000 and values["staff_fte"] == Decimal("12.5")
    assert values["comments"] == "Two branches renovated."


def test_wrong_template_version_is_refused(report, respondent, form):
    data = fill(services.template_xlsx(report.period), typed(GOOD))
    form.version = 2
    form.save()
    with pytest.raises(ValidationError) as refused:
        services.import_xlsx(report, data, actor=respondent)
    assert refused.value.message_dict["file"] == [
        "The file is the template of version 1 of the form; the form is now version 2. Download the current template "
        "and copy your answers into it."]
    assert not report.values.exists()


@pytest.mark.parametrize(("meta", "message"), [
    ({"collection": "SCHOOL-ANNUAL"}, "template of the data collection “SCHOOL-ANNUAL”, not of “LIB-ANNUAL”"),
    ({"year": 2024}, "template for 2024; this report is for 2025"),
])
def test_template_of_another_collection_or_year(report, respondent, meta, message):
    data = fill(services.template_xlsx(report.period), typed(GOOD), meta=meta)
    with pytest.raises(ValidationError, match=message):
        services.import_xlsx(report, data, actor=respondent)
    assert not report.values.exists()


def test_template_of_another_institution(report, respondent):
    other = Submission.objects.exclude(pk=report.pk).get(period=report.period)
    data = fill(services.template_xlsx(other.period, other), typed(GOOD))
    with pytest.raises(ValidationError, match=f"another institution \\({other.institution.code}\\)"):
        services.import_xlsx(report, data, actor=respondent)


def test_bad_cells_are_named_and_nothing_is_stored(report, respondent):
    services.save_values(report, {"loans": "100"}, actor=respondent)
    before = ObjectChange.objects.count()
    answers = {**typed(GOOD), "loans": "lots", "events": 12.5, "physical_visits": -3}
    with pytest.raises(ValidationError) as refused:
        services.import_xlsx(report, fill(services.template_xlsx(report.period), answers), actor=respondent)
    assert refused.value.message_dict["file"] == [
        "Sheet “loans”, row 2: Loans (loans): “lots” is not a number.",
        "Sheet “events”, row 2: Events (events): enter a whole number (not “12.5”).",
    ]
    assert ObjectChange.objects.count() == before
    assert services.stored_values(report) == {"loans": Decimal(100)}


def test_negative_numbers_are_stored_and_reported(report, respondent):
    answers = {**typed(GOOD), "physical_visits": -3}
    result = services.import_xlsx(report, fill(services.template_xlsx(report.period), answers), actor=respondent)
    assert "Physical visits (physical_visits): the value cannot be below 0 (it is -3)." in [
        f.message for f in result.errors]


def test_unknown_field_code_in_the_file(report, respondent):
    workbook = load_workbook(io.BytesIO(services.template_xlsx(report.period)))
    workbook["loans"].append(["e_loans", "E-loans", "", "", 5])
    out = io.BytesIO()
    workbook.save(out)
    with pytest.raises(ValidationError, match="Sheet “loans”, row 4: “e_loans” is not a field of this form"):
        services.import_xlsx(report, out.getvalue(), actor=respondent)


@pytest.mark.parametrize(("content", "message"), [
    (b"registered_users;5000\n", "needs an XLSX workbook"),
    (b"PK\x03\x04broken", "cannot be opened"),
    (b"", "empty"),
])
def test_files_that_are_not_templates(report, respondent, content, message):
    with pytest.raises(ValidationError, match=message):
        services.import_xlsx(report, content, actor=respondent)


def test_workbook_without_the_meta_sheet(report, respondent):
    workbook = Workbook()
    workbook.active.append(["registered_users", "", "", "", 5000])
    out = io.BytesIO()
    workbook.save(out)
    with pytest.raises(ValidationError, match="hidden sheet “meta” is missing"):
        services.import_xlsx(report, out.getvalue(), actor=respondent)


def test_only_the_respondent_imports(report, agency, other_respondent):
    data = fill(services.template_xlsx(report.period), typed(GOOD))
    for user in (agency, other_respondent):
        with pytest.raises(PermissionDenied):
            services.import_xlsx(report, data, actor=user)
    assert not report.values.exists()
