"""Filters of the programmes catalogue API (codes, not row ids)."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from edureg.core.api.filters import BooleanFilter, IntegerFilter
from edureg.core.search import search
from edureg.programmes.choices import LearningForm, ModuleType, ProgrammeAction, VersionStatus
from edureg.programmes.models import Module, Offering, Programme, ProgrammeEvent, ProgrammeRule, ProgrammeVersion

LEVEL = {"min_value": 1, "max_value": 8}


class ProgrammeFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_q", label=_(
        "Full-text search in names and codes: words may be cut short and typed without diacritics "
        "(\"suvirint\" finds \"suvirintojas\")."))
    kind = django_filters.CharFilter(field_name="kind__code", label=_("Programme kind code"))
    status = django_filters.ChoiceFilter(choices=VersionStatus.choices, label=_("Status"))
    level = IntegerFilter(field_name="ltks_level", label=_("LTKS level (1-8)"), **LEVEL)
    field = django_filters.CharFilter(field_name="isced_f__code", lookup_expr="startswith",
                                      label=_("ISCED-F field code or its beginning (07 finds 0715)"))
    provider = django_filters.CharFilter(method="filter_provider",
                                         label=_("Legal-entity code of a provider or co-provider"))
    municipality = django_filters.CharFilter(field_name="provider__municipality__code",
                                             label=_("Municipality code of the provider"))
    qualification = django_filters.CharFilter(field_name="qualification__code",
                                              label=_("Code of the qualification awarded"))

    class Meta:
        model = Programme
        fields = []

    def filter_q(self, queryset, name, value):
        return search(queryset, value)

    def filter_provider(self, queryset, name, value):
        # co_providers joins a many-to-many: a subquery keeps rows from repeating.
        jointly = Programme.objects.filter(co_providers__code=value).values("pk")
        return queryset.filter(Q(provider__code=value) | Q(
            pk__in=jointly))


class ProgrammeVersionFilter(django_filters.FilterSet):
    programme = django_filters.CharFilter(method="filter_programme", label=_("Programme state or temporary code"))
    status = django_filters.ChoiceFilter(choices=VersionStatus.choices, label=_("Status"))

    class Meta:
        model = ProgrammeVersion
        fields = []

    def filter_programme(self, queryset, name, value):
        return queryset.filter(Q(programme__state_code=value)
                               | Q(programme__temp_code=value))


class ModuleFilter(django_filters.FilterSet):
    version = IntegerFilter(field_name="version_id", label=_("Programme version id"))
    type = django_filters.ChoiceFilter(choices=ModuleType.choices, label=_("Module type"))

    class Meta:
        model = Module
        fields = []


class ProgrammeRuleFilter(django_filters.FilterSet):
    kind = django_filters.CharFilter(field_name="kind__code", label=_("Programme kind code"))
    active = BooleanFilter(field_name="active", label=_("true: active rules only"))

    class Meta:
        model = ProgrammeRule
        fields = []


class ProgrammeEventFilter(django_filters.FilterSet):
    programme = django_filters.CharFilter(method="filter_programme", label=_("Programme state or temporary code"))
    action = django_filters.ChoiceFilter(choices=ProgrammeAction.choices, label=_("Action"))

    class Meta:
        model = ProgrammeEvent
        fields = []

    filter_programme = ProgrammeVersionFilter.filter_programme


class OfferingFilter(django_filters.FilterSet):
    year = IntegerFilter(field_name="year", min_value=2000, max_value=2100, label=_("School year (its first year)"))
    municipality = django_filters.CharFilter(field_name="municipality__code", label=_("Municipality code"))
    institution = django_filters.CharFilter(field_name="institution__code", label=_("Institution legal-entity code"))
    programme = django_filters.CharFilter(method="filter_programme", label=_("Programme state code"))
    kind = django_filters.CharFilter(field_name="programme__kind__code", label=_("Programme kind code"))
    level = IntegerFilter(field_name="programme__ltks_level", label=_("LTKS level (1-8)"), **LEVEL)
    form = django_filters.ChoiceFilter(choices=LearningForm.choices, label=_("Form of learning"))
    language = django_filters.CharFilter(field_name="language__code", label=_("Language code"))
    state_funded = BooleanFilter(method="filter_state_funded",
                                 label=_("true: with state-funded places; false: without"))

    class Meta:
        model = Offering
        fields = []

    def filter_programme(self, queryset, name, value):
        return queryset.filter(Q(programme__state_code=value)
                               | Q(programme__temp_code=value))

    def filter_state_funded(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(state_funded_places__gt=0) if value else queryset.filter(state_funded_places=0)
