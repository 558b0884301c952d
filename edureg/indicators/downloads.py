"""The table behind an indicator page as CSV and XLSX: metadata rows (indicator, definition, unit, source,
methodology version, published run, the filters chosen, the flag symbols), then one row per observation of every
chart on the page over the whole year range — the country, the municipality chosen (or every municipality), and the
breakdown — with value, numerator, denominator and flag. A suppressed cell has its flag and no number."""

import csv
from io import BytesIO

from django.db.models import Q
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from edureg.indicators.engine.dimensions import DIMENSIONS
from edureg.indicators.presentation import (
    ANY,
    FLAG_SYMBOLS,
    GEOGRAPHY,
    Selection,
    country_name,
    describe_filters,
    dimension_labels,
    dimension_name,
    dims_q,
    flag_legend,
    observations,
)


def table_query(selection: Selection) -> Q:
    """Every breakdown the page shows, as one condition."""
    dims = selection.indicator.dimensions or []
    q = dims_q(municipality="", filters=selection.filters)
    if "municipality" in dims:
        q |= dims_q(municipality=selection.municipality or ANY, filters=selection.filters)
    if selection.by:
        rest = {d: v for d, v in selection.filters.items() if d != selection.by}
        q |= dims_q(municipality="", filters=rest, free={selection.by})
        if selection.municipality and selection.by not in GEOGRAPHY:
            q |= dims_q(municipality=selection.municipality, filters=rest, free={selection.by})
    return q


def table_rows(selection: Selection) -> list[dict]:
    rows = observations(selection, table_query(selection))
    rows.sort(key=lambda r: (r["year"], r["municipality"] != "", r["municipality"], *(r[d] for d in DIMENSIONS)))
    return rows


def columns(selection: Selection) -> list[str]:
    """The dimensions the table has columns for: municipality (the area) first, then the indicator's others."""
    dims = selection.indicator.dimensions or []
    return ["municipality", *[d for d in DIMENSIONS if d in dims and d != "municipality"]]


def metadata(selection: Selection) -> list[tuple[str, str]]:
    indicator, run = selection.indicator, selection.run
    pairs = [
        (_("Indicator"), f"{indicator.code} {indicator.name}"),
        (_("Definition"), indicator.definition),
        (_("Unit"), indicator.unit),
        (_("Source"), indicator.source_text),
        (_("Methodology version"), indicator.methodology_version),
        (_("Published run"), _("%(number)s, published %(date)s") % {
            "number": run.number, "date": date_format(run.published_at, "DATE_FORMAT") if run.published_at else ""}),
        *describe_filters(selection),
    ]
    pairs += [(_("Symbol %(symbol)s") % {"symbol": s}, meaning) for s, meaning in flag_legend()]
    return pairs


def header(selection: Selection) -> list[str]:
    names = [_("Year")]
    for dim in columns(selection):
        names += [_("%(dimension)s code") % {"dimension": dimension_name(dim)}, dimension_name(dim)]
    return [*names, _("Value"), _("Numerator"), _("Denominator"), _("Flag")]


def _records(selection: Selection):
    """Header and rows as Python values (numbers as floats, None when hidden or missing)."""
    dims = columns(selection)
    labels = {d: dimension_labels(d) for d in dims}
    for row in table_rows(selection):
        record = [row["year"]]
        for dim in dims:
            code = row[dim]
            if not code:
                label = country_name() if dim == "municipality" else _("Total")
            else:
                label = labels[dim].get(code, code)
            record += [code, label]
        record += [row["value"], row["numerator"], row["denominator"], FLAG_SYMBOLS.get(row["flag"], "")]
        yield record


def _plain(value, decimals: int) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.{decimals}f}"
    return str(value)


def _count(value) -> str:
    if value is None:
        return ""
    value = float(value)
    return str(int(value)) if value.is_integer() else f"{value:.6f}".rstrip("0").rstrip(".")


def write_csv(out, selection: Selection) -> None:
    """Semicolon-separated UTF-8 with a byte-order mark (opens in spreadsheet programs in Lithuanian settings);
    decimal point in numbers."""
    out.write("\ufeff")
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    for key, value in metadata(selection):
        writer.writerow([key, value])
    writer.writerow([])
    writer.writerow(header(selection))
    decimals = selection.indicator.decimals
    for record in _records(selection):
        *front, value, numerator, denominator, flag = record
        writer.writerow([*front, _plain(value, decimals), _count(numerator), _count(denominator), flag])


def write_xlsx(out, selection: Selection) -> None:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = selection.indicator.code[:31]
    bold = Font(bold=True)
    for key, value in metadata(selection):
        sheet.append([key, value])
        sheet.cell(row=sheet.max_row, column=1).font = bold
    sheet.append([])
    names = header(selection)
    sheet.append(names)
    header_row = sheet.max_row
    for cell in sheet[header_row]:
        cell.font = bold
    decimals = selection.indicator.decimals
    value_format = "0" if decimals == 0 else "0." + "0" * decimals
    value_column = len(names) - 3
    for record in _records(selection):
        sheet.append(record)
        sheet.cell(row=sheet.max_row, column=value_column).number_format = value_format
    for index, name in enumerate(names, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = max(10, min(40, len(name) + 4))
    sheet.column_dimensions["B"].width = 40
    sheet.freeze_panes = f"A{header_row + 1}"  # a coordinate, not a cell: creating one would add a row
    buffer = BytesIO()
    workbook.save(buffer)
    out.write(buffer.getvalue())
