import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from edureg.core.api.filters import IntegerFilter
from edureg.core.search import search
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


def level_filter(**kwargs):
    return IntegerFilter(field_name="ltks_level", min_value=1, max_value=8, label=_("LTKS level (1-8)"), **kwargs)


class QualificationFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_q", label=_("Search the names and codes (diacritics optional)"))
    level = level_filter()
    field = django_filters.CharFilter(field_name="isced_f__code", lookup_expr="startswith",
                                      label=_("ISCED-F field code, or its beginning (07 finds 0715)"))
    type = django_filters.ChoiceFilter(choices=QualificationType.choices, label=_("Type"))
    standard = django_filters.CharFilter(field_name="standard__code", label=_("Professional standard code"))
    valid_on = django_filters.DateFilter(method="filter_valid_on", label=_("Valid on (YYYY-MM-DD)"))

    class Meta:
        model = Qualification
        fields = []

    def filter_q(self, queryset, name, value):
        return search(queryset, value)

    def filter_valid_on(self, queryset, name, value):
        return queryset.valid_on(value)


class ProfessionalStandardFilter(django_filters.FilterSet):
    code = django_filters.CharFilter(field_name="code", label=_("Standard code"))
    sector = django_filters.CharFilter(field_name="sector__code", label=_("Economic sector code"))
    committee = django_filters.CharFilter(field_name="committee__code", label=_("Committee code"))
    status = django_filters.ChoiceFilter(choices=StandardStatus.choices, label=_("Status"))

    class Meta:
        model = ProfessionalStandard
        fields = []


class CompetenceFilter(django_filters.FilterSet):
    standard = IntegerFilter(field_name="standard_id", label=_("Professional standard id"))
    standard_code = django_filters.CharFilter(field_name="standard__code", label=_("Professional standard code"))
    level = level_filter()

    class Meta:
        model = Competence
        fields = []


class SectoralCommitteeFilter(django_filters.FilterSet):
    sector = django_filters.CharFilter(field_name="sector__code", label=_("Economic sector code"))
    active_on = django_filters.DateFilter(method="filter_active_on", label=_("Working on (YYYY-MM-DD)"))

    class Meta:
        model = SectoralCommittee
        fields = []

    def filter_active_on(self, queryset, name, value):
        return queryset.filter(Q(dissolved_on__isnull=True) | Q(dissolved_on__gte=value), established_on__lte=value)


class CommitteeMeetingFilter(django_filters.FilterSet):
    committee = django_filters.CharFilter(field_name="committee__code", label=_("Committee code"))
    date_from = django_filters.DateFilter(field_name="date", lookup_expr="gte", label=_("From (YYYY-MM-DD)"))
    date_to = django_filters.DateFilter(field_name="date", lookup_expr="lte", label=_("To (YYYY-MM-DD)"))

    class Meta:
        model = CommitteeMeeting
        fields = []


class CommitteeDecisionFilter(django_filters.FilterSet):
    committee = django_filters.CharFilter(field_name="meeting__committee__code", label=_("Committee code"))
    meeting = IntegerFilter(field_name="meeting_id", label=_("Meeting id"))
    standard = IntegerFilter(field_name="standard_id", label=_("Professional standard id"))
    programme_version = IntegerFilter(field_name="programme_version_id", label=_("Programme version id"))
    outcome = django_filters.ChoiceFilter(choices=DecisionOutcome.choices, label=_("Decision"))

    class Meta:
        model = CommitteeDecision
        fields = []


class CommitteeMemberFilter(django_filters.FilterSet):
    committee = django_filters.CharFilter(field_name="committee__code", label=_("Committee code"))
    role = django_filters.ChoiceFilter(choices=MemberRole.choices, label=_("Role"))
    person = IntegerFilter(field_name="person_id", label=_("Person id"))
    active_on = django_filters.DateFilter(method="filter_active_on", label=_("Member on (YYYY-MM-DD)"))

    class Meta:
        model = CommitteeMember
        fields = []

    def filter_active_on(self, queryset, name, value):
        return queryset.active_on(value)
