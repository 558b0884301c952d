"""Step buttons on back-office change pages: each step a small confirmation page (with a form when it asks for
something) that calls one service. Apps declare their steps and who may take them; the page itself is here."""

from django import forms
from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext


class StepForm(forms.Form):
    """A step's form that knows the object the step is taken on (for choices and initial values)."""

    def __init__(self, *args, obj=None, **kwargs):
        self.obj = obj
        super().__init__(*args, **kwargs)


class BaseStepsMixin:
    """The step pages of a ModelAdmin. A step has `name`, `label`, `run(obj, actor, **form data)`, `shown(obj)`,
    `form`, `done` (a message, or a function of the result) and `explain`, and may have `after(admin, obj, result)`
    giving the URL to go to; the admin says who may take a step (`may_take`)."""

    steps: tuple = ()

    def may_take(self, request, obj, step) -> bool:
        raise NotImplementedError  # each app decides who may take its steps

    def available_steps(self, request, obj) -> list[tuple]:
        name = f"admin:{self.opts.app_label}_{self.opts.model_name}_step"
        return [(step, reverse(name, args=[obj.pk, step.name])) for step in self.steps
                if step.shown(obj) and self.may_take(request, obj, step)]

    def get_urls(self):
        return [*self.step_urls(), *super().get_urls()]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        extra = {"steps": self.available_steps(request, obj) if obj is not None else [],
                 "links": self.object_links(request, obj) if obj is not None else []}
        return super().change_view(request, object_id, form_url, {**extra, **(extra_context or {})})

    def object_links(self, request, obj) -> list[tuple[str, str]]:
        """Other links in the page's tools: [(label, url)]."""
        return []

    def step_urls(self):
        return [path("<path:object_id>/step/<slug:step>/", self.admin_site.admin_view(self.step_view),
                     name=f"{self.opts.app_label}_{self.opts.model_name}_step")]

    def change_url(self, obj) -> str:
        return reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_change", args=[obj.pk])

    def after_step_url(self, obj, step, result) -> str:
        after = getattr(step, "after", None)
        return (after(self, obj, result) if after else None) or self.change_url(obj)

    def step_view(self, request, object_id, step):
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        chosen = next((s for s in self.steps if s.name == step), None)
        if chosen is None:
            raise Http404
        if not self.may_take(request, obj, chosen):
            raise PermissionDenied
        form = None
        if chosen.form:
            extra = {"obj": obj} if issubclass(chosen.form, StepForm) else {}
            form = chosen.form(request.POST or None, **extra)
        errors: list[str] = []
        if request.method == "POST" and (form is None or form.is_valid()):
            try:
                result = chosen.run(obj, request.user, **(form.cleaned_data if form else {}))
            except ValidationError as exc:
                for field, messages_ in (exc.message_dict if hasattr(exc, "error_dict")
                                         else {NON_FIELD_ERRORS: exc.messages}).items():
                    if form is not None and field in form.fields:
                        for message in messages_:
                            form.add_error(field, message)
                    else:
                        errors.extend(messages_)
            except PermissionDenied as exc:
                errors.append(str(exc) or gettext("You may not make this change."))
            else:
                done = chosen.done(result) if callable(chosen.done) else chosen.done
                self.message_user(request, done, messages.SUCCESS)
                return redirect(self.after_step_url(obj, chosen, result))
        context = {**self.admin_site.each_context(request), "title": f"{chosen.label}: {obj}", "object": obj,
                   "opts": self.opts, "step": chosen, "form": form, "errors": errors,
                   "change_url": self.change_url(obj)}
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/steps/step.html", context)
