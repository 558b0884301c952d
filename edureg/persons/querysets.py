from django.apps import apps
from django.db.models import Q

from edureg.core.scoping import ScopedQuerySet


class PersonQuerySet(ScopedQuerySet):
    def scope_filter(self, scope):
        # A person is in scope through an enrolment or employment at an institution in scope.
        q = Q(pk__in=scope.person_ids)
        for model_label in ("learners.Enrolment", "pedagogues.Employment"):
            model = apps.get_model(model_label)
            q |= Q(pk__in=model.objects.filter(
                Q(institution_id__in=scope.institution_ids)
                | Q(institution__municipality__code__in=scope.municipality_codes)
            ).values("person_id"))
        return q

    def add_filter(self, scope):
        # A new person belongs to nobody's scope until enrolled or employed; officers may register them.
        return self.scope_filter(scope) | Q(enrolments__isnull=True, employments__isnull=True)

    def with_related(self):
        return self.select_related("sex", "citizenship")
