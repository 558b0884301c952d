"""The programmes register in the API: programmes by their state (or temporary) code, kinds by code,
institutions by legal-entity code, qualifications and competences by code, classifier values by code."""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from edureg.classifiers.serializers import ClassifierField
from edureg.core.api.fields import CodeRefField, SlugRefField
from edureg.core.api.serializers import RegisterSerializer
from edureg.institutions.models import Branch
from edureg.institutions.serializers import institution_ref
from edureg.programmes.choices import LearningForm, TargetGroup
from edureg.programmes.models import (
    Module,
    Offering,
    Programme,
    ProgrammeEvent,
    ProgrammeKind,
    ProgrammeRule,
    ProgrammeVersion,
    state_code_validator,
)
from edureg.qualifications.models import Competence, Qualification


class ProgrammeRefField(CodeRefField):
    """A programme by its state code (or, before registration, its temporary code); read as {code, name}."""

    def __init__(self, **kwargs):
        if not kwargs.get("read_only"):
            kwargs.setdefault("queryset", Programme.objects.all())
        kwargs.setdefault("help_text", _("The programme's state code (or its temporary code before registration)."))
        super().__init__(**kwargs)

    def lookup(self, value):
        return self.get_queryset().get(Q(state_code=value) | Q(temp_code=value))

    def get_choices(self, cutoff=None):
        queryset = self.get_queryset()[:cutoff] if cutoff else self.get_queryset()
        return {p.code: str(p) for p in queryset}


def _ref(queryset, kwargs) -> dict:
    return kwargs if kwargs.get("read_only") else {"queryset": queryset, **kwargs}


def kind_ref(**kwargs) -> CodeRefField:
    kwargs.setdefault("help_text", _("The programme kind's code, e.g. initial_vet."))
    return CodeRefField(**_ref(ProgrammeKind.objects.all(), kwargs))


def qualification_ref(**kwargs) -> CodeRefField:
    kwargs.setdefault("help_text", _("The code of the qualification awarded."))
    return CodeRefField(**_ref(Qualification.objects.all(), kwargs))


def code_list(choices):
    return serializers.ListField(child=serializers.ChoiceField(choices=choices), required=False)


# --- versions and modules ---------------------------------------------------------------------------------

class ModuleSerializer(RegisterSerializer):
    version = serializers.PrimaryKeyRelatedField(queryset=ProgrammeVersion.objects.all(),
                                                 help_text=_("The id of a draft programme version."))
    name = serializers.CharField(read_only=True, help_text=_("The name in the request's language."))
    competences = SlugRefField(slug_field="code", many=True, queryset=Competence.objects.all(), required=False,
                               help_text=_("Codes of the competences the module covers."))

    class Meta:
        model = Module
        fields = ["id", "version", "code", "position", "name", "name_lt", "name_en", "type", "mandatory", "credits",
                  "hours", "practice_hours", "ltks_level", "competences", "learning_outcomes_lt",
                  "learning_outcomes_en"]
        validators = []  # (version, code) is unique: the service reports a clash naming the field

    def validate(self, attrs):
        if self.instance is not None and "version" in attrs and attrs["version"] != self.instance.version:
            raise serializers.ValidationError({"version": [_("A module stays in its version.")]})
        if self.instance is not None:
            attrs.pop("version", None)
        return attrs


class NestedModuleSerializer(ModuleSerializer):
    class Meta(ModuleSerializer.Meta):
        fields = [f for f in ModuleSerializer.Meta.fields if f != "version"]
        read_only_fields = fields


# The content of a version: what a provider writes in a draft.
CONTENT_FIELDS = ["name_lt", "name_en", "subtype", "qualification", "ltks_level", "isced_f", "entry_education",
                  "entry_requirements_lt", "entry_requirements_en", "with_general_education", "language", "forms",
                  "target_groups", "credits", "hours", "practice_hours", "description_lt", "description_en",
                  "learning_outcomes_lt", "learning_outcomes_en", "valid_from", "valid_to"]


