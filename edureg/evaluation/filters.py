"""Filters of the evaluation API (codes, not row ids, where the rows have codes)."""

import django_filters
from django.utils.translation import gettext_lazy as _

from edureg.core.api.filters import BooleanFilter, IntegerFilter
from edureg.evaluation.choices import (
    AppealStatus,
    ApplicationStatus,
    AssignmentStatus,
    CallStatus,
    EventAction,
    Outcome,
    Purpose,
    Selection,
    TieRelation,
)
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

PROCEDURE = _("Evaluation procedure code")
CALL = _("Funding call code")
INSTITUTION = _("Institution legal-entity code")
APPLICATION = _("Application id")


def code_filter(path: str, label, *, many: bool = False):
    return django_filters.CharFilter(field_name=f"{path}__code", label=label, distinct=many)


class ProcedureFilter(django_filters.FilterSet):
    purpose = django_filters.ChoiceFilter(choices=Purpose.choices, label=_("Purpose"))
    kind = code_filter("kinds", many=True, label=_("Programme kind code"))
    active = BooleanFilter(label=_("Active"))

    class Meta:
        model = Procedure
        fields = []


class CriterionFilter(django_filters.FilterSet):
    procedure = code_filter("procedure", PROCEDURE)
    mandatory = BooleanFilter(label=_("Mandatory"))

    class Meta:
        model = Criterion
        fields = []


class ExpertFilter(django_filters.FilterSet):
    active = BooleanFilter(label=_("Active"))
    expertise = code_filter("expertise", many=True, label=_("ISCED-F field code"))
    kind = code_filter("kinds", many=True, label=_("Programme kind code"))
    procedure = code_filter("procedures", many=True, label=PROCEDURE)

    class Meta:
        model = Expert
        fields = []


class ExpertTieFilter(django_filters.FilterSet):
    expert = IntegerFilter(field_name="expert_id", label=_("Expert id"))
    institution = code_filter("institution", INSTITUTION)
    relation = django_filters.ChoiceFilter(choices=TieRelation.choices, label=_("Relation"))

    class Meta:
        model = ExpertTie
        fields = []


class CallFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=CallStatus.choices, label=_("Status"))
    procedure = code_filter("procedure", PROCEDURE)

    class Meta:
        model = Call
        fields = []


class ApplicationFilter(django_filters.FilterSet):
    number = django_filters.CharFilter(field_name="number", label=_("Application number"))
    status = django_filters.ChoiceFilter(choices=ApplicationStatus.choices, label=_("Status"))
    procedure = code_filter("procedure", PROCEDURE)
    purpose = django_filters.ChoiceFilter(field_name="procedure__purpose", choices=Purpose.choices,
                                          label=_("Purpose"))
    call = code_filter("call", CALL)
    institution = code_filter("institution", INSTITUTION)
    municipality = code_filter("institution__municipality", _("Municipality code"))
    programme_version = IntegerFilter(field_name="programme_version_id", label=_("Programme version id"))
    selection = django_filters.ChoiceFilter(choices=Selection.choices, label=_("Selection in a call"))

    class Meta:
        model = Application
        fields = []


class AssignmentFilter(django_filters.FilterSet):
    application = IntegerFilter(field_name="application_id", label=APPLICATION)
    expert = IntegerFilter(field_name="expert_id", label=_("Expert id"))
    status = django_filters.ChoiceFilter(choices=AssignmentStatus.choices, label=_("Status"))
    round = IntegerFilter(field_name="round", label=_("Evaluation round"), max_value=100)

    class Meta:
        model = Assignment
        fields = []


class ScoreFilter(django_filters.FilterSet):
    application = IntegerFilter(field_name="assignment__application_id", label=APPLICATION)
    assignment = IntegerFilter(field_name="assignment_id", label=_("Assignment id"))
    criterion = django_filters.CharFilter(field_name="criterion__code", label=_("Criterion code"))

    class Meta:
        model = Score
        fields = []


class DecisionFilter(django_filters.FilterSet):
    number = django_filters.CharFilter(field_name="number", label=_("Decision number"))
    application = IntegerFilter(field_name="application_id", label=APPLICATION)
    outcome = django_filters.ChoiceFilter(choices=Outcome.choices, label=_("Outcome"))
    procedure = code_filter("application__procedure", PROCEDURE)
    call = code_filter("application__call", CALL)
    institution = code_filter("application__institution", INSTITUTION)
    current = BooleanFilter(label=_("In force"))

    class Meta:
        model = Decision
        fields = []


class AppealFilter(django_filters.FilterSet):
    application = IntegerFilter(field_name="application_id", label=APPLICATION)
    status = django_filters.ChoiceFilter(choices=AppealStatus.choices, label=_("Status"))

    class Meta:
        model = Appeal
        fields = []


class EventFilter(django_filters.FilterSet):
    application = IntegerFilter(field_name="application_id", label=APPLICATION)
    action = django_filters.ChoiceFilter(choices=EventAction.choices, label=_("Action"))

    class Meta:
        model = Event
        fields = []
