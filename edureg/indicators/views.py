"""Statistics pages: the published indicators by theme, one indicator's dashboard (definition, filters, a time series
of the country and a municipality, a bar chart by municipality, a breakdown by another dimension, each chart with
its text alternative and data table), its downloads (CSV, XLSX) and the statistical summary (XLSX, PDF).

Every figure comes through publication.py (the published run, suppressed cells masked) via presentation.py. A
municipality officer gets their municipality chosen for them; anyone may choose another or none."""

from io import BytesIO
from urllib.parse import urlencode

from django import forms
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from edureg.core.scoping import scope_for
from edureg.indicators import charts, downloads, summary
from edureg.indicators.models import Indicator, Theme
from edureg.indicators.presentation import (
    ANY,
    GEOGRAPHY,
    Selection,
    country_name,
    dimension_labels,
    dimension_name,
    dims_q,
    flag_legend,
    latest_national,
    make_cell,
    number,
    observations,
    sort_codes,
    values_of,
    years_of,
)
from edureg.indicators.publication import published_run
from edureg.pages.forms import GovukFormMixin

DEFAULT_YEARS = 5
LINE_WORDS = (gettext_lazy("solid line with circles"), gettext_lazy("dashed line with squares"),
              gettext_lazy("dotted line with triangles"), gettext_lazy("dash-dot line with diamonds"))
BAR_WORDS = (gettext_lazy("solid bars"), gettext_lazy("hatched bars"), gettext_lazy("dotted bars"),
             gettext_lazy("cross-hatched bars"))
MAX_LISTED = 8


# The filter form --------------------------------------------------------------------------------------------------


class IndicatorFilterForm(GovukFormMixin, forms.Form):
    """Years, area and the indicator's other dimensions, built from what the published run holds."""

    def __init__(self, data, *, indicator, years, municipalities, dimension_choices, by_choices):
        super().__init__(data)
        year_choices = [(str(y), str(y)) for y in years]
        self.fields["year_from"] = forms.TypedChoiceField(label=_("From"), choices=year_choices, coerce=int)
        self.fields["year_to"] = forms.TypedChoiceField(label=_("To"), choices=year_choices, coerce=int)
        if municipalities is not None:
            self.fields["municipality"] = forms.ChoiceField(
                label=_("Municipality"), required=False,
                choices=[("", _("None (the country only)")), *municipalities])
        for dim, choices in dimension_choices.items():
            self.fields[dim] = forms.ChoiceField(label=dimension_name(dim), required=False,
                                                 choices=[("", _("All (total)")), *choices])
        if by_choices:
            self.fields["by"] = forms.ChoiceField(label=_("Break down by"), required=False,
                                                  choices=[("", _("No breakdown")), *by_choices])
        self.govuk_classes()

    def clean(self):
        data = super().clean()
        low, high = data.get("year_from"), data.get("year_to")
        if low is not None and high is not None and low > high:
            self.add_error("year_to", _("The last year must be the same as or after the first year."))
        return data


def _officer_municipality(user, codes) -> str:
    own = sorted(c for c in scope_for(user).municipality_codes if c in codes)
    return own[0] if own else ""


def _filter_form(request, indicator, run):
    """The bound filter form: the request's choices over the defaults (the last five years, the officer's
    municipality, totals, the first other dimension as breakdown). Returns (form, years)."""
    years = years_of(indicator, run)
    dims = indicator.dimensions or []
    municipalities = None
    codes = []
    if "municipality" in dims:
        labels = dimension_labels("municipality")
        codes = sort_codes(values_of(indicator, run, "municipality"), labels)
        municipalities = [(c, labels.get(c, c)) for c in codes]
    dimension_choices = {}
    for dim in dims:
        if dim in GEOGRAPHY:
            continue
        labels = dimension_labels(dim)
        dimension_choices[dim] = [(c, labels.get(c, c)) for c in sort_codes(values_of(indicator, run, dim), labels)]
    by_choices = [(d, dimension_name(d)) for d in dims if d != "municipality"]
    data = {"year_from": str(years[max(0, len(years) - DEFAULT_YEARS)]) if years else "",
            "year_to": str(years[-1]) if years else "",
            "by": next((d for d in dims if d not in GEOGRAPHY), by_choices[0][0] if by_choices else "")}
    if municipalities is not None:
        data["municipality"] = _officer_municipality(request.user, set(codes))
    form = IndicatorFilterForm(None, indicator=indicator, years=years, municipalities=municipalities,
                               dimension_choices=dimension_choices, by_choices=by_choices)
    for name in form.fields:
        if name in request.GET:
            data[name] = request.GET.get(name, "")[:60]
    form = IndicatorFilterForm(data, indicator=indicator, years=years, municipalities=municipalities,
                               dimension_choices=dimension_choices, by_choices=by_choices)
    return form, years


