"""Data collections in the API: collections by code (with their sections, fields and rules read nested), sections,
fields and rules by id with their collection's code, periods by id, reports (submissions) with their answers as
{field code: value}, written only through the report's actions (save-values, submit, return, approve)."""

from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from edureg.classifiers.serializers import ClassifierField
from edureg.core.api.fields import CodeRefField, SlugRefField
from edureg.core.api.serializers import RegisterSerializer
from edureg.datacollections.choices import FieldType
from edureg.datacollections.models import Collection, Field, Period, Rule, Section, Submission, Value


def collection_ref(**kwargs):
    kwargs.setdefault("help_text", _("The data collection's code."))
    if not kwargs.get("read_only"):
        kwargs.setdefault("queryset", Collection.objects.all())
    return SlugRefField(slug_field="code", **kwargs)


def answer(field_type: str, number, text):
    """An answer as the API shows it: numbers as decimal strings without trailing zeros, texts as they are."""
    if field_type == FieldType.TEXT:
        return text or None
    if number is None:
        return None
    value = Decimal(number)
    return str(value.quantize(Decimal(1))) if value == value.to_integral_value() else format(value.normalize(), "f")


class InCollectionCodeField(serializers.CharField):
    """A section by its code within the record's collection (codes are unique per collection only)."""

    def to_representation(self, value):
        return value.code if hasattr(value, "code") else value


class StaysInCollectionMixin:
    """The collection of a section, field or rule is set when it is made."""

    def validate(self, attrs):
        if self.instance is not None and "collection" in attrs:
            if attrs["collection"] != self.instance.collection:
                raise serializers.ValidationError({"collection": [_("It stays in its data collection.")]})
            attrs.pop("collection")
        return super().validate(attrs)


# --- definitions --------------------------------------------------------------------------------------------------

class NestedFieldSerializer(RegisterSerializer):
    name = serializers.CharField(read_only=True)
    unit = serializers.CharField(read_only=True)
    help = serializers.CharField(read_only=True)

    class Meta:
        model = Field
        fields = ["code", "name", "name_lt", "name_en", "type", "unit", "unit_lt", "unit_en", "help", "help_lt",
                  "help_en", "required", "minimum", "order"]
        read_only_fields = fields


class NestedSectionSerializer(RegisterSerializer):
    name = serializers.CharField(read_only=True)
    fields = NestedFieldSerializer(many=True, read_only=True)

    class Meta:
        model = Section
        fields = ["code", "name", "name_lt", "name_en", "order", "fields"]
        read_only_fields = fields


class NestedRuleSerializer(RegisterSerializer):
    message = serializers.CharField(read_only=True)

    class Meta:
        model = Rule
        fields = ["code", "left", "operator", "right", "severity", "message", "message_lt", "message_en", "order"]
        read_only_fields = fields


class CollectionSerializer(RegisterSerializer):
    name = serializers.CharField(read_only=True, help_text=_("The name in the request's language."))
    respondent_types = ClassifierField("institution_type", many=True, required=False,
                                       help_text=_("Codes of the institution types that report."))
    sections = NestedSectionSerializer(many=True, read_only=True)
    rules = NestedRuleSerializer(many=True, read_only=True)

    class Meta:
        model = Collection
        fields = ["code", "name", "name_lt", "name_en", "description_lt", "description_en", "respondent_types",
                  "version", "standard", "sections", "rules"]
        validators = []  # the code's uniqueness: the model's validation, in the request's language


class CollectionListSerializer(CollectionSerializer):
    class Meta(CollectionSerializer.Meta):
        fields = ["code", "name", "name_lt", "name_en", "respondent_types", "version", "standard"]


class SectionSerializer(StaysInCollectionMixin, RegisterSerializer):
    collection = collection_ref()
    name = serializers.CharField(read_only=True)

    class Meta:
        model = Section
        fields = ["id", "collection", "code", "name", "name_lt", "name_en", "order"]
        validators = []


class FieldSerializer(StaysInCollectionMixin, RegisterSerializer):
    collection = collection_ref()
    section = InCollectionCodeField(max_length=40, help_text=_("The code of a section of the collection."))
    name = serializers.CharField(read_only=True)

    class Meta:
        model = Field
        fields = ["id", "collection", "section", "code", "name", "name_lt", "name_en", "help_lt", "help_en", "type",
                  "unit_lt", "unit_en", "required", "minimum", "order"]
        validators = []

    def validate(self, attrs):
        collection = attrs.get("collection") or getattr(self.instance, "collection", None)
        if "section" in attrs:
            section = Section.objects.filter(collection=collection, code=attrs["section"]).first() \
                if collection is not None else None
            if section is None:
                raise serializers.ValidationError({"section": [
                    _("The data collection has no section with the code %(code)s.") % {"code": attrs["section"]}]})
            attrs["section"] = section
        return super().validate(attrs)


