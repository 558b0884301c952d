"""Forms of the respondent's and the agency's pages. The report's form is built from the collection's fields: every
answer a text input (GOV.UK: no type=number; the numeric keyboard on phones), checked by the services, so that text
in a number field comes back as an error naming the field rather than being dropped by the browser."""

from decimal import Decimal

from django import forms
from django.utils.formats import get_format
from django.utils.translation import gettext_lazy as _

from edureg.datacollections.choices import FieldType
from edureg.datacollections.services.submissions import MAX_COMMENT

ANSWER = "f_"
COMMENT = "c_"


def number_text(value) -> str:
    """A stored number as people type it: no trailing zeros, the language's decimal mark, no thousands marks."""
    if value is None:
        return ""
    number = Decimal(value)
    text = (str(number.quantize(Decimal(1))) if number == number.to_integral_value()
            else format(number.normalize(), "f"))
    return text.replace(".", get_format("DECIMAL_SEPARATOR"))


class ReportForm(forms.Form):
    """One input per field of the form (`f_<code>`) and a comment box per warning rule (`c_<rule code>`)."""

    def __init__(self, *args, fields, rules=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.form_fields = list(fields)
        for field in self.form_fields:
            if field.type == FieldType.TEXT:
                widget = forms.Textarea(attrs={"class": "govuk-textarea", "rows": 3})
            else:
                widget = forms.TextInput(attrs={
                    "class": "govuk-input govuk-input--width-10", "spellcheck": "false", "autocomplete": "off",
                    "inputmode": "numeric" if field.type == FieldType.INTEGER else "decimal"})
            self.fields[ANSWER + field.code] = forms.CharField(required=False, strip=False, label=field.name,
                                                               help_text=field.help, widget=widget)
        self.rule_codes = [rule.code for rule in rules]
        for code in self.rule_codes:
            self.fields[COMMENT + code] = forms.CharField(
                required=False, max_length=MAX_COMMENT, label=_("Your explanation"),
                widget=forms.Textarea(attrs={"class": "govuk-textarea", "rows": 2}))

    @staticmethod
    def initial_for(fields, values: dict, comments: dict) -> dict:
        initial = {}
        for field in fields:
            value = values.get(field.code)
            initial[ANSWER + field.code] = value if field.type == FieldType.TEXT else number_text(value)
        for code, text in (comments or {}).items():
            initial[COMMENT + code] = text
        return initial

    def answers(self) -> dict[str, str]:
        return {field.code: self.cleaned_data.get(ANSWER + field.code, "") for field in self.form_fields}

    def comments(self) -> dict[str, str]:
        """The comment boxes that were on the page (posted), by rule code."""
        return {code: self.cleaned_data.get(COMMENT + code) or "" for code in self.rule_codes
                if COMMENT + code in self.data}

    def add_service_errors(self, error) -> None:
        """A service's ValidationError: under the field it names (a field code) when the form has it, else on top."""
        if not hasattr(error, "error_dict"):
            for message in error.messages:
                self.add_error(None, message)
            return
        for name, messages in error.message_dict.items():
            target = ANSWER + name if ANSWER + name in self.fields else None
            for message in messages:
                self.add_error(target, message)


class UploadForm(forms.Form):
    file = forms.FileField(label=_("Filled-in template (XLSX)"),
                           widget=forms.ClearableFileInput(attrs={"class": "govuk-file-upload", "accept": ".xlsx"}))


class ReturnForm(forms.Form):
    comment = forms.CharField(label=_("What should the respondent correct?"), max_length=MAX_COMMENT,
                              widget=forms.Textarea(attrs={"class": "govuk-textarea", "rows": 3}))
