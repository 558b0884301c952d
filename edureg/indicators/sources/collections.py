"""The fact source over data collections: approved submissions' values of a measure's collection, the year being
the period's reporting year. A measure sums one numeric field of its collection (or counts approved
submissions); the fields it may sum are that collection's integer and decimal fields, and `population_served`:
the population of the municipality of each approved respondent. Per-resident indicators divide by it, so a year
whose reports are not all approved yet is not divided by the population of municipalities that have not
reported."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, F, Q, Sum
from django.utils.translation import gettext_lazy as _

from edureg.indicators.choices import Aggregation
from edureg.indicators.engine.cube import Frame
from edureg.indicators.sources import register
from edureg.indicators.sources.registers import INSTITUTION_DIMS, institution_dims
from edureg.indicators.sources.sql import FactSource, FrameBuilder, grouped_rows

APPROVED = "approved"
NUMERIC = ("integer", "decimal")
POPULATION_SERVED = "population_served"


def collection_years() -> list[int]:
    from edureg.datacollections.models import Period

    return sorted(Period.objects.filter(submissions__status=APPROVED).order_by()
                  .values_list("year", flat=True).distinct())


@dataclass
class CollectionSource(FactSource):
    def fields_for(self, measure) -> tuple[dict[str, str], tuple[str, ...]]:
        from edureg.datacollections.models import Field

        if not getattr(measure, "collection_id", None):
            return {}, ()
        codes = Field.objects.filter(collection_id=measure.collection_id, type__in=NUMERIC).order_by(
            "section__order", "order", "code").values_list("code", flat=True)
        return {}, (*codes, POPULATION_SERVED)


def _build(measures, years) -> Frame:
    """One GROUP BY over the approved values of every year: a conditional sum per measure (its collection and
    field), or for a count the number of approved submissions of its collection."""
    from edureg.datacollections.models import Value

    codes = [m.code for m in measures]
    builder = FrameBuilder(collection.dimensions, codes)
    if not measures or not years:
        return builder.frame()
    served = [m for m in measures if m.aggregation == Aggregation.SUM and m.field == POPULATION_SERVED]
    measures = [m for m in measures if m not in served]
    aggregates = {}
    for m in measures:
        of_collection = Q(submission__period__collection_id=m.collection_id)
        if m.aggregation == Aggregation.SUM:
            aggregates[m.code] = Sum("number", filter=of_collection & Q(field__code=m.field))
        else:
            aggregates[m.code] = Count("submission", distinct=True, filter=of_collection)
    rows = (Value.objects.filter(submission__status=APPROVED, submission__period__year__in=list(years),
                                 submission__period__collection_id__in={m.collection_id for m in measures}))
    dims = {"year": F("submission__period__year"), **institution_dims(prefix="submission__institution__")}
    if measures:
        builder.add(None, grouped_rows(rows, dims, aggregates), INSTITUTION_DIMS, [m.code for m in measures])
    if served:
        builder.add(None, _population_served(served, years, dims), INSTITUTION_DIMS, [m.code for m in served])
    return builder.frame()


def _population_served(measures, years, dims) -> list[tuple]:
    """(year, dims..., population per measure) for each approved submission: a few hundred rows a year, one per
    respondent, with the population taken from its municipality's classifier attribute."""
    from edureg.datacollections.models import Submission

    rows = (Submission.objects.filter(status=APPROVED, period__year__in=list(years),
                                      period__collection_id__in={m.collection_id for m in measures})
            .order_by().values_list("period__collection_id", "institution__municipality__extra",
                                    *[expression.name.replace("submission__", "", 1)
                                      for expression in dims.values()]))
    result = []
    for collection_id, extra, year, *codes in rows:
        number = (extra or {}).get("population")
        number = float(number) if isinstance(number, int | float) and not isinstance(number, bool) else 0.0
        result.append((year, *codes, *[number if m.collection_id == collection_id else 0.0 for m in measures]))
    return result


collection = register(CollectionSource(
    code="collection", label=_("Data collection (approved submissions)"), dimensions=INSTITUTION_DIMS,
    filters={}, sums={}, years=collection_years, build=_build,
    models=("datacollections.submission", "datacollections.value", "datacollections.period",
            "institutions.institution", "classifiers.classifieritem"),
))