class ProgrammeVersionSerializer(RegisterSerializer):
    programme = ProgrammeRefField(help_text=_(
        "On create: the registered programme to draft a new version of (a copy of its version in force)."))
    name = serializers.CharField(read_only=True, help_text=_("The name in the request's language."))
    qualification = qualification_ref(required=False, allow_null=True)
    isced_f = ClassifierField("isced_f", required=False, allow_null=True)
    language = ClassifierField("language", required=False, allow_null=True)
    forms = code_list(LearningForm.choices)
    target_groups = code_list(TargetGroup.choices)
    based_on = serializers.SlugRelatedField(slug_field="number", read_only=True,
                                            help_text=_("The number of the version this one was copied from."))
    total_hours = serializers.IntegerField(read_only=True, allow_null=True,
                                           help_text=_("Hours, or credits in academic hours (1 credit = 27)."))
    modules = NestedModuleSerializer(many=True, read_only=True)

    class Meta:
        model = ProgrammeVersion
        fields = ["id", "programme", "number", "status", "status_since", "based_on", "name", *CONTENT_FIELDS,
                  "total_hours", "submitted_on", "registered_on", "accredited_until", "updated_at", "modules"]
        read_only_fields = ["number", "status", "status_since", "submitted_on", "registered_on", "accredited_until",
                            "updated_at"]
        # A new version is a copy of the version in force: the content given changes the copy.
        extra_kwargs = {"name_lt": {"required": False}}
        validators = []  # versions are numbered by the services

    def validate(self, attrs):
        if self.instance is not None and "programme" in attrs \
                and attrs.pop("programme") != self.instance.programme:
            raise serializers.ValidationError({"programme": [_("A version stays with its programme.")]})
        return attrs


class HeadVersionSerializer(ProgrammeVersionSerializer):
    """The head version inside a programme: its content, without the modules."""

    class Meta(ProgrammeVersionSerializer.Meta):
        fields = ["id", "number", "status", "status_since", *[f for f in CONTENT_FIELDS if f not in (
            "name_lt", "name_en", "qualification", "ltks_level", "isced_f")], "total_hours", "submitted_on",
                  "registered_on", "accredited_until"]
        read_only_fields = fields


# --- programmes -----------------------------------------------------------------------------------------

def head_version(programme, user=None):
    """The version in force, else the newest one the reader may see (from the prefetched `visible_versions`)."""
    versions = getattr(programme, "visible_versions", None)
    if versions is None:
        versions = list(ProgrammeVersion.objects.for_user(user, "view").filter(programme=programme)
                        .select_related("qualification", "isced_f", "language").order_by("-number"))
    current = next((v for v in versions if v.pk == programme.current_version_id), None)
    return current or (versions[0] if versions else None)


class ProgrammeSerializer(RegisterSerializer):
    code = serializers.CharField(read_only=True, help_text=_("The state code, or the temporary code of a draft."))
    kind = kind_ref(read_only=True)
    provider = institution_ref()
    co_providers = institution_ref(many=True, required=False,
                                   help_text=_("Legal-entity codes of the institutions providing it jointly."))
    name = serializers.CharField(read_only=True, help_text=_("The name in the request's language."))
    isced_f = ClassifierField("isced_f", read_only=True, allow_null=True)
    qualification = qualification_ref(read_only=True, allow_null=True)
    current_version = serializers.SlugRelatedField(slug_field="number", read_only=True,
                                                   help_text=_("The number of the version in force."))
    version = serializers.SerializerMethodField(help_text=_(
        "The head version: the one in force, else the newest draft."))

    class Meta:
        model = Programme
        fields = ["code", "state_code", "temp_code", "kind", "provider", "co_providers", "status", "name", "name_lt",
                  "name_en", "ltks_level", "isced_f", "qualification", "current_version", "version",
                  "deregistration_requested_on", "deregistration_date", "deregistration_reason", "created_at",
                  "updated_at"]
        read_only_fields = ["state_code", "temp_code", "status", "name_lt", "name_en", "ltks_level",
                            "deregistration_requested_on", "deregistration_date", "deregistration_reason",
                            "created_at", "updated_at"]

    @extend_schema_field(HeadVersionSerializer(allow_null=True))
    def get_version(self, programme):
        request = self.context.get("request")
        head = head_version(programme, request.user if request else None)
        return HeadVersionSerializer(head, context=self.context).data if head is not None else None


class ProgrammeCreateSerializer(ProgrammeSerializer):
    """A new programme: its kind and providers, and the content of its first (draft) version."""

    kind = kind_ref()

    def get_fields(self):
        fields = super().get_fields()
        content = ProgrammeVersionSerializer().get_fields()
        for name in CONTENT_FIELDS:
            field = content[name]
            if name not in fields:
                field.write_only = True
            fields[name] = field
        fields["name_lt"].required = True
        return fields


