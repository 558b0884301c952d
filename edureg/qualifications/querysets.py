from django.db.models import Prefetch, Q

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

    def with_related(self):
        return self.select_related("committee", "person")

    def active_on(self, day):
        return self.filter(Q(end_date__isnull=True) | Q(end_date__gte=day), start_date__lte=day)


class CommitteeQuerySet(PublicRegisterQuerySet):
    def with_related(self):
        return self.select_related("sector")


class MeetingQuerySet(PublicRegisterQuerySet):
    def with_related(self):
        from edureg.qualifications.models import CommitteeDecision

        return self.select_related("committee").prefetch_related(
            Prefetch("decisions", queryset=CommitteeDecision.objects.select_related("standard").order_by("id")))


class StandardQuerySet(PublicRegisterQuerySet):
    def with_related(self):
        from edureg.qualifications.models import Competence

        return self.select_related("sector", "committee").prefetch_related(
            Prefetch("competences", queryset=Competence.objects.order_by("code")))


class CompetenceQuerySet(PublicRegisterQuerySet):
    def with_related(self):
        return self.select_related("standard")


class QualificationQuerySet(PublicRegisterQuerySet):
    def with_related(self):
        from edureg.qualifications.models import Competence

        return self.select_related("isced_f", "standard").prefetch_related(
            Prefetch("competences", queryset=Competence.objects.order_by("code")))

    def valid_on(self, day):
        return self.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day), valid_from__lte=day)

    def search(self, query: str):
        """Folded full-text search on names and codes (edureg.core.search)."""
        from edureg.core.search import search

        return search(self, query)


class DecisionQuerySet(PublicRegisterQuerySet):
    def with_related(self):
        return self.select_related("meeting", "meeting__committee", "standard", "programme_version")
