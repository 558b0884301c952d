"""Evaluation in the API: procedures and calls by code (criteria read nested), kinds and fields by code, institutions
by legal-entity code, experts by id showing the person's name only (never a personal code), applications by id.

What a reader sees of an application's scores depends on who they are (the view passes `coordinator` in the
context): the agency sees the total and the rule's outcome as soon as they exist, others once the application is
decided (a call's applications: once the call's results are published). Experts' names stay with the agency."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from edureg.classifiers.serializers import ClassifierField
from edureg.core.api.fields import CodeRefField, SlugRefField
from edureg.core.api.serializers import RegisterSerializer
from edureg.evaluation.choices import ApplicationStatus, CallStatus, Outcome
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
from edureg.institutions.serializers import institution_ref
from edureg.persons.serializers import person_ref
from edureg.programmes.models import ProgrammeKind, ProgrammeVersion

AMOUNT = {"max_digits": 12, "decimal_places": 2, "min_value": 0}


def kinds_field(**kwargs):
    kwargs.setdefault("help_text", _("Programme kind codes, e.g. cpd, nonformal_adult."))
    return SlugRefField(slug_field="code", many=True, queryset=ProgrammeKind.objects.all(), **kwargs)


def procedure_ref(**kwargs):
    kwargs.setdefault("help_text", _("The evaluation procedure's code."))
    if not kwargs.get("read_only"):
        kwargs.setdefault("queryset", Procedure.objects.all())
    return SlugRefField(slug_field="code", **kwargs)


def call_ref(**kwargs):
    kwargs.setdefault("help_text", _("The funding call's code."))
    if not kwargs.get("read_only"):
        kwargs.setdefault("queryset", Call.objects.all())
    return SlugRefField(slug_field="code", **kwargs)


@extend_schema_field({"type": "object", "properties": {"id": {"type": "integer"}, "name": {"type": "string"}}})
class ExpertNameField(serializers.Field):
    """An expert as {id, name}: the person's name only."""

    def to_representation(self, expert):
        return {"id": expert.pk, "name": f"{expert.person.first_name} {expert.person.last_name}"}


@extend_schema_field({"type": "object", "properties": {"id": {"type": "integer"}, "number": {"type": "string"},
                                                       "title": {"type": "string"}}})
class ApplicationBriefField(serializers.Field):
    def to_representation(self, application):
        return {"id": application.pk, "number": application.number, "title": application.title}


# --- procedures -------------------------------------------------------------------------------------------------

class NestedCriterionSerializer(RegisterSerializer):
    name = serializers.CharField(read_only=True)
    description = serializers.CharField(read_only=True)

    class Meta:
        model = Criterion
        fields = ["code", "name", "name_lt", "name_en", "description", "weight", "mandatory", "pass_mark",
                  "justification_required", "order"]
        read_only_fields = fields


class ProcedureSerializer(RegisterSerializer):
    name = serializers.CharField(read_only=True, help_text=_("The name in the request's language."))
    kinds = kinds_field(required=False)
    criteria = NestedCriterionSerializer(many=True, read_only=True)
    problems = serializers.SerializerMethodField(help_text=_(
        "What keeps the procedure from working as a whole (e.g. no criteria yet); empty when sound."))

    class Meta:
        model = Procedure
        fields = ["code", "name", "name_lt", "name_en", "description_lt", "description_en", "purpose", "kinds",
                  "experts_per_application", "scale_min", "scale_max", "aggregation", "disagreement_points",
                  "threshold", "conditions_threshold", "eligibility_days", "evaluation_days", "decision_days",
                  "appeal_days", "validity_years", "expiry_warning_days", "conflict_years", "active", "criteria",
                  "problems"]
        validators = []  # the code's uniqueness and the constraints: the model's validation

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_problems(self, obj):
        from edureg.evaluation.services.procedures import check_procedure

        return [str(p) for p in check_procedure(obj)]


class ProcedureListSerializer(ProcedureSerializer):
    class Meta(ProcedureSerializer.Meta):
        fields = [f for f in ProcedureSerializer.Meta.fields if f != "problems"]


