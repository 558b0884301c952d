"""Fact sources: where measures count or sum (the registers, admission results, approved data collections).

Each source is registered by code with the dimensions it can break facts down by, the fields a measure may filter
on (with their kind) and the numeric fields it may sum. `frame(measures, years)` returns one engine Frame with a
column per measure, computed in set-based queries (GROUP BY in the database), never row by row in Python.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from edureg.indicators.choices import FILTER_OPERATORS, Aggregation
from edureg.indicators.engine.dimensions import DIMENSIONS
from edureg.indicators.engine.expressions import ExpressionError, parse

# Filter field kinds: "code" (compared as text; eq/ne/in/not_in), "number" (every operator), "bool" (eq/ne).
CODE, NUMBER, BOOL = "code", "number", "bool"
FORMULA_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
OPERATORS_BY_KIND = {CODE: ("eq", "ne", "in", "not_in"), NUMBER: FILTER_OPERATORS, BOOL: ("eq", "ne")}


@dataclass
class Source:
    code: str
    label: object  # a lazy translation
    dimensions: tuple[str, ...]
    filter_fields: dict[str, str] = field(default_factory=dict)  # name → kind
    sum_fields: tuple[str, ...] = ()
    build: Callable | None = None  # build(measures: list[Measure], years: list[int]) -> engine.cube.Frame

    def frame(self, measures, years):
        return self.build(measures, years)

    def fields_for(self, measure) -> tuple[dict[str, str], tuple[str, ...]]:
        """Filter and sum fields for a measure (the collection source's depend on the measure's collection)."""
        return self.filter_fields, self.sum_fields


SOURCES: dict[str, Source] = {}


def register(source: Source) -> Source:
    SOURCES[source.code] = source
    return source


def load_sources() -> dict[str, Source]:
    """Import the modules that register sources (they need the models)."""
    from edureg.indicators.sources import admission, collections, registers  # noqa: F401

    return SOURCES


def source_choices() -> list[tuple[str, object]]:
    return [(code, source.label) for code, source in sorted(load_sources().items())]


def check_measure(measure) -> dict[str, list[str]]:
    """Errors by field name (empty when the measure is sound)."""
    sources = load_sources()
    source = sources.get(measure.source)
    if source is None:
        return {"source": [_("Unknown source %(code)r; known: %(known)s.") % {
            "code": measure.source, "known": ", ".join(sorted(sources))}]}
    errors: dict[str, list[str]] = {}
    if measure.code and not FORMULA_NAME.fullmatch(measure.code):
        errors["code"] = [_("A measure's code is a name in formulas: letters, digits and _, not starting with a digit "
                            "(a hyphen would read as a minus).")]
    if measure.source == "collection" and not measure.collection_id:
        errors["collection"] = [_("A measure over a data collection names the collection.")]
        return errors
    if measure.source != "collection" and measure.collection_id:
        errors["collection"] = [_("Only measures of the collection source name a data collection.")]
    filter_fields, sum_fields = source.fields_for(measure)
    if measure.aggregation == Aggregation.SUM:
        if measure.field not in sum_fields:
            errors["field"] = [_("%(source)s cannot sum %(field)r; it sums: %(known)s.") % {
                "source": measure.source, "field": measure.field, "known": ", ".join(sum_fields) or "—"}]
    elif measure.field:
        errors["field"] = [_("A count sums no field; leave it empty.")]
    problems = []
    if not isinstance(measure.filters, list):
        problems.append(_("Filters are a list of [field, operator, value]."))
    else:
        for number, entry in enumerate(measure.filters, start=1):
            if not (isinstance(entry, list | tuple) and len(entry) == 3):
                problems.append(_("Filter %(n)d is not [field, operator, value].") % {"n": number})
                continue
            name, operator, value = entry
            kind = filter_fields.get(name) if isinstance(name, str) else None
            if kind is None:
                problems.append(_("Filter %(n)d: %(source)s has no field %(field)r; it has: %(known)s.") % {
                    "n": number, "source": measure.source, "field": name, "known": ", ".join(sorted(filter_fields))})
            elif operator not in OPERATORS_BY_KIND[kind]:
                problems.append(_("Filter %(n)d: operator %(op)r does not apply to %(field)s.") % {
                    "n": number, "op": operator, "field": name})
            elif operator in ("in", "not_in") and not (isinstance(value, list) and value
                                                       and all(isinstance(v, str) for v in value)):
                problems.append(_("Filter %(n)d: %(op)s takes a list of codes.") % {"n": number, "op": operator})
            elif operator not in ("in", "not_in") and not _value_fits(kind, value):
                problems.append(_("Filter %(n)d: %(value)r is not a %(kind)s.") % {
                    "n": number, "value": value, "kind": kind})
    if problems:
        errors["filters"] = problems
    return errors


def _value_fits(kind: str, value) -> bool:
    if kind == BOOL:
        return isinstance(value, bool)
    if kind == NUMBER:
        return isinstance(value, int | float) and not isinstance(value, bool)
    return isinstance(value, str)


def check_indicator(indicator) -> dict[str, list[str]]:
    """Formulas parse and name known measures; every dimension is known and every measure's source has it."""
    from edureg.indicators.models import Measure

    errors: dict[str, list[str]] = {}
    names: set[str] = set()
    for name in ("numerator", "denominator"):
        text = getattr(indicator, name)
        if not text and name == "denominator":
            continue
        try:
            names |= parse(text).names
        except ExpressionError as error:
            errors[name] = [_("The formula cannot be read: %(error)s.") % {"error": error}]
    measures = {m.code: m for m in Measure.objects.filter(code__in=names)}
    for name in ("numerator", "denominator"):
        text = getattr(indicator, name)
        if name in errors or not text:
            continue
        unknown = sorted(parse(text).names - set(measures))
        if unknown:
            errors[name] = [_("Unknown measure %(names)s.") % {"names": ", ".join(repr(u) for u in unknown)}]
    dims = indicator.dimensions
    if not isinstance(dims, list) or not all(isinstance(d, str) for d in dims):
        errors["dimensions"] = [_("Dimensions are a list of codes.")]
        return errors
    unknown_dims = [d for d in dims if d not in DIMENSIONS]
    if unknown_dims:
        errors["dimensions"] = [_("Unknown dimension %(names)s; known: %(known)s.") % {
            "names": ", ".join(unknown_dims), "known": ", ".join(DIMENSIONS)}]
    elif len(set(dims)) != len(dims):
        errors["dimensions"] = [_("A dimension is listed twice.")]
    elif not errors:
        sources = load_sources()
        missing = []
        for measure in measures.values():
            source = sources.get(measure.source)
            has = set(source.dimensions) if source else set()
            missing += [f"{measure.code}: {d}" for d in dims if d not in has]
        if missing:
            errors["dimensions"] = [_("Not every measure can be broken down so: %(missing)s.") % {
                "missing": "; ".join(sorted(missing))}]
    return errors
