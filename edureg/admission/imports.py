"""Import of applicants' grades (CSV or XLSX), e.g. from the school-leaving documents register.

One row per grade: the application (its number, P-0000012, or the applicant's personal code: then their application
in a round open for applications), the subject (a code of the classifier "subject"), the grade and, optionally, the
grade scale (10 or 5; one per application). The file's grades are set on each application and its other grades are
kept. Each application's rows are written together through the services (`set_grades`, and `update_application` for
a changed scale), so the import obeys the same rules, deadline and scope as the applicant's page and every change
leaves its change record. All or nothing; with "skip bad rows" an application with any bad row is left out as a
whole. Errors name the row and the column; personal codes are shown masked.
"""

import re
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from edureg.admission.choices import RoundStatus
from edureg.admission.models import Application, Grade
from edureg.admission.services.applications import set_grades, update_application
from edureg.classifiers.models import ClassifierItem
from edureg.core.imports import columns as c
from edureg.core.imports.engine import (
    CREATE,
    LOOKUP_CHUNK,
    UNCHANGED,
    UPDATE,
    Importer,
    Row,
    _Rollback,
    chunked,
    import_audit,
)
from edureg.core.imports.reading import read_table
from edureg.core.imports.registry import register
from edureg.core.imports.report import ImportReport, RowError
from edureg.persons import codes

_NUMBER = re.compile(r"^P-?0*(\d{1,12})$", re.IGNORECASE)


def parse_subject(value) -> str:
    return str(value).strip().upper()


def parse_scale(value) -> int:
    scale = c.parse_int(value)
    if scale not in (5, 10):
        raise ValueError(_("The grade scale is 10 or 5 (this value is %(v)s).") % {"v": value})
    return scale


def parse_grade(value):
    grade = c.parse_decimal(value)
    if grade < 1 or grade > 10:
        raise ValueError(_("A grade is between 1 and 10 (this value is %(v)s).") % {"v": value})
    return grade


COLUMNS = (
    c.Column("application", "Prašymas", "Application", c.parse_code, required=True,
             aliases=("Prašymo numeris", "Application number", "Asmens kodas", "Personal code"),
             help=gettext_lazy("the application's number (P-0000012) or the applicant's personal code (then their "
                               "application in a round open for applications)")),
    c.Column("subject", "Dalykas", "Subject", parse_subject, required=True,
             aliases=("Dalyko kodas", "Subject code"), help=gettext_lazy("a code of the classifier subject, e.g. MAT")),
    c.Column("grade", "Pažymys", "Grade", parse_grade, required=True, aliases=("Įvertinimas",),
             help=gettext_lazy("1 to the grade scale, at most two decimal places")),
    c.Column("scale", "Pažymių skalė", "Grade scale", parse_scale, aliases=("Skalė", "Scale"),
             help=gettext_lazy("10 or 5 (older documents); empty: the application's scale")),
)


@dataclass(eq=False)
class _Group:
    application: Application
    rows: list[Row] = field(default_factory=list)
    scale: int = 10  # the grade scale the file gives (else the application's)

    @property
    def ok(self) -> bool:
        return all(r.ok for r in self.rows)


