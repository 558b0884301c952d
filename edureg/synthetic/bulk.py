"""Fast set-based writes of column arrays, with their change records.

PostgreSQL gets `COPY ... FROM STDIN`; other databases get `executemany` of one INSERT. Columns are
named by the model fields' attnames and given as numpy arrays (dates as datetime64[D] with NaT for
NULL, codes and texts as object arrays with None for NULL, JSON fields as object arrays of Python values
or of JSON texts). Change records carry exactly what
`core.audit.registry.record_bulk` would write: the `snapshot()` of each object as after-data, its
str() as object_repr, one timestamp, and the current audit context (user, job, source).
"""

import itertools
import json
from collections.abc import Callable, Iterator

import numpy as np
from django.contrib.contenttypes.models import ContentType
from django.db import connection, models
from django.utils import timezone

from edureg.core.audit.context import current
from edureg.core.audit.serialize import snapshot
from edureg.core.models import ObjectChange

Progress = Callable[[str, int, int], None]


def _copy_escape(values: list[str]) -> list[str]:
    joined = "".join(values)
    if not any(ch in joined for ch in "\\\t\n\r"):
        return values
    return [v.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r") for v in values]


def _mapped(values, fn, none) -> list:
    """fn(value) for each value, computed once per distinct value (columns repeat a lot)."""
    cache: dict = {None: none}
    out = []
    for x in values:
        try:
            out.append(cache[x])
        except KeyError:
            out.append(cache.setdefault(x, fn(x)))
    return out


class Column:
    """One column: its field and its values, convertible to COPY text, Python values or JSON text."""

    def __init__(self, field: models.Field, values):
        self.field = field
        self.values = values

    def _dates(self) -> tuple[np.ndarray, np.ndarray]:
        arr = np.asarray(self.values).astype("datetime64[D]")
        return np.datetime_as_string(arr, unit="D"), np.isnat(arr)

    def kind(self) -> str:
        f = self.field
        if isinstance(f, models.DateTimeField):
            return "datetime"
        if isinstance(f, models.DateField):
            return "date"
        if isinstance(f, models.BooleanField):
            return "bool"
        if isinstance(f, models.DecimalField):
            return "decimal"
        if isinstance(f, models.JSONField):
            return "json"
        if isinstance(f, models.ForeignKey | models.IntegerField | models.AutoField | models.BigAutoField):
            return "int"
        return "text"

    def _plain(self) -> list:
        """Python values (str/int/bool/None) in the database's form."""
        kind = self.kind()
        v = self.values
        if kind == "datetime":
            adapt = (lambda x: x.isoformat()) if connection.vendor == "postgresql" else (
                lambda x: str(connection.ops.adapt_datetimefield_value(x)))
            return _mapped(v, adapt, None)
        if kind == "date":
            text, nat = self._dates()
            return [None if n else t for t, n in zip(text.tolist(), nat.tolist(), strict=True)]
        if kind == "decimal":
            # As many decimals as the field keeps, so the change record shows what the database returns.
            places = self.field.decimal_places
            return [None if x is None or x != x else f"{float(x):.{places}f}" for x in np.asarray(v).tolist()]
        if kind == "json":
            # JSON text, as Django's JSONField writes it; a str is JSON text already (the change records').
            return [x if isinstance(x, str) else json.dumps(x) for x in v]
        if isinstance(v, np.ndarray):
            return v.tolist()
        return list(v)

    def copy_text(self) -> list[str]:
        kind = self.kind()
        v = self.values
        if kind == "int" and isinstance(v, np.ndarray) and v.dtype.kind in "iu":
            return v.astype(str).tolist()
        if kind == "bool" and isinstance(v, np.ndarray) and v.dtype == bool:
            return np.where(v, "t", "f").tolist()
        if kind == "date":
            text, nat = self._dates()
            return np.where(nat, "\\N", text).tolist()
        plain = self._plain()
        if kind == "bool":
            return ["\\N" if x is None else ("t" if x else "f") for x in plain]
        if kind in ("int", "decimal"):
            return ["\\N" if x is None else str(x) for x in plain]
        nulls = [x is None for x in plain]
        escaped = _copy_escape(["" if x is None else str(x) for x in plain])
        return ["\\N" if n else x for x, n in zip(escaped, nulls, strict=True)] if any(nulls) else escaped

    def python(self) -> list:
        kind = self.kind()
        plain = self._plain()
        if kind == "bool":
            return [None if x is None else int(bool(x)) for x in plain]
        return plain

    def json(self) -> list[str]:
        """JSON text of each value as `core.audit.serialize.snapshot` renders it."""
        kind = self.kind()
        v = self.values
        if kind == "int" and isinstance(v, np.ndarray) and v.dtype.kind in "iu":
            return v.astype(str).tolist()
        if kind == "date":
            text, nat = self._dates()
            return np.where(nat, "null", np.char.add(np.char.add('"', text), '"')).tolist()
        if kind == "decimal":
            return ["null" if x is None else '"' + x + '"' for x in self._plain()]
        if kind == "json":
            return [x if isinstance(x, str) else json.dumps(x, ensure_ascii=False) for x in v]
        if kind == "datetime":
            return _mapped(v, lambda x: json.dumps(x.isoformat()), "null")
        plain = self._plain()
        if kind == "bool":
            return ["null" if x is None else ("true" if x else "false") for x in plain]
        if kind == "int":
            return ["null" if x is None else str(x) for x in plain]
        return _mapped(plain, lambda x: json.dumps(x, ensure_ascii=False), "null")


def _snapshot_fields(model: type[models.Model]) -> list[str]:
    """The attnames `snapshot()` records for a model, in its order (asked of an empty instance, so
    the rule stays in one place: core.audit.serialize)."""
    return [name for name in snapshot(model()) if name in {f.attname for f in model._meta.concrete_fields}]


class Writer:
    """Writes rows of one model (and their change records) inside the caller's transaction."""

    def __init__(self, *, job_time=None, batch_size: int = 100_000, progress: Progress | None = None):
        self.vendor = connection.vendor
        self.time = job_time or timezone.now()
        self.batch_size = batch_size
        self.progress = progress or (lambda step, done, total: None)
        self.ctx = current()

    # --- ids ------------------------------------------------------------------------------------

    def reserve_ids(self, model: type[models.Model], n: int) -> np.ndarray:
        """`n` new primary keys for `model`, safe against concurrent inserts."""
        table = model._meta.db_table
        if n == 0:
            return np.zeros(0, dtype=np.int64)
        with connection.cursor() as cursor:
            if self.vendor == "postgresql":
                cursor.execute("SELECT min(v), max(v) FROM (SELECT nextval(pg_get_serial_sequence(%s, 'id')) AS v "
                               "FROM generate_series(1, %s)) AS s", [table, n])
                low, high = cursor.fetchone()
                if high - low + 1 == n:
                    return np.arange(low, high + 1, dtype=np.int64)
                cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                               [table, n])
                return np.array([r[0] for r in cursor.fetchall()], dtype=np.int64)
            # SQLite: the write transaction holds the database lock. Ids are never reused: the
            # AUTOINCREMENT counter remembers deleted ones (and follows explicit ids).
            cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {connection.ops.quote_name(table)}")
            start = cursor.fetchone()[0]
            if self.vendor == "sqlite":
                cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
                row = cursor.fetchone()
                start = max(start, row[0] if row else 0)
            return np.arange(start + 1, start + 1 + n, dtype=np.int64)

    # --- rows -----------------------------------------------------------------------------------

    def _insert(self, model, batches: Iterator[list[Column]]) -> None:
        """Insert batches of columns into the model's table.

        On PostgreSQL all batches go through one COPY whose data a background thread sends
        (psycopg's QueuedLibpqWriter), so the next batch is prepared while the server takes the last.
        """
        table = connection.ops.quote_name(model._meta.db_table)
        first = next(batches, None)
        if first is None:
            return
        names = ", ".join(connection.ops.quote_name(c.field.column) for c in first)
        if self.vendor == "postgresql":
            from psycopg.copy import QueuedLibpqWriter

            with connection.cursor() as cursor:
                raw = cursor.cursor
                with raw.copy(f"COPY {table} ({names}) FROM STDIN", writer=QueuedLibpqWriter(raw)) as copy:
                    for columns in itertools.chain([first], batches):
                        text_cols = [c.copy_text() for c in columns]
                        copy.write("\n".join(map("\t".join, zip(*text_cols, strict=True))) + "\n")
        else:
            marks = ", ".join(["?"] * len(first))
            raw = connection.connection.cursor()
            try:
                for columns in itertools.chain([first], batches):
                    rows = list(zip(*[c.python() for c in columns], strict=True))
                    raw.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)
            finally:
                raw.close()

    def _batches(self, columns: list[Column], n: int, step: str, share: tuple[int, int]):
        """Slices of the columns, reporting progress as each is handed over."""
        part, parts = share
        for start in range(0, n, self.batch_size):
            stop = min(n, start + self.batch_size)
            yield [Column(c.field, c.values[start:stop]) for c in columns]
            self.progress(step, (part * n + stop) // parts, n)

    def write(self, step: str, model: type[models.Model], values: dict, *, repr_: Callable | None = None,
              extra_snapshot: dict | None = None) -> int:
        """Insert rows given as {attname: array}; with `repr_`, also their change records.

        `repr_(start, stop)` gives the object_repr of rows start..stop; `extra_snapshot` adds keys to
        the after-data ({key: list of JSON texts}), e.g. many-to-many ids as a prefetched snapshot has.
        """
        fields = {f.attname: f for f in model._meta.concrete_fields}
        n = len(next(iter(values.values())))
        values = dict(values)
        for f in fields.values():
            if (getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)) and f.attname not in values:
                values[f.attname] = np.full(n, self.time, dtype=object)
        columns = [Column(fields[name], vals) for name, vals in values.items()]
        parts = 1 if repr_ is None else 2
        self.progress(step, 0, n)
        self._insert(model, self._batches(columns, n, step, (0, parts)))
        if repr_ is not None:
            changes = (self._changes(model, columns, start, min(n, start + self.batch_size), repr_, extra_snapshot)
                       for start in range(0, n, self.batch_size))
            self._insert(ObjectChange, self._progressing(changes, n, step))
        return n

    def _progressing(self, batches, n: int, step: str):
        done = 0
        for columns in batches:
            yield columns
            done += len(columns[0].values)
            self.progress(step, (n + done) // 2, n)

    # --- change records -------------------------------------------------------------------------

    def _changes(self, model, columns: list[Column], start: int, stop: int, repr_: Callable,
                 extra: dict | None) -> list[Column]:
        """The change-record columns of rows start..stop."""
        reprs = repr_(start, stop)
        by_name = {c.field.attname: c for c in columns}
        fields = {f.attname: f for f in model._meta.concrete_fields}
        parts = []
        for name in _snapshot_fields(model):
            field = fields[name]
            column = by_name.get(field.attname)
            if column is None:
                raise ValueError(f"{model.__name__}.{field.attname} has no value: the change record needs it")
            key = json.dumps(field.attname) + ": "
            parts.append([key + x for x in Column(field, column.values[start:stop]).json()])
        for key, texts in (extra or {}).items():
            parts.append([json.dumps(key) + ": " + x for x in texts[start:stop]])
        after = ["{" + ", ".join(row) + "}" for row in zip(*parts, strict=True)]
        ids = by_name["id"].values[start:stop]
        m = stop - start
        ctx = self.ctx
        change_fields = {f.attname: f for f in ObjectChange._meta.concrete_fields}
        values = {
            "time": np.full(m, self.time, dtype=object),
            "user_id": np.full(m, ctx.user_id, dtype=object),
            "user_name": np.full(m, ctx.user_name, dtype=object),
            "request_id": np.full(m, str(ctx.request_id) if ctx.request_id else None, dtype=object),
            "job_id": np.full(m, ctx.job_id, dtype=object),
            "source": np.full(m, ctx.source, dtype=object),
            "action": np.full(m, "create", dtype=object),
            "content_type_id": np.full(m, ContentType.objects.get_for_model(model).pk, dtype=np.int64),
            "object_id": np.asarray(ids).astype(str).astype(object),
            "object_repr": np.array([r[:200] for r in reprs], dtype=object),
            "postchange_data": np.array(after, dtype=object),
        }
        return [Column(change_fields[k], v) for k, v in values.items()]
