import datetime

import factory

from edureg.classifiers.tests.factories import item, municipality
from edureg.core.validators import legal_entity_check_digit
from edureg.institutions.models import Branch, Institution, StatusChange


def legal_entity_code(n: int) -> str:
    """The n-th valid 9-digit legal-entity code starting with 3 (skips bodies whose check digit is 10)."""
    body = 30_000_000 + n
    while True:
        digit = legal_entity_check_digit(str(body))
        if digit is not None:
            return f"{body}{digit}"
        body += 1


_codes = iter(legal_entity_code(n * 3) for n in range(1, 10_000_000))


class InstitutionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Institution

    code = factory.LazyFunction(lambda: next(_codes))
    name = factory.Sequence(lambda n: f"Bandomoji gimnazija Nr. {n}")
    short_name = ""
    type = factory.LazyFunction(lambda: item("institution_type", "3140", "Gimnazija"))
    ownership = factory.LazyFunction(lambda: item("ownership", "20", "Savivaldybės"))
    municipality = factory.LazyFunction(municipality)
    address = "Gedimino pr. 1, Vilnius"
    registered_on = datetime.date(2001, 9, 1)
    status_since = datetime.date(2001, 9, 1)
    status = "active"


class BranchFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Branch

    institution = factory.SubFactory(InstitutionFactory)
    code = factory.Sequence(lambda n: f"S{n}")
    name = factory.Sequence(lambda n: f"Skyrius {n}")
    municipality = factory.LazyAttribute(lambda o: o.institution.municipality)
    opened_on = datetime.date(2010, 9, 1)


class StatusChangeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StatusChange

    institution = factory.SubFactory(InstitutionFactory)
    status = "active"
    since = datetime.date(2001, 9, 1)
