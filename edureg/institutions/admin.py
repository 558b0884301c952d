from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from edureg.classifiers.admin import classifier_filter
from edureg.core.admin_base import RegisterAdmin, RegisterInline
from edureg.core.imports.admin import ImportExportMixin
from edureg.institutions import services
from edureg.institutions.models import Branch, Institution, StatusChange


class BranchInline(RegisterInline):
    model = Branch
    fields = ("code", "name", "municipality", "address", "opened_on", "closed_on", "email", "phone")
    create_service = services.add_branch
    update_service = services.update_branch
    delete_service = services.delete_branch


class StatusHistoryInline(admin.TabularInline):
    model = StatusChange
    fields = ("status", "since", "note")
    readonly_fields = fields
    extra = 0
    max_num = 0
    can_delete = False
    verbose_name_plural = _("status history")

    def has_view_permission(self, request, obj=None):
        return True


@admin.register(Institution)
class InstitutionAdmin(ImportExportMixin, RegisterAdmin):
    importer = "institutions.imports.InstitutionImporter"
    list_display = ("name", "code", "type", "municipality", "ownership", "status")
    list_filter = (classifier_filter("municipality", "municipality"), classifier_filter("type", "institution_type"),
                   classifier_filter("ownership", "ownership"), "status")
    search_fields = ("name", "short_name", "=code")
    list_select_related = ("type", "municipality", "ownership")
    autocomplete_fields = ()
    raw_id_fields = ("parent",)
    inlines = [BranchInline, StatusHistoryInline]
    readonly_fields = ("status_since", "liquidated_on", "updated_at")
    fieldsets = (
        (None, {"fields": ("code", "name", "name_en", "short_name", "type", "ownership", "municipality")}),
        (_("Address and contacts"), {"fields": ("address", "postal_code", "email", "phone", "website")}),
        (_("Lifecycle"), {"fields": ("founder", "registered_on", "status", "status_since", "liquidated_on",
                                     "parent", "updated_at")}),
    )
    create_service = services.register_institution
    update_service = services.update_institution
    delete_service = services.delete_institution

    def get_readonly_fields(self, request, obj=None):
        readonly = tuple(super().get_readonly_fields(request, obj))
        if obj is not None and not self.has_add_permission(request):
            readonly += services.REGISTRAR_FIELDS  # an institution officer keeps names, address and contacts
        return readonly


@admin.register(Branch)
class BranchAdmin(RegisterAdmin):
    list_display = ("name", "code", "institution", "municipality", "opened_on", "closed_on")
    list_filter = (classifier_filter("municipality", "municipality"),)
    search_fields = ("name", "code", "institution__name", "=institution__code")
    list_select_related = ("institution", "municipality")
    raw_id_fields = ("institution",)
    scoped_choice_fields = ("institution",)
    create_service = services.add_branch
    update_service = services.update_branch
    delete_service = services.delete_branch
