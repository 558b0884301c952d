import datetime

import django_filters
from django.utils.translation import gettext_lazy as _

from edureg.classifiers.models import ClassifierItem
from edureg.core.api.filters import BooleanFilter


class ClassifierItemFilter(django_filters.FilterSet):
    list = django_filters.CharFilter(field_name="code_list__code", label=_("List code"))
    code = django_filters.CharFilter(field_name="code", label=_("Code"))
    parent = django_filters.CharFilter(field_name="parent__code", label=_("Parent code"))
    valid_on = django_filters.DateFilter(method="filter_valid_on", label=_("Valid on (YYYY-MM-DD)"))
    current = BooleanFilter(method="filter_current",
                                           label=_("true: versions valid today; false: closed versions"))

    class Meta:
        model = ClassifierItem
        fields = []

    def filter_valid_on(self, queryset, name, value: datetime.date):
        return queryset.valid_on(value)

    def filter_current(self, queryset, name, value: bool):
        today = datetime.date.today()
        current = queryset.valid_on(today)
        return current if value else queryset.exclude(pk__in=current.values("pk"))
