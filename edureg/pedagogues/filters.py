import django_filters
from django.utils.translation import gettext_lazy as _

from edureg.core.api.filters import IntegerFilter
from edureg.pedagogues.models import Employment


class EmploymentFilter(django_filters.FilterSet):
    institution = django_filters.CharFilter(field_name="institution__code", label=_("Institution legal-entity code"))
    position = django_filters.CharFilter(field_name="position__code", label=_("Position code"))
    subject = django_filters.CharFilter(method="filter_subject", label=_("Subject code"))
    active_on = django_filters.DateFilter(method="filter_active_on", label=_("Active on (YYYY-MM-DD)"))
    person = IntegerFilter(field_name="person_id", label=_("Person id"))

    class Meta:
        model = Employment
        fields = []

    def filter_subject(self, queryset, name, value):
        return queryset.filter(pk__in=Employment.objects.filter(subjects__code=value).values("pk"))

    def filter_active_on(self, queryset, name, value):
        return queryset.active_on(value)
