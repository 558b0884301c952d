"""Shared pieces of the fact sources: reference dates, ages in SQL, measure filters as Q objects, conditional
aggregates and grouped queries turned into engine Frames.

A source builds its frame with one GROUP BY query per year (or one for all years): the rows are grouped by every
dimension the source has and carry one conditional aggregate per measure (`Count("pk", filter=Q(...))` or
`Sum(field, filter=Q(...))`), so the database does the counting and Python only sees one row per group.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Callable
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

import numpy as np
from django.db import connection, transaction
from django.db.models import Case, Count, Exists, F, IntegerField, Q, Sum, Value, When
from django.db.models.functions import ExtractYear

from edureg.indicators.choices import Aggregation
from edureg.indicators.engine.cube import Frame
from edureg.indicators.engine.dimensions import AGE_GROUPS
from edureg.indicators.sources import BOOL, CODE, NUMBER, Source

REFERENCE_MONTH, REFERENCE_DAY = 10, 1
READING_WORK_MEM = "64MB"


def reference_date(year: int) -> datetime.date:
    """The day a year's stocks are counted on: 1 October of the school year's first calendar year."""
    return datetime.date(year, REFERENCE_MONTH, REFERENCE_DAY)


def _born_by(year: int, age: int) -> datetime.date:
    """The latest birth date of a person aged at least `age` on the reference date of `year`."""
    return datetime.date(year - age, REFERENCE_MONTH, REFERENCE_DAY)


def age_group_expression(birth: str, year: int):
    """The age group (engine.dimensions.AGE_GROUPS) on the reference date, in SQL: a person is aged at least A
    exactly when born on or before (year − A)-10-01."""
    whens = [When(**{f"{birth}__gt": _born_by(year, high + 1)}, then=Value(code))
             for code, _low, high in AGE_GROUPS if high is not None]
    last = next(code for code, _low, high in AGE_GROUPS if high is None)
    return Case(*whens, default=Value(last))


def age_expression(birth: str, year: int):
    """Age in whole years on the reference date, in SQL (for sums of ages)."""
    after_reference = Case(
        When(Q(**{f"{birth}__month__gt": REFERENCE_MONTH})
             | Q(**{f"{birth}__month": REFERENCE_MONTH, f"{birth}__day__gt": REFERENCE_DAY}), then=Value(1)),
        default=Value(0), output_field=IntegerField())
    return Value(year) - ExtractYear(birth) - after_reference


def age_q(birth: str, year: int, op: str, value) -> Q:
    """A condition on the age on the reference date, as birth-date thresholds (no per-row arithmetic)."""
    def at_least(age: int) -> Q:
        return Q(**{f"{birth}__lte": _born_by(year, age)})

    def below(age: int) -> Q:
        return Q(**{f"{birth}__gt": _born_by(year, age)})

    if op in ("in", "not_in"):
        ages = [float(v) for v in value]
        q = Q(pk__in=[])
        for age in ages:
            q |= age_q(birth, year, "eq", age)
        return q if op == "in" else ~q
    value = float(value)
    if op == "ge":
        return at_least(math.ceil(value))
    if op == "gt":
        return at_least(math.floor(value) + 1)
    if op == "lt":
        return below(math.ceil(value))
    if op == "le":
        return below(math.floor(value) + 1)
    exact = (at_least(int(value)) & below(int(value) + 1)) if value.is_integer() else Q(pk__in=[])
    return exact if op == "eq" else ~exact


# ---------------------------------------------------------------------------------------------------------------
# Filters: each source maps the names a measure may filter on to a builder (op, value, year) -> Q.

FilterBuilder = Callable[[str, object, int], Q]


@dataclass(frozen=True)
class Filter:
    kind: str  # CODE | NUMBER | BOOL
    build: FilterBuilder


def code_filter(*paths: str) -> Filter:
    """A code compared as text; with several paths a row matches when any of them does (e.g. an end reason's own
    code or its parent's)."""
    def build(op, value, year):
        values = list(value) if op in ("in", "not_in") else [value]
        q = Q(pk__in=[])
        for path in paths:
            q |= Q(**{f"{path}__in": values})
        return ~q if op in ("ne", "not_in") else q

    return Filter(CODE, build)


_LOOKUPS = {"eq": "exact", "lt": "lt", "le": "lte", "gt": "gt", "ge": "gte"}


def number_filter(path: str) -> Filter:
    def build(op, value, year):
        if op in ("in", "not_in"):
            q = Q(**{f"{path}__in": [float(v) for v in value]})
            return q if op == "in" else ~q
        if op == "ne":
            return ~Q(**{path: value})
        return Q(**{f"{path}__{_LOOKUPS[op]}": value})

    return Filter(NUMBER, build)


def age_filter(birth: str) -> Filter:
    return Filter(NUMBER, lambda op, value, year: age_q(birth, year, op, value))


def bool_filter(true_q: Callable[[int], Q]) -> Filter:
    """A derived yes/no: `true_q(year)` is the condition for yes."""
    def build(op, value, year):
        q = true_q(year)
        return q if bool(value) == (op == "eq") else ~q

    return Filter(BOOL, build)


def exists_q(queryset) -> Q:
    return Q(Exists(queryset))


_memo: ContextVar[dict | None] = ContextVar("indicator_sources_memo", default=None)


@contextmanager
def run_memo():
    """Within the block, `memo(key, compute)` computes each key once (e.g. the register years, which several
    sources ask for and which take a scan of the enrolments)."""
    token = _memo.set({})
    try:
        yield
    finally:
        _memo.reset(token)


def memo(key: str, compute: Callable):
    cache = _memo.get()
    if cache is None:
        return compute()
    if key not in cache:
        cache[key] = compute()
    return cache[key]


@contextmanager
def reading_session():
    """On PostgreSQL, the frame queries run in one transaction without JIT compilation (a GROUP BY with a dozen
    conditional aggregates spends more time compiling than running) and with room to sort and hash the groups
    in memory. Elsewhere nothing changes."""
    if connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL jit = off")
        cursor.execute(f"SET LOCAL work_mem = '{READING_WORK_MEM}'")
        yield


# ---------------------------------------------------------------------------------------------------------------
# Sources and frames


@dataclass
class FactSource(Source):
    """A registered source with its query pieces: `filters` (name → Filter), `sums` (name → builder(year) of the
    summed expression), `years()` (the years it has facts for; None: every year of the run, e.g. population) and
    `models` (app labels of the models whose changes make its facts out of date)."""

    filters: dict[str, Filter] | None = None
    sums: dict[str, Callable[[int], object]] | None = None
    years: Callable[[], list[int]] | None = None
    models: tuple[str, ...] = ()

    def __post_init__(self):
        self.filter_fields = {name: spec.kind for name, spec in (self.filters or {}).items()}
        self.sum_fields = tuple(self.sums or ())

    def measure_q(self, measure, year: int) -> Q:
        q = Q()
        for name, op, value in measure.filters or []:
            q &= self.filters[name].build(op, value, year)
        return q

    def aggregate(self, measure, year: int, *, count="pk"):
        """The conditional aggregate of one measure in one year's query."""
        q = self.measure_q(measure, year)
        condition = q if q else None
        if measure.aggregation == Aggregation.SUM:
            return Sum(self.sums[measure.field](year), filter=condition)  # NULL (no rows) becomes 0 in the frame
        return Count(count, filter=condition)


def dim_alias(name: str) -> str:
    return f"dim_{name}"


def grouped_rows(queryset, dims: dict[str, object], aggregates: dict[str, object]) -> list[tuple]:
    """One GROUP BY query: rows of (dimension values..., aggregates...) in the order of the two dicts."""
    aliases = {dim_alias(name): expr for name, expr in dims.items()}
    measures = {f"m_{i}": agg for i, agg in enumerate(aggregates.values())}
    query = queryset.order_by().values(**aliases).annotate(**measures)
    return list(query.values_list(*aliases, *measures))


class FrameBuilder:
    """Collects grouped rows (of one or more queries) and makes one engine Frame of them."""

    def __init__(self, dimensions: tuple[str, ...], measure_codes: list[str]):
        self.dimensions = dimensions
        self.codes = measure_codes
        self.years: list[np.ndarray] = []
        self.dims: dict[str, list[np.ndarray]] = {d: [] for d in dimensions}
        self.values: dict[str, list[np.ndarray]] = {c: [] for c in measure_codes}

    def add(self, year, rows: list[tuple], dims: tuple[str, ...], codes: list[str]) -> None:
        """Rows of (dims..., values...) for the named dims and measures; the others are "" and 0. `year` is an int
        for all rows, or None when the first column is the year."""
        if not rows:
            return
        columns = list(zip(*rows, strict=True))
        n = len(rows)
        if year is None:
            self.years.append(np.asarray(columns.pop(0), dtype=np.int64))
        else:
            self.years.append(np.full(n, year, dtype=np.int64))
        given = dict(zip(dims, columns[:len(dims)], strict=True))
        for name in self.dimensions:
            if name in given:
                col = np.asarray(given[name], dtype=object)
                col[np.equal(col, None)] = ""
                self.dims[name].append(col.astype(str).astype(object))
            else:
                self.dims[name].append(np.full(n, "", dtype=object))
        numbers = dict(zip(codes, columns[len(dims):], strict=True))
        for code in self.codes:
            if code in numbers:
                self.values[code].append(np.nan_to_num(np.asarray(numbers[code], dtype=float)))
            else:
                self.values[code].append(np.zeros(n))

    def frame(self) -> Frame:
        """The frame, identical groups summed and groups without any fact dropped."""
        if not self.years:
            return empty_frame(self.dimensions, self.codes)
        year = np.concatenate(self.years)
        dims = {d: np.concatenate(v) for d, v in self.dims.items()}
        values = {c: np.concatenate(v) for c, v in self.values.items()}
        return collapse(Frame(year=year, dims=dims, values=values))


def empty_frame(dimensions, codes) -> Frame:
    return Frame(year=np.zeros(0, dtype=np.int64), dims={d: np.zeros(0, dtype=object) for d in dimensions},
                 values={c: np.zeros(0) for c in codes})


def group_index(columns: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """(first row of each group, group number of each row) for rows keyed by several columns, vectorised: each
    column is factorised and the codes are combined pairwise (re-factorised so the combined key stays small)."""
    combined = np.zeros(len(columns[0]), dtype=np.int64)
    for column in columns:
        distinct, codes = np.unique(column, return_inverse=True)
        combined = combined * len(distinct) + codes.reshape(-1).astype(np.int64)
        _, combined = np.unique(combined, return_inverse=True)
        combined = combined.reshape(-1).astype(np.int64)
    _, first, inverse = np.unique(combined, return_index=True, return_inverse=True)
    return first, inverse.reshape(-1)


def collapse(frame: Frame) -> Frame:
    """Sum rows with the same year and dimension values; drop rows where every measure is 0."""
    if len(frame) == 0:
        return frame
    columns = [frame.year] + [frame.dims[d].astype(str) for d in frame.dims]
    first, inverse = group_index(columns)
    groups = len(first)
    values = {c: np.bincount(inverse, weights=v, minlength=groups) for c, v in frame.values.items()}
    keep = np.zeros(groups, dtype=bool) if values else np.ones(groups, dtype=bool)
    for v in values.values():
        keep |= v != 0
    rows = first[keep]
    return Frame(year=frame.year[rows], dims={d: c[rows] for d, c in frame.dims.items()},
                 values={c: v[keep] for c, v in values.items()})


def field(path: str) -> Callable[[int], object]:
    return lambda year: F(path)


__all__ = ["BOOL", "CODE", "NUMBER", "FactSource", "Filter", "FrameBuilder", "age_expression", "age_filter",
           "age_group_expression", "age_q", "bool_filter", "code_filter", "collapse", "dim_alias",
           "empty_frame", "exists_q", "field", "grouped_rows", "memo", "number_filter", "reading_session",
           "reference_date", "run_memo"]
