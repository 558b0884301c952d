"""Form pieces shared by the register admins."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from edureg.core.admin_base import _service_form


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


class PersonRecordAdminMixin:
    """For a RegisterAdmin of records of a person at an institution (enrolments, employments): the add form
    names the person by identity fields (found or registered by the create service), the change form shows the
    person read-only.

    `record_fields`: the model's own fields on the form; `add_only_fields`: extra form fields of the add form,
    passed to the create service by name (e.g. `transfer_in`).
    """

    record_fields: tuple[str, ...] = ()
    add_only_fields: dict = {}

    def get_readonly_fields(self, request, obj=None):
        return ("person", "updated_at") if obj else ()

    def get_fields(self, request, obj=None):
        if obj is None:
            return [*PersonIdentityFields.person_fields, *self.add_only_fields, *self.record_fields]
        return ["person", *self.record_fields, "updated_at"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is not None:
            return super().get_form(request, obj, change=change, **kwargs)
        kwargs["fields"] = list(self.record_fields)
        form = admin.ModelAdmin.get_form(self, request, obj, change=change, **kwargs)
        form = type(form.__name__, (with_identity_fields(form),), dict(self.add_only_fields))
        return _service_form(self, request, form, change)

    def extra_create_fields(self, request, form):
        return {"person_data": PersonIdentityFields.person_data(form.cleaned_data),
                **{name: form.cleaned_data.get(name) for name in self.add_only_fields}}
