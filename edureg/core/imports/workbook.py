"""Imports of an XLSX workbook with several related sheets, e.g. programmes and their modules.

The rows of a workbook are written in *groups* (a programme with its module rows) through the register's
services, each group in a savepoint: a group the services refuse is undone as a whole and its rows get the
services' messages. The run keeps the semantics of the single-table engine:

- file problems (no such sheet, unknown or missing columns) stop the run before any row is read;
- every cell is parsed; `group` resolves codes in bulk, checks across rows and sheets and forms the groups;
- every good group is written (even in a dry run, so that the services' own rules are checked too);
- all or nothing: with any error, or in a dry run, the whole transaction is rolled back. With "skip bad rows"
  only the bad groups are left out.

Errors carry the sheet's title: "Moduliai row 7, Kreditai: ...".
"""

import io
from dataclasses import dataclass, field
from typing import ClassVar

from django.db import IntegrityError, transaction
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from edureg.core.imports.columns import Column, map_header, normalise_header
from edureg.core.imports.engine import Importer, Row, _Rollback, import_audit
from edureg.core.imports.reading import Table, read_workbook
from edureg.core.imports.report import ImportReport, RowError


@dataclass(frozen=True)
class Sheet:
    """One sheet of the workbook: its key, its Lithuanian and English titles and its columns."""

    name: str
    lt: str
    en: str
    columns: tuple[Column, ...]
    required: bool = True  # the workbook must have it (the first sheet must also have data rows)
    aliases: tuple[str, ...] = ()
    help: str = ""

    def titles(self) -> tuple[str, ...]:
        return (self.lt, self.en, self.name, *self.aliases)

    def label(self, language: str | None = None) -> str:
        language = (language or get_language() or "lt")[:2]
        return self.en if language == "en" else self.lt

    def importable_columns(self) -> list[Column]:
        return [c for c in self.columns if not c.export_only]


@dataclass(eq=False)
class Group:
    """Rows written together, all of them or none: the head row (a programme) and its members (modules)."""

    head: Row
    members: list[Row] = field(default_factory=list)
    result: object = None  # what write_group made (e.g. the programme)

    @property
    def rows(self) -> list[Row]:
        return [self.head, *self.members]

    @property
    def ok(self) -> bool:
        return all(r.ok for r in self.rows)


