"""Filters of the admission API (codes, not row ids)."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from edureg.admission.choices import ApplicationStatus, InvitationStatus, RoundKind, RoundStatus, RunStatus
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
from edureg.core.api.filters import IntegerFilter
from edureg.programmes.choices import Funding

LEVEL = {"min_value": 1, "max_value": 8}
ROUND = _("Round code")


def round_filter(path: str = "round"):
    return django_filters.CharFilter(field_name=f"{path}__code", label=ROUND)


class RoundFilter(django_filters.FilterSet):
    year = IntegerFilter(field_name="year", min_value=2000, max_value=2100, label=_("School year (its first year)"))
    kind = django_filters.ChoiceFilter(choices=RoundKind.choices, label=_("Kind"))
    status = django_filters.ChoiceFilter(choices=RoundStatus.choices, label=_("Status"))

    class Meta:
        model = Round
        fields = []


class ScoringFormulaFilter(django_filters.FilterSet):
    round = round_filter()

    class Meta:
        model = ScoringFormula
        fields = []


class OfferFilter(django_filters.FilterSet):
    round = round_filter()
    funding = django_filters.ChoiceFilter(choices=Funding.choices, label=_("Funding"))
    municipality = django_filters.CharFilter(field_name="offering__municipality__code", label=_("Municipality code"))
    institution = django_filters.CharFilter(field_name="offering__institution__code",
                                            label=_("Institution legal-entity code"))
    programme = django_filters.CharFilter(method="filter_programme", label=_("Programme state code"))
    level = IntegerFilter(field_name="offering__version__ltks_level", label=_("LTKS level (1-8)"), **LEVEL)

    class Meta:
        model = Offer
        fields = []

    def filter_programme(self, queryset, name, value):
        return queryset.filter(Q(offering__programme__state_code=value) | Q(offering__programme__temp_code=value))


class ApplicationFilter(django_filters.FilterSet):
    round = round_filter()
    status = django_filters.ChoiceFilter(choices=ApplicationStatus.choices, label=_("Status"))
    offer = django_filters.CharFilter(method="filter_offer", label=_("Code of an offer listed as a preference"))

    class Meta:
        model = Application
        fields = []

    def filter_offer(self, queryset, name, value):
        return queryset.filter(pk__in=Preference.objects.filter(offer__code=value).values("application_id"))


class GradeFilter(django_filters.FilterSet):
    application = IntegerFilter(field_name="application_id", label=_("Application id"))
    round = round_filter("application__round")
    subject = django_filters.CharFilter(field_name="subject__code", label=_("Subject code"))

    class Meta:
        model = Grade
        fields = []


class PreferenceFilter(django_filters.FilterSet):
    application = IntegerFilter(field_name="application_id", label=_("Application id"))
    round = round_filter("application__round")
    offer = django_filters.CharFilter(field_name="offer__code", label=_("Offer code"))

    class Meta:
        model = Preference
        fields = []


class AllocationRunFilter(django_filters.FilterSet):
    round = round_filter()
    status = django_filters.ChoiceFilter(choices=RunStatus.choices, label=_("Status"))

    class Meta:
        model = AllocationRun
        fields = []


class ApplicationResultFilter(django_filters.FilterSet):
    round = round_filter("run__round")
    run = IntegerFilter(field_name="run_id", label=_("Run id"))
    application = IntegerFilter(field_name="application_id", label=_("Application id"))

    class Meta:
        model = ApplicationResult
        fields = []


class OfferResultFilter(django_filters.FilterSet):
    round = round_filter("run__round")
    run = IntegerFilter(field_name="run_id", label=_("Run id"))
    offer = django_filters.CharFilter(field_name="offer__code", label=_("Offer code"))
    institution = django_filters.CharFilter(field_name="offer__offering__institution__code",
                                            label=_("Institution legal-entity code"))
    municipality = django_filters.CharFilter(field_name="offer__offering__municipality__code",
                                             label=_("Municipality code"))

    class Meta:
        model = OfferResult
        fields = []


class InvitationFilter(django_filters.FilterSet):
    round = round_filter("run__round")
    status = django_filters.ChoiceFilter(choices=InvitationStatus.choices, label=_("Status"))
    offer = django_filters.CharFilter(field_name="offer__code", label=_("Offer code"))
    institution = django_filters.CharFilter(field_name="offer__offering__institution__code",
                                            label=_("Institution legal-entity code"))

    class Meta:
        model = Invitation
        fields = []
