"""Programmes, their versions, modules and lifecycle events."""


from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.admin.widgets import ForeignKeyRawIdWidget
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from edureg.classifiers.admin import classifier_filter
from edureg.core.admin_base import ReadOnlyInline, RegisterAdmin, RegisterInline
from edureg.core.imports.admin import ImportExportMixin
from edureg.core.scoping import scope_for
from edureg.core.search import search
from edureg.programmes import services
from edureg.programmes.admin.common import IN_FORCE, CodeListFieldsMixin, FieldFilter, LevelFilter
from edureg.programmes.admin.steps import NEW_VERSION, PROGRAMME_STEPS, VERSION_STEPS, StepsMixin
from edureg.programmes.choices import EDITABLE, VersionStatus
from edureg.programmes.forms import (
    version_content_fields,
)
from edureg.programmes.models import (
    Module,
    Offering,
    Programme,
    ProgrammeEvent,
    ProgrammeVersion,
)


class VersionInline(ReadOnlyInline):
    model = ProgrammeVersion
    fields = ("number", "name_lt", "status", "status_since", "submitted_on", "registered_on")
    verbose_name_plural = _("versions")


class EventInline(ReadOnlyInline):
    model = ProgrammeEvent
    fields = ("date", "action", "version", "reason", "user")
    show_change_link = False
    verbose_name_plural = _("lifecycle")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("version", "version__programme", "user")


class OfferingInline(ReadOnlyInline):
    model = Offering
    fields = ("year", "institution", "municipality", "form", "language", "state_funded_places", "paid_places")
    verbose_name_plural = _("offerings")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("institution", "municipality", "language")


# --- programmes -------------------------------------------------------------------------------------------

