import datetime

from django.db.models import Q

from edureg.core.scoping import ScopedQuerySet


class MembershipQuerySet(ScopedQuerySet):
    def scope_filter(self, scope):
        return Q(pk__in=[])  # only national administrators manage memberships

    def active(self, day: datetime.date | None = None):
        day = day or datetime.date.today()
        return self.filter(Q(valid_from__lte=day), Q(valid_to__isnull=True) | Q(valid_to__gte=day),
                           user__is_active=True)
