import datetime

from django.db.models import Q

from edureg.core.scoping import ScopedQuerySet


class EmploymentQuerySet(ScopedQuerySet):
    def scope_filter(self, scope):
        return (Q(institution_id__in=scope.institution_ids)
                | Q(institution__municipality__code__in=scope.municipality_codes)
                | Q(person_id__in=scope.person_ids))

    def active_on(self, day: datetime.date):
        return self.filter(Q(start_date__lte=day), Q(end_date__isnull=True) | Q(end_date__gte=day))

    def with_related(self):
        return (self.select_related("person", "institution", "position", "qualification_category")
                .prefetch_related("subjects"))
