"""Searches of the public catalogue: folded full-text search (core.search) plus kind, level, field, place."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from edureg.classifiers.models import ClassifierItem
from edureg.core.search import search
from edureg.pages.filters import ItemFilter, SearchForm, current_items
from edureg.programmes.models import Offering, Programme, ProgrammeKind
from edureg.qualifications.choices import QualificationType
from edureg.qualifications.models import Qualification

LEVELS = [(str(n), str(n)) for n in range(1, 9)]


def broad_fields(request):
    """ISCED-F broad fields (two-digit codes): the level a member of the public chooses from."""
    user = request.user if request else None
    return (ClassifierItem.objects.for_user(user).of("isced_f").current().filter(parent__isnull=True)
            .order_by("code"))


class KindChoiceField(django_filters.fields.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class CatalogueFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Name, occupation or code"), method="filter_text",
                                  help_text=_("For example, “suvirint” finds welders; letters without diacritics "
                                              "are fine"))
    level = django_filters.ChoiceFilter(label=_("LTKS level"), choices=LEVELS, field_name="ltks_level",
                                        empty_label=_("All levels"))
    field = ItemFilter(label=_("Field of education"), queryset=broad_fields, method="filter_field",
                       to_field_name="code", empty_label=_("All fields"))

    def filter_text(self, queryset, name, value):
        return search(queryset, value)

    def filter_field(self, queryset, name, value):
        return queryset.filter(isced_f__code__startswith=value.code)


class ProgrammeFilter(CatalogueFilter):
    kind = django_filters.ModelChoiceFilter(label=_("Kind of programme"), queryset=ProgrammeKind.objects.all(),
                                            to_field_name="code", empty_label=_("All kinds"))
    kind.field_class = KindChoiceField
    municipality = ItemFilter(label=_("Municipality"), queryset=current_items("municipality"),
                              method="filter_municipality", to_field_name="code",
                              empty_label=_("All municipalities"))

    class Meta:
        model = Programme
        fields = ["q", "kind", "level", "field", "municipality"]
        form = SearchForm

    def filter_municipality(self, queryset, name, value):
        offered = Offering.objects.filter(municipality__code=value.code).values("programme_id")
        return queryset.filter(Q(provider__municipality__code=value.code) | Q(pk__in=offered))


class QualificationFilter(CatalogueFilter):
    type = django_filters.ChoiceFilter(label=_("Type"), choices=QualificationType.choices, empty_label=_("All types"))

    class Meta:
        model = Qualification
        fields = ["q", "level", "type", "field"]
        form = SearchForm