@register
class GradeImporter(Importer):
    name = "grades"
    model = Grade
    columns = COLUMNS
    key_description = gettext_lazy("the grade of this subject for this application")

    # The run: read, resolve in bulk, group by application, write each group through the services ----------------

    def _run(self, source, report: ImportReport) -> None:
        self.progress("read", 0, 0)
        table = read_table(source)
        report.file_format = table.describe()
        positions, self.written_headers, header_errors = c.map_header(table.header, self.columns)
        if header_errors:
            report.errors.extend(RowError(None, "", m) for m in header_errors)
            return
        self.check_permission()
        rows = self.parse(table, positions)
        report.total = len(rows)
        try:
            with transaction.atomic(), import_audit(self.actor, report.job_id):
                self.progress("check", 0, report.total)
                groups = self.group(rows)
                self.progress("check", report.total, report.total)
                self.progress("write", 0, len(groups))
                for n, group in enumerate(groups, start=1):
                    if group.ok:
                        self._write(group)
                    self.progress("write", n, len(groups))
                self._left_out(groups)
                self._count(rows, report)
                if report.errors and not report.skip_bad_rows or report.dry_run \
                        or not report.created + report.updated:
                    raise _Rollback
                report.written = True
        except _Rollback:
            report.written = False
        except IntegrityError:
            report.written = False
            report.errors.append(RowError(None, "", _(
                "The register changed while the file was being imported, so a rule of the database failed. "
                "Nothing was written: run the import again.")))

    def group(self, rows: list[Row]) -> list[_Group]:
        """Resolve applications and subjects in bulk, check across rows, and group the rows by application (rows
        with bad cells too: an application with a bad row is left out as a whole)."""
        self._resolve_applications([r for r in rows if r.values.get("application") is not None])
        self._resolve_subjects([r for r in rows if r.values.get("subject") is not None])
        groups: dict[int, _Group] = {}
        for row in rows:
            application = row.refs.get("application")
            if application is not None:
                groups.setdefault(application.pk, _Group(application)).rows.append(row)
        for group in groups.values():
            self._check_group(group)
        return list(groups.values())

    def _resolve_applications(self, rows: list[Row]) -> None:
        if self.actor is None:
            visible = Application.objects.all()
        else:
            visible = Application.objects.for_user(self.actor, "change")
        visible = visible.select_related("round", "person")
        numbers: dict[int, int] = {}
        personal: dict[int, str] = {}
        for row in rows:
            value = row.values["application"]
            match = _NUMBER.match(value)
            if match:
                numbers[row.number] = int(match.group(1))
                continue
            try:
                personal[row.number] = codes.check(value)
            except ValueError as exc:
                row.error("application", _("\"%(value)s\" is neither an application number (such as P-0000012) nor "
                                           "a valid personal code: %(reason)s") % {
                    "value": codes.mask(value) if value.isdigit() else value, "reason": exc})
        by_pk: dict[int, Application] = {}
        for chunk in chunked(sorted(set(numbers.values())), LOOKUP_CHUNK):
            by_pk.update((a.pk, a) for a in visible.filter(pk__in=chunk))
        by_code: dict[str, list[Application]] = {}
        for chunk in chunked(sorted(set(personal.values())), LOOKUP_CHUNK):
            for application in visible.filter(person__personal_code__in=chunk, round__status=RoundStatus.OPEN):
                by_code.setdefault(application.person.personal_code, []).append(application)
        for row in rows:
            if row.number in numbers:
                application = by_pk.get(numbers[row.number])
                if application is None:
                    row.error("application", _("No application %(number)s that you may change.") % {
                        "number": f"P-{numbers[row.number]:07d}"})
                row.refs["application"] = application
            elif row.number in personal:
                found = by_code.get(personal[row.number], [])
                masked = codes.mask(personal[row.number])
                if not found:
                    row.error("application", _("No application of the person %(code)s in a round open for "
                                               "applications that you may change.") % {"code": masked})
                elif len(found) > 1:
                    row.error("application", _("The person %(code)s has applications in several open rounds "
                                               "(%(numbers)s): give the application's number.") % {
                        "code": masked, "numbers": ", ".join(a.number for a in found)})
                else:
                    row.refs["application"] = found[0]

    def _resolve_subjects(self, rows: list[Row]) -> None:
        wanted = {r.values["subject"] for r in rows}
        subjects = {s.code: s for s in ClassifierItem.objects.of("subject").current().filter(code__in=wanted)
                    .order_by("code", "valid_from")}
        for row in rows:
            subject = subjects.get(row.values["subject"])
            if subject is None:
                row.error("subject", _("Unknown subject code \"%(code)s\" (classifier \"subject\").") % {
                    "code": row.values["subject"]})
            row.refs["subject"] = subject

    def _check_group(self, group: _Group) -> None:
        application = group.application
        first: tuple[int, int] | None = None  # (scale, row number)
        subjects: dict[str, int] = {}
        for row in group.rows:
            scale = row.values.get("scale")
            if scale is not None and first is None:
                first = (scale, row.number)
            elif scale is not None and scale != first[0]:
                row.error("scale", _("Row %(row)d gives the grade scale %(scale)s for %(number)s; one application "
                                     "has one scale.") % {"row": first[1], "scale": first[0],
                                                          "number": application.number})
            code = row.values.get("subject")
            if code is not None and row.refs.get("subject") is not None:
                earlier = subjects.setdefault(code, row.number)
                if earlier != row.number:
                    row.error("subject", _("Row %(row)d already has the grade of %(subject)s for %(number)s.") % {
                        "row": earlier, "subject": code, "number": application.number})
        group.scale = first[0] if first else application.grade_scale
        for row in group.rows:
            grade = row.values.get("grade")
            if row.ok and grade is not None and grade > group.scale:
                row.error("grade", _("The grade %(grade)s is above the scale of %(number)s (%(scale)s).") % {
                    "grade": grade, "number": application.number, "scale": group.scale})

    # Writing ---------------------------------------------------------------------------------------------------

    def _write(self, group: _Group) -> None:
        """Write one application's grades in a savepoint; undo them when the services refuse."""
        application = group.application
        existing = {g.subject.code: g.value for g in application.grades.select_related("subject").order_by()}
        grades = dict(existing)
        for row in group.rows:
            code = row.values["subject"]
            grades[code] = row.values["grade"]
            if code not in existing:
                row.action = CREATE
            elif existing[code] != row.values["grade"] or group.scale != application.grade_scale:
                row.action = UPDATE
            else:
                row.action = UNCHANGED
        if all(r.action == UNCHANGED for r in group.rows):
            return
        try:
            with transaction.atomic():
                if group.scale > application.grade_scale:
                    update_application(application, {"grade_scale": group.scale}, actor=self.actor)
                set_grades(application, grades, actor=self.actor)
                if group.scale < application.grade_scale:
                    update_application(application, {"grade_scale": group.scale}, actor=self.actor)
        except PermissionDenied as exc:
            for row in group.rows:
                row.error("application", str(exc) or _("You may not change this application."))
        except ValidationError as exc:
            self._refused(group, exc)

    def _refused(self, group: _Group, exc: ValidationError) -> None:
        columns = {"round": "application", "status": "application", "grade_scale": "scale", "grades": "grade"}
        messages = exc.message_dict.items() if hasattr(exc, "error_dict") else [("", exc.messages)]
        for name, texts in messages:
            for text in texts:
                for row in group.rows:
                    row.error(columns.get(name, ""), text)

    def _left_out(self, groups: list[_Group]) -> None:
        """An application with a bad row is not imported at all: say so on its good rows."""
        for group in groups:
            bad = sorted(r.number for r in group.rows if not r.ok)
            if not bad:
                continue
            for row in group.rows:
                if row.ok:
                    row.error("", ngettext(
                        "Left out with the other grades of %(number)s: its row %(rows)s has errors.",
                        "Left out with the other grades of %(number)s: its rows %(rows)s have errors.",
                        len(bad)) % {"number": group.application.number, "rows": ", ".join(map(str, bad))})

    def _count(self, rows: list[Row], report: ImportReport) -> None:
        for row in rows:
            for column, message in row.errors:
                report.errors.append(RowError(row.number, self.column_header(column), message))
            if row.ok:
                if row.action == CREATE:
                    report.created += 1
                elif row.action == UPDATE:
                    report.updated += 1
                else:
                    report.unchanged += 1

    # Export ----------------------------------------------------------------------------------------------------

    def export_queryset(self, user):
        return (Grade.objects.for_user(user, "view").select_related("application", "subject")
                .order_by("application_id", "subject__code"))

    def export_row(self, obj, *, show_codes):
        return {"application": obj.application.number, "subject": obj.subject.code, "grade": obj.value,
                "scale": obj.application.grade_scale}