class CriterionSerializer(RegisterSerializer):
    procedure = procedure_ref()
    name = serializers.CharField(read_only=True)

    class Meta:
        model = Criterion
        fields = ["id", "procedure", "code", "name", "name_lt", "name_en", "description_lt", "description_en",
                  "weight", "mandatory", "pass_mark", "justification_required", "order"]
        validators = []


# --- experts ----------------------------------------------------------------------------------------------------

class ExpertSerializer(RegisterSerializer):
    person = person_ref(help_text=_("The person's id (POST /api/v1/persons/lookup/ finds it by personal code); "
                                    "read as their name only."))
    name = serializers.SerializerMethodField()
    expertise = ClassifierField("isced_f", many=True, required=False,
                                help_text=_("ISCED-F field codes of the expert's expertise."))
    kinds = kinds_field(required=False)
    procedures = SlugRefField(slug_field="code", many=True, required=False, queryset=Procedure.objects.all(),
                              help_text=_("Codes of the procedures the expert evaluates (empty: any)."))
    load = serializers.SerializerMethodField(help_text=_("Open assignments (assigned, not yet submitted)."))

    class Meta:
        model = Expert
        fields = ["id", "person", "name", "expertise", "kinds", "procedures", "email", "max_load", "load",
                  "available_from", "available_until", "active", "note", "created_at"]
        read_only_fields = ["created_at"]
        validators = []

    @extend_schema_field(OpenApiTypes.INT)
    def get_load(self, obj):
        load = getattr(obj, "load", None)  # annotated on lists
        return load if load is not None else obj.assignments.filter(status="assigned").count()

    @extend_schema_field(OpenApiTypes.STR)
    def get_name(self, obj):
        return f"{obj.person.first_name} {obj.person.last_name}"


class ExpertTieSerializer(RegisterSerializer):
    expert = serializers.PrimaryKeyRelatedField(queryset=Expert.objects.all(), help_text=_("The expert's id."))
    institution = institution_ref()

    class Meta:
        model = ExpertTie
        fields = ["id", "expert", "institution", "relation", "started_on", "ended_on", "note"]


# --- calls ------------------------------------------------------------------------------------------------------

class CallSerializer(RegisterSerializer):
    name = serializers.CharField(read_only=True)
    procedure = procedure_ref(help_text=_("The code of a competition procedure (its criteria score the applications)."))
    kinds = kinds_field(help_text=_("Codes of the eligible programme kinds."))
    tie_rules = serializers.ListField(child=serializers.CharField(max_length=60), required=False, help_text=_(
        'In order, e.g. ["criterion:relevance", "lower_amount", "earlier_submission"].'))

    class Meta:
        model = Call
        fields = ["code", "name", "name_lt", "name_en", "description_lt", "description_en", "procedure", "kinds",
                  "budget", "max_per_application", "min_score", "opens_on", "closes_on", "tie_rules",
                  "last_fit_rule", "status", "ranked_at", "published_at"]
        read_only_fields = ["status", "ranked_at", "published_at"]
        validators = []


class CallResultSerializer(serializers.Serializer):
    number = serializers.CharField()
    institution = CodeRefField(read_only=True)
    title = serializers.CharField()
    total = serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True)
    rank = serializers.IntegerField(allow_null=True)
    requested = serializers.DecimalField(source="requested_amount", allow_null=True, **AMOUNT)
    granted = serializers.DecimalField(source="granted_amount", allow_null=True, **AMOUNT)
    selection = serializers.CharField()


# --- applications -----------------------------------------------------------------------------------------------

def _scores_hidden(application, context) -> bool:
    """Totals, ranks and the rule's outcome wait for the decision (a call's for its published results)."""
    if context.get("coordinator"):
        return False
    if application.call_id:
        return application.call.status != CallStatus.PUBLISHED
    return application.status not in (ApplicationStatus.DECIDED, ApplicationStatus.APPEALED)


HIDDEN_UNTIL_DECIDED = ("total", "mandatory_passed", "proposed_outcome", "rank", "selection", "granted_amount")


