"""Serializers of the classifier API, and ClassifierField, the way every other API refers to a code."""

import datetime
from collections.abc import Mapping

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from edureg.classifiers.models import ClassifierItem, CodeList
from edureg.core.api.fields import CodeRefField, SlugRefField
from edureg.core.api.serializers import RegisterSerializer


def _as_date(value) -> datetime.date | None:
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, str):
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            return None
    return None


class ClassifierField(CodeRefField):
    """A value of one code list: written as its code (`"LT-57"`), read as {code, name}.

    A code may have several versions; the one valid on the record's date (`date_field` of the same
    payload, else of the record being changed, else today) is chosen. When no version is valid on that
    date the latest is taken and the model's validation reports the date.
    """

    default_error_messages = {
        "does_not_exist": _("%(value)s is not a code of the list %(what)s."),
        "invalid": _("Give the code as text."),
    }

    def __init__(self, list_code: str, *, date_field: str | None = None, **kwargs):
        self.list_code = list_code
        self.date_field = date_field
        if not kwargs.get("read_only"):
            kwargs.setdefault("queryset", ClassifierItem.objects.filter(code_list__code=list_code))
        super().__init__(**kwargs)

    def target_name(self) -> str:
        return self.list_code

    def record_date(self) -> datetime.date:
        root = self.root
        if self.date_field:
            data = getattr(root, "initial_data", None)
            if isinstance(data, Mapping) and data.get(self.date_field):
                day = _as_date(data.get(self.date_field))
                if day is not None:
                    return day
            instance = getattr(root, "instance", None)
            if instance is not None and not isinstance(instance, list | tuple):
                day = _as_date(getattr(instance, self.date_field, None))
                if day is not None:
                    return day
        return datetime.date.today()

    def lookup(self, value):
        versions = list(self.get_queryset().filter(code=value).select_related("code_list").order_by("-valid_from"))
        if not versions:
            raise ClassifierItem.DoesNotExist
        day = self.record_date()
        return next((v for v in versions if v.is_valid_on(day)), versions[0])


class ParentItemField(CodeRefField):
    """The parent of a classifier item, written as its code; resolved by the serializer (the list it
    comes from depends on the item's list)."""

    def __init__(self, **kwargs):
        super().__init__(queryset=ClassifierItem.objects.all(), **kwargs)

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, str | int):
            self.fail("invalid")
        if "\x00" in str(data):
            self.fail("null_characters")
        return str(data).strip()

    def target_name(self) -> str:
        return str(_("parent item"))


class CodeListSerializer(RegisterSerializer):
    name = serializers.CharField(read_only=True, help_text=_("The name in the request's language."))
    parent_list = SlugRefField(slug_field="code", queryset=CodeList.objects.all(), required=False,
                               allow_null=True, help_text=_("The code of the parent list."))

    class Meta:
        model = CodeList
        fields = ["code", "name", "name_lt", "name_en", "hierarchical", "parent_list", "source", "version"]


class ClassifierItemSerializer(RegisterSerializer):
    code_list = SlugRefField(slug_field="code", queryset=CodeList.objects.all(),
                             help_text=_("The code of the list."))
    name = serializers.CharField(read_only=True, help_text=_("The name in the request's language."))
    parent = ParentItemField(required=False, allow_null=True,
                             help_text=_("The code of the parent item (in the parent list, if the list has one)."))

    class Meta:
        model = ClassifierItem
        fields = ["id", "code_list", "code", "name", "name_lt", "name_en", "parent", "valid_from", "valid_to",
                  "sort_order", "extra"]
        # Versions are unique per (list, code, valid_from); the model's validation reports a clash.
        validators = []

    def validate(self, attrs):
        if "parent" in attrs and attrs["parent"] is not None:
            code_list = attrs.get("code_list") or self.instance.code_list
            source = code_list.parent_list or code_list
            valid_from = attrs.get("valid_from") or (self.instance.valid_from if self.instance else None)
            versions = list(ClassifierItem.objects.filter(code_list=source, code=attrs["parent"])
                            .order_by("-valid_from"))
            if not versions:
                raise serializers.ValidationError({"parent": [_("%(value)s is not a code of the list %(list)s.")
                                                              % {"value": attrs["parent"], "list": source.code}]})
            day = valid_from or datetime.date.today()
            attrs["parent"] = next((v for v in versions if v.is_valid_on(day)), versions[0])
        return attrs
