"""The yearly statistical summary of the published indicators, for the country or one municipality, as XLSX (a cover
sheet and a sheet per theme) or PDF (tables and line charts). Reads only through publication.py, via presentation.py.

    write_summary(path_or_file, *, year, municipality=None, fmt="xlsx", language=None)

For every public indicator: its value for the area in the year, a five-year series (the municipality's beside the
country's) and, in the country's report, a table by municipality. Suppressed figures show their symbol, never a
number. Bad input (no published run, a year without figures, an unknown municipality, an unknown format) raises
SummaryError naming the field, and nothing is written. The PDF uses DejaVu Sans (vendored in
edureg/static/edureg/fonts/) so that Lithuanian letters render; its output is invariant (no creation date)."""

import contextlib
import re
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path
from xml.sax.saxutils import escape

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from edureg.indicators.engine.dimensions import DIMENSIONS
from edureg.indicators.models import Indicator
from edureg.indicators.presentation import (
    GEOGRAPHY,
    Cell,
    clean_value,
    country_name,
    dimension_labels,
    flag_legend,
    make_cell,
    number,
    sort_codes,
    years_of,
)
from edureg.indicators.publication import masked, published_observations, published_run

SERIES_YEARS = 5
FORMATS = ("xlsx", "pdf")
FONT_DIRS = (Path(__file__).resolve().parent.parent / "static" / "edureg" / "fonts",
             Path("/usr/share/fonts/truetype/dejavu"))


class SummaryError(ValidationError, ValueError):
    """Bad input for the summary: the message names the field (a ValidationError, so the CLI and forms show it)."""


@dataclass
class Block:
    """One indicator in the report."""

    indicator: Indicator
    country: list[Cell]
    area: list[Cell] | None = None
    by_municipality: list[tuple[str, Cell]] | None = None

    @property
    def headline(self) -> Cell:
        return (self.area or self.country)[-1]


@dataclass
class Report:
    year: int
    years: list[int]
    run: object
    municipality: str = ""
    area_name: str = ""
    themes: list[tuple[object, list[Block]]] = field(default_factory=list)

    @property
    def title(self) -> str:
        return _("Education statistics %(year)s: %(area)s") % {"year": self.year, "area": self.area_name}


# Reading ------------------------------------------------------------------------------------------------------


def build_report(*, year, municipality=None) -> Report:
    run = published_run()
    if run is None:
        raise SummaryError(_("No indicator run is published yet: there is nothing to summarise."))
    try:
        year = int(year)
    except (TypeError, ValueError):
        raise SummaryError(_("year: “%(value)s” is not a year.") % {"value": year}) from None
    published_years = set(years_of(None, run))
    if year not in published_years:
        raise SummaryError(_("year: the published run has no figures for %(year)s (it has %(years)s).") % {
            "year": year, "years": ", ".join(str(y) for y in sorted(published_years)) or "—"})
    municipality = (municipality or "").strip()
    labels = dimension_labels("municipality")
    if municipality and municipality not in labels:
        raise SummaryError(_("municipality: there is no municipality with the code “%(code)s”.") % {
            "code": municipality})
    years = list(range(year - SERIES_YEARS + 1, year + 1))
    report = Report(year=year, years=years, run=run, municipality=municipality,
                    area_name=labels[municipality] if municipality else country_name())
    totals = Q(**{d: "" for d in DIMENSIONS if d not in GEOGRAPHY})
    areas = Q(municipality="", county="") | (Q(municipality=municipality) if municipality else ~Q(municipality=""))
    rows: dict[int, dict[tuple[str, int], dict]] = {}
    for obs in published_observations(run=run).filter(totals, areas, year__gte=years[0], year__lte=year):
        row = masked(obs)
        row["value"] = clean_value(row["value"])
        rows.setdefault(obs.indicator_id, {})[(obs.municipality, obs.year)] = row
    indicators = Indicator.objects.filter(is_public=True).select_related("theme").order_by(
        "theme__order", "theme__code", "order", "code")
    by_theme: dict[int, tuple[object, list[Block]]] = {}
    for indicator in indicators:
        found = rows.get(indicator.pk, {})
        decimals = indicator.decimals
        block = Block(indicator=indicator, country=[make_cell(found.get(("", y)), decimals) for y in years])
        if municipality:
            block.area = [make_cell(found.get((municipality, y)), decimals) for y in years]
        elif "municipality" in (indicator.dimensions or []):
            codes = sort_codes({m for m, y in found if m and y == year}, labels)
            block.by_municipality = [(labels.get(c, c), make_cell(found[(c, year)], decimals)) for c in codes]
        by_theme.setdefault(indicator.theme_id, (indicator.theme, []))[1].append(block)
    report.themes = list(by_theme.values())
    return report


