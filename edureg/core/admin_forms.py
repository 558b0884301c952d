"""Form pieces shared by the register admins."""

from django import forms
from django.utils.translation import gettext_lazy as _


class PersonIdentityFields(forms.Form):
    """Who is being enrolled or employed: found by personal code, or registered on the spot."""

    personal_code = forms.CharField(label=_("personal code"), max_length=11, required=False)
    other_id = forms.CharField(label=_("other identifier"), max_length=40, required=False,
                               help_text=_("For people without a Lithuanian personal code."))
    other_id_country = forms.CharField(label=_("issuing country"), max_length=2, required=False)
    first_name = forms.CharField(label=_("first name"), max_length=100, required=False,
                                 help_text=_("Needed only for someone not yet in the register."))
    last_name = forms.CharField(label=_("last name"), max_length=100, required=False)
    birth_date = forms.DateField(label=_("birth date"), required=False,
                                 help_text=_("Derived from the personal code when left empty."))

    person_fields = ("personal_code", "other_id", "other_id_country", "first_name", "last_name", "birth_date")

    @classmethod
    def person_data(cls, cleaned_data) -> dict:
        data = {k: cleaned_data.get(k) for k in cls.person_fields if cleaned_data.get(k) not in (None, "")}
        return data


def with_identity_fields(model_form):
    """A model form for adding an enrolment/employment with the person's identity instead of a person id."""
    attrs = dict(PersonIdentityFields.base_fields)

    def clean(self):
        cleaned = model_form.clean(self)
        if not cleaned.get("personal_code") and not cleaned.get("other_id"):
            self.add_error("personal_code", _("Enter the personal code, or another identifier and its country."))
        return cleaned

    attrs["clean"] = clean
    return type(f"{model_form.__name__}WithIdentity", (model_form,), attrs)
