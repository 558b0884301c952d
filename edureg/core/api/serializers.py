"""A faster read path for register serializers.

DRF's `Serializer.to_representation` walks every field through `get_attribute` and `to_representation` for
every row. For fields that are plain model attributes with a trivial conversion (text, numbers, dates,
choices) this does the same thing directly; every other field (nested serializers, references, decimals,
date-times, method fields) still goes through DRF. The plan is built once per serializer instance; for a
list it is built once for the whole page.
"""

import copy
import datetime

from django.utils.translation import get_language
from rest_framework import fields as drf_fields
from rest_framework import serializers
from rest_framework.settings import api_settings


def _iso_date(value):
    return value.isoformat() if isinstance(value, datetime.date) else value


_DIRECT = {
    drf_fields.CharField: str,
    drf_fields.EmailField: str,
    drf_fields.URLField: str,
    drf_fields.SlugField: str,
    drf_fields.IntegerField: int,
    drf_fields.BooleanField: bool,
    drf_fields.ChoiceField: None,  # DRF returns the stored value for model choices
    drf_fields.ReadOnlyField: None,
}


def _converter(field):
    kind = type(field)
    if kind is drf_fields.DateField:
        if getattr(field, "format", api_settings.DATE_FORMAT) in (None, drf_fields.ISO_8601, api_settings.DATE_FORMAT) \
                and api_settings.DATE_FORMAT == drf_fields.ISO_8601:
            return _iso_date
        return False
    if kind is drf_fields.ChoiceField and getattr(field, "choice_strings_to_values", None):
        mapping = field.choice_strings_to_values
        return lambda v: mapping.get(str(v), v)
    if kind in _DIRECT:
        return _DIRECT[kind] or (lambda v: v)
    return False


class FastReadMixin:
    """Mix into a ModelSerializer (before it) to read simple fields directly from model attributes."""

    def _read_plan(self):
        plan = self.__dict__.get("_edureg_read_plan")
        if plan is None:
            plan = []
            for field in self._readable_fields:
                convert = _converter(field)
                direct = (convert is not False and len(field.source_attrs) == 1 and field.source != "*")
                plan.append((field.field_name, field, field.source_attrs[0] if direct else None, convert))
            self.__dict__["_edureg_read_plan"] = plan
        return plan

    def to_representation(self, instance):
        data = {}
        for name, field, attr, convert in self._read_plan():
            if attr is not None:
                value = getattr(instance, attr)
                data[name] = None if value is None else convert(value)
                continue
            try:
                attribute = field.get_attribute(instance)
            except drf_fields.SkipField:
                continue
            check = attribute.pk if isinstance(attribute, serializers.PKOnlyObject) else attribute
            data[name] = None if check is None else field.to_representation(attribute)
        return data


class CachedFieldsMixin:
    """ModelSerializer introspects the model to build its fields on every instantiation (a few milliseconds a
    request); the unbound fields depend only on the class, so they are built once and copied, as DRF itself
    copies declared fields."""

    def get_fields(self):
        cls = type(self)
        cache = cls.__dict__.get("_edureg_fields")
        if cache is None:
            cache = {}
            cls._edureg_fields = cache
        # Per language: some messages (e.g. of unique validators) are formatted when the field is built.
        language = get_language()
        if language not in cache:
            cache[language] = super().get_fields()
        return copy.deepcopy(cache[language])


class RegisterSerializer(CachedFieldsMixin, FastReadMixin, serializers.ModelSerializer):
    """The base of the registers' model serializers."""
