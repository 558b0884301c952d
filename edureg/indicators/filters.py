"""Filters of the indicators API (codes and run numbers, not row ids), and the open-data query of an indicator's
observations: `?year=`, `?year_from=`, `?year_to=` and one parameter per dimension.

A dimension's parameter: absent or empty = the total over that dimension (the row whose value is ""); a code = that
value; several codes separated by commas = any of them; `*` = every value (the rows broken down by it, not the
total). Municipality rows carry no county (a breakdown never holds a dimension and its parent), so
`county=X&municipality=*` means the municipalities of county X.
"""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from rest_framework.exceptions import ValidationError

from edureg.core.api.filters import BooleanFilter, IntegerFilter
from edureg.indicators.choices import Aggregation, RunStatus
from edureg.indicators.engine.dimensions import DIMENSIONS, PARENTS
from edureg.indicators.models import Indicator, IndicatorRun, Measure, Observation, Theme

YEARS = {"min_value": 1900, "max_value": 2100}
EVERY = "*"
MAX_CODES = 100


class ThemeFilter(django_filters.FilterSet):
    class Meta:
        model = Theme
        fields = []


class MeasureFilter(django_filters.FilterSet):
    source = django_filters.CharFilter(field_name="source", label=_lazy("Source code"))
    aggregation = django_filters.ChoiceFilter(choices=Aggregation.choices, label=_lazy("Aggregation"))
    collection = django_filters.CharFilter(field_name="collection__code", label=_lazy("Data collection code"))

    class Meta:
        model = Measure
        fields = []


class IndicatorFilter(django_filters.FilterSet):
    theme = django_filters.CharFilter(field_name="theme__code", label=_lazy("Theme code"))
    dimension = django_filters.CharFilter(method="filter_dimension",
                                          label=_lazy("Code of a dimension it can be broken down by"))
    is_public = BooleanFilter(field_name="is_public", label=_lazy("Published"))

    class Meta:
        model = Indicator
        fields = []

    def filter_dimension(self, queryset, name, value):
        # A JSON list of codes: matched as its text (works on every database), codes being plain words.
        return queryset.filter(dimensions__icontains=f'"{value}"') if value in DIMENSIONS else queryset.none()


class IndicatorRunFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=RunStatus.choices, label=_lazy("Status"))
    published = BooleanFilter(field_name="published_at", lookup_expr="isnull", exclude=True,
                              label=_lazy("Published (now or before)"))

    class Meta:
        model = IndicatorRun
        fields = []


class ObservationFilter(django_filters.FilterSet):
    run = IntegerFilter(field_name="run__number", label=_lazy("Run number"))
    indicator = django_filters.CharFilter(field_name="indicator__code", label=_lazy("Indicator code"))
    year = IntegerFilter(field_name="year", label=_lazy("Year"), **YEARS)
    flag = django_filters.CharFilter(field_name="flag", label=_lazy('Flag ("" none, suppressed, secondary, ...)'))

    class Meta:
        model = Observation
        fields = []


# --- the open-data query ----------------------------------------------------------------------------------------

def _year(params, name):
    text = params.get(name)
    if text in (None, ""):
        return None
    try:
        year = int(text)
    except (TypeError, ValueError):
        raise ValidationError({name: [_("Give a year as a number, e.g. 2025.")]}) from None
    if not YEARS["min_value"] <= year <= YEARS["max_value"]:
        raise ValidationError({name: [_("A year from %(low)d to %(high)d.") % {
            "low": YEARS["min_value"], "high": YEARS["max_value"]}]})
    return year


def _codes(name, text) -> list[str]:
    codes = [c.strip() for c in text.split(",")]
    if len(codes) > MAX_CODES or any(not c or len(c) > 40 or "\x00" in c for c in codes):
        raise ValidationError({name: [_("Give a code, several codes separated by commas, or * for every value.")]})
    return codes


def observation_filter(params, indicator) -> Q:
    """The rows of an indicator's observations that the query parameters ask for (see the module's docstring).
    A parameter naming a dimension the indicator is not broken down by is refused, as is a bad year."""
    condition = Q()
    year, year_from, year_to = _year(params, "year"), _year(params, "year_from"), _year(params, "year_to")
    if year is not None:
        condition &= Q(year=year)
    if year_from is not None:
        condition &= Q(year__gte=year_from)
    if year_to is not None:
        condition &= Q(year__lte=year_to)
    if year_from is not None and year_to is not None and year_from > year_to:
        raise ValidationError({"year_from": [_("The first year is after the last (year_to).")]})
    wanted = {name: (params.get(name) or "").strip() for name in DIMENSIONS}
    # A parent narrows its asked-for children even when the indicator is not broken down by the parent itself.
    narrowing = {parent for child, parent in PARENTS.items() if wanted[child] and child in indicator.dimensions}
    for name, value in wanted.items():
        if value and name not in indicator.dimensions and name not in narrowing:
            raise ValidationError({name: [_("The indicator is not broken down by %(dimension)s; it is by: "
                                            "%(known)s.") % {"dimension": name,
                                                             "known": ", ".join(indicator.dimensions) or "—"}]})
    # A parent given with its child asked for: the children within the parent (their rows carry no parent).
    within = {}
    for child, parent in PARENTS.items():
        if wanted[child] and wanted[parent] and wanted[parent] != EVERY:
            within[child] = _codes(parent, wanted[parent])
            wanted[parent] = ""
    for name, value in wanted.items():
        if not value:
            condition &= Q(**{name: ""})
        elif value == EVERY:
            condition &= ~Q(**{name: ""})
        else:
            codes = _codes(name, value)
            condition &= Q(**{name: codes[0]}) if len(codes) == 1 else Q(**{f"{name}__in": codes})
    for child, parents in within.items():
        condition &= Q(**{f"{child}__in": _children(child, parents)}) & ~Q(**{child: ""})
    return condition


def _children(child: str, parents: list[str]):
    """Codes of the classifier items of list `child` (e.g. municipality) whose parent has one of these codes."""
    from edureg.classifiers.models import ClassifierItem

    return ClassifierItem.objects.filter(code_list__code=child, parent__code__in=parents).values("code")
