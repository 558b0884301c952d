"""Fact sources over the registers: learners, leavers, classes, staff, institutions and population.

Stocks are counted on the reference date of year Y, Y-10-01 (sql.reference_date); ages are ages on that day.
The register years are the school years that have enrolments: every register source is computed for them, except
leavers, counted only for the school years that have ended (the next one has enrolments).
"""

from __future__ import annotations

from django.db.models import Count, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from edureg.indicators.engine.cube import Frame
from edureg.indicators.sources import register
from edureg.indicators.sources.sql import (
    FactSource,
    FrameBuilder,
    age_expression,
    age_filter,
    age_group_expression,
    bool_filter,
    code_filter,
    exists_q,
    field,
    grouped_rows,
    memo,
    number_filter,
    reference_date,
)

INSTITUTION_DIMS = ("county", "municipality", "institution_type", "ownership")
PERSON_DIMS = ("sex", "age_group")
ENROLMENT_DIMS = (*INSTITUTION_DIMS, *PERSON_DIMS, "isced_level", "education")

END_COMPLETED = "10"
REGISTER_MODELS = ("institutions.institution", "classifiers.classifieritem")
PERSON_MODELS = ("persons.person",)


def register_years() -> list[int]:
    """The school years with enrolments."""
    from edureg.learners.models import Enrolment

    return memo("register_years", lambda: sorted(
        Enrolment.objects.order_by().values_list("school_year", flat=True).distinct()))


def ended_years() -> list[int]:
    """The register years whose school year has ended: the next one has enrolments. Leavers (and the rates and
    completions made of them) are counted for these only: a school year under way has neither all its leavers
    nor the next year's enrolments that tell a completer from one who continues."""
    years = register_years()
    return [year for year in years if year + 1 in years]


def open_on(day) -> Q:
    return Q(start_date__lte=day) & (Q(end_date__isnull=True) | Q(end_date__gte=day))


def institution_dims(prefix: str = "institution__") -> dict:
    """County (the municipality item's parent), municipality, institution type and ownership codes."""
    return {
        "county": F(f"{prefix}municipality__parent__code"),
        "municipality": F(f"{prefix}municipality__code"),
        "institution_type": F(f"{prefix}type__code"),
        "ownership": F(f"{prefix}ownership__code"),
    }


def person_dims(year: int, prefix: str = "person__") -> dict:
    return {"sex": F(f"{prefix}sex__code"), "age_group": age_group_expression(f"{prefix}birth_date", year)}


def isced_level_expression():
    """The ISCED level: the stored code's parent when it is a sublevel (24 → 2, 35 → 3), else the code itself."""
    return Coalesce(F("isced_level__parent__code"), F("isced_level__code"))


def institution_filters(prefix: str = "institution__") -> dict:
    return {
        "institution_category": code_filter(f"{prefix}type__extra__category"),
        "institution_type": code_filter(f"{prefix}type__code"),
        "ownership": code_filter(f"{prefix}ownership__code"),
        "municipality": code_filter(f"{prefix}municipality__code"),
        "county": code_filter(f"{prefix}municipality__parent__code"),
    }


def person_filters(prefix: str = "person__") -> dict:
    return {"sex": code_filter(f"{prefix}sex__code"), "age": age_filter(f"{prefix}birth_date")}


def enrolment_filters() -> dict:
    return {
        "education": code_filter("kind"),
        "isced_level": code_filter("isced_level__code"),
        "isced_main_level": code_filter("isced_level__parent__code", "isced_level__code"),
        "grade": number_filter("grade"),
        **person_filters(),
        **institution_filters(),
    }


def build_grouped(source: FactSource, measures, years, *, base, dims, count="pk") -> Frame:
    """One GROUP BY query per year: `base(year)` the rows, `dims(year)` the dimension expressions."""
    codes = [m.code for m in measures]
    builder = FrameBuilder(source.dimensions, codes)
    if not measures:
        return builder.frame()
    for year in years:
        dimensions = dims(year)
        aggregates = {m.code: source.aggregate(m, year, count=count) for m in measures}
        rows = grouped_rows(base(year), dimensions, aggregates)
        builder.add(year, rows, tuple(dimensions), codes)
    return builder.frame()


