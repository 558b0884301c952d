import datetime

from django.db.models import Q

from edureg.core.scoping import ScopedQuerySet


class ClassifierItemQuerySet(ScopedQuerySet):
    def public_filter(self):
        return Q()  # classifiers are open data

    def scope_filter(self, scope):
        return Q()  # national lists: every user with the permission sees all of them

    def of(self, list_code: str):
        return self.filter(code_list__code=list_code)

    def valid_on(self, day: datetime.date):
        return self.filter(Q(valid_from__lte=day), Q(valid_to__isnull=True) | Q(valid_to__gte=day))

    def current(self):
        return self.filter(valid_to__isnull=True)


class CodeListQuerySet(ScopedQuerySet):
    def public_filter(self):
        return Q()

    def scope_filter(self, scope):
        return Q()