class RegistrationSerializer(serializers.Serializer):
    state_code = serializers.CharField(required=False, allow_blank=True, default="", max_length=20,
                                       validators=[state_code_validator], help_text=_(
                                           "The state code to give on first registration; empty: generated."))
    registered_on = serializers.DateField(required=False, allow_null=True, default=None)


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class SuspensionSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)
    date = serializers.DateField(required=False, allow_null=True, default=None)


class ResumeSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class DeregistrationSerializer(serializers.Serializer):
    date = serializers.DateField(help_text=_("The day the programme stops being offered."))
    reason = serializers.CharField(max_length=2000)


class FindingSerializer(serializers.Serializer):
    rule = serializers.CharField(help_text=_("The rule's code (required-<field> for a field the kind requires)."))
    metric = serializers.CharField(allow_blank=True)
    severity = serializers.CharField(help_text=_("error (blocks submission) or warning."))
    message = serializers.CharField()
    field = serializers.CharField(allow_blank=True, allow_null=True)


class FieldChangeSerializer(serializers.Serializer):
    field = serializers.CharField()
    label = serializers.CharField()
    old = serializers.CharField(allow_blank=True)
    new = serializers.CharField(allow_blank=True)


class DifferenceSerializer(FieldChangeSerializer):
    kind = serializers.CharField(help_text=_("field, module_added, module_removed or module_changed."))
    field = serializers.CharField(help_text=_("The field's name, or the module's code."))
    changes = FieldChangeSerializer(many=True, help_text=_("The changed fields of a changed module."))


# --- kinds, rules, events -------------------------------------------------------------------------------

class ProgrammeRuleSerializer(RegisterSerializer):
    kind = SlugRefField(slug_field="code", queryset=ProgrammeKind.objects.all(),
                        help_text=_("The programme kind's code."))
    message = serializers.CharField(read_only=True, help_text=_("The message in the request's language."))

    class Meta:
        model = ProgrammeRule
        fields = ["id", "kind", "code", "subtype", "metric", "minimum", "maximum", "values", "severity", "message",
                  "message_lt", "message_en", "active"]
        validators = []  # (kind, code) is unique: the model's validation reports a clash


class KindRuleSerializer(ProgrammeRuleSerializer):
    class Meta(ProgrammeRuleSerializer.Meta):
        fields = [f for f in ProgrammeRuleSerializer.Meta.fields if f != "kind"]
        read_only_fields = fields


class ProgrammeKindSerializer(RegisterSerializer):
    name = serializers.CharField(read_only=True, help_text=_("The name in the request's language."))
    forms = code_list(LearningForm.choices)
    target_groups = code_list(TargetGroup.choices)
    rules = KindRuleSerializer(many=True, read_only=True)

    class Meta:
        model = ProgrammeKind
        fields = ["code", "name", "name_lt", "name_en", "formal", "modular", "unit", "requires_qualification",
                  "requires_ltks_level", "code_prefix", "forms", "target_groups", "subtypes", "sort_order", "rules"]


class ProgrammeEventSerializer(RegisterSerializer):
    programme = ProgrammeRefField(read_only=True)
    version = serializers.SlugRelatedField(slug_field="number", read_only=True)
    user = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = ProgrammeEvent
        fields = ["id", "programme", "version", "action", "date", "reason", "user", "time"]
        read_only_fields = fields


# --- offerings ------------------------------------------------------------------------------------------

class OfferingSerializer(RegisterSerializer):
    programme = ProgrammeRefField(help_text=_("The state code of a registered programme."))
    version = serializers.SlugRelatedField(slug_field="number", read_only=True,
                                           help_text=_("The programme version offered (the one in force)."))
    institution = institution_ref(help_text=_("Legal-entity code of the provider or a co-provider."))
    branch = CodeRefField(queryset=Branch.objects.all(), slug_field="pk", read_fields=("id", "code", "name"),
                          required=False, allow_null=True, help_text=_("The id of a branch of the institution."))
    municipality = ClassifierField("municipality", required=False,
                                   help_text=_("Municipality code; by default the branch's or the institution's."))
    language = ClassifierField("language", date_field="start_date")

    class Meta:
        model = Offering
        fields = ["id", "programme", "version", "institution", "branch", "municipality", "year", "start_date",
                  "form", "language", "state_funded_places", "paid_places", "note", "updated_at"]
        read_only_fields = ["updated_at"]
