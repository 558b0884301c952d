"""The public search of the institution register (name or code, municipality, type)."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from edureg.classifiers.models import ClassifierItem
from edureg.institutions.models import Institution
from edureg.pages.forms import GovukFormMixin


class ItemChoiceField(django_filters.fields.ModelChoiceField):
    """Classifier items by code in the URL (?municipality=LT-57), by name in the list."""

    def label_from_instance(self, obj):
        return obj.name


class ItemFilter(django_filters.ModelChoiceFilter):
    field_class = ItemChoiceField


def current_items(list_code):
    def queryset(request):
        user = request.user if request else None
        return ClassifierItem.objects.for_user(user).of(list_code).current().order_by("sort_order", "name_lt")

    return queryset


class SearchForm(GovukFormMixin, forms.Form):
    pass


class InstitutionFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Name or code"), method="filter_text",
                                  help_text=_("For example, “gimnazija” or a 9-digit legal-entity code"))
    municipality = ItemFilter(label=_("Municipality"), queryset=current_items("municipality"), method="filter_item",
                              to_field_name="code", empty_label=_("All municipalities"))
    type = ItemFilter(label=_("Type"), queryset=current_items("institution_type"), method="filter_item",
                      to_field_name="code", empty_label=_("All types"))

    class Meta:
        model = Institution
        fields = ["q", "municipality", "type"]
        form = SearchForm

    def filter_text(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(short_name__icontains=value)
                               | Q(name_en__icontains=value) | Q(code__startswith=value))

    def filter_item(self, queryset, name, value):
        # By code, so institutions that point at an older version of the item are found too.
        return queryset.filter(**{f"{name}__code": value.code})
