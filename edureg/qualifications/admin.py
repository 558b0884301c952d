from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from edureg.classifiers.admin import classifier_filter
from edureg.classifiers.models import ClassifierItem
from edureg.core.admin_base import RegisterAdmin, RegisterInline, model_values
from edureg.core.search import search
from edureg.qualifications import services
from edureg.qualifications.choices import StandardStatus
from edureg.qualifications.models import (
    CommitteeDecision,
    CommitteeMeeting,
    CommitteeMember,
    Competence,
    ProfessionalStandard,
    Qualification,
    SectoralCommittee,
)


class ValidatedInline(RegisterInline):
    """An inline whose changed rows are checked by their service (a rolled-back run) while the page is validated,
    so that a rule the service holds shows as an error on the row instead of failing on save."""

    def service_create(self, request, form, extra=None):
        # An inline row's form carries its (empty) id; the create services take the model's fields only.
        values = {k: v for k, v in model_values(form).items() if k != self.model._meta.pk.name}
        return type(self).create_service(actor=request.user, **{**values, **(extra or {})})

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        inline, fk = self, formset.fk

        class ValidatedForm(formset.form):
            def _post_clean(self):
                super()._post_clean()
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


def kept_from_deletion(deleted_objects, kept):
    """Add records that their service keeps (e.g. a registered standard) to the admin's "protected" list, so that
    the delete confirmation refuses instead of failing on save."""
    deleted, counts, perms_needed, protected = deleted_objects
    return deleted, counts, perms_needed, [*protected, *(str(obj) for obj in kept)]


class LtksLevelFilter(admin.SimpleListFilter):
    title = _("LTKS level")
    parameter_name = "ltks_level"

    def lookups(self, request, model_admin):
        return [(str(n), str(n)) for n in range(1, 9)]

    def queryset(self, request, queryset):
        value = self.value()
        return queryset.filter(ltks_level=int(value)) if value in {str(n) for n in range(1, 9)} else queryset


class IscedFieldFilter(admin.SimpleListFilter):
    """Broad and narrow ISCED-F fields; a broad field takes in its narrow and detailed ones (07 → 0715)."""

    title = _("field of education (ISCED-F)")
    parameter_name = "isced_f__code"

    def lookups(self, request, model_admin):
        items = ClassifierItem.objects.of("isced_f").current().filter(code__regex=r"^\d{2,3}$").order_by("code")
        return [(i.code, f"{i.code} {i.name}") for i in items]

    def queryset(self, request, queryset):
        value = self.value()
        return queryset.filter(isced_f__code__startswith=value) if value else queryset


# --- committees -----------------------------------------------------------------------------------------

class MemberInline(ValidatedInline):
    model = CommitteeMember
    fields = ("person", "role", "represents", "start_date", "end_date")
    raw_id_fields = ("person",)
    create_service = services.add_member
    update_service = services.update_member
    delete_service = services.remove_member


class MeetingInline(ValidatedInline):
    model = CommitteeMeeting
    fields = ("number", "date", "place")
    show_change_link = True
    create_service = services.create_meeting
    update_service = services.update_meeting
    delete_service = services.delete_meeting


@admin.register(SectoralCommittee)
class SectoralCommitteeAdmin(RegisterAdmin):
    list_display = ("name_lt", "code", "sector", "established_on", "dissolved_on")
    list_filter = (classifier_filter("sector", "economic_sector"),)
    search_fields = ("name_lt", "name_en", "=code")
    list_select_related = ("sector",)
    inlines = [MemberInline, MeetingInline]
    create_service = services.create_committee
    update_service = services.update_committee
    delete_service = services.delete_committee


@admin.register(CommitteeMember)
class CommitteeMemberAdmin(RegisterAdmin):
    list_display = ("person", "committee", "role", "represents", "start_date", "end_date")
    list_filter = ("role", "committee")
    search_fields = ("person__last_name", "committee__name_lt", "=committee__code")
    list_select_related = ("person", "committee")
    raw_id_fields = ("person",)
    create_service = services.add_member
    update_service = services.update_member
    delete_service = services.remove_member


class DecisionInline(ValidatedInline):
    model = CommitteeDecision
    fields = ("standard", "programme_version", "outcome", "reasons")
    raw_id_fields = ("standard", "programme_version")
    create_service = services.record_decision
    update_service = services.update_decision
    delete_service = services.delete_decision