def _selection(form, indicator, run) -> Selection:
    data = form.cleaned_data
    return Selection(indicator=indicator, run=run, year_from=data["year_from"], year_to=data["year_to"],
                     municipality=data.get("municipality") or "",
                     filters={d: data.get(d) or "" for d in form.fields if d not in ("year_from", "year_to",
                                                                                    "municipality", "by")},
                     by=data.get("by") or "")


def _query_string(form) -> str:
    data = form.cleaned_data
    return urlencode({name: data.get(name) if data.get(name) is not None else "" for name in form.fields})


# Sentences ----------------------------------------------------------------------------------------------------


def _with_unit(text: str, unit: str) -> str:
    return f"{text} {unit}" if unit and text else text


def _series_sentence(indicator, areas: list[tuple[str, list]], years: list[int]) -> str:
    unit, parts = indicator.unit, []
    for name, cells in areas:
        known = [(y, c) for y, c in zip(years, cells, strict=True) if c.value is not None]
        if not known:
            parts.append(_("%(area)s: no published value in these years.") % {"area": name})
        elif len(known) == 1:
            parts.append(_("%(area)s: %(value)s in %(year)s.") % {
                "area": name, "value": _with_unit(known[0][1].text, unit), "year": known[0][0]})
        else:
            (y0, c0), (y1, c1) = known[0], known[-1]
            parts.append(_("%(area)s: %(first)s in %(first_year)s and %(last)s in %(last_year)s.") % {
                "area": name, "first": _with_unit(c0.text, unit), "first_year": y0,
                "last": _with_unit(c1.text, unit), "last_year": y1})
    hidden = sum(1 for _name, cells in areas for c in cells if c.value is None)
    if hidden:
        parts.append(_("Years without a value are marked with their symbol in the table."))
    return " ".join(parts)


def _bars_sentence(indicator, year, rows, country_cell, chosen) -> str:
    unit = indicator.unit
    shown = [(name, cell) for name, cell, _code in rows if cell.value is not None]
    parts = []
    if not shown:
        return _("No municipality has a published value for %(year)s.") % {"year": year}
    top, bottom = shown[0], shown[-1]
    parts.append(ngettext("In %(year)s, %(count)s municipality has a published value: %(top)s (%(top_value)s).",
                          "In %(year)s, %(count)s municipalities have a published value: the highest is %(top)s "
                          "(%(top_value)s), the lowest %(bottom)s (%(bottom_value)s).", len(shown)) % {
        "year": year, "count": len(shown), "top": top[0], "top_value": _with_unit(top[1].text, unit),
        "bottom": bottom[0], "bottom_value": _with_unit(bottom[1].text, unit)})
    if country_cell.value is not None:
        parts.append(_("The country's value, drawn as a dashed line, is %(value)s.") % {
            "value": _with_unit(country_cell.text, unit)})
    for rank, (name, cell) in enumerate(shown, start=1):
        if name == chosen:
            parts.append(_("%(area)s: %(value)s, number %(rank)s of %(count)s from the highest.") % {
                "area": name, "value": _with_unit(cell.text, unit), "rank": rank, "count": len(shown)})
    hidden = len(rows) - len(shown)
    if hidden:
        parts.append(ngettext("%(count)s more has no value shown (see the symbol in the table).",
                              "%(count)s more have no value shown (see the symbols in the table).", hidden)
                     % {"count": hidden})
    return " ".join(parts)


