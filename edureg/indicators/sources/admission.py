"""Fact sources over common admission: the current run of each round whose results are published. The year is the
round's school year; ages are counted on its reference date (Y-10-01) like every other source."""

from __future__ import annotations

from django.db.models import Count, F, Q
from django.utils.translation import gettext_lazy as _

from edureg.indicators.engine.cube import Frame
from edureg.indicators.sources import register
from edureg.indicators.sources.registers import INSTITUTION_DIMS, institution_dims, person_dims
from edureg.indicators.sources.sql import (
    FactSource,
    FrameBuilder,
    age_filter,
    bool_filter,
    code_filter,
    field,
    grouped_rows,
    number_filter,
)

SIGNED = "signed"
MODELS = ("admission.allocationrun", "admission.offerresult", "admission.round", "admission.invitation",
          "admission.applicationresult", "admission.offer", "programmes.offering", "persons.person",
          "institutions.institution", "classifiers.classifieritem")


def published_runs():
    """The current runs of the rounds whose results are public."""
    from edureg.admission.choices import RESULTS_PUBLIC
    from edureg.admission.models import AllocationRun

    return AllocationRun.objects.filter(is_current=True, published_at__isnull=False,
                                        round__status__in=RESULTS_PUBLIC)


def admission_years() -> list[int]:
    return sorted(published_runs().order_by().values_list("round__year", flat=True).distinct())


# ---------------------------------------------------------------------------------------------------------------
# Offers: per-offer results (places, applicants, first preferences, invited, signed contracts)

OFFER_DIMS = (*INSTITUTION_DIMS, "programme_kind")


def _offer_results(year: int):
    from edureg.admission.models import OfferResult

    return OfferResult.objects.filter(run__in=published_runs(), run__round__year=year)


def _signed_invitations(year: int):
    from edureg.admission.models import Invitation

    return Invitation.objects.filter(run__in=published_runs(), run__round__year=year, status=SIGNED)


def _offer_dims(year: int) -> dict:
    # The place is the offering's municipality (a branch may lie elsewhere than the institution's seat).
    dims = institution_dims(prefix="offer__offering__institution__")
    dims["county"] = F("offer__offering__municipality__parent__code")
    dims["municipality"] = F("offer__offering__municipality__code")
    dims["programme_kind"] = F("offer__offering__programme__kind__code")
    return dims


def _build_offers(measures, years) -> Frame:
    """Per year, one GROUP BY over the offer results (places, applicants, ... and counts of offers) and one over the
    signed invitations (contracts); both have `run` and `offer`, so the filters read the same paths. The frame
    adds the two sets of groups up."""
    source = admission_offers
    codes = [m.code for m in measures]
    builder = FrameBuilder(source.dimensions, codes)
    signed = [m for m in measures if m.aggregation == "sum" and m.field == SIGNED]
    others = [m for m in measures if m not in signed]
    for year in years:
        dims = _offer_dims(year)
        if others:
            aggregates = {m.code: source.aggregate(m, year) for m in others}
            builder.add(year, grouped_rows(_offer_results(year), dims, aggregates), tuple(dims), list(aggregates))
        if signed:
            aggregates = {m.code: Count("pk", filter=source.measure_q(m, year) or None) for m in signed}
            builder.add(year, grouped_rows(_signed_invitations(year), dims, aggregates), tuple(dims),
                        list(aggregates))
    return builder.frame()


admission_offers = register(FactSource(
    code="admission_offers", label=_("Admission offers (published results)"), dimensions=OFFER_DIMS,
    filters={"funding": code_filter("offer__funding"), "round_kind": code_filter("run__round__kind"),
             "programme_kind": code_filter("offer__offering__programme__kind__code"),
             "institution_category": code_filter("offer__offering__institution__type__extra__category")},
    sums={name: field(name) for name in ("places", "applicants", "first_preference", "invited", SIGNED)},
    years=admission_years, models=MODELS, build=_build_offers,
))


# ---------------------------------------------------------------------------------------------------------------
# Applicants: per-application results (invited or not, to which preference)


def _applicant_results(year: int):
    from edureg.admission.models import ApplicationResult

    return ApplicationResult.objects.filter(run__in=published_runs(), run__round__year=year)


def _build_applicants(measures, years) -> Frame:
    source = admission_applicants
    codes = [m.code for m in measures]
    builder = FrameBuilder(source.dimensions, codes)
    if not measures:
        return builder.frame()
    for year in years:
        dims = person_dims(year, prefix="application__person__")
        aggregates = {m.code: source.aggregate(m, year) for m in measures}
        builder.add(year, grouped_rows(_applicant_results(year), dims, aggregates), tuple(dims), codes)
    return builder.frame()


admission_applicants = register(FactSource(
    code="admission_applicants", label=_("Admission applicants (published results)"),
    dimensions=("sex", "age_group"),
    filters={"invited": bool_filter(lambda year: Q(offer__isnull=False)), "invited_rank": number_filter("rank"),
             "round_kind": code_filter("run__round__kind"), "education": code_filter("application__education"),
             "sex": code_filter("application__person__sex__code"),
             "age": age_filter("application__person__birth_date")},
    years=admission_years, models=MODELS, build=_build_applicants,
))
