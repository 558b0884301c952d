"""Who sees which admission rows (core.scoping). The public sees rounds once they open and results once published;
an applicant sees their own applications; a school (or municipality) sees the applications and invitations that
involve its offers; the agency sees everything."""

from django.db.models import Q

from edureg.admission.choices import PUBLIC_ROUND, RESULTS_PUBLIC
from edureg.core.scoping import ScopedQuerySet

NOTHING = Q(pk__in=())


def offers_q(scope, prefix: str = "") -> Q:
    """Offers at the scope's institutions or in its municipalities."""
    return (Q(**{f"{prefix}offering__institution_id__in": scope.institution_ids})
            | Q(**{f"{prefix}offering__municipality__code__in": scope.municipality_codes}))


def applications_q(scope, prefix: str = "") -> Q:
    """An applicant's own applications, and applications naming one of the scope's offers."""
    from edureg.admission.models import Preference

    listing = Preference.objects.filter(offers_q(scope, "offer__")).values("application_id")
    return Q(**{f"{prefix}person_id__in": scope.person_ids}) | Q(**{f"{prefix}pk__in": listing})


class RoundQuerySet(ScopedQuerySet):
    def public_filter(self):
        return Q(status__in=PUBLIC_ROUND)

    def scope_filter(self, scope):
        return self.public_filter()


class RoundPartQuerySet(ScopedQuerySet):
    """Formulas and offers: public with their round."""

    def public_filter(self):
        return Q(round__status__in=PUBLIC_ROUND)

    def scope_filter(self, scope):
        return self.public_filter()


class ApplicationQuerySet(ScopedQuerySet):
    def scope_filter(self, scope):
        return applications_q(scope)

    def add_filter(self, scope):
        return Q(person_id__in=scope.person_ids)


class ApplicationPartQuerySet(ScopedQuerySet):
    """Grades and preferences: with their application."""

    def scope_filter(self, scope):
        from edureg.admission.models import Application

        return Q(application__in=Application.objects.filter(applications_q(scope)).values("pk"))

    def add_filter(self, scope):
        return Q(application__person_id__in=scope.person_ids)


class RunQuerySet(ScopedQuerySet):
    """Runs are public once published (input hash, engine version, timings: anyone may check them)."""

    def public_filter(self):
        return Q(published_at__isnull=False)

    def scope_filter(self, scope):
        return self.public_filter()


class ResultQuerySet(ScopedQuerySet):
    """Per-applicant results: private; the applicant and the schools involved see them once published."""

    def scope_filter(self, scope):
        from edureg.admission.models import Application

        return Q(run__published_at__isnull=False) & Q(
            application__in=Application.objects.filter(applications_q(scope)).values("pk"))


class OfferResultQuerySet(ScopedQuerySet):
    def public_filter(self):
        return Q(run__published_at__isnull=False, run__is_current=True, run__round__status__in=RESULTS_PUBLIC)

    def scope_filter(self, scope):
        return self.public_filter()


class InvitationQuerySet(ScopedQuerySet):
    """The applicant's own and a school's invitations, once the results are published."""

    def scope_filter(self, scope):
        return Q(run__published_at__isnull=False) & (
            Q(application__person_id__in=scope.person_ids) | offers_q(scope, "offer__"))

    def for_school(self, institution_ids):
        return self.filter(offer__offering__institution_id__in=institution_ids)