def _breakdown_sentence(indicator, year, dim, categories, areas) -> str:
    unit, parts = indicator.unit, []
    for name, cells in areas:
        known = [(label, c) for label, c in zip(categories, cells, strict=True) if c.value is not None]
        if not known:
            parts.append(_("%(area)s: no published value.") % {"area": name})
        elif len(known) <= MAX_LISTED:
            listed = "; ".join(f"{label} {_with_unit(c.text, unit)}" for label, c in known)
            parts.append(f"{name}: {listed}.")
        else:
            ordered = sorted(known, key=lambda lc: lc[1].value, reverse=True)
            parts.append(_("%(area)s: the highest is %(top)s (%(top_value)s), the lowest %(bottom)s "
                           "(%(bottom_value)s).") % {
                "area": name, "top": ordered[0][0], "top_value": _with_unit(ordered[0][1].text, unit),
                "bottom": ordered[-1][0], "bottom_value": _with_unit(ordered[-1][1].text, unit)})
    return _("In %(year)s by %(dimension)s.") % {"year": year, "dimension": dimension_name(dim).lower()} + " " + \
        " ".join(parts)


# Charts -------------------------------------------------------------------------------------------------------


def _chart_number(value, decimals):
    return number(value, decimals)


def _filter_words(selection: Selection, skip: str = "") -> str:
    words = []
    for dim in selection.other_dimensions:
        code = selection.filters.get(dim, "")
        if code and dim != skip:
            words.append(dimension_labels(dim).get(code, code))
    return f" ({', '.join(words)})" if words else ""


def _table(caption, first_header, columns, rows, *, numeric=True):
    return {"caption": caption, "first_header": first_header, "columns": columns, "rows": rows, "numeric": numeric}


def series_chart(selection: Selection, years: list[int], municipality_name: str) -> dict:
    indicator = selection.indicator
    shown_years = [y for y in years if selection.year_from <= y <= selection.year_to]
    areas = [("", country_name())]
    if selection.municipality:
        areas.append((selection.municipality, municipality_name))
    area_cells = []
    for code, name in areas:
        rows = {r["year"]: r for r in observations(selection, dims_q(municipality=code, filters=selection.filters))}
        area_cells.append((name, [make_cell(rows.get(y), indicator.decimals) for y in shown_years]))
    uid = "chart-series"
    what = _filter_words(selection)
    names = [name for _code, name in reversed(areas)]
    if len(names) > 1:
        names = [_("%(area)s and %(other)s") % {"area": names[0], "other": ", ".join(names[1:])}]
    title = _("%(indicator)s%(filters)s: %(areas)s, %(first)s–%(last)s") % {
        "indicator": indicator.name, "filters": what, "areas": names[0],
        "first": selection.year_from, "last": selection.year_to}
    lines = "; ".join(f"{name}: {LINE_WORDS[i % len(LINE_WORDS)]}" for i, (name, _c) in enumerate(area_cells))
    desc = _("Line chart: years on the horizontal axis, %(unit)s on the vertical axis. %(lines)s.") % {
        "unit": indicator.unit or _("value"), "lines": lines}
    sentence = _series_sentence(indicator, area_cells, shown_years)
    svg = charts.line_chart(
        uid=uid, title=title, desc=desc, x_labels=[str(y) for y in shown_years],
        series=[charts.Series(name, [c.value for c in cells], [c.symbol for c in cells])
                for name, cells in area_cells],
        unit=indicator.unit, decimals=indicator.decimals, number=_chart_number, describedby=f"{uid}-summary")
    table = _table(title, _("Year"), [name for name, _c in area_cells],
                   [{"header": str(y), "cells": [cells[i] for _n, cells in area_cells]}
                    for i, y in enumerate(shown_years)])
    return {"uid": uid, "svg": svg, "sentence": sentence, "table": table,
            "country": dict(zip(shown_years, area_cells[0][1], strict=True))}


def municipality_chart(selection: Selection, country_cell, municipality_name: str) -> dict:
    indicator = selection.indicator
    year = selection.year_to
    labels = dimension_labels("municipality")
    found = observations(selection, dims_q(municipality=ANY, filters=selection.filters), years=(year, year))
    rows = [(labels.get(r["municipality"], r["municipality"]), make_cell(r, indicator.decimals), r["municipality"])
            for r in found]
    rows.sort(key=lambda r: (r[1].value is None, -(r[1].value or 0), r[0]))
    uid = "chart-municipalities"
    title = _("%(indicator)s%(filters)s by municipality, %(year)s") % {
        "indicator": indicator.name, "filters": _filter_words(selection), "year": year}
    desc = _("Bar chart: one bar per municipality, from the highest value to the lowest, with the value written "
             "after each bar; the country's value is a dashed vertical line.")
    if selection.municipality:
        desc += " " + _("%(area)s is in bold and marked with an arrow.") % {"area": municipality_name}
    sentence = _bars_sentence(indicator, year, rows, country_cell, municipality_name if selection.municipality else "")
    highlight = [i for i, r in enumerate(rows) if r[2] == selection.municipality]
    svg = charts.bar_chart(
        uid=uid, title=title, desc=desc, categories=[r[0] for r in rows],
        series=[charts.Series(indicator.unit or _("value"), [r[1].value for r in rows], [r[1].symbol for r in rows])],
        unit=indicator.unit, decimals=indicator.decimals, number=_chart_number,
        reference=(country_name(), country_cell.value) if country_cell.value is not None else None,
        highlight=highlight, describedby=f"{uid}-summary")
    table_rows = [{"header": name, "cells": [cell], "highlight": code == selection.municipality}
                  for name, cell, code in rows]
    table = _table(title, _("Municipality"), [_("Value")], table_rows)
    table["reference"] = {"header": country_name(), "cells": [country_cell]}
    return {"uid": uid, "svg": svg, "sentence": sentence, "table": table, "year": year, "count": len(rows)}


