"""Offerings: a registered programme offered by an institution in a school year."""


from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from edureg.classifiers.admin import classifier_filter
from edureg.classifiers.models import ClassifierItem
from edureg.core.admin_base import RegisterAdmin
from edureg.core.scoping import scope_for
from edureg.programmes import services
from edureg.programmes.choices import VersionStatus
from edureg.programmes.models import (
    Offering,
    Programme,
)


class SchoolYearFilter(admin.SimpleListFilter):
    title = _("school year")
    parameter_name = "year"

    def lookups(self, request, model_admin):
        years = Offering.objects.for_user(request.user, "view").values_list("year", flat=True).distinct()
        return [(str(y), f"{y}–{y + 1}") for y in sorted(set(years), reverse=True)[:15]]

    def queryset(self, request, queryset):
        value = self.value()
        return queryset.filter(year=int(value)) if value and value.isdigit() else queryset


@admin.register(Offering)
class OfferingAdmin(RegisterAdmin):
    list_display = ("programme", "institution", "municipality", "year", "form", "language", "state_funded_places",
                    "paid_places")
    list_filter = (SchoolYearFilter, "form", classifier_filter("municipality", "municipality"),
                   ("programme__kind", admin.RelatedOnlyFieldListFilter))
    search_fields = ("programme__name_lt", "=programme__state_code", "institution__name", "=institution__code")
    list_select_related = ("programme", "institution", "municipality", "language")
    raw_id_fields = ("institution", "branch")
    scoped_choice_fields = ("institution",)
    fields = ("programme", "version", "institution", "branch", "municipality", "year", "start_date", "form",
              "language", "state_funded_places", "paid_places", "note")
    readonly_fields = ("version",)
    create_service = services.create_offering
    update_service = services.update_offering
    delete_service = services.delete_offering

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "programme":
            # Only a registered programme is offered: by its provider or co-providers (the service checks).
            action = "view" if scope_for(request.user).national else "change"
            programmes = Programme.objects.for_user(request.user, action).filter(status=VersionStatus.REGISTERED)
            return forms.ModelChoiceField(
                queryset=programmes.order_by("name_lt"), label=db_field.verbose_name,
                error_messages={"invalid_choice": _("Choose a registered programme (of your institution).")})
        if db_field.name == "language":
            kwargs["queryset"] = ClassifierItem.objects.of("language").current().order_by("sort_order", "code")
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "municipality":
            field.required = False
            field.help_text = _("Empty: the branch's or the institution's municipality.")
        return field