@admin.register(Programme)
class ProgrammeAdmin(StepsMixin, CodeListFieldsMixin, ImportExportMixin, RegisterAdmin):
    importer = "programmes.imports.ProgrammeImporter"
    list_display = ("code", "name", "kind", "provider", "ltks_level", "status")
    list_filter = ("kind", "status", LevelFilter, FieldFilter,
                   classifier_filter("provider__municipality", "municipality", title=_("provider's municipality")))
    search_fields = ("search_text",)  # searched folded (edureg.core.search), see get_search_results
    search_help_text = _("Words of the name (they may be cut short, diacritics optional) or a state or temporary "
                         "code.")
    list_select_related = ("kind", "provider")
    raw_id_fields = ("provider", "co_providers")
    scoped_choice_fields = ("provider",)
    inlines = [VersionInline, EventInline, OfferingInline]
    change_form_template = "admin/programmes/programme/change_form.html"
    steps = PROGRAMME_STEPS
    readonly_fields = ("temp_code", "status", "name_lt", "name_en", "ltks_level", "isced_f", "qualification",
                       "current_version", "deregistration_requested_on", "deregistration_date",
                       "deregistration_reason", "created_at", "updated_at")
    fieldsets = (
        (None, {"fields": ("state_code", "temp_code", "kind", "status", "provider", "co_providers")}),
        (_("Version in force (or newest)"), {"fields": ("current_version", "name_lt", "name_en", "ltks_level",
                                                        "isced_f", "qualification")}),
        (_("Deregistration"), {"fields": ("deregistration_requested_on", "deregistration_date",
                                          "deregistration_reason")}),
        (None, {"fields": ("created_at", "updated_at")}),
    )
    add_fieldsets = (
        (None, {"fields": ("kind", "provider", "co_providers")}),
        (_("First version"), {"fields": ("name_lt", "name_en", "subtype", "qualification", "ltks_level", "isced_f",
                                         "language", "forms", "target_groups")}),
        (_("Length"), {"fields": ("credits", "hours", "practice_hours")}),
        (_("Entry"), {"fields": ("entry_education", "with_general_education", "entry_requirements_lt",
                                 "entry_requirements_en")}),
        (_("Description"), {"fields": ("description_lt", "description_en", "learning_outcomes_lt",
                                       "learning_outcomes_en", "valid_from", "valid_to")}),
    )
    update_service = services.update_programme
    delete_service = services.delete_programme

    def get_search_results(self, request, queryset, search_term):
        return search(queryset, search_term), False

    def get_fieldsets(self, request, obj=None):
        return self.add_fieldsets if obj is None else super().get_fieldsets(request, obj)

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ()
        readonly = tuple(super().get_readonly_fields(request, obj))
        if not services.is_registrar(request.user):
            readonly += ("state_code", "provider")  # the register's administrator's
        if obj.state_code or obj.current_version_id:
            readonly += ("kind",)
        return readonly

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is not None:
            return super().get_form(request, obj, change=change, **kwargs)
        kwargs["fields"] = ("kind", "provider", "co_providers")
        form = super().get_form(request, obj, change=change, **kwargs)
        # The first version's content, declared on the programme's form (the model fields of the same names on
        # Programme are copies the services keep).
        return type(form.__name__, (form,), version_content_fields())

    def service_create(self, request, form, extra=None):
        data = form.cleaned_data
        content = {name: data[name] for name in version_content_fields() if name in data}
        return services.create_programme(actor=request.user, kind=data["kind"], provider=data["provider"],
                                         co_providers=list(data.get("co_providers") or ()), **content)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and (obj.state_code or obj.current_version_id):
            return False  # a registered programme is deregistered, not deleted
        return super().has_delete_permission(request, obj)

    def get_deleted_objects(self, objs, request):
        # A draft programme goes with its versions, modules and events (delete_programme removes them); no
        # separate right to delete those is needed.
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        own = {str(m._meta.verbose_name) for m in (ProgrammeVersion, Module, ProgrammeEvent)}
        return deleted, counts, {p for p in perms_needed if str(p) not in own}, protected

    def get_urls(self):
        return [*self.step_urls(), *super().get_urls()]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        extra = {"steps": self.available_steps(request, obj) if obj is not None else []}
        if obj is not None:
            head = obj.versions.order_by("-number").first()
            extra["head_version_url"] = (reverse("admin:programmes_programmeversion_change", args=[head.pk])
                                         if head and ProgrammeVersion.objects.for_user(request.user, "view")
                                         .filter(pk=head.pk).exists() else None)
        return super().change_view(request, object_id, form_url, {**extra, **(extra_context or {})})

    def response_add(self, request, obj, post_url_continue=None):
        # The provider goes on with the draft version: its content and modules are edited there.
        response = super().response_add(request, obj, post_url_continue)
        draft = obj.versions.order_by("-number").first()
        if draft is not None and "_addanother" not in request.POST and "_continue" not in request.POST \
                and "_popup" not in request.POST:
            return redirect(reverse("admin:programmes_programmeversion_change", args=[draft.pk]))
        return response


# --- versions and modules ---------------------------------------------------------------------------------