def breakdown_chart(selection: Selection, municipality_name: str) -> dict:
    indicator = selection.indicator
    dim, year = selection.by, selection.year_to
    labels = dimension_labels(dim)
    filters = {d: v for d, v in selection.filters.items() if d != dim}
    areas = [("", country_name())]
    if selection.municipality and dim not in GEOGRAPHY:
        areas.append((selection.municipality, municipality_name))
    found = {}
    for code, _name in areas:
        rows = observations(selection, dims_q(municipality=code, filters=filters, free={dim}), years=(year, year))
        found[code] = {r[dim]: r for r in rows}
    missing = [name for code, name in areas if code and not found[code]]
    areas = [(code, name) for code, name in areas if not code or found[code]]
    codes = sort_codes(set().union(*(found[code].keys() for code, _n in areas)), labels)
    categories = [labels.get(c, c) for c in codes]
    area_cells = [(name, [make_cell(found[code].get(c), indicator.decimals) for c in codes]) for code, name in areas]
    uid = "chart-breakdown"
    title = _("%(indicator)s%(filters)s by %(dimension)s, %(year)s") % {
        "indicator": indicator.name, "filters": _filter_words(selection, skip=dim),
        "dimension": dimension_name(dim).lower(), "year": year}
    bars = "; ".join(f"{name}: {BAR_WORDS[i % len(BAR_WORDS)]}" for i, (name, _c) in enumerate(area_cells))
    desc = _("Bar chart: one group of bars per %(dimension)s value, with the value written after each bar. "
             "%(bars)s.") % {"dimension": dimension_name(dim).lower(), "bars": bars}
    sentence = _breakdown_sentence(indicator, year, dim, categories, area_cells) if codes else \
        _("No published value by %(dimension)s for %(year)s.") % {"dimension": dimension_name(dim).lower(),
                                                                   "year": year}
    svg = charts.bar_chart(
        uid=uid, title=title, desc=desc, categories=categories,
        series=[charts.Series(name, [c.value for c in cells], [c.symbol for c in cells]) for name, cells in area_cells],
        unit=indicator.unit, decimals=indicator.decimals, number=_chart_number, describedby=f"{uid}-summary")
    table = _table(title, dimension_name(dim), [name for name, _c in area_cells],
                   [{"header": label, "cells": [cells[i] for _n, cells in area_cells]}
                    for i, label in enumerate(categories)])
    return {"uid": uid, "svg": svg, "sentence": sentence, "table": table, "year": year, "dimension": dim,
            "missing": missing, "empty": not codes}


# Pages --------------------------------------------------------------------------------------------------------


def index(request):
    run = published_run()
    latest = latest_national(run)
    themes = []
    for theme in Theme.objects.prefetch_related("indicators").order_by("order", "code"):
        indicators = [i for i in theme.indicators.all() if i.is_public]
        if not indicators:
            continue
        entries = []
        for indicator in sorted(indicators, key=lambda i: (i.order, i.code)):
            row = latest.get(indicator.pk)
            entries.append({"indicator": indicator, "cell": make_cell(row, indicator.decimals) if row else None,
                            "year": row["year"] if row else None})
        themes.append({"theme": theme, "entries": entries})
    symbols = {e["cell"].symbol for t in themes for e in t["entries"] if e["cell"] and e["cell"].symbol}
    return render(request, "indicators/index.html", {"themes": themes, "run": run,
                                                      "legend": flag_legend(symbols)})


