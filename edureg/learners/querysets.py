from edureg.institutions.querysets import PersonAtInstitutionQuerySet


class EnrolmentQuerySet(PersonAtInstitutionQuerySet):
    def open(self):
        return self.filter(end_date__isnull=True)

    def with_related(self):
        return self.select_related("person", "institution", "branch", "end_reason", "isced_level")
