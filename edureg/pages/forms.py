"""Forms of the public pages, rendered with the GOV.UK Frontend classes (templates/components/field.html)."""

from django import forms
from django.contrib.auth import forms as auth_forms
from django.utils.translation import gettext_lazy as _


class GovukFormMixin:
    """Puts the design system's classes and ARIA links on a form's widgets.

    A field in error gets the error modifier and aria-describedby pointing at its hint and error
    message, so screen readers read them with the field (components/field.html renders those ids).
    """

    WIDGET_CLASSES = (
        (forms.Select, "govuk-select"),
        (forms.Textarea, "govuk-textarea"),
        (forms.CheckboxInput, "govuk-checkboxes__input"),
        (forms.FileInput, "govuk-file-upload"),
        (forms.widgets.Input, "govuk-input"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.govuk_classes()

    def full_clean(self):
        super().full_clean()
        self.govuk_classes()

    def govuk_classes(self):
        errors = self._errors or {}  # known only once the form has been validated
        for name, field in self.fields.items():
            widget = field.widget
            if not hasattr(widget, "govuk_base_class"):
                widget.govuk_base_class = widget.attrs.get("class", "")
            css = next((c for kind, c in self.WIDGET_CLASSES if isinstance(widget, kind)), "")
            error_css = f"{css}--error" if css and name in errors else ""
            widget.attrs["class"] = " ".join(c for c in (widget.govuk_base_class, css, error_css) if c)
            described = [f"{self[name].auto_id}-{part}" for part, on in (("hint", field.help_text),
                                                                         ("error", name in errors)) if on]
            if described:
                widget.attrs["aria-describedby"] = " ".join(described)
            else:
                widget.attrs.pop("aria-describedby", None)


class LoginForm(GovukFormMixin, auth_forms.AuthenticationForm):
    """Django's sign-in form with the design system's classes and plainer words."""

    error_messages = {
        **auth_forms.AuthenticationForm.error_messages,
        "invalid_login": _("The user name or password is wrong. Capital and small letters count."),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("User name")
        self.fields["username"].widget.attrs.update({"spellcheck": "false", "autocapitalize": "none"})
