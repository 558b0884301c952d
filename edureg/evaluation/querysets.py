"""Who sees which evaluation rows.

- Procedures and their criteria are public (anyone may read how programmes are evaluated); calls once open.
- The coordinator (the agency, national scope) sees everything.
- An expert (scope.person_ids: their own person record) sees their own expert record, ties and assignments, the
  applications assigned to them, their own scores, and the other experts' scores of an application only after
  submitting their own.
- A provider (institution scope) sees its institution's applications, their decisions, appeals and events; a
  municipality those of its institutions. Experts' identities and individual scores stay with the agency.
- Decisions are public once published (an accreditation when made, a competition's when the call's results are).
"""

from django.db.models import Exists, OuterRef, Q

from edureg.core.scoping import ScopedQuerySet


def _institution_q(scope, prefix: str = "") -> Q:
    return (Q(**{f"{prefix}institution_id__in": scope.institution_ids})
            | Q(**{f"{prefix}institution__municipality__code__in": scope.municipality_codes}))


class DefinitionQuerySet(ScopedQuerySet):
    def public_filter(self):
        return Q()

    def scope_filter(self, scope):
        return Q()


class CallQuerySet(ScopedQuerySet):
    def public_filter(self):
        return ~Q(status="draft")

    def scope_filter(self, scope):
        return ~Q(status="draft")


class ExpertQuerySet(ScopedQuerySet):
    def scope_filter(self, scope):
        return Q(person_id__in=scope.person_ids)

    def active(self):
        return self.filter(active=True)


class ExpertTieQuerySet(ScopedQuerySet):
    def scope_filter(self, scope):
        return Q(expert__person_id__in=scope.person_ids)


def _assigned_to(scope, application_ref: str) -> Exists:
    from edureg.evaluation.models import Assignment

    return Exists(Assignment.objects.filter(application_id=OuterRef(application_ref),
                                            expert__person_id__in=scope.person_ids))


class ApplicationQuerySet(ScopedQuerySet):
    def scope_filter(self, scope):
        q = _institution_q(scope)
        if scope.person_ids:
            q |= Q(_assigned_to(scope, "pk"))
        return q

    def add_filter(self, scope):
        return Q(institution_id__in=scope.institution_ids)

    def open(self):
        from edureg.evaluation.choices import OPEN_STATUSES

        return self.filter(status__in=OPEN_STATUSES)


class AssignmentQuerySet(ScopedQuerySet):
    def scope_filter(self, scope):
        return Q(expert__person_id__in=scope.person_ids)

    def counting_load(self):
        """Assignments that occupy an expert (assigned and not yet submitted)."""
        return self.filter(status="assigned")


class ScoreQuerySet(ScopedQuerySet):
    def scope_filter(self, scope):
        from edureg.evaluation.models import Assignment

        own = Q(assignment__expert__person_id__in=scope.person_ids)
        # Another expert's submitted scores, once this expert has submitted theirs on the same application and round.
        submitted_mine = Exists(Assignment.objects.filter(
            application_id=OuterRef("assignment__application_id"), round=OuterRef("assignment__round"),
            expert__person_id__in=scope.person_ids, status="submitted"))
        return own | (Q(assignment__status="submitted") & Q(submitted_mine))


class DecisionQuerySet(ScopedQuerySet):
    def public_filter(self):
        return Q(published_at__isnull=False)

    def scope_filter(self, scope):
        return _institution_q(scope, "application__")

    def current(self):
        return self.filter(current=True)


class ApplicationChildQuerySet(ScopedQuerySet):
    """Appeals and events: the application's provider and municipality."""

    def scope_filter(self, scope):
        return _institution_q(scope, "application__")
