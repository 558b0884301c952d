"""Base ModelAdmin for registers: scoped querysets, object-level permissions, writes through services.

A form is validated by the same service that saves it (a dry run that is rolled back), so rules that live in
services (overlaps, status transitions, scope) show as form errors instead of failing on save.
"""

import json

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import widgets
from django.contrib.admin.utils import unquote
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import transaction
from django.db.models.constants import LOOKUP_SEP
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from edureg.core.models import ObjectChange
from edureg.core.scoping import permission_name, scope_for


class _DryRun(Exception):
    """Raised to roll back a validation run of a service."""


def model_changes(form) -> dict:
    """The model fields the form changed (many-to-many included), with their cleaned values."""
    names = {f.name for f in form._meta.model._meta.get_fields() if getattr(f, "concrete", False)}
    return {name: form.cleaned_data[name] for name in form.changed_data if name in names}


def model_values(form) -> dict:
    names = {f.name for f in form._meta.model._meta.get_fields() if getattr(f, "concrete", False)}
    return {name: value for name, value in form.cleaned_data.items() if name in names}


class ServiceWrites:
    """Shared by RegisterAdmin and RegisterInline: how a form turns into a service call."""

    create_service = None  # (*, actor, **fields) -> instance
    update_service = None  # (instance, *, actor, **changes) -> instance
    delete_service = None  # (instance, *, actor) -> None

    def service_create(self, request, form, extra=None):
        return type(self).create_service(actor=request.user, **{**model_values(form), **(extra or {})})

    def service_update(self, request, obj, form):
        return type(self).update_service(obj, actor=request.user, **model_changes(form))

    def write(self, request, obj, form, change, extra=None):
        if change:
            return self.service_update(request, obj, form)
        created = self.service_create(request, form, extra)
        # The admin goes on with the form's instance (messages, redirects, inlines): make it the saved one.
        for field in created._meta.concrete_fields:
            setattr(obj, field.attname, getattr(created, field.attname))
        obj._state.adding = False
        obj._state.db = created._state.db
        return created

    def dry_run(self, request, obj, form, change, extra=None) -> dict:
        """Run the service in a rolled-back transaction; the errors it raises, by field."""
        try:
            with transaction.atomic():
                self.write(request, obj, form, change, extra)
                raise _DryRun
        except _DryRun:
            pass
        except ValidationError as exc:
            return exc.message_dict if hasattr(exc, "error_dict") else {NON_FIELD_ERRORS: exc.messages}
        except PermissionDenied as exc:
            return {NON_FIELD_ERRORS: [str(exc) or _("You may not make this change.")]}
        finally:
            if not change:
                obj.pk = None
                obj._state.adding = True
        return {}


def _service_form(admin_obj, request, base_form, change_flag):
    class ServiceValidatedForm(base_form):
        def _post_clean(self):
            super()._post_clean()
            if self.errors:
                return
            change = self.instance.pk is not None and not self.instance._state.adding
            extra = admin_obj.extra_create_fields(request, self) if hasattr(admin_obj, "extra_create_fields") \
                else None
            errors = admin_obj.dry_run(request, self.instance, self, change, extra)
            for field, messages_ in errors.items():
                target = field if field in self.fields else None
                for message in messages_:
                    self.add_error(target, message)

    ServiceValidatedForm.__name__ = base_form.__name__
    return ServiceValidatedForm


class BoundedModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Row ids typed by hand (raw-id widgets) or posted beyond what the database can hold are a bad choice, not a
    crash."""

    def _check_values(self, value):
        for pk in value if isinstance(value, list | tuple) else ():
            if str(pk).strip().lstrip("-").isdigit() and abs(int(pk)) >= 2**63:
                raise forms.ValidationError(self.error_messages["invalid_pk_value"], code="invalid_pk_value",
                                            params={"pk": pk})
        return super()._check_values(value)


class StrictJSONDecoder(json.JSONDecoder):
    """Standard JSON only: NaN and Infinity (which Python reads but databases refuse) are an input error."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, parse_constant=self._refuse, **kwargs)

    @staticmethod
    def _refuse(name):
        raise json.JSONDecodeError(f"{name} is not JSON", name, 0)