def _value_text(cell: Cell, unit: str) -> str:
    if cell.value is None:
        return f"{cell.symbol} ({cell.meaning})"
    return f"{cell.text} {unit}".strip()


def _cover_lines(report: Report) -> list[tuple[str, str]]:
    run = report.run
    thresholds = sorted({b.indicator.threshold for _t, blocks in report.themes for b in blocks}) or [5]
    note = _("To protect people's privacy, a figure computed from fewer than %(threshold)s people is not "
             "published (symbol c), and neither is any other figure from which it could be worked out from the "
             "totals (also c).") % {"threshold": thresholds[0] if len(thresholds) == 1 else
                                     "–".join(str(t) for t in (thresholds[0], thresholds[-1]))}
    return [
        (_("Year"), str(report.year)),
        (_("Area"), report.area_name),
        (_("Indicator run"), _("%(number)s, published %(date)s") % {
            "number": run.number, "date": date_format(run.published_at, "DATE_FORMAT") if run.published_at else ""}),
        (_("Disclosure control"), note),
        *[(_("Symbol %(symbol)s") % {"symbol": s}, meaning) for s, meaning in flag_legend()],
    ]


# XLSX ---------------------------------------------------------------------------------------------------------


def _sheet_title(name: str, taken: set[str]) -> str:
    base = re.sub(r"[\[\]:*?/\\]", " ", name).strip()[:31] or "Sheet"
    title, n = base, 2
    while title.lower() in taken:
        suffix = f" ({n})"
        title, n = base[:31 - len(suffix)] + suffix, n + 1
    taken.add(title.lower())
    return title


def _xlsx_value(cell: Cell):
    return cell.value if cell.value is not None else cell.symbol