class EvaluationApplicationSerializer(RegisterSerializer):
    procedure = procedure_ref(read_only=True)
    call = call_ref(read_only=True)
    institution = CodeRefField(read_only=True)
    programme_version = serializers.PrimaryKeyRelatedField(read_only=True, help_text=_("The programme version's id."))
    isced_f = ClassifierField("isced_f", read_only=True)

    class Meta:
        model = Application
        fields = ["id", "number", "procedure", "call", "institution", "programme_version", "title", "isced_f",
                  "requested_amount", "provider_note", "status", "status_since", "due_on", "round",
                  "correction_request", "extra_expert_needed", "total", "mandatory_passed", "proposed_outcome",
                  "rank", "selection", "granted_amount", "submitted_at"]
        read_only_fields = fields

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if _scores_hidden(instance, self.context):
            for name in HIDDEN_UNTIL_DECIDED:
                data[name] = "" if name in ("proposed_outcome", "selection") else None
        return data


class EvaluationApplicationCreateSerializer(serializers.Serializer):
    """Apply to a call (`call`, `programme_version`, `requested_amount`, `note`), or ask for a readiness evaluation
    (`procedure`, `institution`, `title`, `note`, `isced_f`)."""

    call = call_ref(required=False)
    programme_version = serializers.PrimaryKeyRelatedField(
        queryset=ProgrammeVersion.objects.all(), required=False,
        help_text=_("The id of the programme version applied with (a call)."))
    requested_amount = serializers.DecimalField(required=False, **AMOUNT)
    procedure = procedure_ref(required=False, help_text=_("The readiness procedure's code (a readiness evaluation)."))
    institution = institution_ref(required=False, help_text=_("The applicant institution (a readiness evaluation)."))
    title = serializers.CharField(required=False, max_length=255)
    isced_f = ClassifierField("isced_f", required=False, allow_null=True)
    note = serializers.CharField(required=False, allow_blank=True, max_length=5000)

    def validate(self, attrs):
        if ("call" in attrs) == ("procedure" in attrs):
            raise serializers.ValidationError({"call": [_("Name either a call (to apply for funding) or a readiness "
                                                          "procedure, not both.")]})
        needed = (("programme_version", "requested_amount") if "call" in attrs
                  else ("institution", "title"))
        missing = {name: [_("This field is required.")] for name in needed if attrs.get(name) in (None, "")}
        if missing:
            raise serializers.ValidationError(missing)
        return attrs


class WithdrawalSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=5000, allow_blank=True, required=False)


class RequiredReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=5000, help_text=_("Why (shown to the provider)."))


class CorrectionRequestSerializer(serializers.Serializer):
    request = serializers.CharField(max_length=5000, help_text=_("What the provider should correct."))


class ResubmitSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=5000, allow_blank=True, required=False)
    requested_amount = serializers.DecimalField(required=False, allow_null=True, **AMOUNT)


class AssignSerializer(serializers.Serializer):
    expert = serializers.PrimaryKeyRelatedField(queryset=Expert.objects.all(), help_text=_("The expert's id."))
    due_on = serializers.DateField(required=False, allow_null=True)


class DecideSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=Outcome.choices, required=False, help_text=_(
        "Accredited, conditions or rejected. Default: the outcome by the decision rule; another (never more "
        "favourable) needs a reason."))
    conditions = serializers.CharField(max_length=5000, allow_blank=True, required=False)
    reason = serializers.CharField(max_length=5000, allow_blank=True, required=False)


class GroundsSerializer(serializers.Serializer):
    grounds = serializers.CharField(max_length=5000, help_text=_("Why the decision should be reconsidered."))


class ProposalSerializer(serializers.Serializer):
    expert = ExpertNameField()
    load = serializers.IntegerField()
    field_match = serializers.BooleanField()
    kind_match = serializers.BooleanField()
    available = serializers.BooleanField()
    assigned = serializers.BooleanField()
    blocked = serializers.BooleanField()
    conflicts = serializers.ListField(child=serializers.CharField())
    reasons = serializers.ListField(child=serializers.CharField(), help_text=_("Why the expert cannot be assigned."))


# --- assignments and scores -------------------------------------------------------------------------------------

class NestedScoreSerializer(RegisterSerializer):
    criterion = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Score
        fields = ["criterion", "value", "justification"]
        read_only_fields = fields


