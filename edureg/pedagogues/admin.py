from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from edureg.classifiers.admin import classifier_filter
from edureg.classifiers.models import ClassifierItem
from edureg.core.admin_base import RegisterAdmin, _service_form
from edureg.core.admin_forms import PersonIdentityFields, with_identity_fields
from edureg.core.imports.admin import ImportExportMixin
from edureg.pedagogues import services
from edureg.pedagogues.models import Employment
from edureg.persons.search import person_record_search


@admin.register(Employment)
class EmploymentAdmin(ImportExportMixin, RegisterAdmin):
    importer = "pedagogues.imports.EmploymentImporter"
    list_display = ("person", "institution", "position", "workload", "qualification_category", "start_date",
                    "end_date")
    list_filter = (classifier_filter("position", "position"),
                   classifier_filter("qualification_category", "qualification_category"))
    # Searched by person_record_search (indexed lookups), see get_search_results.
    search_fields = ("person__last_name", "institution__name", "=institution__code")
    search_help_text = _("A learner's or employee's name, a personal code, an institution's name or code.")
    ordering = ("-id",)  # newest first, straight from the primary key index
    list_select_related = ("person", "institution", "position", "qualification_category")
    raw_id_fields = ("institution",)
    scoped_choice_fields = ("institution",)
    filter_horizontal = ("subjects",)
    create_service = services.employ_person
    update_service = services.update_employment
    delete_service = services.delete_employment

    def get_search_results(self, request, queryset, search_term):
        return person_record_search(queryset, search_term), False

    def get_readonly_fields(self, request, obj=None):
        return ("person", "updated_at") if obj else ()

    def get_fields(self, request, obj=None):
        employment = ["institution", "position", "subjects", "workload", "qualification_category", "start_date",
                      "end_date"]
        if obj is None:
            return [*PersonIdentityFields.person_fields, *employment]
        return ["person", *employment, "updated_at"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["fields"] = [f for f in self.get_fields(request) if f not in PersonIdentityFields.person_fields]
            form = super(RegisterAdmin, self).get_form(request, obj, change=change, **kwargs)
            return _service_form(self, request, with_identity_fields(form), change)
        return super().get_form(request, obj, change=change, **kwargs)

    def extra_create_fields(self, request, form):
        return {"person_data": PersonIdentityFields.person_data(form.cleaned_data)}

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        lists = {"position": "position", "qualification_category": "qualification_category"}
        if db_field.name in lists:
            kwargs["queryset"] = ClassifierItem.objects.of(lists[db_field.name]).order_by("sort_order", "code")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "subjects":
            kwargs["queryset"] = ClassifierItem.objects.of("subject").current().order_by("sort_order", "code")
        return super().formfield_for_manytomany(db_field, request, **kwargs)


