"""Factories for the programmes register. ProgrammeKindFactory gets or creates on code, so a test can ask for
`ProgrammeKindFactory(code="initial_vet")` whether or not the data migration loaded the kinds."""

import datetime
from decimal import Decimal

import factory

from edureg.classifiers.tests.factories import item
from edureg.institutions.tests.factories import InstitutionFactory
from edureg.programmes.choices import LearningForm, LengthUnit, ModuleType, ProgrammeAction, RuleMetric
from edureg.programmes.models import (
    Module,
    Offering,
    Programme,
    ProgrammeEvent,
    ProgrammeKind,
    ProgrammeRule,
    ProgrammeVersion,
)
from edureg.programmes.services.common import next_temp_code


def isced_f(code: str = "0715", name: str = "Mechanika ir metalo apdirbimas"):
    return item("isced_f", code, name)


def language(code: str = "lt", name: str = "lietuvių"):
    return item("language", code, name)


class ProgrammeKindFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgrammeKind
        django_get_or_create = ("code",)

    code = "initial_vet"
    name_lt = factory.LazyAttribute(lambda o: f"Programų rūšis {o.code}")
    name_en = factory.LazyAttribute(lambda o: f"Programme kind {o.code}")
    formal = True
    modular = True
    unit = LengthUnit.CREDITS
    requires_qualification = True
    requires_ltks_level = True
    code_prefix = "P"
    forms = factory.LazyFunction(lambda: [LearningForm.FULL_TIME, LearningForm.PART_TIME, LearningForm.APPRENTICESHIP])
    target_groups = factory.LazyFunction(list)
    subtypes = factory.LazyFunction(list)


class ProgrammeRuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgrammeRule
        django_get_or_create = ("kind", "code")

    kind = factory.SubFactory(ProgrammeKindFactory)
    code = factory.Sequence(lambda n: f"rule-{n}")
    metric = RuleMetric.TOTAL_CREDITS
    minimum = None
    maximum = None
    values = factory.LazyFunction(list)


class ProgrammeFactory(factory.django.DjangoModelFactory):
    """A programme row only (no version). Use ProgrammeVersionFactory for a programme with its first version,
    or services.create_programme for the real path."""

    class Meta:
        model = Programme

    kind = factory.SubFactory(ProgrammeKindFactory)
    provider = factory.SubFactory(InstitutionFactory)
    temp_code = factory.LazyFunction(next_temp_code)
    name_lt = factory.Sequence(lambda n: f"Suvirintojo modulinė profesinio mokymo programa {n}")
    name_en = factory.Sequence(lambda n: f"Welder modular VET programme {n}")


class ProgrammeVersionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgrammeVersion
        skip_postgeneration_save = True

    programme = factory.SubFactory(ProgrammeFactory)
    number = factory.LazyAttribute(lambda o: o.programme.versions.count() + 1 if o.programme.pk else 1)
    name_lt = factory.LazyAttribute(lambda o: o.programme.name_lt)
    name_en = factory.LazyAttribute(lambda o: o.programme.name_en)
    ltks_level = 4
    isced_f = factory.LazyFunction(isced_f)
    language = factory.LazyFunction(language)
    forms = factory.LazyFunction(lambda: [LearningForm.FULL_TIME])
    credits = Decimal("90")
    valid_from = datetime.date(2025, 9, 1)

    @factory.post_generation
    def head(obj, create, extracted, **kwargs):
        """Make the programme show this version's name and level (as services.refresh_head does)."""
        if not create:
            return
        programme = obj.programme
        changed = False
        for field in ("name_lt", "name_en", "ltks_level"):
            if getattr(programme, field) != getattr(obj, field):
                setattr(programme, field, getattr(obj, field))
                changed = True
        if programme.isced_f_id != obj.isced_f_id:
            programme.isced_f_id = obj.isced_f_id
            changed = True
        if programme.status != obj.status and obj.status != "superseded":
            programme.status = obj.status
            changed = True
        if obj.status == "registered" and programme.current_version_id != obj.pk:
            programme.current_version = obj
            changed = True
        if changed:
            programme.save()


class ModuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Module
        skip_postgeneration_save = True

    version = factory.SubFactory(ProgrammeVersionFactory)
    code = factory.Sequence(lambda n: f"M{n:05d}")
    position = factory.Sequence(lambda n: n)
    name_lt = factory.Sequence(lambda n: f"Modulis {n}")
    name_en = factory.Sequence(lambda n: f"Module {n}")
    type = ModuleType.COMPETENCE
    mandatory = factory.LazyAttribute(lambda o: o.type != ModuleType.ELECTIVE)
    credits = Decimal("10")

    @factory.post_generation
    def competences(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.competences.set(extracted)


class ProgrammeEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgrammeEvent

    programme = factory.SubFactory(ProgrammeFactory)
    version = None
    action = ProgrammeAction.CREATED
    date = datetime.date(2025, 9, 1)


class OfferingFactory(factory.django.DjangoModelFactory):
    """An offering of a registered version (the factory makes one unless `version` is given)."""

    class Meta:
        model = Offering

    version = factory.SubFactory(ProgrammeVersionFactory, status="registered",
                                 registered_on=datetime.date(2025, 6, 1))
    programme = factory.LazyAttribute(lambda o: o.version.programme)
    institution = factory.LazyAttribute(lambda o: o.programme.provider)
    branch = None
    municipality = factory.LazyAttribute(lambda o: o.institution.municipality)
    year = 2026
    start_date = datetime.date(2026, 9, 1)
    form = LearningForm.FULL_TIME
    language = factory.LazyFunction(language)
    state_funded_places = 20
    paid_places = 5


def registered_version(**kwargs) -> ProgrammeVersion:
    """A registered version with a state code, the programme's version in force."""
    version = ProgrammeVersionFactory(status="registered", registered_on=datetime.date(2025, 6, 1), **kwargs)
    programme = version.programme
    if not programme.state_code:
        programme.state_code = f"P4{programme.pk:07d}"[:20]
        programme.save()
    return version


# Modules of a valid 90-credit initial VET programme: every mandatory type, electives 5 of 90 credits (< 15%).
VET_MODULES = (
    ("introductory", Decimal("2")), ("general", Decimal("8")), ("competence", Decimal("60")),
    ("competence", Decimal("10")), ("elective", Decimal("5")), ("final", Decimal("5")),
)

KIND_DEFAULTS = {
    "initial_vet": {"credits": Decimal("90"), "ltks_level": 4, "forms": ["full_time", "apprenticeship"],
                    "target_groups": ["basic_school_leavers"]},
    "continuing_vet": {"credits": Decimal("30"), "ltks_level": 4, "forms": ["part_time"], "target_groups": ["adults"]},
    "cpd": {"subtype": "national", "hours": 180, "practice_hours": 72, "forms": ["part_time"],
            "target_groups": ["teachers"]},
    "nonformal_adult": {"hours": 40, "forms": ["part_time"], "target_groups": ["adults"]},
    "nonformal_children": {"hours": 72, "forms": ["full_time"], "target_groups": ["children"]},
    "library_competence": {"hours": 24, "forms": ["distance"], "target_groups": ["library_staff"]},
}


def make_programme(*, provider, kind: str = "initial_vet", actor=None, with_modules: bool = True, **fields):
    """A programme drafted through the services that passes its kind's shipped rules (tests and demo data).
    Initial VET gets a qualification and the six modules of VET_MODULES; continuing VET a competence and a
    final module."""
    from edureg.programmes import services
    from edureg.qualifications.tests.factories import QualificationFactory

    values = {"name_lt": "Suvirintojo modulinė profesinio mokymo programa", "name_en": "Welder modular programme",
              "language": language(), "isced_f": isced_f(), **KIND_DEFAULTS[kind], **fields}
    if kind == "initial_vet" and "qualification" not in values:
        values["qualification"] = QualificationFactory(ltks_level=values.get("ltks_level") or 4)
    programme = services.create_programme(actor=actor, kind=ProgrammeKind.objects.get(code=kind),
                                          provider=provider, **values)
    version = programme.versions.get()
    if with_modules and kind == "initial_vet":
        for n, (type_, credits) in enumerate(VET_MODULES, start=1):
            services.add_module(version, actor=actor, code=f"M{n:02d}", name_lt=f"Modulis {n}", type=type_,
                                credits=credits, mandatory=type_ != "elective")
    elif with_modules and kind == "continuing_vet":
        for n, (type_, credits) in enumerate((("competence", Decimal("25")), ("final", Decimal("5"))), start=1):
            services.add_module(version, actor=actor, code=f"M{n:02d}", name_lt=f"Modulis {n}", type=type_,
                                credits=credits)
    return programme


def make_registered(*, provider, kind: str = "initial_vet", state_code: str = "", **fields):
    """A programme drafted, submitted and registered by the system actor; returns the programme."""
    from edureg.programmes import services

    programme = make_programme(provider=provider, kind=kind, **fields)
    version = programme.versions.get()
    services.submit_version(version, actor=None)
    services.register_version(version, actor=None, state_code=state_code)
    programme.refresh_from_db()
    return programme
