from django.db.models import Q

from edureg.core.scoping import ScopedQuerySet

NOTHING = Q(pk__in=())


class PublicRegisterQuerySet(ScopedQuerySet):
    """The qualifications system is public; only the agency (national scope) changes it."""

    def public_filter(self):
        return Q()

    def scope_filter(self, scope):
        return NOTHING


class CommitteeMemberQuerySet(ScopedQuerySet):
    """Members are persons: the agency sees them, the public sees only the committee."""

    def scope_filter(self, scope):
        return NOTHING