# ---------------------------------------------------------------------------------------------------------------
# Learners: main enrolments of school year Y open on its reference date


def _enrolments():
    from edureg.learners.models import Enrolment

    return Enrolment.objects


def _learners(year: int):
    return _enrolments().filter(open_on(reference_date(year)), is_main=True, school_year=year)


def _enrolment_dims(year: int) -> dict:
    return {**institution_dims(), **person_dims(year), "isced_level": isced_level_expression(),
            "education": F("kind")}


learners = register(FactSource(
    code="learners", label=_("Learners (main enrolments on 1 October)"), dimensions=ENROLMENT_DIMS,
    filters={**enrolment_filters(), "in_class": bool_filter(lambda year: ~Q(group=""))},
    sums={"age": lambda year: age_expression("person__birth_date", year)},
    years=register_years, models=("learners.enrolment", *PERSON_MODELS, *REGISTER_MODELS),
))
learners.build = lambda measures, years: build_grouped(learners, measures, years, base=_learners,
                                                       dims=_enrolment_dims)


# ---------------------------------------------------------------------------------------------------------------
# Leavers: main enrolments of school year Y that ended (with an end reason)


def _leavers(year: int):
    return _enrolments().filter(is_main=True, school_year=year, end_reason__isnull=False)


def _programme_completed(year: int) -> Q:
    """Completed, and no enrolment of the same education kind in the next school year. Written as one uncorrelated
    `person IN (...)` per kind (PostgreSQL hashes each once) rather than a correlated EXISTS per row."""
    from edureg.learners.choices import EducationKind

    continuing = Q(pk__in=[])
    for kind in EducationKind.values:
        later = _enrolments().filter(school_year=year + 1, kind=kind).order_by().values("person_id")
        continuing |= Q(kind=kind, person_id__in=Subquery(later))
    return Q(end_reason__code=END_COMPLETED) & ~continuing


leavers = register(FactSource(
    code="leavers", label=_("Leavers (main enrolments that ended in the school year)"), dimensions=ENROLMENT_DIMS,
    filters={**enrolment_filters(),
             "end_reason": code_filter("end_reason__code"),
             "end_reason_group": code_filter("end_reason__parent__code", "end_reason__code"),
             "programme_completed": bool_filter(_programme_completed)},
    sums={"age": lambda year: age_expression("person__birth_date", year)},
    years=ended_years, models=("learners.enrolment", *PERSON_MODELS, *REGISTER_MODELS),
))
leavers.build = lambda measures, years: build_grouped(leavers, measures, years, base=_leavers,
                                                      dims=_enrolment_dims)


# ---------------------------------------------------------------------------------------------------------------
# Classes: distinct (institution, class) of main general-education enrolments open on the reference date


def _class_rows(year: int):
    return _learners(year).filter(kind="general").exclude(group="")


def _build_classes(measures, years) -> Frame:
    """Institution-level counts of distinct classes (a class name is unique within its institution only), then
    grouped by the institution's dimensions in the frame."""
    source = classes
    codes = [m.code for m in measures]
    builder = FrameBuilder(source.dimensions, codes)
    if not measures:
        return builder.frame()
    for year in years:
        dims = {"institution": F("institution_id"), **institution_dims()}
        aggregates = {m.code: Count("group", distinct=True, filter=source.measure_q(m, year) or None)
                      for m in measures}
        rows = [row[1:] for row in grouped_rows(_class_rows(year), dims, aggregates)]
        builder.add(year, rows, INSTITUTION_DIMS, codes)
    return builder.frame()


