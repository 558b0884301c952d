"""Programme kinds and the rules each kind must meet (agency only)."""


from django.contrib import admin

from edureg.core.admin_base import RegisterAdmin, RegisterInline
from edureg.programmes import services
from edureg.programmes.admin.common import CodeListFieldsMixin
from edureg.programmes.models import (
    ProgrammeKind,
    ProgrammeRule,
)


class RuleInline(CodeListFieldsMixin, RegisterInline):
    model = ProgrammeRule
    fields = ("code", "subtype", "metric", "minimum", "maximum", "values", "severity", "message_lt", "message_en",
              "active")
    create_service = services.create_rule
    update_service = services.update_rule
    delete_service = services.delete_rule


@admin.register(ProgrammeKind)
class ProgrammeKindAdmin(CodeListFieldsMixin, RegisterAdmin):
    list_display = ("code", "name", "formal", "modular", "unit", "code_prefix", "sort_order")
    list_filter = ("formal", "modular", "unit")
    search_fields = ("code", "name_lt", "name_en")
    inlines = [RuleInline]
    create_service = services.create_kind
    update_service = services.update_kind


@admin.register(ProgrammeRule)
class ProgrammeRuleAdmin(CodeListFieldsMixin, RegisterAdmin):
    list_display = ("kind", "code", "subtype", "metric", "minimum", "maximum", "severity", "active")
    list_filter = ("kind", "metric", "severity", "active")
    search_fields = ("code", "message_lt", "message_en")
    list_select_related = ("kind",)
    create_service = services.create_rule
    update_service = services.update_rule
    delete_service = services.delete_rule


# --- offerings --------------------------------------------------------------------------------------------

