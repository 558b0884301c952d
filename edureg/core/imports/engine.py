"""The import engine: read, parse, validate in bulk, then write everything or nothing.

An importer (one per register, in `<app>/imports.py`) declares its columns and implements the hooks
that know the register: bulk lookups of natural codes, the natural key, building an instance from a row,
checks across rows and the scope of new rows. The engine does the rest:

1. read the file (`reading`) and match its header to the columns; file-level problems stop here;
2. parse every cell; a bad value is an error of that row and column;
3. `resolve` the natural codes of all rows with one query per kind of code (in chunks);
4. find duplicate keys within the file, load the existing records with one query per chunk;
5. `build` each row's instance (new or existing) and validate it with the model's own checks
   (`full_clean` without per-row queries: references were resolved in bulk);
6. check the user's permissions and scope, then `check_rows` (rules across rows and against the database);
7. unless it is a dry run: with errors and without "skip bad rows" nothing is written; otherwise the good
   rows are written with bulk_create / bulk_update in batches inside one transaction, with a change record
   for every created or updated row (source "import", the run's job id).
"""

import gc
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import Any, ClassVar

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from edureg.core.audit.context import _current, current
from edureg.core.audit.registry import record_bulk
from edureg.core.audit.serialize import snapshot
from edureg.core.imports.columns import Column, map_header
from edureg.core.imports.reading import ImportFileError, Table, read_table
from edureg.core.imports.report import ImportReport, RowError
from edureg.core.scoping import permission_name

CREATE, UPDATE, UNCHANGED = "create", "update", "unchanged"
SYSTEM_ACTOR = "system"
# Rows per IN (...) lookup: under the parameter limits of SQLite (32766) and PostgreSQL (65535).
LOOKUP_CHUNK = 5000

Progress = Callable[[str, int, int], None]


def chunked(items: list, size: int) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def filter_in(queryset, field_name: str, values: list):
    """`queryset.filter(field__in=values)`; on PostgreSQL as `= ANY(array)`: one parameter instead of
    thousands, several times faster to send and plan for the chunks of bulk lookups."""
    from django.db import connections

    if connections[queryset.db].vendor != "postgresql":
        return queryset.filter(**{f"{field_name}__in": values})
    model = queryset.model
    field = model._meta.get_field(field_name)
    column = f'"{model._meta.db_table}"."{field.column}"'
    return queryset.extra(where=[f"{column} = ANY(%s)"], params=[list(values)])


@dataclass(slots=True, eq=False)
class Row:
    number: int
    values: dict[str, Any] = field(default_factory=dict)  # column name → parsed value, for columns in the file
    errors: list[tuple[str, str]] = field(default_factory=list)  # (column name or "", message)
    instance: models.Model | None = None
    before: dict | None = None  # snapshot of the existing record, for updates
    action: str = ""
    refs: dict[str, Any] = field(default_factory=dict)  # what the importer resolved for this row
    sheet: str = ""  # the sheet's name (Sheet.name) in workbooks read sheet by sheet

    @property
    def ok(self) -> bool:
        return not self.errors

    def error(self, column: str, message) -> None:
        self.errors.append((column, str(message)))

    def has(self, column: str) -> bool:
        """The file has this column (an empty cell counts: it clears the field on update)."""
        return column in self.values

    def get(self, column: str, default=None):
        value = self.values.get(column)
        return default if value is None else value


class _Rollback(Exception):
    """Leaves the import transaction without writing (a scope breach found after writing)."""


@contextmanager
def import_audit(actor, job_id: str):
    """Change records name the actor (or "system"), with source "import" and the run's job id."""
    base = current()
    if actor is not None and getattr(actor, "is_authenticated", False):
        ctx = replace(base, user_id=actor.pk, user_name=actor.get_username(), source="import", job_id=job_id)
    else:
        ctx = replace(base, user_id=None, user_name=SYSTEM_ACTOR, source="import", job_id=job_id)
    token = _current.set(ctx)
    try:
        yield ctx
    finally:
        _current.reset(token)