class RuleSerializer(StaysInCollectionMixin, RegisterSerializer):
    collection = collection_ref()
    message = serializers.CharField(read_only=True)

    class Meta:
        model = Rule
        fields = ["id", "collection", "code", "left", "operator", "right", "severity", "message", "message_lt",
                  "message_en", "order"]
        validators = []


# --- periods ------------------------------------------------------------------------------------------------------

class PeriodSerializer(RegisterSerializer):
    collection = collection_ref()

    class Meta:
        model = Period
        fields = ["id", "collection", "year", "status", "opens_on", "due_on"]
        read_only_fields = ["status"]
        validators = []


# --- reports ------------------------------------------------------------------------------------------------------

@extend_schema_field({"type": "object", "additionalProperties": {"type": "string", "nullable": True},
                      "example": {"registered_users": "5230", "staff_fte": "12.5", "comments": "A branch closed."}})
class AnswersField(serializers.Field):
    """{field code: answer}: numbers as decimal strings, texts as text."""

    def get_attribute(self, instance):
        return instance

    def to_representation(self, submission):
        return {v.field.code: answer(v.field.type, v.number, v.text) for v in submission.values.all()}


class SubmissionSerializer(RegisterSerializer):
    period = serializers.PrimaryKeyRelatedField(read_only=True, help_text=_("The period's id."))
    collection = serializers.CharField(source="period.collection.code", read_only=True)
    year = serializers.IntegerField(source="period.year", read_only=True)
    institution = CodeRefField(read_only=True, help_text=_("The reporting institution."))
    values = AnswersField(read_only=True)

    class Meta:
        model = Submission
        fields = ["id", "period", "collection", "year", "institution", "status", "values", "warning_comments",
                  "return_comment", "submitted_at", "decided_at", "updated_at"]
        read_only_fields = fields


class CommentsField(serializers.DictField):
    child = serializers.CharField(allow_blank=True, max_length=2000)


class SaveValuesSerializer(serializers.Serializer):
    values = serializers.DictField(help_text=_(
        "{field code: answer}: a number (or a decimal string) for number fields, text for text fields; null or \"\" "
        "clears an answer; fields not named keep theirs."))
    comments = CommentsField(required=False, help_text=_("{rule code: explanation} of warnings."))

    def validate_values(self, value):
        if len(value) > 1000:
            raise serializers.ValidationError(_("Too many answers."))
        for code, item in value.items():
            if isinstance(item, dict | list):
                raise serializers.ValidationError(_("%(code)s: give a number or a text.") % {"code": code})
        return value


class SubmitSerializer(serializers.Serializer):
    comments = CommentsField(required=False, help_text=_("{rule code: explanation} of warnings."))


class ReturnSerializer(serializers.Serializer):
    comment = serializers.CharField(max_length=2000, help_text=_("What the respondent should correct."))


class ValidationFindingSerializer(serializers.Serializer):
    severity = serializers.CharField()
    rule = serializers.CharField(allow_null=True)
    check = serializers.CharField(allow_null=True, help_text=_("required, minimum, not_a_number, ... (field checks)"))
    message = serializers.CharField()
    fields = serializers.ListField(child=serializers.CharField())
    operator = serializers.CharField(allow_null=True)
    left = serializers.FloatField(allow_null=True)
    right = serializers.FloatField(allow_null=True)


class ValidationWarningSerializer(ValidationFindingSerializer):
    comment = serializers.CharField(allow_blank=True)


class SkippedRuleSerializer(serializers.Serializer):
    rule = serializers.CharField()
    missing = serializers.ListField(child=serializers.CharField())
    previous_missing = serializers.ListField(child=serializers.CharField())
    reason = serializers.CharField(allow_null=True)


class ValidationReportSerializer(serializers.Serializer):
    ok = serializers.BooleanField(help_text=_("No errors (warnings need comments before submitting)."))
    errors = ValidationFindingSerializer(many=True)
    warnings = ValidationWarningSerializer(many=True)
    skipped = SkippedRuleSerializer(many=True)


class SavedValuesSerializer(serializers.Serializer):
    submission = SubmissionSerializer()
    report = ValidationReportSerializer()


# --- answers ------------------------------------------------------------------------------------------------------

class ValueSerializer(RegisterSerializer):
    submission = serializers.PrimaryKeyRelatedField(read_only=True)
    field = serializers.SlugRelatedField(slug_field="code", read_only=True)
    value = serializers.SerializerMethodField()

    class Meta:
        model = Value
        fields = ["id", "submission", "field", "value", "number", "text"]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.STR)
    def get_value(self, obj):
        return answer(obj.field.type, obj.number, obj.text)