class StrictJSONField(forms.JSONField):
    """JSON typed in a text area; NaN refused; empty gives `empty` (e.g. list: []) when set; the value's shape is
    checked by the model's clean()."""

    def __init__(self, *, empty=None, **kwargs):
        kwargs["decoder"] = StrictJSONDecoder
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": 6, "cols": 90, "class": "vLargeTextField"}))
        self.empty = empty
        super().__init__(**kwargs)

    def to_python(self, value):
        if value in self.empty_values and self.empty is not None:
            return self.empty() if callable(self.empty) else self.empty
        return super().to_python(value)


class RegisterAdmin(ServiceWrites, admin.ModelAdmin):
    show_full_result_count = False
    history_template = "admin/core/object_history.html"

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        kwargs.setdefault("form_class", BoundedModelMultipleChoiceField)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def get_queryset(self, request):
        qs = self.model._default_manager.for_user(request.user, "view")
        ordering = self.get_ordering(request)
        return qs.order_by(*ordering) if ordering else qs

    def _scoped(self, request, action, obj):
        if not request.user.has_perm(permission_name(self.model, action)):
            return False
        if obj is None:
            return True
        return self.model._default_manager.for_user(request.user, action).filter(pk=obj.pk).exists()

    def has_view_permission(self, request, obj=None):
        return self._scoped(request, "view", obj) or self._scoped(request, "change", obj)

    def has_add_permission(self, request):
        return request.user.has_perm(permission_name(self.model, "add"))

    def has_change_permission(self, request, obj=None):
        return self._scoped(request, "change", obj)

    def has_delete_permission(self, request, obj=None):
        return self._scoped(request, "delete", obj)

    # Foreign keys that a scoped user picks from the few rows they may change (e.g. their own institution,
    # preselected when there is one) instead of typing a row id; national users keep raw_id_fields.
    scoped_choice_fields: tuple[str, ...] = ()

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        related = db_field.remote_field.model
        manager = related._default_manager
        if db_field.name in self.scoped_choice_fields and not scope_for(request.user).national:
            choices = manager.for_user(request.user, "change")
            field = db_field.formfield(queryset=choices, widget=forms.Select)
            if len(choices) == 1:
                field.initial = choices[0].pk
            return field
        if hasattr(manager, "for_user") and "queryset" not in kwargs:
            qs = manager.for_user(request.user, "view")
            limit = db_field.get_limit_choices_to()
            kwargs["queryset"] = qs.filter(**limit) if isinstance(limit, dict) and limit else qs
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        return _service_form(self, request, form, change)

    def save_model(self, request, obj, form, change):
        extra = self.extra_create_fields(request, form) if hasattr(self, "extra_create_fields") else None
        self.write(request, obj, form, change, extra)

    def save_related(self, request, form, formsets, change):
        # Many-to-many fields were saved by the service; only the inlines are left.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def save_formset(self, request, form, formset, change):
        inline = getattr(formset, "edureg_inline", None)
        if inline is None:
            return super().save_formset(request, form, formset, change)
        # The admin's change message reads these three lists, as after formset.save().
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for inline_form in formset.deleted_forms:
            if inline_form.instance.pk:
                type(inline).delete_service(inline_form.instance, actor=request.user)
                formset.deleted_objects.append(inline_form.instance)
        for inline_form in formset.forms:
            if inline_form in formset.deleted_forms or not inline_form.has_changed():
                continue
            change = inline_form.instance.pk is not None
            inline_form.instance.__dict__[formset.fk.attname] = form.instance.pk
            inline.write(request, inline_form.instance, inline_form, change, {formset.fk.name: form.instance})
            if change:
                formset.changed_objects.append((inline_form.instance, inline_form.changed_data))
            else:
                formset.new_objects.append(inline_form.instance)
        return None

    def delete_model(self, request, obj):
        type(self).delete_service(obj, actor=request.user)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for obj in queryset:
                type(self).delete_service(obj, actor=request.user)

    def lookup_allowed(self, lookup, value, request=None):
        """Only the filters the page offers (list_filter, date_hierarchy) and the popups' limit_choices_to.

        Django also lets a hand-made URL filter on any field of the model (`?personal_code__startswith=38`):
        that would narrow persons down by the digits of a code that lists mask, without the read being logged.
        """
        if not super().lookup_allowed(lookup, value, request):
            return False
        offered = [self.date_hierarchy] if self.date_hierarchy else []
        for item in self.get_list_filter(request) if request is not None else self.list_filter:
            if isinstance(item, str):
                offered.append(item)
            elif isinstance(item, tuple | list):
                offered.append(item[0])
            elif getattr(item, "parameter_name", None):
                offered.append(item.parameter_name)
        if any(lookup == path or lookup.startswith(path + LOOKUP_SEP) for path in offered):
            return True
        for fk_lookup in self.model._meta.related_fkey_lookups:  # raw-id popups carry limit_choices_to
            fk_lookup = fk_lookup() if callable(fk_lookup) else fk_lookup
            if (lookup, value) in widgets.url_params_from_lookup_dict(fk_lookup).items():
                return True
        return False

    # History ------------------------------------------------------------------------------------------
    def history_value(self, request, obj, field: str, value):
        """How one before/after value shows on the history page (PersonAdmin masks personal codes)."""
        return value

    def history_viewed(self, request, obj) -> None:
        """Called when the history page of `obj` is shown (PersonAdmin logs it as a read of personal data)."""

    def history_view(self, request, object_id, extra_context=None):
        obj = self.get_object(request, unquote(object_id))  # None for a malformed id too (was a 500)
        if obj is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not self.has_view_permission(request, obj):
            raise PermissionDenied
        records = ObjectChange.objects.filter(
            content_type=ContentType.objects.get_for_model(self.model), object_id=str(obj.pk)
        ).order_by("-id")[:500]
        changes = [(change, [(field, self.history_value(request, obj, field, before),
                              self.history_value(request, obj, field, after))
                             for field, (before, after) in change.changed_fields.items()])
                   for change in records]
        self.history_viewed(request, obj)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Change history: %s") % obj,
            "subtitle": None,
            "object": obj,
            "opts": self.model._meta,
            "changes": changes,
            "module_name": str(self.model._meta.verbose_name_plural),
            **(extra_context or {}),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, self.history_template, context)

    def message_user_error(self, request, message):
        self.message_user(request, message, level=messages.ERROR)


