from edureg.institutions.querysets import PersonAtInstitutionQuerySet


class EmploymentQuerySet(PersonAtInstitutionQuerySet):
    def with_related(self):
        return (self.select_related("person", "institution", "position", "qualification_category")
                .prefetch_related("subjects"))
