"""The qualifications system in the API: records referred to by their codes, names in both languages."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from rest_framework import serializers

from edureg.classifiers.serializers import ClassifierField
from edureg.core.api.fields import CodeRefField
from edureg.core.api.serializers import RegisterSerializer
from edureg.persons.serializers import person_ref
from edureg.qualifications.choices import StandardStatus
from edureg.qualifications.models import (
    CommitteeDecision,
    CommitteeMeeting,
    CommitteeMember,
    Competence,
    ProfessionalStandard,
    Qualification,
    SectoralCommittee,
)

BILINGUAL = ("code", "name_lt", "name_en")


def _queryset(model, kwargs):
    """Read-only references take no queryset (DRF refuses one)."""
    return None if kwargs.get("read_only") else model.objects.all()


def bilingual_classifier(list_code: str, **kwargs) -> ClassifierField:
    return ClassifierField(list_code, read_fields=BILINGUAL, **kwargs)


def committee_ref(**kwargs) -> CodeRefField:
    kwargs.setdefault("help_text", _("The committee's code."))
    return CodeRefField(queryset=_queryset(SectoralCommittee, kwargs), read_fields=BILINGUAL, **kwargs)


def standard_ref(**kwargs) -> CodeRefField:
    """A professional standard version by its id; read as {id, code, version, name_lt, name_en}."""
    kwargs.setdefault("help_text", _("The id of the professional standard version."))
    return CodeRefField(queryset=_queryset(ProfessionalStandard, kwargs), slug_field="pk",
                        read_fields=("id", "code", "version", "name_lt", "name_en"), key_type=OpenApiTypes.INT,
                        **kwargs)


def competence_ref(**kwargs) -> CodeRefField:
    return CodeRefField(queryset=_queryset(Competence, kwargs), read_fields=BILINGUAL, **kwargs)


def meeting_ref(**kwargs) -> CodeRefField:
    kwargs.setdefault("help_text", _("The id of the committee meeting."))
    return CodeRefField(queryset=_queryset(CommitteeMeeting, kwargs), slug_field="pk",
                        read_fields=("id", "number", "date"), key_type=OpenApiTypes.INT, **kwargs)


def programme_version_field(**kwargs) -> serializers.PrimaryKeyRelatedField:
    model = CommitteeDecision._meta.get_field("programme_version").related_model
    kwargs.setdefault("help_text", _("The id of the programme version."))
    return serializers.PrimaryKeyRelatedField(queryset=model.objects.all(), **kwargs)


class SectoralCommitteeSerializer(RegisterSerializer):
    sector = bilingual_classifier("economic_sector", date_field="established_on")

    class Meta:
        model = SectoralCommittee
        fields = ["code", "name_lt", "name_en", "sector", "established_on", "dissolved_on"]


class CommitteeMemberSerializer(RegisterSerializer):
    committee = committee_ref()
    person = person_ref()

    class Meta:
        model = CommitteeMember
        fields = ["id", "committee", "person", "role", "represents", "start_date", "end_date"]


class DecisionInlineSerializer(RegisterSerializer):
    standard = standard_ref(read_only=True)

    class Meta:
        model = CommitteeDecision
        fields = ["id", "outcome", "reasons", "standard", "programme_version"]
        read_only_fields = fields


class CommitteeMeetingSerializer(RegisterSerializer):
    committee = committee_ref()
    decisions = DecisionInlineSerializer(many=True, read_only=True)

    class Meta:
        model = CommitteeMeeting
        fields = ["id", "committee", "number", "date", "place", "notes", "decisions"]


class CommitteeDecisionSerializer(RegisterSerializer):
    meeting = meeting_ref()
    committee = committee_ref(source="meeting.committee", read_only=True)
    standard = standard_ref(required=False, allow_null=True)
    programme_version = programme_version_field(required=False, allow_null=True)

    class Meta:
        model = CommitteeDecision
        fields = ["id", "meeting", "committee", "standard", "programme_version", "outcome", "reasons"]
        extra_kwargs = {"outcome": {"help_text": _("On a standard: approve → approved, return → draft, reject → "
                                                   "withdrawn. On a programme version the decision is advice.")}}


class ProfessionalStandardSerializer(RegisterSerializer):
    sector = bilingual_classifier("economic_sector")
    committee = committee_ref(required=False, allow_null=True)
    competences = competence_ref(many=True, read_only=True)

    class Meta:
        model = ProfessionalStandard
        fields = ["id", "code", "version", "name_lt", "name_en", "sector", "committee", "description_lt",
                  "description_en", "status", "status_since", "status_reason", "valid_from", "valid_to",
                  "competences", "updated_at"]
        read_only_fields = ["status", "status_since", "status_reason", "valid_from", "updated_at"]


class StandardStatusRequestSerializer(serializers.Serializer):
    # The whole choice set (one enum in the schema); the service refuses the statuses only decisions give.
    status = serializers.ChoiceField(choices=StandardStatus.choices, help_text=_(
        "consultation (from draft), registered (from approved), withdrawn (from any other status)."))
    on = serializers.DateField(required=False, allow_null=True,
                               help_text=_("The day the status starts (registration: valid from); default today."))
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000,
                                   help_text=_("Required for a withdrawal."))


class CompetenceSerializer(RegisterSerializer):
    standard = standard_ref(required=False, allow_null=True)
    eqf_level = serializers.SerializerMethodField(help_text=_("The EQF level of the LTKS level."))

    class Meta:
        model = Competence
        fields = ["code", "name_lt", "name_en", "standard", "description_lt", "description_en", "ltks_level",
                  "eqf_level"]

    def get_eqf_level(self, obj) -> int | None:
        from edureg.qualifications.choices import LTKS_TO_EQF

        return LTKS_TO_EQF.get(obj.ltks_level)


class QualificationSerializer(RegisterSerializer):
    eqf_level = serializers.IntegerField(read_only=True, help_text=_("The EQF level of the LTKS level."))
    isced_f = bilingual_classifier("isced_f", date_field="valid_from")
    standard = standard_ref(required=False, allow_null=True)
    competences = competence_ref(many=True, required=False,
                                 help_text=_("Codes of the competences (of the qualification's standard, or of none)."))

    class Meta:
        model = Qualification
        fields = ["code", "name_lt", "name_en", "ltks_level", "eqf_level", "isced_f", "type", "standard",
                  "competences", "description_lt", "description_en", "entry_requirements_lt",
                  "entry_requirements_en", "valid_from", "valid_to", "updated_at"]
        read_only_fields = ["updated_at"]