class Importer:
    """Base class of the registers' importers. Subclasses set the class attributes and the hooks."""

    name: ClassVar[str] = ""  # the CLI name: "enrolments"
    model: ClassVar[type[models.Model]]
    columns: ClassVar[tuple[Column, ...]] = ()
    # Fields set from bulk lookups (foreign keys): clean_fields would query the database per row for them.
    resolved_fields: ClassVar[tuple[str, ...]] = ()
    # Model field → column, so that an error of a field is shown under the column that holds it.
    field_columns: ClassVar[dict[str, str]] = {}
    key_description = gettext_lazy("the same record")
    batch_size: ClassVar[int] = 5000
    update_batch_size: ClassVar[int] = 500

    def __init__(self, *, actor=None, progress: Progress | None = None):
        self.actor = actor if actor is not None and getattr(actor, "is_authenticated", False) else None
        self.progress = progress or (lambda stage, done, total: None)
        self.written_headers: dict[str, str] = {}

    # Hooks ------------------------------------------------------------------------------------------

    def resolve(self, rows: list[Row]) -> None:
        """Resolve the natural codes of all rows in bulk (one query per kind of code); set row errors."""

    def key(self, row: Row):
        """The natural key of a resolved row (hashable)."""
        raise NotImplementedError

    def find_existing(self, rows: list[Row]) -> dict:
        """{natural key: instance} of the records that the rows' keys already name."""
        raise NotImplementedError

    def build(self, row: Row, existing: models.Model | None) -> models.Model:
        """The instance to write: `existing` with the row's values applied, or a new one."""
        raise NotImplementedError

    def check_rows(self, rows: list[Row]) -> None:
        """Rules across rows and against the database (e.g. overlapping periods), on the valid rows."""

    def check_create_scope(self, rows: list[Row], user) -> None:
        """Mark new rows that the user may not add (outside their scope). The write is verified again."""

    def after_create(self, instances: list[models.Model]) -> None:
        """Write what goes with new records (e.g. a status history row), with its own change records."""

    def after_update(self, rows: list[Row]) -> None:
        """Write what goes with updated records."""

    def extra_changed(self, row: Row) -> bool:
        """Whether a row changes something that the snapshot does not hold (e.g. many-to-many)."""
        return False

    # Export hooks -----------------------------------------------------------------------------------

    def export_queryset(self, user):
        return self.model._default_manager.for_user(user, "view")

    def show_codes(self, user) -> bool:
        """Whether exports show this user full personal codes (masked otherwise)."""
        return False

    def export_row(self, obj, *, show_codes: bool) -> dict:
        """{column name: value} for one record."""
        return {c.name: getattr(obj, c.name, "") for c in self.columns}

    def template_xlsx(self) -> bytes:
        """An empty XLSX file with the import columns' headers (in the active language), required ones bold."""
        import io

        from openpyxl import Workbook
        from openpyxl.styles import Font

        workbook = Workbook()
        sheet = workbook.active
        sheet.title = (self.name or "data")[:31]
        columns = self.importable_columns()
        sheet.append([c.label() for c in columns])
        for i, column in enumerate(columns, start=1):
            if column.required:
                sheet.cell(row=1, column=i).font = Font(bold=True)
        buffer = io.BytesIO()
        workbook.save(buffer)
        return buffer.getvalue()

    # The run ----------------------------------------------------------------------------------------

    @classmethod
    def importable_columns(cls) -> list[Column]:
        return [c for c in cls.columns if not c.export_only]

    def column_header(self, name: str) -> str:
        if not name:
            return ""
        if name in self.written_headers:
            return self.written_headers[name]
        column = next((c for c in self.columns if c.name == name), None)
        return column.label() if column else name

    def run(self, source, *, dry_run: bool = False, skip_bad_rows: bool = False,
            job_id: str | None = None) -> ImportReport:
        started = time.monotonic()
        report = ImportReport(importer=self.name, job_id=job_id or uuid.uuid4().hex, dry_run=dry_run,
                              skip_bad_rows=skip_bad_rows)
        # The run holds a few objects per row; the cyclic collector would walk them all again and again
        # (seconds per 100k rows) although they are freed by reference counting.
        gc_enabled = gc.isenabled()
        gc.disable()
        try:
            self._run(source, report)
        except ImportFileError as exc:
            report.errors.append(RowError(None, "", str(exc)))
        finally:
            if gc_enabled:
                gc.enable()
        report.errors.sort(key=self.error_order)
        report.seconds = round(time.monotonic() - started, 3)
        return report

    def error_order(self, error: RowError):
        """Errors of the file first, then by row."""
        return (error.row is not None, error.row or 0)

    def _run(self, source, report: ImportReport) -> None:
        self.progress("read", 0, 0)
        table = read_table(source)
        report.file_format = table.describe()
        positions, self.written_headers, header_errors = map_header(table.header, self.columns)
        if header_errors:
            report.errors.extend(RowError(None, "", m) for m in header_errors)
            return
        self.check_permission()
        rows = self.parse(table, positions)
        report.total = len(rows)
        try:
            with transaction.atomic(), import_audit(self.actor, report.job_id):
                self.validate(rows)
                self._count(rows, report)
                if report.errors and not report.skip_bad_rows or report.dry_run:
                    return
                good = [r for r in rows if r.ok and r.action in (CREATE, UPDATE)]
                if not good:
                    return
                created, updated = self.write(good)
                if not self.verify_scope(created, updated):
                    report.errors.append(RowError(None, "", _(
                        "Some rows fall outside the part of the register you may change. Nothing was written.")))
                    raise _Rollback
                report.written = True
        except _Rollback:
            report.written = False
        except IntegrityError:
            report.written = False
            report.errors.append(RowError(None, "", _(
                "The register changed while the file was being imported, so a rule of the database failed. "
                "Nothing was written: run the import again.")))

    def check_permission(self) -> None:
        user = self.actor
        if user is None:
            return
        if not (user.has_perm(permission_name(self.model, "add"))
                or user.has_perm(permission_name(self.model, "change"))):
            raise ImportFileError(_("You may not import %(what)s.") % {
                "what": self.model._meta.verbose_name_plural})

    def parse(self, table: Table, positions: dict[str, int], columns: tuple[Column, ...] | None = None,
              sheet: str = "") -> list[Row]:
        by_name = {c.name: c for c in (self.columns if columns is None else columns)}
        wanted = [(name, i, by_name[name]) for name, i in positions.items() if not by_name[name].export_only]
        width = len(table.header)
        rows = []
        total = len(table.rows)
        for n, (number, cells) in enumerate(table.rows, start=1):
            row = Row(number, sheet=sheet)
            if len(cells) > width and any(str(c).strip() for c in cells[width:]):
                row.error("", _("The row has %(n)d cells but the header has %(m)d columns.") % {
                    "n": len(cells), "m": width})
            for name, i, column in wanted:
                raw = cells[i] if i < len(cells) else None
                try:
                    value = column.convert(raw)
                except ValueError as exc:
                    row.error(name, exc)
                    continue
                if value is None and column.required:
                    row.error(name, _("A value is required."))
                row.values[name] = value
            rows.append(row)
            if n % 5000 == 0:
                self.progress("read", n, total)
        self.progress("read", total, total)
        return rows

    def validate(self, rows: list[Row]) -> None:
        total = len(rows)
        self.progress("check", 0, total)
        self.resolve([r for r in rows if r.ok])
        seen: dict = {}
        for row in rows:
            if not row.ok:
                continue
            key = self.key(row)
            if not row.ok:
                continue
            if key in seen:
                row.error("", _("Row %(row)d already has %(what)s.") % {"row": seen[key], "what": self.key_description})
            else:
                seen[key] = row.number
        valid = [r for r in rows if r.ok]
        existing = self.find_existing(valid)
        for n, row in enumerate(valid, start=1):
            found = existing.get(self.key(row))
            row.before = snapshot(found) if found is not None else None
            row.instance = self.build(row, found)
            if row.ok:
                self.clean(row)
            if row.ok:
                if found is None:
                    row.action = CREATE
                else:
                    changed = snapshot(row.instance) != row.before or self.extra_changed(row)
                    row.action = UPDATE if changed else UNCHANGED
            if n % 5000 == 0:
                self.progress("check", n, total)
        self.check_access([r for r in rows if r.ok])
        self.check_rows([r for r in rows if r.ok and r.action in (CREATE, UPDATE, UNCHANGED)])
        self.progress("check", total, total)

    def require(self, row: Row, instance: models.Model, fields: tuple[str, ...]) -> None:
        """Errors for the fields a new record needs but the row does not give (unless already reported)."""
        for name in fields:
            field = instance._meta.get_field(name)
            column = self.field_columns.get(name, name)
            if getattr(instance, field.attname) in (None, "") and not any(c == column for c, _m in row.errors):
                row.error(column, _("A value is required for a new record."))

    def clean(self, row: Row) -> None:
        """The model's own checks (fields, clean()), without the per-row queries of unique/constraint checks."""
        try:
            row.instance.full_clean(exclude=self.resolved_fields, validate_unique=False, validate_constraints=False)
        except ValidationError as exc:
            self.add_errors(row, exc)

    def add_errors(self, row: Row, exc: ValidationError) -> None:
        if hasattr(exc, "error_dict"):
            for field_name, errors in exc.message_dict.items():
                column = "" if field_name == NON_FIELD_ERRORS else self.field_columns.get(field_name, field_name)
                for message in errors:
                    row.error(column, message)
        else:
            for message in exc.messages:
                row.error("", message)

    def check_access(self, rows: list[Row]) -> None:
        """Permissions and scope: new rows need the add permission, changed rows the change permission on
        a record in the user's scope (`Model.objects.for_user(user, "change")`)."""
        user = self.actor
        if user is None:
            return
        what = self.model._meta.verbose_name_plural
        creates = [r for r in rows if r.action == CREATE]
        updates = [r for r in rows if r.action == UPDATE]
        if creates and not user.has_perm(permission_name(self.model, "add")):
            for row in creates:
                row.error("", _("You may not add new %(what)s (this row would add one).") % {"what": what})
        elif creates:
            self.check_create_scope(creates, user)
        if updates and not user.has_perm(permission_name(self.model, "change")):
            for row in updates:
                row.error("", _("You may not change existing %(what)s (this row would change one).") % {"what": what})
        elif updates:
            manager = self.model._default_manager
            allowed: set = set()
            pk_name = self.model._meta.pk.name
            for chunk in chunked([r.instance.pk for r in updates], LOOKUP_CHUNK):
                scoped = filter_in(manager.for_user(user, "change"), pk_name, chunk)
                allowed.update(scoped.values_list("pk", flat=True))
            for row in updates:
                if row.instance.pk not in allowed:
                    row.error("", _("This %(what)s exists but is outside the part of the register you may change.")
                              % {"what": self.model._meta.verbose_name})

    def verify_scope(self, created: list, updated: list) -> bool:
        """After writing: every written record is in `for_user(user, "add" / "change")` (the one scoping method)."""
        user = self.actor
        if user is None:
            return True
        manager = self.model._default_manager
        for action, objs in (("add", created), ("change", updated)):
            for chunk in chunked([o.pk for o in objs], LOOKUP_CHUNK):
                if filter_in(manager.for_user(user, action), self.model._meta.pk.name, chunk).count() != len(chunk):
                    return False
        return True

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

    def changed_fields(self, rows: Iterable[Row]) -> list[str]:
        by_attname = {f.attname: f.name for f in self.model._meta.concrete_fields}
        names: set[str] = set()
        for row in rows:
            after = snapshot(row.instance)
            names.update(by_attname[k] for k, v in after.items()
                         if k in by_attname and (row.before or {}).get(k) != v)
        if any(f.name == "updated_at" for f in self.model._meta.concrete_fields):
            names.add("updated_at")
        return sorted(names)

    def write(self, rows: list[Row]) -> tuple[list, list]:
        creates = [r.instance for r in rows if r.action == CREATE]
        updates = [r for r in rows if r.action == UPDATE]
        total, done = len(creates) + len(updates), 0
        self.progress("write", 0, total)
        manager = self.model._default_manager
        # Updates first: a row that ends an enrolment makes room for the new one the file starts.
        now = timezone.now()
        for batch in chunked(updates, self.update_batch_size):
            instances = [r.instance for r in batch]
            for instance in instances:
                if hasattr(instance, "updated_at"):
                    instance.updated_at = now
            fields = self.changed_fields(batch)
            if fields:
                manager.bulk_update(instances, fields)
            self.after_update(batch)
            record_bulk(instances, UPDATE, [r.before for r in batch])
            done += len(batch)
            self.progress("write", done, total)
        for batch in chunked(creates, self.batch_size):
            manager.bulk_create(batch)
            self.after_create(batch)
            record_bulk(batch, CREATE)
            done += len(batch)
            self.progress("write", done, total)
        return creates, [r.instance for r in updates]


def run_import(importer_class: type[Importer], source, *, actor=None, dry_run: bool = False,
               skip_bad_rows: bool = False, job_id: str | None = None,
               progress: Progress | None = None) -> ImportReport:
    """The one entry point of the CLI, the admin and background jobs."""
    return importer_class(actor=actor, progress=progress).run(source, dry_run=dry_run, skip_bad_rows=skip_bad_rows,
                                                              job_id=job_id)