class WorkbookImporter(Importer):
    """Base class of the importers of several related sheets. The first sheet holds the groups' head rows."""

    sheets: ClassVar[tuple[Sheet, ...]] = ()
    # Example rows per sheet name for the downloadable template: {column name: value}.
    examples: ClassVar[dict[str, list[dict]]] = {}

    # Hooks ------------------------------------------------------------------------------------------

    def group(self, rows: dict[str, list[Row]]) -> list[Group]:
        """Resolve codes in bulk, check across rows and sheets, set row errors and return the groups."""
        raise NotImplementedError

    def write_group(self, group: Group) -> None:
        """Write one group through the services; on refusal set the rows' errors (the engine undoes it)."""
        raise NotImplementedError

    def describe_group(self, group: Group, *, written: bool) -> str:
        """One line for the report about a good group: what was (or would be) created."""
        return ""

    # The run ----------------------------------------------------------------------------------------

    @classmethod
    def importable_columns(cls) -> list[Column]:
        return cls.sheets[0].importable_columns()

    def sheet_by_name(self, name: str) -> Sheet:
        return next(s for s in self.sheets if s.name == name)

    def column_header(self, name: str, sheet: str = "") -> str:
        if not name:
            return ""
        written = getattr(self, "sheet_headers", {}).get(sheet, {})
        if name in written:
            return written[name]
        column = next((c for c in self.sheet_by_name(sheet).columns if c.name == name), None) if sheet else None
        return column.label() if column else name

    def sheet_title(self, name: str) -> str:
        return getattr(self, "titles", {}).get(name) or self.sheet_by_name(name).label()

    def error_order(self, error: RowError):
        ranks = {self.sheet_title(s.name): i for i, s in enumerate(self.sheets)}
        return (error.row is not None, ranks.get(error.sheet, -1), error.row or 0)

    def _match_sheets(self, tables: dict[str, Table | None], report: ImportReport) -> dict[str, Table | None]:
        index = {normalise_header(t): s for s in self.sheets for t in s.titles()}
        found: dict[str, Table | None] = {}
        self.titles: dict[str, str] = {}
        for title, table in tables.items():
            sheet = index.get(normalise_header(title))
            if sheet is None:
                report.notes.append(RowError(None, "", _("The sheet \"%(title)s\" is not read (this import reads "
                                                          "the sheets %(known)s).") % {
                    "title": title, "known": ", ".join(f"\"{s.label()}\"" for s in self.sheets)}))
            elif sheet.name in found:
                report.errors.append(RowError(None, "", _("The sheets \"%(a)s\" and \"%(b)s\" are both the sheet "
                                                          "\"%(what)s\"; keep one.") % {
                    "a": self.titles[sheet.name], "b": title, "what": sheet.label()}))
            else:
                found[sheet.name] = table
                self.titles[sheet.name] = title
        for sheet in self.sheets:
            if sheet.name not in found and sheet.required:
                report.errors.append(RowError(None, "", _("The workbook has no sheet \"%(lt)s\" (\"%(en)s\"); its "
                                                          "sheets: %(titles)s.") % {
                    "lt": sheet.lt, "en": sheet.en, "titles": ", ".join(f"\"{t}\"" for t in tables)}))
        return found

    def _run(self, source, report: ImportReport) -> None:
        self.progress("read", 0, 0)
        tables = self._match_sheets(read_workbook(source), report)
        report.file_format = "XLSX"
        if report.errors:
            return
        positions: dict[str, dict[str, int]] = {}
        self.sheet_headers: dict[str, dict[str, str]] = {}
        for sheet in self.sheets:
            table = tables.get(sheet.name)
            title = self.titles.get(sheet.name, "")
            if table is None:
                if sheet.required:
                    report.errors.append(RowError(None, "", _("The sheet is empty."), sheet=title))
                continue
            found, self.sheet_headers[sheet.name], header_errors = map_header(table.header, sheet.columns)
            report.errors.extend(RowError(None, "", m, sheet=title) for m in header_errors)
            positions[sheet.name] = found
        head = self.sheets[0]
        if not report.errors and not tables[head.name].rows:
            report.errors.append(RowError(None, "", _("The sheet has a header but no data rows."),
                                          sheet=self.titles[head.name]))
        if report.errors:
            return
        self.check_permission()
        rows = {s.name: (self.parse(tables[s.name], positions[s.name], s.columns, s.name)
                         if s.name in positions else []) for s in self.sheets}
        report.total = len(rows[head.name])
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
                self._report(rows, groups, report)
                if report.errors and not report.skip_bad_rows or report.dry_run or not report.created:
                    raise _Rollback
                report.written = True
        except _Rollback:
            report.written = False
        except IntegrityError:
            report.written = False
            report.notes.clear()
            report.errors.append(RowError(None, "", _(
                "The register changed while the file was being imported, so a rule of the database failed. "
                "Nothing was written: run the import again.")))

    def _write(self, group: Group) -> None:
        """Write a group in a savepoint; undo it when the services refused any of its rows."""
        try:
            with transaction.atomic():
                self.write_group(group)
                if not group.ok:
                    raise _Rollback
        except _Rollback:
            group.result = None

    def _report(self, rows: dict[str, list[Row]], groups: list[Group], report: ImportReport) -> None:
        for sheet in self.sheets:
            title = self.sheet_title(sheet.name)
            for row in rows[sheet.name]:
                for column, message in row.errors:
                    report.errors.append(RowError(row.number, self.column_header(column, sheet.name), message,
                                                  sheet=title))
        good = [g for g in groups if g.ok]
        report.created = len(good)
        written = not report.dry_run and (report.skip_bad_rows or not report.errors)
        if written or report.dry_run:
            head = self.sheet_title(self.sheets[0].name)
            for group in good:
                line = self.describe_group(group, written=written)
                if line:
                    report.notes.append(RowError(group.head.number, "", line, sheet=head))

    # The template -------------------------------------------------------------------------------------

    def template_xlsx(self) -> bytes:
        """An empty workbook with every sheet and its headers (in the active language) and example rows."""
        from openpyxl import Workbook
        from openpyxl.styles import Font

        workbook = Workbook()
        workbook.remove(workbook.active)
        for sheet in self.sheets:
            ws = workbook.create_sheet(title=sheet.label()[:31])
            columns = sheet.importable_columns()
            ws.append([c.label() for c in columns])
            for example in self.examples.get(sheet.name, []):
                ws.append([example.get(c.name, "") for c in columns])
            for i, column in enumerate(columns, start=1):
                if column.required:
                    ws.cell(row=1, column=i).font = Font(bold=True)
        buffer = io.BytesIO()
        workbook.save(buffer)
        return buffer.getvalue()
