"""The XLSX template of a period's form and its upload.

The template has a sheet per section (its code as the title): one row per field with its code, name, unit and help,
and the value column to fill in (prefilled with the report's answers when downloaded for one). A hidden sheet
"meta" names the collection, the form version and the reporting year (and the institution for a report's own
template); an upload must match them. An upload is read whole before anything is stored: every bad cell is named by
sheet, row and field, and then nothing is saved.
"""

import io

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from edureg.core.imports.reading import ImportFileError, read_workbook
from edureg.datacollections.choices import FieldType
from edureg.datacollections.engine import validation
from edureg.datacollections.engine.validation import ValidationReport
from edureg.datacollections.models import Period, Submission
from edureg.datacollections.services.submissions import (
    _fields,
    field_specs,
    may_fill_in,
    save_values,
    stored_values,
    texts,
)

__all__ = ["template_xlsx", "import_xlsx", "template_name", "META_SHEET", "MAX_UPLOAD_BYTES"]

META_SHEET = "meta"
MAX_UPLOAD_BYTES = 5 * 1024 * 1024
CODE_COLUMN, VALUE_COLUMN = 0, 4  # A and E


def template_name(period: Period, submission: Submission | None = None) -> str:
    suffix = f"-{submission.institution.code}" if submission is not None else ""
    return f"{period.collection.code}-{period.year}-v{period.collection.version}{suffix}.xlsx"


def _sheet_title(code: str, used: set[str]) -> str:
    title = code[:31] or "section"
    n = 2
    while title in used or title == META_SHEET:
        title = f"{code[:28]}-{n}"
        n += 1
    used.add(title)
    return title


def _number_text(value) -> str:
    if value is None:
        return ""
    return format(value.normalize(), "f") if hasattr(value, "normalize") else str(value)


def _validator(kind, field_type: str, minimum):
    """Excel's own check of a value cell: a whole number or a number, not below the field's lowest value."""
    whole = field_type == FieldType.INTEGER
    options = {"type": "whole" if whole else "decimal", "allow_blank": True, "showErrorMessage": True}
    if minimum is None:
        options.update(operator="between", formula1="-99999999999999", formula2="99999999999999")
        message = _("Enter a whole number.") if whole else _("Enter a number.")
    else:
        options.update(operator="greaterThanOrEqual", formula1=_number_text(minimum))
        message = (_("Enter a whole number, not below %(minimum)s.") if whole
                   else _("Enter a number, not below %(minimum)s.")) % {"minimum": _number_text(minimum)}
    return kind(error=message, **options)