classes = register(FactSource(
    code="classes", label=_("Classes (general education, on 1 October)"), dimensions=INSTITUTION_DIMS,
    filters={"grade": number_filter("grade"), "isced_level": code_filter("isced_level__code"),
             "isced_main_level": code_filter("isced_level__parent__code", "isced_level__code"),
             **institution_filters()},
    years=register_years, models=("learners.enrolment", *REGISTER_MODELS), build=_build_classes,
))


# ---------------------------------------------------------------------------------------------------------------
# Staff: employments open on the reference date


def _employments():
    from edureg.pedagogues.models import Employment

    return Employment.objects


def _staff(year: int):
    return _employments().filter(open_on(reference_date(year)))


def _main_job(year: int) -> Q:
    """The person's open employment with the largest workload (the lowest id on ties)."""
    ref = reference_date(year)
    bigger = _employments().filter(open_on(ref), person=OuterRef("person")).filter(
        Q(workload__gt=OuterRef("workload")) | Q(workload=OuterRef("workload"), pk__lt=OuterRef("pk")))
    return ~exists_q(bigger)


staff = register(FactSource(
    code="staff", label=_("Staff (employments on 1 October)"), dimensions=(*INSTITUTION_DIMS, *PERSON_DIMS),
    filters={"position_group": code_filter("position__extra__group"), "position": code_filter("position__code"),
             "main_job": bool_filter(_main_job), **person_filters(), **institution_filters()},
    sums={"workload": field("workload"), "age": lambda year: age_expression("person__birth_date", year)},
    years=register_years, models=("pedagogues.employment", *PERSON_MODELS, *REGISTER_MODELS),
))
staff.build = lambda measures, years: build_grouped(
    staff, measures, years, base=_staff, dims=lambda year: {**institution_dims(), **person_dims(year)})


# ---------------------------------------------------------------------------------------------------------------
# Institutions operating on the reference date


def _institutions(year: int):
    from edureg.institutions.models import Institution

    ref = reference_date(year)
    return Institution.objects.filter(registered_on__lte=ref).filter(
        Q(liquidated_on__isnull=True) | Q(liquidated_on__gt=ref))


institutions = register(FactSource(
    code="institutions", label=_("Institutions (operating on 1 October)"), dimensions=INSTITUTION_DIMS,
    filters=institution_filters(prefix=""), years=register_years, models=REGISTER_MODELS,
))
institutions.build = lambda measures, years: build_grouped(
    institutions, measures, years, base=_institutions, dims=lambda year: institution_dims(prefix=""))


# ---------------------------------------------------------------------------------------------------------------
# Population: the municipality classifier's "population" attribute, the same every year


def _build_population(measures, years) -> Frame:
    """One query for the municipality items; each year takes the items valid on its reference date."""
    from edureg.classifiers.models import ClassifierItem

    codes = [m.code for m in measures]
    builder = FrameBuilder(population.dimensions, codes)
    if not measures or not years:
        return builder.frame()
    items = list(ClassifierItem.objects.filter(code_list__code="municipality").order_by()
                 .values_list("code", "parent__code", "extra", "valid_from", "valid_to"))
    for year in years:
        ref = reference_date(year)
        rows = []
        for code, county, extra, valid_from, valid_to in items:
            if valid_from > ref or (valid_to is not None and valid_to < ref):
                continue
            number = (extra or {}).get("population")
            number = float(number) if isinstance(number, int | float) and not isinstance(number, bool) else 0.0
            # A count is the number of municipalities; a sum, their population.
            rows.append((county, code, *[number if m.aggregation == "sum" else 1.0 for m in measures]))
        builder.add(year, rows, ("county", "municipality"), codes)
    return builder.frame()


population = register(FactSource(
    code="population", label=_("Population (municipality classifier)"), dimensions=("county", "municipality"),
    filters={}, sums={"population": field("population")}, years=None, models=("classifiers.classifieritem",),
    build=_build_population,
))


__all__ = ["classes", "ended_years", "institutions", "learners", "leavers", "population", "register_years", "staff"]