def write_xlsx(report: Report, out) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    bold, title_font, heading = Font(bold=True), Font(bold=True, size=16), Font(bold=True, size=13)
    wrap = Alignment(wrap_text=True, vertical="top")
    workbook = Workbook()
    cover = workbook.active
    taken = set()
    cover.title = _sheet_title(_("Cover"), taken)
    cover.append([report.title])
    cover["A1"].font = title_font
    cover.append([_("Statistical summary of the published education indicators")])
    cover.append([])
    for key, value in _cover_lines(report):
        cover.append([key, value])
        cover.cell(row=cover.max_row, column=1).font = bold
        cover.cell(row=cover.max_row, column=2).alignment = wrap
    cover.append([])
    cover.append([_("Themes")])
    cover.cell(row=cover.max_row, column=1).font = bold
    sheets = []
    for theme, _blocks in report.themes:
        sheets.append(_sheet_title(theme.name, taken))
        cover.append([sheets[-1]])
    cover.column_dimensions["A"].width = 28
    cover.column_dimensions["B"].width = 90

    for (theme, blocks), title in zip(report.themes, sheets, strict=True):
        sheet = workbook.create_sheet(title)
        sheet.append([theme.name])
        sheet["A1"].font = title_font
        sheet.append([])
        for block in blocks:
            indicator = block.indicator
            fmt = "0" if indicator.decimals == 0 else "0." + "0" * indicator.decimals
            sheet.append([f"{indicator.name} ({indicator.code})"])
            sheet.cell(row=sheet.max_row, column=1).font = heading
            sheet.append([indicator.definition])
            sheet.append([_("Unit"), indicator.unit])
            sheet.append([_("%(area)s, %(year)s") % {"area": report.area_name, "year": report.year},
                          _xlsx_value(block.headline)])
            sheet.cell(row=sheet.max_row, column=1).font = bold
            sheet.cell(row=sheet.max_row, column=2).number_format = fmt
            sheet.append([])
            sheet.append([_("Area"), *report.years])
            for c in sheet[sheet.max_row]:
                c.font = bold
            series = [(country_name(), block.country)]
            if block.area is not None:
                series.insert(0, (report.area_name, block.area))
            for name, cells in series:
                sheet.append([name, *(_xlsx_value(c) for c in cells)])
                for c in sheet[sheet.max_row][1:]:
                    c.number_format = fmt
            if block.by_municipality:
                sheet.append([])
                sheet.append([_("Municipality"), report.year])
                for c in sheet[sheet.max_row]:
                    c.font = bold
                for name, cell in block.by_municipality:
                    sheet.append([name, _xlsx_value(cell)])
                    sheet.cell(row=sheet.max_row, column=2).number_format = fmt
            sheet.append([])
            sheet.append([])
        sheet.column_dimensions["A"].width = 42
        for letter in "BCDEF":
            sheet.column_dimensions[letter].width = 12
    workbook.save(out)


# PDF ----------------------------------------------------------------------------------------------------------


FONT, FONT_BOLD = "EduregSans", "EduregSans-Bold"


def _register_fonts() -> None:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    if FONT in pdfmetrics.getRegisteredFontNames():
        return
    for folder in FONT_DIRS:
        regular, bold = folder / "DejaVuSans.ttf", folder / "DejaVuSans-Bold.ttf"
        if regular.exists() and bold.exists():
            pdfmetrics.registerFont(TTFont(FONT, str(regular)))
            pdfmetrics.registerFont(TTFont(FONT_BOLD, str(bold)))
            from reportlab.lib.fonts import addMapping

            addMapping(FONT, 0, 0, FONT)
            addMapping(FONT, 1, 0, FONT_BOLD)
            return
    raise SummaryError(_("format: the PDF font (DejaVu Sans) is missing from %(dirs)s.") % {
        "dirs": ", ".join(str(d) for d in FONT_DIRS)})


