import datetime

from django.db.models import Q

from edureg.core.scoping import ScopedQuerySet


class EnrolmentQuerySet(ScopedQuerySet):
    def scope_filter(self, scope):
        return (Q(institution_id__in=scope.institution_ids)
                | Q(institution__municipality__code__in=scope.municipality_codes)
                | Q(person_id__in=scope.person_ids))

    def active_on(self, day: datetime.date):
        return self.filter(Q(start_date__lte=day), Q(end_date__isnull=True) | Q(end_date__gte=day))

    def open(self):
        return self.filter(end_date__isnull=True)

    def with_related(self):
        return self.select_related("person", "institution", "branch", "end_reason", "isced_level")
