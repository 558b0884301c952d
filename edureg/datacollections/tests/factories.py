"""Factories for data collections. `CollectionFactory` is a small library-style form (one section, fields
`users` and `visits`, respondents: municipal public libraries, type 3410); `PeriodFactory` an open 2025 period;
`SubmissionFactory` a not-started submission of a fresh library."""

import datetime

import factory

from edureg.classifiers.tests.factories import item
from edureg.datacollections.choices import PeriodStatus, SubmissionStatus
from edureg.datacollections.models import Collection, Field, Period, Rule, Section, Submission, Value
from edureg.institutions.tests.factories import InstitutionFactory


def library_type():
    return item("institution_type", "3410", "Savivaldybės viešoji biblioteka", category="library")


class CollectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Collection
        django_get_or_create = ("code",)
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"form-{n}")
    name_lt = factory.LazyAttribute(lambda o: f"Ataskaita {o.code}")
    name_en = factory.LazyAttribute(lambda o: f"Report {o.code}")

    @factory.post_generation
    def fields(self, create, extracted, **kwargs):
        if not create or extracted is False:
            return
        self.respondent_types.add(library_type())
        section = SectionFactory(collection=self, code="users")
        FieldFactory(collection=self, section=section, code="users", name_lt="Registruoti vartotojai",
                     name_en="Registered users", order=1)
        FieldFactory(collection=self, section=section, code="visits", name_lt="Apsilankymai", name_en="Visits",
                     order=2)


class SectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Section
        django_get_or_create = ("collection", "code")

    collection = factory.SubFactory(CollectionFactory, fields=False)
    code = factory.Sequence(lambda n: f"section-{n}")
    name_lt = factory.LazyAttribute(lambda o: f"Skyrius {o.code}")
    name_en = factory.LazyAttribute(lambda o: f"Section {o.code}")


class FieldFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Field
        django_get_or_create = ("collection", "code")

    section = factory.SubFactory(SectionFactory)
    collection = factory.LazyAttribute(lambda o: o.section.collection)
    code = factory.Sequence(lambda n: f"field_{n}")
    name_lt = factory.LazyAttribute(lambda o: f"Laukas {o.code}")
    name_en = factory.LazyAttribute(lambda o: f"Field {o.code}")


class RuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Rule

    collection = factory.SubFactory(CollectionFactory)
    code = factory.Sequence(lambda n: f"rule-{n}")
    left = "visits"
    operator = "ge"
    right = "users"
    severity = "error"
    message_lt = "Apsilankymų negali būti mažiau nei vartotojų."
    message_en = "Visits cannot be fewer than users."


class PeriodFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Period
        django_get_or_create = ("collection", "year")

    collection = factory.SubFactory(CollectionFactory)
    year = 2025
    status = PeriodStatus.OPEN
    opens_on = datetime.date(2026, 1, 5)
    due_on = datetime.date(2026, 2, 15)


class SubmissionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Submission

    period = factory.SubFactory(PeriodFactory)
    institution = factory.SubFactory(InstitutionFactory, type=factory.LazyFunction(library_type))
    status = SubmissionStatus.NOT_STARTED


class ValueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Value

    submission = factory.SubFactory(SubmissionFactory)
    field = factory.LazyAttribute(lambda o: o.submission.period.collection.fields.get(code="users"))
    number = 100
