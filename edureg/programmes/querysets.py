from django.db.models import Q

from edureg.core.scoping import ScopedQuerySet
from edureg.programmes.choices import PUBLISHED

NOTHING = Q(pk__in=())


class ReferenceQuerySet(ScopedQuerySet):
    """Programme kinds and rule sets: public, changed by the agency only."""

    def public_filter(self):
        return Q()

    def scope_filter(self, scope):
        return NOTHING


def provider_q(scope, prefix: str = "") -> Q:
    """Rows of programmes provided (alone or jointly) by the user's institutions or municipality."""
    return (Q(**{f"{prefix}provider_id__in": scope.institution_ids})
            | Q(**{f"{prefix}co_providers__in": scope.institution_ids})
            | Q(**{f"{prefix}provider__municipality__code__in": scope.municipality_codes}))


class ProgrammeQuerySet(ScopedQuerySet):
    def public_filter(self):
        return Q(status__in=PUBLISHED)

    def scope_filter(self, scope):
        # co_providers joins a many-to-many: keep it in a subquery so rows are not repeated.
        return Q(pk__in=self.model.objects.filter(provider_q(scope)).values("pk"))

    def published(self):
        return self.filter(status__in=PUBLISHED)


class ProgrammeVersionQuerySet(ScopedQuerySet):
    def public_filter(self):
        return Q(status__in=PUBLISHED)

    def scope_filter(self, scope):
        from edureg.programmes.models import Programme

        return Q(programme__in=Programme.objects.filter(provider_q(scope)).values("pk"))


class ModuleQuerySet(ScopedQuerySet):
    def public_filter(self):
        return Q(version__status__in=PUBLISHED)

    def scope_filter(self, scope):
        from edureg.programmes.models import Programme

        return Q(version__programme__in=Programme.objects.filter(provider_q(scope)).values("pk"))


class ProgrammeEventQuerySet(ScopedQuerySet):
    def scope_filter(self, scope):
        from edureg.programmes.models import Programme

        return Q(programme__in=Programme.objects.filter(provider_q(scope)).values("pk"))


class OfferingQuerySet(ScopedQuerySet):
    def public_filter(self):
        return Q()

    def scope_filter(self, scope):
        return Q(institution_id__in=scope.institution_ids) | Q(municipality__code__in=scope.municipality_codes)