class ModuleInline(CodeListFieldsMixin, RegisterInline):
    model = Module
    fields = ("position", "code", "name_lt", "name_en", "type", "mandatory", "credits", "hours", "practice_hours",
              "competences")
    raw_id_fields = ("competences",)
    create_service = services.add_module
    update_service = services.update_module
    delete_service = services.delete_module

    def service_create(self, request, form, extra=None):
        fields = {name: value for name, value in form.cleaned_data.items()
                  if name in self.fields}
        return services.add_module(extra["version"], actor=request.user, **fields)

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        inline = self
        base = formset.form

        class ValidatedModuleForm(base):
            """Each row is validated by the service in a rolled-back run (a clash or a bad value shows here)."""

            def _post_clean(self):
                super()._post_clean()
                if self.errors or obj is None or not self.has_changed():
                    return
                change = self.instance.pk is not None
                for field, messages_ in inline.dry_run(request, self.instance, self, change,
                                                       {"version": obj}).items():
                    for message in messages_:
                        self.add_error(field if field in self.fields else None, message)

        formset.form = ValidatedModuleForm
        return formset

    def _draft(self, obj) -> bool:
        return obj is None or (obj.status in EDITABLE and obj.programme.status != VersionStatus.DEREGISTERED)

    def has_add_permission(self, request, obj=None):
        return self._draft(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._draft(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._draft(obj) and super().has_delete_permission(request, obj)


@admin.register(ProgrammeVersion)
class ProgrammeVersionAdmin(StepsMixin, CodeListFieldsMixin, RegisterAdmin):
    list_display = ("programme", "number", "name", "status", "status_since", "registered_on")
    list_filter = ("status", "programme__kind")
    search_fields = ("programme__search_text",)
    search_help_text = ProgrammeAdmin.search_help_text
    list_select_related = ("programme",)
    ordering = ("-id",)
    inlines = [ModuleInline]
    change_form_template = "admin/programmes/programmeversion/change_form.html"
    steps = VERSION_STEPS
    readonly_fields = ("programme", "number", "status", "status_since", "based_on", "submitted_on", "registered_on",
                       "updated_at")
    fieldsets = (
        (None, {"fields": ("programme", "number", "status", "status_since", "based_on", "submitted_on",
                           "registered_on")}),
        (_("Content"), {"fields": ("name_lt", "name_en", "subtype", "qualification", "ltks_level", "isced_f",
                                   "language", "forms", "target_groups")}),
        (_("Length"), {"fields": ("credits", "hours", "practice_hours")}),
        (_("Entry"), {"fields": ("entry_education", "with_general_education", "entry_requirements_lt",
                                 "entry_requirements_en")}),
        (_("Description"), {"fields": ("description_lt", "description_en", "learning_outcomes_lt",
                                       "learning_outcomes_en", "valid_from", "valid_to", "updated_at")}),
    )
    raw_id_fields = ("qualification",)
    update_service = services.update_version

    def programme_of(self, obj):
        return obj.programme

    def get_search_results(self, request, queryset, search_term):
        return search(queryset, search_term, field="programme__search_text"), False

    def get_fieldsets(self, request, obj=None):
        if obj is None:  # a new version is a copy of the version in force of a registered programme
            return ((None, {"fields": ("programme",),
                            "description": NEW_VERSION.explain}),)
        return super().get_fieldsets(request, obj)

    def get_readonly_fields(self, request, obj=None):
        return () if obj is None else super().get_readonly_fields(request, obj)

    def get_inlines(self, request, obj):
        return [] if obj is None else super().get_inlines(request, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "programme":
            national = scope_for(request.user).national
            programmes = Programme.objects.for_user(request.user, "change").filter(status__in=IN_FORCE)
            return forms.ModelChoiceField(
                queryset=programmes.order_by("name_lt"), label=db_field.verbose_name,
                widget=ForeignKeyRawIdWidget(db_field.remote_field, self.admin_site) if national
                else forms.Select,
                error_messages={"invalid_choice": _("Choose a registered programme (of your institution).")})
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def service_create(self, request, form, extra=None):
        return services.new_version(form.cleaned_data["programme"], actor=request.user)

    def response_add(self, request, obj, post_url_continue=None):
        if "_popup" in request.POST:
            return super().response_add(request, obj, post_url_continue)
        self.message_user(request, NEW_VERSION.done, messages.SUCCESS)
        return redirect(reverse("admin:programmes_programmeversion_change", args=[obj.pk]))

    def has_change_permission(self, request, obj=None):
        if obj is not None and (obj.status not in EDITABLE or obj.programme.status == VersionStatus.DEREGISTERED):
            return False  # only a draft changes; a registered version is immutable
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False  # versions are kept

    def get_urls(self):
        info = f"{self.opts.app_label}_{self.opts.model_name}"
        wrap = self.admin_site.admin_view
        return [path("<path:object_id>/check/", wrap(self.check_view), name=f"{info}_check"),
                path("<path:object_id>/compare/", wrap(self.compare_view), name=f"{info}_compare"),
                *self.step_urls(), *super().get_urls()]

    def previous(self, request, version):
        visible = ProgrammeVersion.objects.for_user(request.user, "view").filter(programme_id=version.programme_id)
        if version.based_on_id:
            found = visible.filter(pk=version.based_on_id).first()
            if found is not None:
                return found
        return visible.filter(number__lt=version.number).order_by("-number").first()

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        extra = {}
        if obj is not None:
            extra = {"steps": self.available_steps(request, obj),
                     "check_url": reverse("admin:programmes_programmeversion_check", args=[obj.pk]),
                     "compare_url": (reverse("admin:programmes_programmeversion_compare", args=[obj.pk])
                                     if self.previous(request, obj) else None),
                     "programme_url": reverse("admin:programmes_programme_change", args=[obj.programme_id])}
            if request.method == "GET" and not self.has_change_permission(request, obj) \
                    and self.may_take(request, obj, VERSION_STEPS[0]):
                try:
                    services.ensure_draft(obj)
                except ValidationError as exc:
                    self.message_user(request, " ".join(exc.messages), messages.INFO)
        return super().change_view(request, object_id, form_url, {**extra, **(extra_context or {})})

    def check_view(self, request, object_id):
        """The kind's rules on this version: one message per broken rule."""
        version = self.get_object(request, unquote(object_id))
        if version is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        findings = services.check_version(version)
        for finding in findings:
            self.message_user(request, finding.message, messages.ERROR if finding.blocking else messages.WARNING)
        if not findings:
            self.message_user(request, gettext("The version meets every rule of its kind."), messages.SUCCESS)
        elif not any(f.blocking for f in findings):
            self.message_user(request, gettext("Only warnings: the version can be submitted."), messages.INFO)
        return redirect(reverse("admin:programmes_programmeversion_change", args=[version.pk]))

    def compare_view(self, request, object_id):
        """What changed between this version and another one of the programme (by default the one it was
        copied from)."""
        version = self.get_object(request, unquote(object_id))
        if version is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        visible = ProgrammeVersion.objects.for_user(request.user, "view").filter(programme_id=version.programme_id)
        other_number = request.GET.get("with", "")
        other = (visible.filter(number=int(other_number)).first() if other_number.isdigit() and len(other_number) < 6
                 else self.previous(request, version))
        if other is None or other.pk == version.pk:
            self.message_user(request, gettext("There is no other version to compare with."), messages.WARNING)
            return redirect(reverse("admin:programmes_programmeversion_change", args=[version.pk]))
        old, new = sorted((other, version), key=lambda v: v.number)
        context = {**self.admin_site.each_context(request), "opts": self.opts, "object": version, "old": old,
                   "new": new, "differences": services.diff_versions(old, new),
                   "versions": visible.exclude(pk=version.pk).order_by("-number"),
                   "title": gettext("Changes from version %(old)s to version %(new)s") % {
                       "old": old.number, "new": new.number}}
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/programmes/programmeversion/compare.html", context)


@admin.register(Module)
class ModuleAdmin(CodeListFieldsMixin, RegisterAdmin):
    list_display = ("code", "name", "type", "mandatory", "credits", "hours", "version")
    list_filter = ("type", "mandatory")
    search_fields = ("code", "name_lt", "name_en", "=version__programme__state_code")
    list_select_related = ("version", "version__programme")
    raw_id_fields = ("version", "competences")
    fields = ("version", "position", "code", "name_lt", "name_en", "type", "mandatory", "credits", "hours",
              "practice_hours", "ltks_level", "competences", "learning_outcomes_lt", "learning_outcomes_en")
    create_service = services.add_module
    update_service = services.update_module
    delete_service = services.delete_module

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "version" and not scope_for(request.user).national:
            drafts = ProgrammeVersion.objects.for_user(request.user, "change").filter(status=VersionStatus.DRAFT)
            return forms.ModelChoiceField(queryset=drafts.select_related("programme"), label=db_field.verbose_name,
                                          error_messages={"invalid_choice": _("Choose a draft version of your "
                                                                              "institution's programme.")})
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        return ("version",) if obj is not None else ()

    def _draft(self, obj) -> bool:
        return obj is None or obj.version.status in EDITABLE

    def has_change_permission(self, request, obj=None):
        return self._draft(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._draft(obj) and super().has_delete_permission(request, obj)


@admin.register(ProgrammeEvent)
class ProgrammeEventAdmin(RegisterAdmin):
    """Written by the lifecycle services only."""

    list_display = ("programme", "version", "action", "date", "user", "time")
    list_filter = ("action",)
    search_fields = ("=programme__state_code", "=programme__temp_code")
    list_select_related = ("programme", "version", "version__programme", "user")
    ordering = ("-id",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# --- kinds and rules (the agency's reference data) ---------------------------------------------------------

