"""Common admission in the API: rounds by code, formulas and offers by code within their round, offerings by id,
institutions by legal-entity code, programmes by state code, subjects by code. Applications carry their grades
({subject code: grade}) and ranked preferences ([offer code, ...]), written through the services."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from edureg.admission.choices import RESULTS_PUBLIC, RoundKind
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
from edureg.classifiers.serializers import ClassifierField
from edureg.core.api.fields import CodeRefField, SlugRefField
from edureg.core.api.serializers import RegisterSerializer
from edureg.persons.serializers import person_ref
from edureg.programmes.models import Offering
from edureg.programmes.serializers import ProgrammeRefField

MAX_PREFERENCES = 20


def round_ref(**kwargs):
    kwargs.setdefault("help_text", _("The round's code."))
    if not kwargs.get("read_only"):
        kwargs.setdefault("queryset", Round.objects.all())
    return SlugRefField(slug_field="code", **kwargs)


class InRoundCodeField(serializers.CharField):
    """A formula or an offer by its code within the record's round (codes are unique per round only)."""

    def to_representation(self, value):
        return value.code if hasattr(value, "code") else value


# --- rounds ---------------------------------------------------------------------------------------------------

class RoundSerializer(RegisterSerializer):
    name = serializers.CharField(read_only=True, help_text=_("The name in the request's language."))
    previous_round = round_ref(required=False, allow_null=True,
                               help_text=_("The code of the round whose places left this round offers."))
    max_preferences = serializers.IntegerField(required=False, min_value=1, max_value=MAX_PREFERENCES, help_text=_(
        "Preferences an applicant may list; by default the kind's (main 3, additional 2, winter 2)."))
    state_funded_only = serializers.BooleanField(required=False, help_text=_(
        "Only state-funded places are offered; by default the kind's (winter: true)."))

    class Meta:
        model = Round
        fields = ["code", "name", "name_lt", "name_en", "kind", "year", "status", "previous_round", "max_preferences",
                  "state_funded_only", "applications_open", "application_deadline", "results_date",
                  "contract_deadline", "age_on", "min_age", "min_age_without_general_education", "entry_levels",
                  "entry_levels_with_general_education", "funding_rules", "lottery_seed", "note", "updated_at"]
        read_only_fields = ["status", "updated_at"]
        validators = []  # the code's uniqueness: the model's validation, in the request's language

    def to_representation(self, instance):
        data = super().to_representation(instance)
        request = self.context.get("request")
        user = getattr(request, "user", None)
        if instance.status not in RESULTS_PUBLIC and not (user and user.has_perm("admission.change_round")):
            data["lottery_seed"] = None  # published with the results
        return data


class NextRoundSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=[(k.value, k.label) for k in (RoundKind.ADDITIONAL, RoundKind.WINTER)])
    code = serializers.SlugField(max_length=40)
    name_lt = serializers.CharField(max_length=255)
    name_en = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")
    applications_open = serializers.DateField()
    application_deadline = serializers.DateField()
    results_date = serializers.DateField()
    contract_deadline = serializers.DateField()


class AddOffersSerializer(serializers.Serializer):
    formula = serializers.CharField(max_length=40, help_text=_("The code of a formula of the round."))


class AddedOffersSerializer(serializers.Serializer):
    added = serializers.IntegerField(help_text=_("How many offers were added."))


class AnnulledSerializer(serializers.Serializer):
    annulled = serializers.IntegerField(help_text=_("How many unsigned invitations were annulled."))


# --- formulas and offers --------------------------------------------------------------------------------------

class ScoringFormulaSerializer(RegisterSerializer):
    round = round_ref()
    name = serializers.CharField(read_only=True)

    class Meta:
        model = ScoringFormula
        fields = ["id", "round", "code", "name", "name_lt", "name_en", "components", "priorities", "note"]
        validators = []  # (round, code) is unique: the model's validation reports a clash

    def validate(self, attrs):
        if self.instance is not None and "round" in attrs and attrs["round"] != self.instance.round:
            raise serializers.ValidationError({"round": [_("A formula stays in its round.")]})
        if self.instance is not None:
            attrs.pop("round", None)
        return attrs


