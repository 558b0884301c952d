"""Filters of the data-collection API (codes, not row ids)."""

import django_filters
from django.utils.translation import gettext_lazy as _

from edureg.core.api.filters import IntegerFilter
from edureg.datacollections.choices import FieldType, PeriodStatus, Severity, SubmissionStatus
from edureg.datacollections.models import Field, Period, Rule, Section, Submission, Value

COLLECTION = _("Data collection code")
YEAR = {"min_value": 1990, "max_value": 2100}


def collection_filter(path: str = "collection"):
    return django_filters.CharFilter(field_name=f"{path}__code", label=COLLECTION)


class SectionFilter(django_filters.FilterSet):
    collection = collection_filter()

    class Meta:
        model = Section
        fields = []


class FieldFilter(django_filters.FilterSet):
    collection = collection_filter()
    section = django_filters.CharFilter(field_name="section__code", label=_("Section code"))
    type = django_filters.ChoiceFilter(choices=FieldType.choices, label=_("Type"))

    class Meta:
        model = Field
        fields = []


class RuleFilter(django_filters.FilterSet):
    collection = collection_filter()
    severity = django_filters.ChoiceFilter(choices=Severity.choices, label=_("Severity"))

    class Meta:
        model = Rule
        fields = []


class PeriodFilter(django_filters.FilterSet):
    collection = collection_filter()
    year = IntegerFilter(field_name="year", label=_("Reporting year"), **YEAR)
    status = django_filters.ChoiceFilter(choices=PeriodStatus.choices, label=_("Status"))

    class Meta:
        model = Period
        fields = []


class SubmissionFilter(django_filters.FilterSet):
    collection = collection_filter("period__collection")
    year = IntegerFilter(field_name="period__year", label=_("Reporting year"), **YEAR)
    period = IntegerFilter(field_name="period_id", label=_("Period id"))
    status = django_filters.ChoiceFilter(choices=SubmissionStatus.choices, label=_("Status"))
    institution = django_filters.CharFilter(field_name="institution__code", label=_("Institution legal-entity code"))
    municipality = django_filters.CharFilter(field_name="institution__municipality__code",
                                             label=_("Municipality code"))

    class Meta:
        model = Submission
        fields = []


class ValueFilter(django_filters.FilterSet):
    submission = IntegerFilter(field_name="submission_id", label=_("Report id"))
    collection = collection_filter("submission__period__collection")
    year = IntegerFilter(field_name="submission__period__year", label=_("Reporting year"), **YEAR)
    field = django_filters.CharFilter(field_name="field__code", label=_("Field code"))
    status = django_filters.ChoiceFilter(field_name="submission__status", choices=SubmissionStatus.choices,
                                         label=_("Report status"))

    class Meta:
        model = Value
        fields = []
