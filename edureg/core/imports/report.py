"""What an import run found and did: errors by row and column, counts, whether anything was written."""

from dataclasses import asdict, dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import ngettext


@dataclass(frozen=True)
class RowError:
    row: int | None  # the row number as a spreadsheet shows it (header = 1); None: the file as a whole
    column: str  # the column's header as written in the file ("" when the error is about the whole row)
    message: str
    sheet: str = ""  # the sheet's title as written, for workbooks read sheet by sheet ("" otherwise)

    def __str__(self):
        if self.sheet:
            return self._in_sheet()
        if self.row is None:
            return self.message
        if self.column:
            return _("row %(row)d, %(column)s: %(message)s") % {"row": self.row, "column": self.column,
                                                                 "message": self.message}
        return _("row %(row)d: %(message)s") % {"row": self.row, "message": self.message}

    def _in_sheet(self) -> str:
        values = {"sheet": self.sheet, "row": self.row, "column": self.column, "message": self.message}
        if self.row is None:
            return _("sheet %(sheet)s: %(message)s") % values
        if self.column:
            return _("%(sheet)s row %(row)d, %(column)s: %(message)s") % values
        return _("%(sheet)s row %(row)d: %(message)s") % values


@dataclass
class ImportReport:
    importer: str
    job_id: str
    dry_run: bool = False
    skip_bad_rows: bool = False
    file_format: str = ""
    total: int = 0  # data rows in the file
    created: int = 0  # new records (written, or that would be in a dry run)
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    # What the run did or would do, for the reader (e.g. the programmes a workbook creates); not errors.
    notes: list[RowError] = field(default_factory=list)
    written: bool = False  # the changes were committed
    seconds: float = 0.0

    @property
    def file_errors(self) -> list[RowError]:
        return [e for e in self.errors if e.row is None]

    @property
    def bad_rows(self) -> int:
        return len({(e.sheet, e.row) for e in self.errors if e.row is not None})

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def importable(self) -> bool:
        """The file can be imported as it is (with skip mode: some good rows and no file error)."""
        if self.file_errors:
            return False
        if self.errors and not self.skip_bad_rows:
            return False
        return self.created + self.updated > 0

    @property
    def nothing_imported_due_to_errors(self) -> bool:
        return bool(self.errors) and not self.written and not (self.dry_run and self.importable)

    def summary(self) -> str:
        parts = [
            ngettext("%(n)d row", "%(n)d rows", self.total) % {"n": self.total},
            _("%(n)d new") % {"n": self.created},
            _("%(n)d updated") % {"n": self.updated},
            _("%(n)d unchanged") % {"n": self.unchanged},
            ngettext("%(n)d bad row", "%(n)d bad rows", self.bad_rows) % {"n": self.bad_rows},
        ]
        if self.written:
            outcome = _("written")
        elif self.dry_run:
            outcome = _("dry run: nothing written")
        else:
            outcome = _("nothing written")
        return f"{self.importer}: {', '.join(parts)}; {outcome}"

    def to_dict(self) -> dict:
        data = asdict(self)
        data["errors"] = [asdict(e) for e in self.errors]
        data["notes"] = [asdict(e) for e in self.notes]
        return data

    @classmethod
    def from_dict(cls, data: dict) -> "ImportReport":
        data = dict(data)
        errors = [RowError(**e) for e in data.pop("errors", [])]
        notes = [RowError(**e) for e in data.pop("notes", [])]
        return cls(**data, errors=errors, notes=notes)
