"""What the statistics pages, downloads and the summary report show, read through publication.py only: the
published run's observations of public indicators with suppressed cells masked, their dimension values in words,
their numbers in the reader's language and their flags as symbols with a legend."""

import math
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from edureg.core.i18n import pick
from edureg.indicators.choices import Dimension
from edureg.indicators.engine.dimensions import AGE_GROUPS, DIMENSIONS
from edureg.indicators.publication import masked, published_observations

ANY = object()  # a dimension that takes every value except the total ("")

# Eurostat's symbols: c confidential, z not applicable, : not available.
FLAG_SYMBOLS = {"suppressed": "c", "secondary": "c", "zero_denominator": "z", "no_data": ":"}
FLAG_MEANINGS = {
    "c": gettext_lazy("confidential: too few people to publish, or hidden so that such a figure cannot be worked "
                      "out from the totals"),
    "z": gettext_lazy("not computable: the denominator is zero"),
    ":": gettext_lazy("no data"),
}
GEOGRAPHY = ("county", "municipality")
CLASSIFIED = ("county", "municipality", "institution_type", "ownership", "sex", "isced_level")


def country_name() -> str:
    return _("Lithuania")


def number(value: float | None, decimals: int) -> str:
    """A number in the reader's language (decimal comma and grouping in Lithuanian)."""
    if value is None or not math.isfinite(value):
        return ""
    value = round(float(value), decimals)
    if value == 0:
        value = 0.0  # no "-0"
    return number_format(value, decimal_pos=decimals, use_l10n=True, force_grouping=True)


def clean_value(value) -> float | None:
    if value is None:
        return None
    value = float(value)
    return value if math.isfinite(value) else None


@dataclass(frozen=True)
class Cell:
    """One figure as printed: its value (None when hidden or missing), its flag symbol and its text."""

    value: float | None
    symbol: str = ""
    text: str = ""

    @property
    def meaning(self) -> str:
        return str(FLAG_MEANINGS.get(self.symbol, "")) if self.symbol else ""


def make_cell(row: dict | None, decimals: int) -> Cell:
    if row is None:
        return Cell(None, ":", ":")
    value = clean_value(row.get("value"))
    symbol = FLAG_SYMBOLS.get(row.get("flag") or "", "")
    if value is None:
        symbol = symbol or ":"
        return Cell(None, symbol, symbol)
    return Cell(value, "", number(value, decimals))


def flag_legend(symbols=None) -> list[tuple[str, str]]:
    """(symbol, meaning) for the symbols given (all by default), in a fixed order."""
    return [(s, str(m)) for s, m in FLAG_MEANINGS.items() if symbols is None or s in symbols]


# Dimension values in words --------------------------------------------------------------------------------------


def dimension_name(dim: str) -> str:
    return str(Dimension(dim).label) if dim in Dimension.values else dim


def dimension_labels(dim: str) -> dict[str, str]:
    """code → label of a dimension's values in the active language, in the list's order."""
    if dim in CLASSIFIED:
        from edureg.classifiers.models import ClassifierItem

        items = ClassifierItem.objects.of(dim).order_by("sort_order", "code", "valid_from").values_list(
            "code", "name_lt", "name_en")
        labels = {}
        for code, name_lt, name_en in items:  # the latest version of a code wins
            labels[code] = pick(name_lt, name_en)
        return labels
    if dim == "age_group":
        return {code: _("%(group)s years") % {"group": code} for code, _low, _high in AGE_GROUPS}
    if dim == "education":
        from edureg.learners.choices import EducationKind

        return {code: str(label) for code, label in EducationKind.choices}
    if dim == "programme_kind":
        from edureg.programmes.models import ProgrammeKind

        return {k.code: k.name for k in ProgrammeKind.objects.order_by("code")}
    return {}


def sort_codes(codes, labels: dict[str, str]) -> list[str]:
    order = {code: i for i, code in enumerate(labels)}
    return sorted(codes, key=lambda c: (order.get(c, len(order)), c))


# Reading ------------------------------------------------------------------------------------------------------


@dataclass
class Selection:
    """What a reader asked for: a year range, an area (the country or a municipality), a value or the total of each
    other dimension, and the dimension of the breakdown chart."""

    indicator: object
    run: object
    year_from: int
    year_to: int
    municipality: str = ""
    filters: dict[str, str] = field(default_factory=dict)
    by: str = ""

    @property
    def other_dimensions(self) -> list[str]:
        return [d for d in DIMENSIONS if d in (self.indicator.dimensions or []) and d not in GEOGRAPHY]


def dims_q(*, municipality=None, county="", filters=None, free=()) -> Q:
    """Observations of one breakdown: `municipality` a code, "" (not broken down by municipality) or ANY; `county`
    likewise (ignored for municipality rows, whose county is implied); each other dimension the value in `filters`
    or the total; dimensions in `free` any value but the total."""
    filters = filters or {}
    q = Q()
    for dim in DIMENSIONS:
        value = filters.get(dim, "")
        if dim == "municipality":
            value = "" if municipality is None else municipality
        elif dim == "county":
            if municipality not in ("", None):
                continue
            value = county
        if dim in free:
            value = ANY
        q &= ~Q(**{dim: ""}) if value is ANY else Q(**{dim: value})
    return q


def observations(selection: Selection, q: Q, *, years: tuple[int, int] | None = None) -> list[dict]:
    """The published, masked rows of the selection's indicator matching `q`, in the years given (default: the
    selection's range), with NaN values as None."""
    low, high = years or (selection.year_from, selection.year_to)
    rows = (published_observations(selection.indicator, run=selection.run)
            .filter(q, year__gte=low, year__lte=high).order_by("year", *DIMENSIONS))
    result = []
    for obs in rows:
        row = masked(obs)
        row["value"] = clean_value(row["value"])
        result.append(row)
    return result


def years_of(indicator, run) -> list[int]:
    """The years the published run has figures for (of `indicator`, or of any indicator when None)."""
    if run is None:
        return []
    rows = published_observations(indicator, run=run)
    return sorted(set(rows.order_by().values_list("year", flat=True).distinct()))


def values_of(indicator, run, dim: str) -> list[str]:
    if run is None:
        return []
    return sorted(set(published_observations(indicator, run=run).exclude(**{dim: ""})
                      .order_by().values_list(dim, flat=True).distinct()))


def latest_national(run) -> dict[int, dict]:
    """indicator id → the masked national total of the latest year it has in the published run."""
    if run is None:
        return {}
    latest: dict[int, dict] = {}
    rows = published_observations(run=run, **dict.fromkeys(DIMENSIONS, "")).order_by("indicator_id", "year")
    for obs in rows:
        row = masked(obs)
        row["value"] = clean_value(row["value"])
        latest[obs.indicator_id] = row
    return latest


def describe_filters(selection: Selection) -> list[tuple[str, str]]:
    """(what, value) pairs naming the selection in words, for downloads' metadata rows."""
    pairs = [(_("Years"), f"{selection.year_from}–{selection.year_to}")]
    if "municipality" in (selection.indicator.dimensions or []):
        area = (dimension_labels("municipality").get(selection.municipality, selection.municipality)
                if selection.municipality else _("All municipalities"))
        pairs.append((dimension_name("municipality"), area))
    for dim in selection.other_dimensions:
        code = selection.filters.get(dim, "")
        pairs.append((dimension_name(dim), dimension_labels(dim).get(code, code) if code else _("Total")))
    if selection.by:
        pairs.append((_("Broken down by"), dimension_name(selection.by)))
    return pairs
