from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from edureg.classifiers.admin import classifier_filter
from edureg.core.admin_base import RegisterAdmin
from edureg.core.imports.admin import ImportExportMixin
from edureg.persons import codes, services
from edureg.persons.models import Person
from edureg.persons.querysets import may_see_full_code

CODE_FIELDS = ("personal_code", "other_id")  # masked for users who may not see codes in full


@admin.register(Person)
class PersonAdmin(ImportExportMixin, RegisterAdmin):
    importer = "persons.imports.PersonImporter"
    list_display = ("last_name", "first_name", "masked_personal_code", "birth_year", "sex")
    list_filter = (classifier_filter("sex", "sex"),)
    # Names by prefix; a personal code only by exact match (typed in full), never by fragment.
    search_fields = ("last_name", "first_name")
    list_select_related = ("sex",)
    readonly_fields = ("updated_at",)
    fieldsets = (
        (None, {"fields": ("personal_code", "first_name", "last_name", "birth_date", "sex")}),
        (_("People without a Lithuanian personal code"), {"fields": ("other_id", "other_id_country",
                                                                     "citizenship")}),
        (_("Contacts"), {"fields": ("email", "phone", "updated_at")}),
    )
    create_service = services.register_person
    update_service = services.update_person
    delete_service = services.delete_person

    @admin.display(description=_("personal code"))
    def masked_personal_code(self, obj):
        return obj.masked_code

    @admin.display(description=_("other identifier"))
    def masked_other_id(self, obj):
        return codes.mask(obj.other_id)

    def get_fieldsets(self, request, obj=None):
        """Users who only view persons (a municipality officer) see the codes masked, as in lists and the API."""
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or may_see_full_code(request.user):
            return fieldsets
        masked = {"personal_code": "masked_personal_code", "other_id": "masked_other_id"}
        return [(name, {**options, "fields": tuple(masked.get(f, f) for f in options["fields"])})
                for name, options in fieldsets]

    def get_readonly_fields(self, request, obj=None):
        readonly = tuple(super().get_readonly_fields(request, obj))
        if obj is not None and not may_see_full_code(request.user):
            readonly += ("masked_personal_code", "masked_other_id")
        return readonly

    def history_value(self, request, obj, field, value):
        if field in CODE_FIELDS and isinstance(value, str) and not may_see_full_code(request.user):
            return codes.mask(value)
        return value

    def history_viewed(self, request, obj):
        # The history holds the record's personal data (earlier names, contacts): a read like the card itself.
        services.log_full_view(obj, user=request.user, source="admin")

    @admin.display(description=_("birth year"), ordering="birth_date")
    def birth_year(self, obj):
        return obj.birth_date.year

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        if term.isdigit() and len(term) == 11:
            try:
                return queryset.filter(personal_code=codes.check(term)), False
            except ValueError:
                return queryset.none(), False
        return super().get_search_results(request, queryset, search_term)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        from edureg.classifiers.models import ClassifierItem

        if db_field.name in ("sex", "citizenship"):
            list_code = "sex" if db_field.name == "sex" else "country"
            kwargs["queryset"] = ClassifierItem.objects.of(list_code).current().order_by("sort_order", "name_lt")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        if response.status_code == 200 and object_id:
            person = self.get_queryset(request).filter(pk=object_id).first()
            if person is not None:
                services.log_full_view(person, user=request.user, source="admin")
        return response
