import datetime

import factory

from edureg.classifiers.tests.factories import item
from edureg.persons import codes
from edureg.persons.models import Person

_serials = iter(range(1, 10**9))


def new_code(born: datetime.date, sex: str) -> str:
    return codes.make(born, sex, next(_serials) % 1000)


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    class Params:
        sex_code = "F"

    first_name = factory.Faker("first_name", locale="lt_LT")
    last_name = factory.Faker("last_name", locale="lt_LT")
    birth_date = factory.Sequence(lambda n: datetime.date(2010, 1, 1) + datetime.timedelta(days=n % 3000))
    personal_code = factory.LazyAttribute(lambda o: new_code(o.birth_date, o.sex_code))
    sex = factory.LazyAttribute(lambda o: item("sex", o.sex_code, "Moteris" if o.sex_code == "F" else "Vyras"))
