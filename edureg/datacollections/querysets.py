"""Who sees which data-collection rows. Collection definitions are public (anyone may read a form); periods too.
A respondent institution sees and edits its own submissions, a municipality those of its institutions, the agency
all of them."""

from django.db.models import Q

from edureg.core.scoping import ScopedQuerySet


class DefinitionQuerySet(ScopedQuerySet):
    def public_filter(self):
        return Q()

    def scope_filter(self, scope):
        return Q()


class SubmissionQuerySet(ScopedQuerySet):
    def scope_filter(self, scope):
        return (Q(institution_id__in=scope.institution_ids)
                | Q(institution__municipality__code__in=scope.municipality_codes))


class ValueQuerySet(ScopedQuerySet):
    def scope_filter(self, scope):
        return (Q(submission__institution_id__in=scope.institution_ids)
                | Q(submission__institution__municipality__code__in=scope.municipality_codes))
