import django_filters
from django.utils.translation import gettext_lazy as _

from edureg.institutions.choices import InstitutionStatus
from edureg.institutions.models import Branch, Institution


class InstitutionFilter(django_filters.FilterSet):
    type = django_filters.CharFilter(field_name="type__code", label=_("Institution type code"))
    ownership = django_filters.CharFilter(field_name="ownership__code", label=_("Ownership code"))
    municipality = django_filters.CharFilter(field_name="municipality__code", label=_("Municipality code"))
    county = django_filters.CharFilter(field_name="municipality__parent__code", label=_("County code"))
    status = django_filters.ChoiceFilter(choices=InstitutionStatus.choices, label=_("Status"))

    class Meta:
        model = Institution
        fields = []


class BranchFilter(django_filters.FilterSet):
    institution = django_filters.CharFilter(field_name="institution__code", label=_("Institution legal-entity code"))
    municipality = django_filters.CharFilter(field_name="municipality__code", label=_("Municipality code"))

    class Meta:
        model = Branch
        fields = []
