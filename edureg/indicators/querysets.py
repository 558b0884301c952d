"""Who reads what. The catalogue (themes, measures, indicators marked public) is public; runs and their
observations are the agency's until a run is published, after which everyone reads the published run's
observations (with disclosure control applied by the readers: api, pages, downloads)."""

from django.db.models import Q

from edureg.core.scoping import ScopedQuerySet


class CatalogueQuerySet(ScopedQuerySet):
    def public_filter(self):
        return Q()

    def scope_filter(self, scope):
        return Q()


class IndicatorQuerySet(ScopedQuerySet):
    def public_filter(self):
        return Q(is_public=True)

    def scope_filter(self, scope):
        return self.public_filter()


class RunQuerySet(ScopedQuerySet):
    def public_filter(self):
        return Q(published_at__isnull=False)

    def scope_filter(self, scope):
        return self.public_filter()

    def published(self):
        """The run the public reads: the latest published one."""
        return self.filter(published_at__isnull=False).order_by("-published_at", "-pk").first()


class ObservationQuerySet(ScopedQuerySet):
    def public_filter(self):
        # Only the published run's observations of public indicators; resolved per query.
        from edureg.indicators.models import IndicatorRun

        run = IndicatorRun.objects.published()
        return Q(run=run, indicator__is_public=True) if run else Q(pk__in=())

    def scope_filter(self, scope):
        return self.public_filter()

    def published(self):
        return self.filter(self.public_filter())
