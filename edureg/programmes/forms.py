"""Back-office forms of the programmes register: lists of codes as multiple choices, the content of a new programme's
first version, and the small forms of the lifecycle steps (reason, date, state code)."""


from django import forms
from django.db import models
from django.forms.models import fields_for_model
from django.utils.translation import gettext_lazy as _

from edureg.core.admin_base import StrictJSONDecoder
from edureg.programmes.choices import LearningForm, TargetGroup
from edureg.programmes.models import ProgrammeVersion, state_code_validator

# The content of a version that a provider writes (the rest is the services' bookkeeping).
CONTENT_FIELDS = ("name_lt", "name_en", "subtype", "qualification", "ltks_level", "isced_f", "entry_education",
                  "entry_requirements_lt", "entry_requirements_en", "with_general_education", "language", "forms",
                  "target_groups", "credits", "hours", "practice_hours", "description_lt", "description_en",
                  "learning_outcomes_lt", "learning_outcomes_en", "valid_from", "valid_to")
CODE_LISTS = {"forms": LearningForm, "target_groups": TargetGroup}


class ChoiceListField(forms.MultipleChoiceField):
    """A JSON list of codes (forms of learning, target groups) as a multiple choice."""

    widget = forms.SelectMultiple

    def __init__(self, choices_class, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(choices=choices_class.choices, **kwargs)

    def prepare_value(self, value):
        return value or []


class ListJSONField(forms.JSONField):
    """A JSON list (subtypes, a rule's values): empty means an empty list, never null; NaN is refused."""

    def __init__(self, **kwargs):
        kwargs["decoder"] = StrictJSONDecoder
        super().__init__(**kwargs)

    def to_python(self, value):
        return [] if value in self.empty_values else super().to_python(value)


def code_list_formfield(db_field, **kwargs):
    """The form field for a JSON list of codes, a strict JSON field for other JSON, or None for any other field."""
    choices = CODE_LISTS.get(db_field.name)
    if choices is None:
        return db_field.formfield(form_class=ListJSONField) if isinstance(db_field, models.JSONField) else None
    return ChoiceListField(choices, label=db_field.verbose_name[:1].upper() + db_field.verbose_name[1:],
                           help_text=db_field.help_text)


def _content_formfield(db_field, **kwargs):
    return code_list_formfield(db_field) or db_field.formfield(**kwargs)


def version_content_fields() -> dict:
    """Form fields for a version's content (declared on the add form of a programme)."""
    return fields_for_model(ProgrammeVersion, fields=CONTENT_FIELDS, formfield_callback=_content_formfield,
                            apply_limit_choices_to=True)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)


class OptionalReasonForm(forms.Form):
    reason = forms.CharField(label=_("reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000,
                             required=False)


class SuspensionForm(ReasonForm):
    date = forms.DateField(label=_("suspended from"), required=False, help_text=_("Empty: today."))


class DeregistrationForm(ReasonForm):
    date = forms.DateField(label=_("deregistration date"), help_text=_(
        "The programme is deregistered from this date once the register's administrator confirms."))


class StateCodeField(forms.CharField):
    def to_python(self, value):
        return super().to_python(value).upper()


class RegistrationForm(forms.Form):
    state_code = StateCodeField(label=_("state code"), required=False, max_length=20,
                                 validators=[state_code_validator], help_text=_(
                                     "Given on the first registration. Leave empty to generate one (kind prefix, "
                                     "level, field and a number)."))
    registered_on = forms.DateField(label=_("registered on"), required=False, help_text=_("Empty: today."))
