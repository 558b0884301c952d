"""Factories for common admission. `RoundFactory` makes an open main round for the 2026 school year; `OfferFactory`
an offer of a fresh offering (a registered initial VET programme version, LTKS IV, without general education) with
a default formula of the same round."""

import datetime
from decimal import Decimal

import factory

from edureg.admission.choices import ApplicationStatus, RoundKind, RoundStatus
from edureg.admission.models import (
    AllocationRun,
    Application,
    ApplicationResult,
    Grade,
    Invitation,
    Offer,
    OfferResult,
    Preference,
    Round,
    ScoringFormula,
)
from edureg.classifiers.tests.factories import item
from edureg.persons.tests.factories import PersonFactory
from edureg.programmes.tests.factories import OfferingFactory


def subject(code: str = "LT", name: str = "Lietuvių kalba ir literatūra"):
    return item("subject", code, name)


class RoundFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Round
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"2026-main-{n}")
    name_lt = "2026 m. pagrindinis priėmimas"
    name_en = "2026 main admission round"
    kind = RoundKind.MAIN
    year = 2026
    status = RoundStatus.OPEN
    max_preferences = 3
    applications_open = datetime.date(2026, 6, 1)
    application_deadline = datetime.date(2026, 7, 15)
    results_date = datetime.date(2026, 7, 20)
    contract_deadline = datetime.date(2026, 7, 31)
    age_on = datetime.date(2026, 9, 1)


class ScoringFormulaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ScoringFormula
        django_get_or_create = ("round", "code")

    round = factory.SubFactory(RoundFactory)
    code = "general"
    name_lt = "Bendroji formulė"
    name_en = "General formula"
    components = factory.LazyFunction(lambda: [
        {"type": "subject", "code": "LT", "weight": 0.4},
        {"type": "subject", "code": "MAT", "weight": 0.4},
        {"type": "extra", "code": "work_experience", "weight": 1, "max": 2},
    ])
    priorities = factory.LazyFunction(lambda: ["orphan"])


class OfferFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Offer

    round = factory.SubFactory(RoundFactory)
    code = factory.Sequence(lambda n: f"OF-{n}")
    offering = factory.SubFactory(OfferingFactory, version__with_general_education=False)
    funding = "state"
    capacity = 20
    formula = factory.LazyAttribute(lambda o: ScoringFormulaFactory(round=o.round))


class ApplicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Application

    round = factory.SubFactory(RoundFactory)
    person = factory.SubFactory(PersonFactory, birth_date=datetime.date(2010, 3, 1))
    status = ApplicationStatus.SUBMITTED
    education = "basic"
    submitted_at = factory.LazyFunction(lambda: datetime.datetime(2026, 7, 1, 12, tzinfo=datetime.UTC))


class GradeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Grade

    application = factory.SubFactory(ApplicationFactory)
    subject = factory.LazyFunction(subject)
    value = Decimal("8")


class PreferenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Preference

    application = factory.SubFactory(ApplicationFactory)
    rank = 1
    offer = factory.SubFactory(OfferFactory, round=factory.SelfAttribute("..application.round"))


class AllocationRunFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AllocationRun

    round = factory.SubFactory(RoundFactory, status=RoundStatus.PUBLISHED)
    number = factory.Sequence(lambda n: n + 1)
    status = "done"
    is_current = True
    engine_version = "test"
    published_at = factory.LazyFunction(lambda: datetime.datetime(2026, 7, 20, 9, tzinfo=datetime.UTC))


class ApplicationResultFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ApplicationResult

    run = factory.SubFactory(AllocationRunFactory)
    application = factory.SubFactory(ApplicationFactory, round=factory.SelfAttribute("..run.round"))
    public_id = factory.Sequence(lambda n: f"AP-{n + 1}")
    lottery = factory.Sequence(lambda n: (n % 1000 + 1) / 1001)
    offer = None
    explanation = factory.LazyFunction(list)


class OfferResultFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OfferResult

    run = factory.SubFactory(AllocationRunFactory)
    offer = factory.SubFactory(OfferFactory, round=factory.SelfAttribute("..run.round"))
    applicants = 30
    first_preference = 20
    eligible = 28
    places = 20
    invited = 20
    lowest_score = factory.LazyFunction(lambda: [7.2, 0])
    cutoff_score = factory.LazyFunction(lambda: [7.2, 0])
    cutoff_lottery = 0.5


class InvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Invitation

    run = factory.SubFactory(AllocationRunFactory)
    application = factory.SubFactory(ApplicationFactory, round=factory.SelfAttribute("..run.round"))
    offer = factory.SubFactory(OfferFactory, round=factory.SelfAttribute("..run.round"))