class OfferSerializer(RegisterSerializer):
    round = round_ref()
    offering = CodeRefField(queryset=Offering.objects.all(), slug_field="pk", read_fields=("id", "year"),
                            key_type=OpenApiTypes.INT, help_text=_("The offering's id."))
    formula = InRoundCodeField(max_length=40, help_text=_("The code of a scoring formula of the round."))
    code = serializers.CharField(max_length=40, required=False, allow_blank=True, help_text=_(
        "Unique in the round; by default the offering's id with -S (state-funded) or -P (paid)."))
    capacity = serializers.IntegerField(required=False, allow_null=True, min_value=0, max_value=100_000, help_text=_(
        "Places; by default the offering's places of this funding."))
    programme = serializers.SerializerMethodField()
    institution = serializers.SerializerMethodField()
    municipality = serializers.SerializerMethodField()
    ltks_level = serializers.SerializerMethodField(help_text=_("The LTKS level of the programme version offered."))

    class Meta:
        model = Offer
        fields = ["id", "round", "code", "offering", "funding", "capacity", "formula", "programme", "institution",
                  "municipality", "ltks_level"]
        validators = []

    @extend_schema_field({"type": "object", "properties": {"code": {"type": "string"}, "name": {"type": "string"}}})
    def get_programme(self, offer):
        programme = offer.offering.programme
        return {"code": programme.code, "name": programme.name}

    @extend_schema_field({"type": "object", "properties": {"code": {"type": "string"}, "name": {"type": "string"}}})
    def get_institution(self, offer):
        institution = offer.offering.institution
        return {"code": institution.code, "name": institution.name}

    @extend_schema_field({"type": "object", "properties": {"code": {"type": "string"}, "name": {"type": "string"}}})
    def get_municipality(self, offer):
        municipality = offer.offering.municipality
        return {"code": municipality.code, "name": municipality.name} if municipality else None

    @extend_schema_field(OpenApiTypes.INT)
    def get_ltks_level(self, offer):
        return offer.offering.version.ltks_level

    def validate(self, attrs):
        round_ = attrs.get("round") or getattr(self.instance, "round", None)
        if self.instance is not None:
            if "round" in attrs and attrs["round"] != self.instance.round:
                raise serializers.ValidationError({"round": [_("An offer stays in its round.")]})
            attrs.pop("round", None)
        if "formula" in attrs:
            formula = ScoringFormula.objects.filter(round=round_, code=attrs["formula"]).first() if round_ else None
            if formula is None:
                raise serializers.ValidationError({"formula": [_("The round has no formula with the code %(code)s.")
                                                               % {"code": attrs["formula"]}]})
            attrs["formula"] = formula
        return attrs


# --- applications ---------------------------------------------------------------------------------------------

@extend_schema_field({"type": "object", "additionalProperties": {"type": "string", "format": "decimal"},
                      "example": {"LT": "8.5", "MAT": "9"}})
class GradesField(serializers.Field):
    """{subject code: grade}: written whole (set_grades), a subject left out is removed."""

    default_error_messages = {"invalid": _("Give the grades as an object of subject codes with grades, e.g. MAT: 9.")}

    def get_attribute(self, instance):
        return instance

    def to_representation(self, application):
        return {g.subject.code: str(g.value) for g in application.grades.all()}

    def to_internal_value(self, data):
        if not isinstance(data, dict) or len(data) > 100:
            self.fail("invalid")
        for code, value in data.items():
            if not isinstance(code, str) or len(code) > 20 or "\x00" in code or isinstance(value, bool) \
                    or not isinstance(value, str | int | float) or (isinstance(value, str) and len(value) > 20):
                self.fail("invalid")
        return data


@extend_schema_field({"type": "array", "items": {"type": "string"}, "example": ["1234-S", "1250-P"]})
class PreferencesField(serializers.Field):
    """The ranked preferences as offer codes of the round (first = most wanted); written whole (set_preferences)."""

    default_error_messages = {"invalid": _("Give the preferences as a list of offer codes, most wanted first.")}

    def get_attribute(self, instance):
        return instance

    def to_representation(self, application):
        return [p.offer.code for p in sorted(application.preferences.all(), key=lambda p: p.rank)]

    def to_internal_value(self, data):
        if not isinstance(data, list) or len(data) > MAX_PREFERENCES \
                or not all(isinstance(c, str) and 0 < len(c) <= 40 and "\x00" not in c for c in data):
            self.fail("invalid")
        return data