def template_xlsx(period: Period, submission: Submission | None = None) -> bytes:
    """The period's form as an XLSX workbook (with the report's answers when `submission` is given)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    collection = period.collection
    fields = _fields(collection)
    answers = stored_values(submission) if submission is not None else {}
    workbook = Workbook()
    workbook.remove(workbook.active)
    bold = Font(bold=True)
    fill = PatternFill("solid", start_color="FFF2CC", end_color="FFF2CC")
    wrap = Alignment(wrap_text=True, vertical="top")
    header = [_("Field code"), _("Question"), _("Unit"), _("Help"), _("Value")]
    used: set[str] = set()
    sections = list(collection.sections.order_by("order", "code"))
    for section in sections:
        sheet = workbook.create_sheet(_sheet_title(section.code, used))
        sheet.append(header)
        for cell in sheet[1]:
            cell.font = bold
        for letter, width in zip("ABCDE", (26, 40, 10, 70, 18), strict=True):
            sheet.column_dimensions[letter].width = width
        sheet.freeze_panes = "A2"
        validators: dict[tuple[str, str], DataValidation] = {}
        for field in (f for f in fields if f.section_id == section.pk):
            value = answers.get(field.code)
            if value is not None and field.type != FieldType.TEXT:
                value = int(value) if field.type == FieldType.INTEGER else float(value)
            sheet.append([field.code, field.name, field.unit, field.help, value])
            row = sheet.max_row
            for column in "BD":
                sheet[f"{column}{row}"].alignment = wrap
            target = sheet[f"E{row}"]
            target.fill = fill
            if field.type == FieldType.INTEGER:
                target.number_format = "0"
            if field.type != FieldType.TEXT:
                validators.setdefault((field.type, _number_text(field.minimum)),
                                      _validator(DataValidation, field.type, field.minimum)).add(target)
        for validator in validators.values():
            sheet.add_data_validation(validator)
    meta = workbook.create_sheet(META_SHEET)
    meta.append(["key", "value"])
    meta.append(["collection", collection.code])
    meta.append(["version", collection.version])
    meta.append(["year", period.year])
    if submission is not None:
        meta.append(["institution", submission.institution.code])
    meta.sheet_state = "hidden"
    if not sections:
        workbook.active = workbook.index(meta)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _meta(sheets: dict) -> dict[str, str]:
    table = sheets.get(META_SHEET)
    if table is None:
        raise ValidationError({"file": [_("The file is not a template of this form (its hidden sheet “meta” is "
                                          "missing). Download the template from the report's page and fill it "
                                          "in.")]})
    rows = [table.header, *(cells for _n, cells in table.rows)]
    return {str(row[0]).strip(): str(row[1]).strip() for row in rows if len(row) >= 2 and row[0] not in (None, "")}


def _check_meta(meta: dict[str, str], submission: Submission, period: Period) -> None:
    collection = period.collection
    code = meta.get("collection", "")
    if code != collection.code:
        raise ValidationError({"file": [_("The file is the template of the data collection “%(file)s”, not of "
                                          "“%(form)s”.") % {"file": code or "?", "form": collection.code}]})
    version = meta.get("version", "")
    if version != str(collection.version):
        raise ValidationError({"file": [_("The file is the template of version %(file)s of the form; the form is now "
                                          "version %(form)s. Download the current template and copy your answers "
                                          "into it.") % {"file": version or "?", "form": collection.version}]})
    year = meta.get("year", "")
    if year != str(period.year):
        raise ValidationError({"file": [_("The file is the template for %(file)s; this report is for %(year)s.") % {
            "file": year or "?", "year": period.year}]})
    institution = meta.get("institution", "")
    if institution and institution != submission.institution.code:
        raise ValidationError({"file": [_("The file is the template of another institution (%(code)s).") % {
            "code": institution}]})


def read_answers(submission: Submission, file) -> dict[str, object]:
    """{field code: the value cell} of an uploaded template, checked cell by cell; ValidationError({"file": [...]})
    naming every bad cell by sheet, row and field, or the file's problem."""
    try:
        sheets = read_workbook(file, limit=MAX_UPLOAD_BYTES)
    except ImportFileError as error:
        raise ValidationError({"file": [str(error)]}) from None
    period = Period.objects.select_related("collection").get(pk=submission.period_id)  # as it is now
    _check_meta(_meta(sheets), submission, period)
    specs = {spec.code: spec for spec in field_specs(_fields(period.collection))}
    words = texts()
    answers: dict[str, object] = {}
    seen: dict[str, str] = {}
    errors: list[str] = []
    for title, table in sheets.items():
        if title == META_SHEET or table is None:
            continue
        for number, cells in table.rows:
            code = str(cells[CODE_COLUMN]).strip() if len(cells) > CODE_COLUMN and cells[CODE_COLUMN] else ""
            if not code:
                continue
            where = _("Sheet “%(sheet)s”, row %(row)d") % {"sheet": title, "row": number}
            raw = cells[VALUE_COLUMN] if len(cells) > VALUE_COLUMN else ""
            spec = specs.get(code)
            if spec is None:
                errors.append(_("%(where)s: “%(code)s” is not a field of this form.") % {"where": where, "code": code})
                continue
            if code in seen:
                errors.append(_("%(where)s: the field %(code)s is already on %(first)s.") % {
                    "where": where, "code": code, "first": seen[code]})
                continue
            seen[code] = where
            _value, problem = validation.clean_value(spec, raw, words)
            if problem is not None:
                errors.append(f"{where}: {problem.message}")
                continue
            answers[code] = raw
    if errors:
        raise ValidationError({"file": errors})
    if not seen:
        raise ValidationError({"file": [_("The file has no rows with field codes: fill in the value column of the "
                                          "template.")]})
    return answers


def import_xlsx(submission: Submission, file, *, actor) -> ValidationReport:
    """Save the answers of an uploaded template as the report's draft (as save_values; an empty value cell clears
    the answer) and return the report's validation. Nothing is stored when the file or any cell is wrong."""
    if not may_fill_in(actor, submission):
        raise PermissionDenied(_("Only the reporting institution's officers may fill in and submit its report."))
    answers = read_answers(submission, file)
    return save_values(submission, answers, actor=actor)

