import datetime

from django.db.models import Q

from edureg.core.scoping import ScopedQuerySet


class InstitutionQuerySet(ScopedQuerySet):
    def public_filter(self):
        return Q()  # the institution register is public (no personal data in it)

    def scope_filter(self, scope):
        return Q(pk__in=scope.institution_ids) | Q(municipality__code__in=scope.municipality_codes)

    def with_related(self):
        return self.select_related("type", "ownership", "municipality", "municipality__parent", "parent")


class BranchQuerySet(ScopedQuerySet):
    def public_filter(self):
        return Q()

    def scope_filter(self, scope):
        return (Q(institution_id__in=scope.institution_ids)
                | Q(institution__municipality__code__in=scope.municipality_codes))


class StatusChangeQuerySet(BranchQuerySet):
    pass


class PersonAtInstitutionQuerySet(ScopedQuerySet):
    """Records of a person at an institution over a period (enrolments, employments): in the scope of the
    institution's officers and municipality, and of the person themself."""

    def scope_filter(self, scope):
        return (Q(institution_id__in=scope.institution_ids)
                | Q(institution__municipality__code__in=scope.municipality_codes)
                | Q(person_id__in=scope.person_ids))

    def active_on(self, day: datetime.date):
        return self.filter(Q(start_date__lte=day), Q(end_date__isnull=True) | Q(end_date__gte=day))
