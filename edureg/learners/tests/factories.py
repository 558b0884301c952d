import datetime

import factory

from edureg.institutions.tests.factories import InstitutionFactory
from edureg.learners.models import Enrolment
from edureg.persons.tests.factories import PersonFactory


class EnrolmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enrolment

    person = factory.SubFactory(PersonFactory)
    institution = factory.SubFactory(InstitutionFactory)
    kind = "general"
    is_main = True
    school_year = 2025
    grade = 5
    group = "5a"
    start_date = datetime.date(2025, 9, 1)
