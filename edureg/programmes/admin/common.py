"""Pieces shared by the programmes back-office pages."""


from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from edureg.classifiers.models import ClassifierItem
from edureg.programmes.choices import VersionStatus
from edureg.programmes.forms import code_list_formfield

IN_FORCE = (VersionStatus.REGISTERED, VersionStatus.SUSPENDED)


class CodeListFieldsMixin:
    """JSON lists of codes (forms of learning, target groups) as multiple choices, other JSON strict."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        return code_list_formfield(db_field) or super().formfield_for_dbfield(db_field, request, **kwargs)



class LevelFilter(admin.SimpleListFilter):
    title = _("LTKS level")
    parameter_name = "level"

    def lookups(self, request, model_admin):
        return [(str(n), str(n)) for n in range(1, 9)]

    def queryset(self, request, queryset):
        value = self.value()
        return queryset.filter(ltks_level=int(value)) if value and value.isdigit() else queryset


class FieldFilter(admin.SimpleListFilter):
    """ISCED-F broad fields; a programme in any narrower field of one is found by the code's beginning."""

    title = _("field of education (ISCED-F)")
    parameter_name = "field"

    def lookups(self, request, model_admin):
        items = ClassifierItem.objects.of("isced_f").current().filter(parent__isnull=True).order_by("code")
        return [(i.code, str(i)) for i in items]

    def queryset(self, request, queryset):
        value = self.value()
        return queryset.filter(isced_f__code__startswith=value) if value and value.isdigit() else queryset


# --- lifecycle steps ---------------------------------------------------------------------------------------



