"""Serializer fields for references by natural code: written as the code, read as a small object.

Other systems know institutions by their legal-entity code and classifier values by their code, not
by our row ids, so the API takes and filters by those: `"institution": "188603515"` in, and
`"institution": {"code": "188603515", "name": "..."}` out.
"""

from django.core.exceptions import ObjectDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.plumbing import build_basic_type, build_object_type
from drf_spectacular.types import OpenApiTypes
from rest_framework import serializers


class CodeRefField(serializers.RelatedField):
    """A reference to another record by its natural key `slug_field`.

    Reads as {field: value} for `read_fields` (attribute names of the target); writes as the key.
    """

    default_error_messages = {
        "does_not_exist": _("There is no %(what)s with the code %(value)s."),
        "invalid": _("Give the code as text."),
        "null_characters": _("Null characters are not allowed."),
    }

    def __init__(self, *, slug_field: str = "code", read_fields: tuple[str, ...] = ("code", "name"),
                 key_type=OpenApiTypes.STR, **kwargs):
        self.slug_field = slug_field
        self.read_fields = read_fields
        self.key_type = key_type
        kwargs.setdefault("html_cutoff", 50)
        super().__init__(**kwargs)

    def fail(self, key, **kwargs):
        # Messages use gettext's %(name)s placeholders like the rest of the project (DRF's use str.format).
        raise serializers.ValidationError(str(self.error_messages[key]) % kwargs, code=key)

    def lookup(self, value):
        return self.get_queryset().get(**{self.slug_field: value})

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, str | int):
            self.fail("invalid")
        value = str(data).strip()
        if "\x00" in value:  # PostgreSQL text cannot hold them: refused here rather than by the database
            self.fail("null_characters")
        try:
            return self.lookup(value)
        except (ObjectDoesNotExist, TypeError, ValueError, DjangoValidationError):
            self.fail("does_not_exist", what=self.target_name(), value=value)

    def target_name(self) -> str:
        queryset = self.get_queryset()
        return str(queryset.model._meta.verbose_name) if queryset is not None else ""

    def to_representation(self, value):
        return {name: getattr(value, name) for name in self.read_fields}

    def display_value(self, instance):
        return str(instance)

    def get_choices(self, cutoff=None):
        # For the browsable API's forms: keyed by the natural code instead of the row id.
        queryset = self.get_queryset()
        if queryset is None:
            return {}
        if cutoff is not None:
            queryset = queryset[:cutoff]
        return {str(getattr(item, self.slug_field)): self.display_value(item) for item in queryset}


class SlugRefField(serializers.SlugRelatedField):
    """DRF's SlugRelatedField, refusing null characters (which PostgreSQL text cannot hold) with a message."""

    default_error_messages = {
        **serializers.SlugRelatedField.default_error_messages,
        "null_characters": _("Null characters are not allowed."),
    }

    def to_internal_value(self, data):
        if isinstance(data, str) and "\x00" in data:
            self.fail("null_characters")
        return super().to_internal_value(data)


_READ_TYPES = {"id": OpenApiTypes.INT, "birth_year": OpenApiTypes.INT}


class CodeRefFieldExtension(OpenApiSerializerFieldExtension):
    """Schema: a string (or integer id) in requests, an object in responses."""

    target_class = CodeRefField
    match_subclasses = True

    def map_serializer_field(self, auto_schema, direction):
        field = self.target
        if direction == "request":
            schema = build_basic_type(field.key_type)
            schema["description"] = str(_("The code of the %(what)s.") % {"what": field.target_name()})
            return schema
        return build_object_type(
            properties={name: build_basic_type(_READ_TYPES.get(name, OpenApiTypes.STR)) for name in field.read_fields},
            required=list(field.read_fields),
        )