class RegisterInline(ServiceWrites, admin.TabularInline):
    """An inline whose rows are written through services by RegisterAdmin.save_formset."""

    extra = 0

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.edureg_inline = self
        return formset

    def get_queryset(self, request):
        return self.model._default_manager.for_user(request.user, "view")

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm(permission_name(self.model, "view"))

    def has_add_permission(self, request, obj=None):
        return request.user.has_perm(permission_name(self.model, "add")) and (
            obj is None or type(obj)._default_manager.for_user(request.user, "change").filter(pk=obj.pk).exists())

    def has_change_permission(self, request, obj=None):
        return request.user.has_perm(permission_name(self.model, "change")) and (
            obj is None or type(obj)._default_manager.for_user(request.user, "change").filter(pk=obj.pk).exists())

    def has_delete_permission(self, request, obj=None):
        return request.user.has_perm(permission_name(self.model, "delete")) and (
            obj is None or type(obj)._default_manager.for_user(request.user, "change").filter(pk=obj.pk).exists())


class ReadOnlyRegisterAdmin(RegisterAdmin):
    """Rows written only by services (runs, results, answers): listed and shown, never added, changed or deleted
    here."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline(admin.TabularInline):
    """Rows written by the services, listed on their parent's page (scoped, linked, never edited here)."""

    extra = 0
    max_num = 0
    can_delete = False
    show_change_link = True

    def get_readonly_fields(self, request, obj=None):
        return self.fields

    def get_queryset(self, request):
        return self.model._default_manager.for_user(request.user, "view")

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm(permission_name(self.model, "view"))

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class StrictJSONMixin:
    """Every JSON model field of the page as a StrictJSONField (empty lists as [], objects as {})."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        from django.db import models

        if isinstance(db_field, models.JSONField):
            kwargs.setdefault("form_class", StrictJSONField)
            field = db_field.formfield(**kwargs)
            if isinstance(field, StrictJSONField) and db_field.has_default():
                field.empty = db_field.default
            return field
        return super().formfield_for_dbfield(db_field, request, **kwargs)