class ApplicationSerializer(RegisterSerializer):
    number = serializers.CharField(read_only=True, help_text=_("P- and the application's id."))
    round = round_ref()
    person = person_ref(required=False, help_text=_(
        "The applicant's id (the organiser; POST /api/v1/persons/lookup/ finds it by personal code). An applicant "
        "leaves it out: the application is their own."))
    extras = serializers.DictField(child=serializers.FloatField(allow_null=True), required=False, help_text=_(
        "Values of the round's additional components, by code."))
    priorities = serializers.ListField(child=serializers.CharField(max_length=40), required=False, max_length=50,
                                       help_text=_("Codes of the priority criteria met."))
    grades = GradesField(required=False)
    preferences = PreferencesField(required=False)

    class Meta:
        model = Application
        fields = ["id", "number", "round", "person", "status", "education", "prior_qualifications", "grade_scale",
                  "extras", "priorities", "grades", "preferences", "entered_by_officer", "submitted_at", "created_at",
                  "updated_at"]
        read_only_fields = ["status", "entered_by_officer", "submitted_at", "created_at", "updated_at"]
        validators = []

    def validate(self, attrs):
        if self.instance is not None:
            for name in ("round", "person"):
                if name in attrs and attrs[name] != getattr(self.instance, name):
                    raise serializers.ValidationError({name: [_("An application stays with its round and "
                                                                "applicant.")]})
                attrs.pop(name, None)
        return attrs


class PreferenceCheckSerializer(serializers.Serializer):
    rank = serializers.IntegerField()
    offer = serializers.CharField(help_text=_("The offer's code."))
    eligible = serializers.BooleanField()
    reasons = serializers.ListField(child=serializers.CharField(), help_text=_("Why not eligible, in words."))
    score = serializers.ListField(child=serializers.FloatField(), help_text=_(
        "The competitive score at the offer: the total, then 1 or 0 per priority criterion."))


class GradeSerializer(RegisterSerializer):
    application = serializers.PrimaryKeyRelatedField(read_only=True)
    subject = ClassifierField("subject", read_only=True)

    class Meta:
        model = Grade
        fields = ["id", "application", "subject", "value"]
        read_only_fields = fields


class PreferenceSerializer(RegisterSerializer):
    application = serializers.PrimaryKeyRelatedField(read_only=True)
    offer = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Preference
        fields = ["id", "application", "rank", "offer"]
        read_only_fields = fields


# --- runs and results -----------------------------------------------------------------------------------------

class AllocationRunSerializer(RegisterSerializer):
    round = round_ref(read_only=True)

    class Meta:
        model = AllocationRun
        fields = ["id", "round", "number", "status", "is_current", "created_at", "started_at", "finished_at",
                  "progress", "progress_message", "input_hash", "engine_version", "configuration", "timings",
                  "summary", "error", "published_at"]
        read_only_fields = fields


class ApplicationResultSerializer(RegisterSerializer):
    application = serializers.PrimaryKeyRelatedField(read_only=True)
    run = serializers.PrimaryKeyRelatedField(read_only=True)
    round = serializers.SerializerMethodField()
    offer = serializers.SlugRelatedField(slug_field="code", read_only=True, help_text=_(
        "The offer invited to, or null."))

    class Meta:
        model = ApplicationResult
        fields = ["id", "run", "round", "application", "public_id", "lottery", "offer", "rank", "explanation"]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.STR)
    def get_round(self, result):
        return result.run.round.code


class OfferResultSerializer(RegisterSerializer):
    run = serializers.PrimaryKeyRelatedField(read_only=True)
    round = serializers.SerializerMethodField()
    offer = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = OfferResult
        fields = ["id", "run", "round", "offer", "applicants", "first_preference", "eligible", "places", "invited",
                  "lowest_score", "cutoff_score", "cutoff_lottery"]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.STR)
    def get_round(self, result):
        return result.run.round.code


class InvitationSerializer(RegisterSerializer):
    run = serializers.PrimaryKeyRelatedField(read_only=True)
    application = serializers.SerializerMethodField(help_text=_("The application's number."))
    applicant = serializers.SerializerMethodField()
    offer = serializers.SlugRelatedField(slug_field="code", read_only=True)
    institution = CodeRefField(read_only=True, source="offer.offering.institution",
                               help_text=_("The institution's legal-entity code and name."))
    programme = ProgrammeRefField(read_only=True, source="offer.offering.programme")

    class Meta:
        model = Invitation
        fields = ["id", "run", "application", "applicant", "offer", "institution", "programme", "status",
                  "status_date", "contract_number", "contract_date"]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.STR)
    def get_application(self, invitation):
        return invitation.application.number

    @extend_schema_field({"type": "object", "properties": {"first_name": {"type": "string"},
                                                           "last_name": {"type": "string"},
                                                           "personal_code": {"type": "string"}}})
    def get_applicant(self, invitation):
        person = invitation.application.person
        return {"first_name": person.first_name, "last_name": person.last_name, "personal_code": person.masked_code}


class ContractSerializer(serializers.Serializer):
    contract_number = serializers.CharField(max_length=40)
    contract_date = serializers.DateField()