@admin.register(CommitteeMeeting)
class CommitteeMeetingAdmin(RegisterAdmin):
    list_display = ("committee", "number", "date", "place")
    list_filter = ("committee",)
    search_fields = ("number", "committee__name_lt", "=committee__code")
    list_select_related = ("committee",)
    inlines = [DecisionInline]
    create_service = services.create_meeting
    update_service = services.update_meeting
    delete_service = services.delete_meeting


@admin.register(CommitteeDecision)
class CommitteeDecisionAdmin(RegisterAdmin):
    list_display = ("meeting", "outcome", "standard", "programme_version")
    list_filter = ("outcome", "meeting__committee")
    search_fields = ("standard__code", "standard__name_lt", "reasons")
    list_select_related = ("meeting__committee", "standard")
    raw_id_fields = ("meeting", "standard", "programme_version")
    create_service = services.record_decision
    update_service = services.update_decision
    delete_service = services.delete_decision

    def get_readonly_fields(self, request, obj=None):
        # A recorded decision keeps what was decided; its reasons may be corrected.
        return ("meeting", "standard", "programme_version", "outcome") if obj is not None else ()


# --- standards and competences ----------------------------------------------------------------------------

class CompetenceInline(ValidatedInline):
    model = Competence
    fields = ("code", "name_lt", "name_en", "ltks_level")
    create_service = services.create_competence
    update_service = services.update_competence
    delete_service = services.delete_competence

    def _open(self, obj):
        return obj is None or obj.status in services.UNDER_REVIEW

    def has_add_permission(self, request, obj=None):
        return self._open(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._open(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._open(obj) and super().has_delete_permission(request, obj)


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("new status"), choices=[
        (s.value, s.label) for s in (StandardStatus.CONSULTATION, StandardStatus.REGISTERED,
                                     StandardStatus.WITHDRAWN)])
    on = forms.DateField(label=_("from"), required=False, help_text=_("Default: today. Registration: valid from."))
    reason = forms.CharField(label=_("reason"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
                             help_text=_("Required for a withdrawal."))


@admin.register(ProfessionalStandard)
class ProfessionalStandardAdmin(RegisterAdmin):
    list_display = ("code", "version", "name_lt", "sector", "committee", "status", "status_since", "valid_from",
                    "valid_to")
    list_filter = ("status", classifier_filter("sector", "economic_sector"), "committee")
    search_fields = ("name_lt", "name_en", "=code")
    list_select_related = ("sector", "committee")
    inlines = [CompetenceInline]
    readonly_fields = ("status", "status_since", "status_reason", "valid_from", "updated_at")
    fieldsets = (
        (None, {"fields": ("code", "version", "name_lt", "name_en", "sector", "committee")}),
        (_("Description"), {"fields": ("description_lt", "description_en")}),
        (_("Status"), {"fields": ("status", "status_since", "status_reason", "valid_from", "valid_to",
                                  "updated_at")}),
    )
    change_form_template = "admin/qualifications/professionalstandard/change_form.html"
    actions = ["open_consultation"]
    create_service = services.create_standard
    update_service = services.update_standard
    delete_service = services.delete_standard

    def get_readonly_fields(self, request, obj=None):
        readonly = tuple(super().get_readonly_fields(request, obj))
        if obj is not None and obj.status not in services.UNDER_REVIEW:
            # Approved and registered content stays as it is (a new version changes it); the end of validity may
            # still be set.
            readonly += ("code", "version", "name_lt", "name_en", "sector", "committee", "description_lt",
                         "description_en")
        return readonly

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.status != StandardStatus.DRAFT:
            return False  # only drafts are deleted; the others are withdrawn
        return super().has_delete_permission(request, obj)

    def get_deleted_objects(self, objs, request):
        # "Delete selected" shows the standards that are not drafts as kept, and deletes nothing.
        return kept_from_deletion(super().get_deleted_objects(objs, request),
                                  [o for o in objs if o.status != StandardStatus.DRAFT])

    @admin.action(description=_("Open the public consultation of the selected drafts"), permissions=["change"])
    def open_consultation(self, request, queryset):
        try:
            with transaction.atomic():
                for standard in queryset:
                    services.open_consultation(standard, actor=request.user)
        except (ValidationError, PermissionDenied) as exc:
            messages_ = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
            self.message_user(request, _("Nothing was changed: %(standard)s: %(error)s") % {
                "standard": standard, "error": " ".join(messages_)}, messages.ERROR)
            return
        self.message_user(request, _("The public consultation is open for %(count)d standards.")
                          % {"count": len(queryset)}, messages.SUCCESS)

    def get_urls(self):
        return [path("<int:pk>/status/", self.admin_site.admin_view(self.status_view),
                     name="qualifications_professionalstandard_status"),
                path("<int:pk>/new-version/", self.admin_site.admin_view(self.new_version_view),
                     name="qualifications_professionalstandard_new_version"),
                *super().get_urls()]

    def _changeable(self, request, pk):
        standard = get_object_or_404(self.get_queryset(request), pk=pk)
        if not self.has_change_permission(request, standard):
            raise PermissionDenied
        return standard

    def _page(self, request, standard, template, title, **context):
        context = {**self.admin_site.each_context(request), "title": title, "standard": standard,
                   "opts": self.model._meta, **context}
        return TemplateResponse(request, f"admin/qualifications/professionalstandard/{template}", context)

    def status_view(self, request, pk):
        standard = self._changeable(request, pk)
        form = StatusForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                services.change_standard_status(standard, actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    for message in errors:
                        form.add_error(field if field in form.fields else None, message)
            else:
                self.message_user(request, _("%(standard)s is now %(status)s.") % {
                    "standard": standard, "status": standard.get_status_display().lower()}, messages.SUCCESS)
                return redirect(reverse("admin:qualifications_professionalstandard_change", args=[standard.pk]))
        return self._page(request, standard, "status.html", _("Change the status of %s") % standard, form=form)

    def new_version_view(self, request, pk):
        standard = self._changeable(request, pk)
        if not self.has_add_permission(request):
            raise PermissionDenied
        errors = []
        if request.method == "POST":
            try:
                new = services.new_standard_version(standard, actor=request.user)
            except ValidationError as exc:
                errors = exc.messages
            else:
                self.message_user(request, _("Version %(version)s was made as a draft.") % {"version": new.version},
                                  messages.SUCCESS)
                return redirect(reverse("admin:qualifications_professionalstandard_change", args=[new.pk]))
        return self._page(request, standard, "new_version.html", _("New version of %s") % standard, errors=errors,
                          next_version=standard.version + 1)


@admin.register(Competence)
class CompetenceAdmin(RegisterAdmin):
    list_display = ("code", "name_lt", "standard", "ltks_level")
    list_filter = ("standard__status", LtksLevelFilter)
    search_fields = ("name_lt", "name_en", "=code")
    list_select_related = ("standard",)
    raw_id_fields = ("standard",)
    create_service = services.create_competence
    update_service = services.update_competence
    delete_service = services.delete_competence

    def has_delete_permission(self, request, obj=None):
        if obj is not None and not self._deletable(obj):
            return False
        return super().has_delete_permission(request, obj)

    def _deletable(self, obj):
        return not obj.standard_id or obj.standard.status in services.UNDER_REVIEW

    def get_deleted_objects(self, objs, request):
        return kept_from_deletion(super().get_deleted_objects(objs, request),
                                  [o for o in objs if not self._deletable(o)])


# --- qualifications --------------------------------------------------------------------------------------

@admin.register(Qualification)
class QualificationAdmin(RegisterAdmin):
    list_display = ("code", "name_lt", "ltks_level", "eqf_level", "isced_f", "type", "standard", "valid_from",
                    "valid_to")
    list_filter = (LtksLevelFilter, IscedFieldFilter, "type", "standard")
    search_fields = ("name_lt",)  # searched by edureg.core.search, see get_search_results
    search_help_text = _("Words of the name (with or without diacritics, or their beginnings), or the code.")
    list_select_related = ("isced_f", "standard")
    filter_horizontal = ("competences",)
    fieldsets = (
        (None, {"fields": ("code", "name_lt", "name_en", "ltks_level", "isced_f", "type", "standard",
                           "valid_from", "valid_to")}),
        (_("Competences"), {"fields": ("competences",)}),
        (_("Description and entry requirements"), {"fields": ("description_lt", "description_en",
                                                              "entry_requirements_lt", "entry_requirements_en")}),
    )
    create_service = services.create_qualification
    update_service = services.update_qualification
    delete_service = services.delete_qualification

    @admin.display(description=_("EQF level"))
    def eqf_level(self, obj):
        return obj.eqf_level

    def get_search_results(self, request, queryset, search_term):
        return search(queryset, search_term), False

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "competences":
            kwargs["queryset"] = Competence.objects.for_user(request.user, "view").select_related("standard")
        return super().formfield_for_manytomany(db_field, request, **kwargs)
