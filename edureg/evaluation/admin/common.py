"""Pieces shared by the evaluation back-office pages: step buttons (a confirmation page calling one service),
whole-object checks after the inlines are saved, inline rows checked by their service, read-only inlines, strict
JSON fields and links to the evaluation desk's pages."""

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.urls import NoReverseMatch, reverse

from edureg.core.admin_base import RegisterInline, model_values
from edureg.core.admin_steps import BaseStepsMixin, StepForm
from edureg.core.scoping import permission_name


def page_url(name: str, **kwargs) -> str | None:
    """The URL of one of the evaluation desk's pages (edureg/evaluation/urls.py), or None while it has none."""
    try:
        return reverse(f"evaluation:{name}", kwargs=kwargs)
    except NoReverseMatch:
        return None


def errors_of(exc: ValidationError) -> dict[str, list[str]]:
    return exc.message_dict if hasattr(exc, "error_dict") else {NON_FIELD_ERRORS: exc.messages}


# --- steps --------------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Step:
    """A button on a change page: in which state it shows, what it asks and which service it calls
    (`run(obj, actor, **form data)`). The user needs the `action` right on the object (scoped)."""

    name: str
    label: Any
    run: Any
    shown: Any
    form: type[StepForm] | None = None
    done: Any = ""
    explain: Any = ""
    action: str = "change"
    after: Any = None


class StepsMixin(BaseStepsMixin):
    steps: tuple[Step, ...] = ()
    change_form_template = "admin/evaluation/change_form.html"

    def may_take(self, request, obj, step: Step) -> bool:
        if not request.user.has_perm(permission_name(self.model, step.action)):
            return False
        return self.model._default_manager.for_user(request.user, step.action).filter(pk=obj.pk).exists()


class LinksMixin:
    """Links in the change page's tools (`object_links`), for pages without steps."""

    change_form_template = "admin/evaluation/change_form.html"

    def object_links(self, request, obj) -> list[tuple[str, str]]:
        return []

    def change_view(self, request, object_id, form_url="", extra_context=None):
        from django.contrib.admin.utils import unquote

        obj = self.get_object(request, unquote(object_id))
        extra = {"links": self.object_links(request, obj) if obj is not None else []}
        return super().change_view(request, object_id, form_url, {**extra, **(extra_context or {})})


# --- whole-object checks ------------------------------------------------------------------------------------------

class _CheckFailed(Exception):
    def __init__(self, prefix: str, errors: dict):
        super().__init__(errors)
        self.prefix, self.errors = prefix, errors


def _add_errors(form, errors: dict) -> None:
    for field, messages_ in errors.items():
        for message in messages_:
            if field in form.fields:
                form.add_error(field, message)
            elif field == NON_FIELD_ERRORS:
                form.add_error(None, message)
            else:
                form.add_error(None, f"{field}: {message}")


def _check_errors(request, prefix: str) -> dict:
    return getattr(request, "_evaluation_check_errors", {}).get(prefix) or {} if request.method == "POST" else {}


class WholeCheckMixin:
    """After the object and its inlines are saved, `whole_check(obj)` (a service's check raising ValidationError)
    runs in the same transaction. When it (or the service saving an inline row) refuses, the admin's transaction is
    rolled back and the page is shown again, unsaved, with the errors on the fields (or rows) they name."""

    whole_check = None

    def save_related(self, request, form, formsets, change):
        try:
            super().save_related(request, form, formsets, change)
        except ValidationError as exc:  # a row of a new object's inline (not checked before its parent existed)
            raise _CheckFailed(getattr(exc, "evaluation_prefix", ""), errors_of(exc)) from exc
        check = type(self).whole_check
        if check is None:
            return
        try:
            check(form.instance)
        except ValidationError as exc:
            raise _CheckFailed("", errors_of(exc)) from exc

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except _CheckFailed as failed:  # everything was rolled back; show the form again with the errors
            request._evaluation_check_errors = {failed.prefix: failed.errors}
            return super().changeform_view(request, object_id, form_url, extra_context)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        errors = _check_errors(request, "")
        if not errors:
            return form

        class CheckedForm(form):
            def clean(self):
                cleaned = super().clean()
                _add_errors(self, errors)
                return cleaned

        CheckedForm.__name__ = form.__name__
        return CheckedForm


# --- inlines ------------------------------------------------------------------------------------------------------

class ValidatedInline(RegisterInline):
    """An inline whose changed rows are checked by their service (a rolled-back run) while the page is validated,
    so that a rule the service holds shows as an error on the row instead of failing on save."""

    def service_create(self, request, form, extra=None):
        values = {k: v for k, v in model_values(form).items() if k != self.model._meta.pk.name}
        return type(self).create_service(actor=request.user, **{**values, **(extra or {})})

    def write(self, request, obj, form, change, extra=None):
        try:
            return super().write(request, obj, form, change, extra)
        except ValidationError as exc:
            exc.evaluation_prefix = form.prefix  # the row the errors belong to (WholeCheckMixin)
            raise

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        inline, fk = self, formset.fk

        class ValidatedForm(formset.form):
            def _post_clean(self):
                super()._post_clean()
                _add_errors(self, _check_errors(request, self.prefix))
                if self.errors or not self.has_changed() or self.cleaned_data.get("DELETE"):
                    return
                parent = self.cleaned_data.get(fk.name)
                if parent is None or parent.pk is None:
                    return  # the parent is new: its own form is validated first
                change = self.instance.pk is not None
                for field, errors in inline.dry_run(request, self.instance, self, change, {fk.name: parent}).items():
                    for message in errors:
                        self.add_error(field if field in self.fields else None, message)

        formset.form = ValidatedForm
        return formset


