"""Factories for the indicator catalogue. `MeasureFactory` counts learners (source "learners");
`IndicatorFactory` is a plain count of that measure broken down by municipality and sex."""

import factory

from edureg.indicators.choices import RunStatus
from edureg.indicators.models import Indicator, IndicatorRun, Measure, Observation, Theme


class ThemeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Theme
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"theme-{n}")
    name_lt = factory.LazyAttribute(lambda o: f"Tema {o.code}")
    name_en = factory.LazyAttribute(lambda o: f"Theme {o.code}")


class MeasureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Measure
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"learners_{n}")
    name_lt = factory.LazyAttribute(lambda o: f"Mokiniai {o.code}")
    name_en = factory.LazyAttribute(lambda o: f"Learners {o.code}")
    source = "learners"
    aggregation = "count"
    filters = factory.LazyFunction(list)


class IndicatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Indicator
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"IND-{n}")
    theme = factory.SubFactory(ThemeFactory)
    name_lt = factory.LazyAttribute(lambda o: f"Rodiklis {o.code}")
    name_en = factory.LazyAttribute(lambda o: f"Indicator {o.code}")
    definition_lt = "Mokinių skaičius."
    definition_en = "Number of learners."
    numerator = factory.LazyAttribute(lambda o: MeasureFactory().code)
    dimensions = factory.LazyFunction(lambda: ["municipality", "sex"])
    decimals = 0
    unit_lt = "asm."
    unit_en = "persons"


class IndicatorRunFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IndicatorRun

    number = factory.Sequence(lambda n: n + 1)
    status = RunStatus.FINISHED


class ObservationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Observation

    run = factory.SubFactory(IndicatorRunFactory)
    indicator = factory.SubFactory(IndicatorFactory)
    year = 2025
    value = 120.0
    numerator = 120.0
