"""Person register in the API. Personal codes are masked unless the reader may see them in full."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from edureg.classifiers.serializers import ClassifierField
from edureg.core.api.fields import CodeRefField
from edureg.core.api.serializers import RegisterSerializer
from edureg.persons import codes
from edureg.persons.models import Person
from edureg.persons.querysets import may_see_full_code


class PersonRefField(CodeRefField):
    """A person by id, among those the requesting user may refer to (Person.objects.referable_by): the
    persons of their scope and those they found by personal code. The browsable API's forms list the same."""

    default_error_messages = {
        **CodeRefField.default_error_messages,
        "does_not_exist": _("There is no person with the id %(value)s among those you may refer to; find the "
                            "person by personal code first (POST /api/v1/persons/lookup/)."),
    }

    def get_queryset(self):
        request = self.context.get("request")
        return Person.objects.referable_by(getattr(request, "user", None))


def person_ref(**kwargs) -> CodeRefField:
    """A person by id (found with POST /persons/lookup/); read as {id, first_name, last_name}."""
    kwargs.setdefault("help_text", _("The person's id (POST /api/v1/persons/lookup/ finds it by personal code)."))
    return PersonRefField(queryset=Person.objects.all(), slug_field="pk", read_fields=("id", "first_name",
                                                                                      "last_name"),
                          key_type=OpenApiTypes.INT, **kwargs)


def validate_code(value):
    if value in (None, ""):
        return None
    try:
        return codes.check(value)
    except ValueError as exc:
        raise serializers.ValidationError(str(exc)) from None


class PersonListSerializer(RegisterSerializer):
    personal_code = serializers.SerializerMethodField(help_text=_("Masked: only the last four digits."))
    sex = ClassifierField("sex", read_only=True)

    class Meta:
        model = Person
        fields = ["id", "personal_code", "first_name", "last_name", "birth_year", "sex"]

    @extend_schema_field(serializers.CharField())
    def get_personal_code(self, obj) -> str:
        return obj.masked_code


class PersonSerializer(RegisterSerializer):
    """Full record. `personal_code` and `other_id` are masked for readers without the right to see them."""

    personal_code = serializers.CharField(required=False, allow_null=True, allow_blank=True, max_length=20,
                                          help_text=_("Lithuanian personal code (asmens kodas), 11 digits. Masked "
                                                      "unless you may change the person register."))
    sex = ClassifierField("sex", required=False, help_text=_("Sex code (M, F); derived from the personal code "
                                                             "when omitted."))
    citizenship = ClassifierField("country", required=False, allow_null=True)
    birth_date = serializers.DateField(required=False, help_text=_("Derived from the personal code when omitted."))
    birth_year = serializers.IntegerField(read_only=True)

    class Meta:
        model = Person
        fields = ["id", "personal_code", "other_id", "other_id_country", "first_name", "last_name", "birth_date",
                  "birth_year", "sex", "citizenship", "email", "phone", "updated_at"]
        read_only_fields = ["updated_at"]
        # Uniqueness of codes is checked by the model, with its message in the request's language.
        validators = []

    def validate_personal_code(self, value):
        return validate_code(value)

    def to_representation(self, instance):
        data = super().to_representation(instance)
        request = self.context.get("request")
        if not may_see_full_code(getattr(request, "user", None)):
            data["personal_code"] = codes.mask(instance.personal_code)
            data["other_id"] = codes.mask(instance.other_id)
        return data


class PersonIdentitySerializer(RegisterSerializer):
    """The minimum an institution needs to enrol or employ someone from another institution."""

    class Meta:
        model = Person
        fields = ["id", "first_name", "last_name", "birth_year"]
        read_only_fields = fields


class PersonLookupSerializer(serializers.Serializer):
    personal_code = serializers.CharField(max_length=20, help_text=_("The personal code to look for."))

    def validate_personal_code(self, value):
        return validate_code(value)
