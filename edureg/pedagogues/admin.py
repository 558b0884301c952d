from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from edureg.classifiers.admin import classifier_filter
from edureg.classifiers.models import ClassifierItem
from edureg.core.admin_base import RegisterAdmin
from edureg.core.admin_forms import PersonRecordAdminMixin
from edureg.core.imports.admin import ImportExportMixin
from edureg.pedagogues import services
from edureg.pedagogues.models import Employment
from edureg.persons.search import person_record_search


@admin.register(Employment)
class EmploymentAdmin(ImportExportMixin, PersonRecordAdminMixin, RegisterAdmin):
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
    record_fields = ("institution", "position", "subjects", "workload", "qualification_category", "start_date",
                     "end_date")

    def get_search_results(self, request, queryset, search_term):
        return person_record_search(queryset, search_term), False

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "subjects":
            kwargs["queryset"] = ClassifierItem.objects.of("subject").current().order_by("sort_order", "code")
        return super().formfield_for_manytomany(db_field, request, **kwargs)