class AssignmentSerializer(RegisterSerializer):
    application = ApplicationBriefField(read_only=True)
    expert = ExpertNameField(read_only=True)
    scores = NestedScoreSerializer(many=True, read_only=True)

    class Meta:
        model = Assignment
        fields = ["id", "application", "expert", "round", "extra", "status", "due_on", "assigned_at",
                  "no_conflict_at", "conflict_note", "comment", "total", "submitted_at", "scores"]
        read_only_fields = fields


class NoteSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=5000, help_text=_("The tie or interest that conflicts."))


SCORE_SHEET_SCHEMA = {
    "type": "object",
    "description": "{criterion code: {value, justification}}; an optional \"comment\" (text) is the expert's overall "
                   "comment. Criteria not named keep their scores; a null value clears one.",
    "additionalProperties": {"type": "object", "properties": {
        "value": {"type": "string", "nullable": True}, "justification": {"type": "string"}}},
    "example": {"relevance": {"value": "3", "justification": "Meets teachers' needs."}, "comment": "Overall sound."},
}


class ScoreSerializer(RegisterSerializer):
    assignment = serializers.PrimaryKeyRelatedField(read_only=True)
    application = serializers.SerializerMethodField()
    round = serializers.IntegerField(source="assignment.round", read_only=True)
    expert = serializers.SerializerMethodField(help_text=_("The expert's name: for the agency and the expert "
                                                           "themself only."))
    criterion = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Score
        fields = ["id", "assignment", "application", "round", "expert", "criterion", "value", "justification"]
        read_only_fields = fields

    @extend_schema_field({"type": "object", "properties": {"id": {"type": "integer"}, "number": {"type": "string"}}})
    def get_application(self, obj):
        application = obj.assignment.application
        return {"id": application.pk, "number": application.number}

    @extend_schema_field({"type": "string", "nullable": True})
    def get_expert(self, obj):
        person = obj.assignment.expert.person
        if self.context.get("coordinator") or person.pk in self.context.get("person_ids", ()):
            return f"{person.first_name} {person.last_name}"
        return None


# --- decisions, appeals, events ---------------------------------------------------------------------------------

class DecisionSerializer(RegisterSerializer):
    application = ApplicationBriefField(read_only=True)
    institution = CodeRefField(source="application.institution", read_only=True)
    procedure = serializers.CharField(source="application.procedure.code", read_only=True)
    call = serializers.SerializerMethodField()
    programme_version = serializers.IntegerField(source="application.programme_version_id", read_only=True,
                                                 allow_null=True)

    class Meta:
        model = Decision
        fields = ["id", "number", "application", "institution", "procedure", "call", "programme_version", "round",
                  "outcome", "total", "mandatory_passed", "summary", "conditions", "reason", "granted_amount",
                  "valid_from", "valid_until", "decided_at", "current", "published_at"]
        read_only_fields = fields

    @extend_schema_field({"type": "string", "nullable": True})
    def get_call(self, obj):
        call = obj.application.call
        return call.code if call is not None else None


class AppealSerializer(RegisterSerializer):
    application = ApplicationBriefField(read_only=True)
    decision = serializers.SlugRelatedField(slug_field="number", read_only=True)

    class Meta:
        model = Appeal
        fields = ["id", "application", "decision", "grounds", "status", "filed_at", "resolution", "resolved_at"]
        read_only_fields = fields


class AppealCreateSerializer(serializers.Serializer):
    application = serializers.PrimaryKeyRelatedField(queryset=Application.objects.all(),
                                                     help_text=_("The id of the decided application."))
    grounds = serializers.CharField(max_length=5000, help_text=_("Why the decision should be reconsidered."))


class ResolveSerializer(serializers.Serializer):
    uphold = serializers.BooleanField(help_text=_("true: re-evaluate in a new round; false: dismiss."))
    resolution = serializers.CharField(max_length=5000, help_text=_("The reasons, shown to the provider."))


class EventSerializer(RegisterSerializer):
    application = ApplicationBriefField(read_only=True)
    user = serializers.SerializerMethodField(help_text=_("Who took the step (the agency sees it)."))

    class Meta:
        model = Event
        fields = ["id", "application", "action", "from_status", "to_status", "note", "at", "user"]
        read_only_fields = fields

    @extend_schema_field({"type": "string", "nullable": True})
    def get_user(self, obj):
        if self.context.get("coordinator") and obj.user is not None:
            return obj.user.get_username()
        return None
