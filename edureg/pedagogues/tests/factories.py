import datetime
from decimal import Decimal

import factory

from edureg.classifiers.tests.factories import item
from edureg.institutions.tests.factories import InstitutionFactory
from edureg.pedagogues.models import Employment
from edureg.persons.tests.factories import PersonFactory


class EmploymentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Employment

    person = factory.SubFactory(PersonFactory, birth_date=datetime.date(1975, 5, 5))
    institution = factory.SubFactory(InstitutionFactory)
    position = factory.LazyFunction(lambda: item("position", "10", "Mokytojas"))
    workload = Decimal("1.00")
    start_date = datetime.date(2020, 9, 1)
