import django_filters
from django.utils.translation import gettext_lazy as _

from edureg.core.api.filters import BooleanFilter, IntegerFilter
from edureg.learners.choices import EducationKind
from edureg.learners.models import Enrolment


class EnrolmentFilter(django_filters.FilterSet):
    institution = django_filters.CharFilter(field_name="institution__code", label=_("Institution legal-entity code"))
    school_year = IntegerFilter(field_name="school_year", max_value=9999, label=_("School year (its first year)"))
    kind = django_filters.ChoiceFilter(choices=EducationKind.choices, label=_("Kind of education"))
    open = BooleanFilter(field_name="end_date", lookup_expr="isnull",
                                        label=_("true: not ended; false: ended"))
    active_on = django_filters.DateFilter(method="filter_active_on", label=_("Active on (YYYY-MM-DD)"))
    person = IntegerFilter(field_name="person_id", label=_("Person id"))

    class Meta:
        model = Enrolment
        fields = []

    def filter_active_on(self, queryset, name, value):
        return queryset.active_on(value)