def _line_chart(report: Report, block: Block):
    """A reportlab drawing: the five-year series of the area (dashed, squares) and the country (solid, circles)."""
    from reportlab.graphics.charts.lineplots import LinePlot
    from reportlab.graphics.shapes import Drawing, Line, String
    from reportlab.graphics.widgets.markers import makeMarker
    from reportlab.lib import colors

    from edureg.indicators.charts import STYLES, nice_ticks, tick_decimals

    series = [(country_name(), block.country)]
    if block.area is not None:
        series.append((report.area_name, block.area))
    values = [c.value for _n, cells in series for c in cells if c.value is not None]
    if not values:
        return None
    ticks = nice_ticks(min(0.0, min(values)), max(0.0, max(values)))
    width, height = 440, 170
    drawing = Drawing(width, height)
    plot = LinePlot()
    plot.x, plot.y, plot.width, plot.height = 50, 25, 370, 100
    data, styles = [], []
    markers = ("FilledCircle", "FilledSquare")
    for si, (_name, cells) in enumerate(series):
        segment = []
        for y, c in zip(report.years, cells, strict=True):
            if c.value is None:
                if segment:
                    data.append(segment)
                    styles.append(si)
                segment = []
            else:
                segment.append((y, c.value))
        if segment:
            data.append(segment)
            styles.append(si)
    plot.data = data
    for i, si in enumerate(styles):
        style = STYLES[si]
        plot.lines[i].strokeColor = colors.HexColor(style.colour)
        plot.lines[i].strokeWidth = 2
        plot.lines[i].symbol = makeMarker(markers[si])
        plot.lines[i].symbol.fillColor = colors.HexColor(style.colour)
        plot.lines[i].symbol.size = 6
        if si:
            plot.lines[i].strokeDashArray = [5, 3]
    plot.xValueAxis.valueMin, plot.xValueAxis.valueMax = report.years[0] - 0.3, report.years[-1] + 0.3
    plot.xValueAxis.valueSteps = report.years
    plot.xValueAxis.labelTextFormat = "%d"
    plot.yValueAxis.valueMin, plot.yValueAxis.valueMax = ticks[0], ticks[-1]
    plot.yValueAxis.valueSteps = ticks
    decimals = tick_decimals(ticks)
    plot.yValueAxis.labelTextFormat = lambda v: number(v, decimals)
    for axis in (plot.xValueAxis, plot.yValueAxis):
        axis.labels.fontName, axis.labels.fontSize = FONT, 8
    drawing.add(plot)
    for si, (name, _cells) in enumerate(series):
        x, y = 50 + si * 200, height - 14
        line = Line(x, y + 3, x + 24, y + 3, strokeColor=colors.HexColor(STYLES[si].colour), strokeWidth=2)
        if si:
            line.strokeDashArray = [5, 3]
        drawing.add(line)
        marker = makeMarker(markers[si], x=x + 12, y=y + 3, size=6, fillColor=colors.HexColor(STYLES[si].colour))
        drawing.add(marker)
        drawing.add(String(x + 30, y, name[:32], fontName=FONT, fontSize=8))
    if block.indicator.unit:
        drawing.add(String(50, height - 30, block.indicator.unit, fontName=FONT, fontSize=8))
    return drawing


