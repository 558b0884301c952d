import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from edureg.core.api.filters import IntegerFilter
from edureg.persons.models import Person


class PersonFilter(django_filters.FilterSet):
    sex = django_filters.CharFilter(field_name="sex__code", label=_("Sex code"))
    birth_year = IntegerFilter(field_name="birth_date__year", max_value=9999, label=_("Birth year"))
    institution = django_filters.CharFilter(method="filter_institution",
                                            label=_("Legal-entity code of an institution where the person is "
                                                    "enrolled or employed"))

    class Meta:
        model = Person
        fields = []

    def filter_institution(self, queryset, name, value):
        linked = Person.objects.filter(Q(enrolments__institution__code=value)
                                       | Q(employments__institution__code=value)).values("pk")
        return queryset.filter(pk__in=linked)
