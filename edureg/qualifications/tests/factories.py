"""Factories for the qualifications system. Classifier values come from classifiers' `item` (no data files)."""

import datetime

import factory

from edureg.classifiers.tests.factories import item
from edureg.core.search import search_document
from edureg.persons.tests.factories import PersonFactory
from edureg.qualifications.choices import DecisionOutcome, MemberRole, QualificationType, StandardStatus
from edureg.qualifications.models import (
    CommitteeDecision,
    CommitteeMeeting,
    CommitteeMember,
    Competence,
    ProfessionalStandard,
    Qualification,
    SectoralCommittee,
)


def sector(code: str = "03", name: str = "Apdirbamosios gamybos sektorius"):
    return item("economic_sector", code, name)


def isced_f(code: str = "0715", name: str = "Mechanika ir metalo apdirbimas"):
    return item("isced_f", code, name)


class SectoralCommitteeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SectoralCommittee

    code = factory.Sequence(lambda n: f"SPK-{n:03d}")
    name_lt = factory.Sequence(lambda n: f"Apdirbamosios gamybos sektorinis profesinis komitetas {n}")
    name_en = factory.Sequence(lambda n: f"Manufacturing sectoral professional committee {n}")
    sector = factory.LazyFunction(sector)
    established_on = datetime.date(2015, 1, 1)


class CommitteeMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CommitteeMember

    committee = factory.SubFactory(SectoralCommitteeFactory)
    person = factory.SubFactory(PersonFactory, birth_date=datetime.date(1970, 4, 4))
    role = MemberRole.MEMBER
    represents = "Lietuvos pramonininkų konfederacija"
    start_date = datetime.date(2020, 1, 1)


class CommitteeMeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CommitteeMeeting

    committee = factory.SubFactory(SectoralCommitteeFactory)
    number = factory.Sequence(lambda n: f"SPK-{n}")
    date = datetime.date(2024, 3, 14)
    place = "Vilnius"


class ProfessionalStandardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProfessionalStandard

    code = factory.Sequence(lambda n: f"PS{n:03d}")
    version = 1
    name_lt = factory.Sequence(lambda n: f"Metalo apdirbimo profesinis standartas {n}")
    name_en = factory.Sequence(lambda n: f"Metalworking professional standard {n}")
    sector = factory.LazyAttribute(lambda o: o.committee.sector if o.committee else sector())
    committee = factory.SubFactory(SectoralCommitteeFactory)
    status = StandardStatus.DRAFT
    status_since = datetime.date(2024, 1, 10)


class CompetenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Competence

    code = factory.Sequence(lambda n: f"K{n:04d}")
    standard = factory.SubFactory(ProfessionalStandardFactory)
    name_lt = factory.Sequence(lambda n: f"Suvirinti plieno konstrukcijas {n}")
    name_en = factory.Sequence(lambda n: f"Weld steel structures {n}")
    description_lt = "Suvirina lankiniu būdu."
    ltks_level = 4


class QualificationFactory(factory.django.DjangoModelFactory):
    """Keeps search_text as the services do (services.qualification_document); given competences refresh it."""

    class Meta:
        model = Qualification
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"Q{n:05d}")
    name_lt = factory.Sequence(lambda n: f"Suvirintojas {n}")
    name_en = factory.Sequence(lambda n: f"Welder {n}")
    ltks_level = 4
    isced_f = factory.LazyFunction(isced_f)
    type = QualificationType.FULL
    standard = None
    valid_from = datetime.date(2020, 1, 1)
    search_text = factory.LazyAttribute(lambda o: search_document(
        o.code, o.name_lt, o.name_en, *((o.standard.name_lt, o.standard.name_en) if o.standard else ())))

    @factory.post_generation
    def competences(self, create, extracted, **kwargs):
        if create and extracted:
            self.competences.set(extracted)  # the m2m signal refreshes search_text


class CommitteeDecisionFactory(factory.django.DjangoModelFactory):
    """A decision row on a standard (without moving its status; services.record_decision does that)."""

    class Meta:
        model = CommitteeDecision

    meeting = factory.SubFactory(CommitteeMeetingFactory)
    standard = factory.SubFactory(ProfessionalStandardFactory, committee=factory.SelfAttribute("..meeting.committee"))
    programme_version = None
    outcome = DecisionOutcome.RETURN
    reasons = "Patikslinti kompetencijų aprašus."