def write_pdf(report: Report, out) -> None:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import KeepTogether, PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle
    from reportlab.platypus.flowables import HRFlowable

    _register_fonts()
    body = ParagraphStyle("body", fontName=FONT, fontSize=9.5, leading=12.5, spaceAfter=4)
    small = ParagraphStyle("small", parent=body, fontSize=8, leading=10)
    title = ParagraphStyle("title", parent=body, fontName=FONT_BOLD, fontSize=22, leading=27, spaceAfter=12)
    h1 = ParagraphStyle("h1", parent=body, fontName=FONT_BOLD, fontSize=16, leading=20, spaceAfter=8)
    h2 = ParagraphStyle("h2", parent=body, fontName=FONT_BOLD, fontSize=11.5, leading=14, spaceBefore=6)
    grid = TableStyle([("FONTNAME", (0, 0), (-1, -1), FONT), ("FONTSIZE", (0, 0), (-1, -1), 8),
                       ("FONTNAME", (0, 0), (-1, 0), FONT_BOLD), ("LINEBELOW", (0, 0), (-1, 0), 0.8, colors.black),
                       ("LINEBELOW", (0, 1), (-1, -1), 0.25, colors.HexColor("#b1b4b6")),
                       ("ALIGN", (1, 0), (-1, -1), "RIGHT"), ("VALIGN", (0, 0), (-1, -1), "TOP")])

    def text(value) -> str:
        return escape(str(value))

    def cell_text(cell: Cell) -> str:
        return cell.text if cell.value is not None else cell.symbol

    story = [Paragraph(text(report.title), title),
             Paragraph(text(_("Statistical summary of the published education indicators")), body), Spacer(1, 6 * mm)]
    cover = Table([[Paragraph(f"<b>{text(k)}</b>", body), Paragraph(text(v), body)] for k, v in _cover_lines(report)],
                  colWidths=[45 * mm, 125 * mm])
    cover.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    story.append(cover)
    for theme, blocks in report.themes:
        story += [PageBreak(), Paragraph(text(theme.name), h1)]
        for block in blocks:
            indicator = block.indicator
            head = [HRFlowable(width="100%", thickness=0.5, color=colors.HexColor("#b1b4b6")),
                    Paragraph(f"{text(indicator.name)} <font size=8>({text(indicator.code)})</font>", h2),
                    Paragraph(text(indicator.definition), small),
                    Paragraph(text(_("%(area)s, %(year)s: %(value)s") % {
                        "area": report.area_name, "year": report.year,
                        "value": _value_text(block.headline, indicator.unit)}), body)]
            rows = [[_("Area"), *[str(y) for y in report.years]]]
            series = [(country_name(), block.country)]
            if block.area is not None:
                series.insert(0, (report.area_name, block.area))
            rows += [[Paragraph(text(name), small), *(cell_text(c) for c in cells)] for name, cells in series]
            table = Table(rows, colWidths=[60 * mm] + [22 * mm] * len(report.years), hAlign="LEFT")
            table.setStyle(grid)
            part = [*head, table]
            chart = _line_chart(report, block)
            if chart is not None:
                part.append(chart)
            story.append(KeepTogether(part))
            if block.by_municipality:
                half = (len(block.by_municipality) + 1) // 2
                left, right = block.by_municipality[:half], block.by_municipality[half:]
                unit = f" ({indicator.unit})" if indicator.unit else ""
                rows = [[_("Municipality"), f"{report.year}{unit}", _("Municipality"), f"{report.year}{unit}"]]
                for i in range(half):
                    row = [Paragraph(text(left[i][0]), small), cell_text(left[i][1])]
                    row += ([Paragraph(text(right[i][0]), small), cell_text(right[i][1])] if i < len(right)
                            else ["", ""])
                    rows.append(row)
                table = Table(rows, colWidths=[58 * mm, 27 * mm, 58 * mm, 27 * mm], hAlign="LEFT", repeatRows=1)
                table.setStyle(grid)
                table.setStyle(TableStyle([("ALIGN", (0, 0), (0, -1), "LEFT"), ("ALIGN", (2, 0), (2, -1), "LEFT")]))
                story += [Spacer(1, 2 * mm), table]
            story.append(Spacer(1, 5 * mm))

    def footer(canvas, doc):
        canvas.saveState()
        canvas.setFont(FONT, 8)
        canvas.drawString(18 * mm, 10 * mm, report.title)
        canvas.drawRightString(A4[0] - 18 * mm, 10 * mm, str(doc.page))
        canvas.restoreState()

    doc = SimpleDocTemplate(out, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm, topMargin=16 * mm,
                            bottomMargin=18 * mm, title=report.title, author="edureg", invariant=True,
                            keywords=[str(report.year), report.municipality or "LT"],
                            lang=translation.get_language() or "lt")
    doc.build(story, onFirstPage=footer, onLaterPages=footer)


# Entry point --------------------------------------------------------------------------------------------------


def write_summary(path_or_file, *, year, municipality=None, fmt="xlsx", language=None) -> None:
    """Write the summary of `year` for the country (or the municipality with that code) as XLSX or PDF to a path or
    a binary file. Everything is built in memory first: on bad input nothing is written."""
    if fmt not in FORMATS:
        raise SummaryError(_("format: “%(value)s” is not one of %(formats)s.") % {
            "value": fmt, "formats": ", ".join(FORMATS)})
    with translation.override(language) if language else contextlib.nullcontext():
        report = build_report(year=year, municipality=municipality)
        buffer = BytesIO()
        (write_xlsx if fmt == "xlsx" else write_pdf)(report, buffer)
    data = buffer.getvalue()
    if hasattr(path_or_file, "write"):
        path_or_file.write(data)
    else:
        Path(path_or_file).write_bytes(data)
