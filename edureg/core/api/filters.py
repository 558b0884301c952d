"""Filter parts shared by the API's filter sets."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

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
