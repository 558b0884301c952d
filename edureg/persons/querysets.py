from django.apps import apps
from django.db.models import BigIntegerField, Q
from django.db.models.functions import Cast

from edureg.core.scoping import ScopedQuerySet, scope_for


def may_see_full_code(user) -> bool:
    """Full personal codes (and other identifiers): users who may change the person register, or with national
    scope. Everyone else, in every list, page, history and API answer, gets the masked code."""
    return bool(user is not None and user.is_authenticated and (user.has_perm("persons.change_person")
                                                                or scope_for(user).national))


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

    def referable_by(self, user):
        """Persons `user` may name by id in a record they write (an enrolment, an employment, a membership).

        Those in their scope, those they have identified by personal code (POST /persons/lookup/, logged as a
        read of personal data) and those they registered themselves: a person's id alone, guessed or counted
        up, brings nobody into a user's scope.
        """
        if user is None or not user.is_authenticated:
            return self.none()
        if scope_for(user).national:
            return self.all()
        from django.contrib.contenttypes.models import ContentType

        from edureg.core.models import ObjectChange, ReadAccess

        content_type = ContentType.objects.get_for_model(self.model)
        looked_up = ReadAccess.objects.filter(user=user, content_type=content_type)
        registered = ObjectChange.objects.filter(user=user, content_type=content_type, action="create")
        return self.filter(Q(pk__in=self.for_user(user, "view").values("pk"))
                           | Q(pk__in=looked_up.values(person=Cast("object_id", BigIntegerField())))
                           | Q(pk__in=registered.values(person=Cast("object_id", BigIntegerField()))))

    def with_related(self):
        return self.select_related("sex", "citizenship")