def _public_indicator(code: str) -> Indicator:
    return get_object_or_404(Indicator.objects.filter(is_public=True).select_related("theme"), code=code)


def indicator_detail(request, code):
    indicator = _public_indicator(code)
    run = published_run()
    context = {"indicator": indicator, "run": run, "legend": flag_legend()}
    form, years = _filter_form(request, indicator, run)
    context["form"] = form
    if not years:
        return render(request, "indicators/indicator.html", context)
    if not form.is_valid():
        return render(request, "indicators/indicator.html", context)
    selection = _selection(form, indicator, run)
    municipality_name = (dimension_labels("municipality").get(selection.municipality, selection.municipality)
                         if selection.municipality else "")
    series = series_chart(selection, years, municipality_name)
    context.update(selection=selection, municipality_name=municipality_name, series=series,
                   query=_query_string(form))
    if "municipality" in (indicator.dimensions or []):
        country_cell = series["country"].get(selection.year_to) or make_cell(None, indicator.decimals)
        context["municipalities"] = municipality_chart(selection, country_cell, municipality_name)
    if selection.by:
        context["breakdown"] = breakdown_chart(selection, municipality_name)
    return render(request, "indicators/indicator.html", context)


def _download(request, code, fmt):
    indicator = _public_indicator(code)
    run = published_run()
    form, years = _filter_form(request, indicator, run)
    if not years:
        return HttpResponseBadRequest(_("No figures of this indicator are published yet."),
                                      content_type="text/plain; charset=utf-8")
    if not form.is_valid():
        errors = "; ".join(f"{form.fields[name].label if name in form.fields else name}: {' '.join(messages)}"
                           for name, messages in form.errors.items())
        return HttpResponseBadRequest(errors, content_type="text/plain; charset=utf-8")
    selection = _selection(form, indicator, run)
    filename = f"{indicator.code}-{selection.year_from}-{selection.year_to}"
    if fmt == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
        downloads.write_csv(response, selection)
        return response
    response = HttpResponse(content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    downloads.write_xlsx(response, selection)
    return response


def download_csv(request, code):
    return _download(request, code, "csv")


def download_xlsx(request, code):
    return _download(request, code, "xlsx")


# The statistical summary --------------------------------------------------------------------------------------


class SummaryForm(GovukFormMixin, forms.Form):
    FORMATS = (("xlsx", gettext_lazy("Spreadsheet (XLSX)")), ("pdf", gettext_lazy("Document (PDF)")))

    def __init__(self, data, *, years, municipalities):
        super().__init__(data)
        self.fields["year"] = forms.TypedChoiceField(label=_("Year"), coerce=int,
                                                     choices=[(str(y), str(y)) for y in reversed(years)])
        self.fields["area"] = forms.ChoiceField(
            label=_("Area"), required=False, choices=[("", _("The whole country")), *municipalities],
            help_text=_("The country's report has a table by municipality for every indicator."))
        self.fields["format"] = forms.ChoiceField(label=_("Format"), choices=self.FORMATS,
                                                  widget=forms.RadioSelect, initial="xlsx")
        self.govuk_classes()


def summary_page(request):
    run = published_run()
    years = years_of(None, run)
    labels = dimension_labels("municipality")
    codes = sort_codes(values_of(None, run, "municipality"), labels)
    municipalities = [(c, labels.get(c, c)) for c in codes]
    bound = "year" in request.GET
    data = request.GET if bound else None
    form = SummaryForm(data, years=years, municipalities=municipalities)
    if not bound:
        form.initial = {"year": str(years[-1]) if years else "", "format": "xlsx",
                        "area": _officer_municipality(request.user, set(codes))}
    if bound and years and form.is_valid():
        year, area, fmt = form.cleaned_data["year"], form.cleaned_data["area"] or None, form.cleaned_data["format"]
        buffer = BytesIO()
        summary.write_summary(buffer, year=year, municipality=area, fmt=fmt)
        content_type = ("application/pdf" if fmt == "pdf"
                        else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        response = HttpResponse(buffer.getvalue(), content_type=content_type)
        response["Content-Disposition"] = (f'attachment; filename="statistics-{year}-{area or "LT"}.{fmt}"')
        return response
    return render(request, "indicators/summary.html", {"form": form, "run": run, "years": years,
                                                        "action": reverse("statistics:summary")})
