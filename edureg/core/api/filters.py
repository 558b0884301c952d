"""Filter parts shared by the API's filter sets."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, filters

TRUE = {"true", "1", "yes", "on"}
FALSE = {"false", "0", "no", "off"}


class StrictBooleanField(forms.Field):
    """true/false (also 1/0, yes/no); anything else is an error rather than silently no filter."""

    default_error_messages = {"invalid": _("Enter true or false.")}

    def to_python(self, value):
        if value in (None, ""):
            return None
        text = str(value).strip().lower()
        if text in TRUE:
            return True
        if text in FALSE:
            return False
        raise forms.ValidationError(self.error_messages["invalid"], code="invalid")


class BooleanFilter(django_filters.BooleanFilter):
    field_class = StrictBooleanField


class IntegerFilter(django_filters.NumberFilter):
    """A whole number within [min_value, max_value]: out of range (or not whole) is a 400 naming the parameter,
    never a value the database cannot compare (which was a 500)."""

    field_class = forms.IntegerField

    def __init__(self, *args, min_value: int = 1, max_value: int = 2**63 - 1, **kwargs):
        kwargs.setdefault("min_value", min_value)
        kwargs.setdefault("max_value", max_value)
        super().__init__(*args, **kwargs)


class SearchFilter(filters.SearchFilter):
    """DRF's search, whose refusals (e.g. a null character) name the `search` parameter like other filters."""

    def get_search_terms(self, request):
        try:
            return super().get_search_terms(request)
        except exceptions.ValidationError as exc:
            raise exceptions.ValidationError({self.search_param: exc.detail}) from None
