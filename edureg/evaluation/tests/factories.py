"""Factories for evaluation. `procedure()` makes the standard test procedure: scale 0-4, two experts, mean,
threshold 60, with conditions from 45, disagreement limit 25 points, 3 years' validity, criteria
relevance (weight 2), content (weight 2), staff (weight 1, mandatory, pass mark 2). `ApplicationFactory` makes an
application of a submitted CPD programme version under it (made directly, without the services)."""

import datetime
from decimal import Decimal

import factory
from django.utils import timezone

from edureg.evaluation.choices import ApplicationStatus, AssignmentStatus, CallStatus, Outcome, Purpose
from edureg.evaluation.models import (
    Appeal,
    Application,
    Assignment,
    Call,
    Criterion,
    Decision,
    Event,
    Expert,
    ExpertTie,
    Procedure,
    Score,
)
from edureg.institutions.tests.factories import InstitutionFactory
from edureg.persons.tests.factories import PersonFactory
from edureg.programmes.tests.factories import ProgrammeVersionFactory, isced_f


class ProcedureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Procedure
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"proc-{n}")
    name_lt = "Kvalifikacijos tobulinimo programų akreditavimas"
    name_en = "Accreditation of CPD programmes"
    purpose = Purpose.ACCREDITATION
    experts_per_application = 2
    scale_min = 0
    scale_max = 4
    aggregation = "mean"
    disagreement_points = Decimal("25")
    threshold = Decimal("60")
    conditions_threshold = Decimal("45")
    validity_years = 3
    conflict_years = 3


class CriterionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Criterion
        django_get_or_create = ("procedure", "code")

    procedure = factory.SubFactory(ProcedureFactory)
    code = factory.Sequence(lambda n: f"crit-{n}")
    name_lt = factory.LazyAttribute(lambda o: f"Kriterijus {o.code}")
    name_en = factory.LazyAttribute(lambda o: f"Criterion {o.code}")
    weight = Decimal("1")


STANDARD_CRITERIA = (
    ("relevance", "Aktualumas", "Relevance", Decimal("2"), False, None),
    ("content", "Turinys ir metodai", "Content and methods", Decimal("2"), False, None),
    ("staff", "Lektorių kvalifikacija", "Trainers' qualifications", Decimal("1"), True, Decimal("2")),
)


def procedure(code: str = "cpd-accreditation", kinds=("cpd",), **fields) -> Procedure:
    """The standard test procedure with its three criteria, for the given programme kinds (loaded by migration)."""
    from edureg.programmes.models import ProgrammeKind

    proc = ProcedureFactory(code=code, **fields)
    for order, (ccode, lt, en, weight, mandatory, pass_mark) in enumerate(STANDARD_CRITERIA):
        CriterionFactory(procedure=proc, code=ccode, name_lt=lt, name_en=en, weight=weight, mandatory=mandatory,
                         pass_mark=pass_mark, order=order)
    if kinds:
        proc.kinds.set(ProgrammeKind.objects.filter(code__in=kinds))
    return proc


class ExpertFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Expert
        skip_postgeneration_save = True

    person = factory.SubFactory(PersonFactory, birth_date=datetime.date(1975, 5, 5))
    email = factory.Sequence(lambda n: f"expert{n}@example.lt")
    max_load = 5
    active = True

    @factory.post_generation
    def expertise(self, create, extracted, **kwargs):
        if create:
            self.expertise.set(extracted if extracted is not None else [isced_f("0114", "Mokytojų rengimas")])


class ExpertTieFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ExpertTie

    expert = factory.SubFactory(ExpertFactory)
    institution = factory.SubFactory(InstitutionFactory)
    relation = "board"
    started_on = datetime.date(2020, 1, 1)


class CallFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Call
        skip_postgeneration_save = True
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"nfae-2026-{n}")
    name_lt = "Neformaliojo suaugusiųjų švietimo programų konkursas"
    name_en = "Non-formal adult education programmes call"
    procedure = factory.LazyFunction(lambda: procedure("nfae-competition", kinds=("nonformal_adult",),
                                                       purpose=Purpose.COMPETITION, validity_years=None,
                                                       conditions_threshold=None))
    budget = Decimal("100000")
    max_per_application = Decimal("20000")
    min_score = Decimal("50")
    opens_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=30))
    closes_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=30))
    tie_rules = factory.LazyFunction(lambda: ["criterion:relevance", "lower_amount", "earlier_submission"])
    last_fit_rule = "partial"
    status = CallStatus.OPEN

    @factory.post_generation
    def kinds(self, create, extracted, **kwargs):
        from edureg.programmes.models import ProgrammeKind

        if create:
            self.kinds.set(extracted if extracted is not None
                           else ProgrammeKind.objects.filter(code="nonformal_adult"))


_numbers = iter(range(1, 10**9))


class ApplicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Application

    number = factory.LazyFunction(lambda: f"VERT-2026-T{next(_numbers):05d}")
    procedure = factory.LazyFunction(procedure)
    institution = factory.SubFactory(InstitutionFactory)
    programme_version = factory.LazyAttribute(lambda o: ProgrammeVersionFactory(
        status="submitted", programme__provider=o.institution, programme__kind__code="cpd"))
    title = factory.LazyAttribute(lambda o: o.programme_version.name_lt if o.programme_version else "Pasirengimas")
    isced_f = factory.LazyFunction(lambda: isced_f("0114", "Mokytojų rengimas"))
    status = ApplicationStatus.SUBMITTED


class AssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Assignment

    application = factory.SubFactory(ApplicationFactory, status=ApplicationStatus.UNDER_EVALUATION)
    expert = factory.SubFactory(ExpertFactory)
    status = AssignmentStatus.ASSIGNED
    due_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=20))


class ScoreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Score

    assignment = factory.SubFactory(AssignmentFactory)
    criterion = factory.LazyAttribute(lambda o: o.assignment.application.procedure.criteria.order_by("order").first())
    value = Decimal("3")
    justification = "Programa atitinka mokytojų poreikius."


class DecisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Decision

    application = factory.SubFactory(ApplicationFactory, status=ApplicationStatus.DECIDED)
    number = factory.Sequence(lambda n: f"SPR-2026-T{n:05d}")
    outcome = Outcome.ACCREDITED
    total = Decimal("75")
    mandatory_passed = True
    valid_from = factory.LazyFunction(timezone.localdate)
    valid_until = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=3 * 365))
    published_at = factory.LazyFunction(timezone.now)


class AppealFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Appeal

    decision = factory.SubFactory(DecisionFactory)
    application = factory.LazyAttribute(lambda o: o.decision.application)
    grounds = "Ekspertai neįvertino praktinės dalies."


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Event

    application = factory.SubFactory(ApplicationFactory)
    action = "submitted"
    to_status = "submitted"
