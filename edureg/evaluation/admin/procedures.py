"""Evaluation procedures with their criteria: the agency's configuration. A procedure is saved with its criteria
and then checked as a whole (services.procedures.check_procedure); a refusal shows on the page, nothing saved."""

from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from edureg.core.admin_base import RegisterAdmin
from edureg.evaluation.admin.common import ValidatedInline, WholeCheckMixin
from edureg.evaluation.models import Criterion, Procedure
from edureg.evaluation.services import definitions as writes


class CriterionInline(ValidatedInline):
    model = Criterion
    fields = ("order", "code", "name_lt", "name_en", "weight", "mandatory", "pass_mark", "justification_required")
    create_service = writes.create_criterion
    update_service = writes.update_criterion
    delete_service = writes.delete_criterion


@admin.register(Procedure)
class ProcedureAdmin(WholeCheckMixin, RegisterAdmin):
    list_display = ("code", "name", "purpose", "experts_per_application", "scale", "threshold", "validity_years",
                    "criteria_count", "active")
    list_filter = ("purpose", "active")
    search_fields = ("code", "name_lt", "name_en")
    ordering = ("code",)
    filter_horizontal = ("kinds",)
    inlines = [CriterionInline]
    fieldsets = (
        (None, {"fields": ("code", "name_lt", "name_en", "description_lt", "description_en", "purpose", "kinds",
                           "active")}),
        (_("Experts and scores"), {"fields": ("experts_per_application", "scale_min", "scale_max", "aggregation",
                                              "disagreement_points", "conflict_years")}),
        (_("Decision rule"), {"fields": ("threshold", "conditions_threshold", "validity_years",
                                         "expiry_warning_days")}),
        (_("Deadlines (days)"), {"fields": ("eligibility_days", "evaluation_days", "decision_days", "appeal_days")}),
    )
    create_service = writes.create_procedure
    update_service = writes.update_procedure
    delete_service = writes.delete_procedure
    whole_check = writes.check_procedure

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(n_criteria=Count("criteria"))

    @admin.display(description=_("scale"))
    def scale(self, obj):
        return f"{obj.scale_min}–{obj.scale_max}"

    @admin.display(description=_("criteria"), ordering="n_criteria")
    def criteria_count(self, obj):
        return obj.n_criteria


@admin.register(Criterion)
class CriterionAdmin(WholeCheckMixin, RegisterAdmin):
    list_display = ("code", "name", "procedure", "weight", "mandatory", "pass_mark", "order")
    list_filter = ("procedure", "mandatory")
    search_fields = ("code", "name_lt", "name_en")
    list_select_related = ("procedure",)
    ordering = ("procedure__code", "order", "code")
    fields = ("procedure", "order", "code", "name_lt", "name_en", "description_lt", "description_en", "weight",
              "mandatory", "pass_mark", "justification_required")
    create_service = writes.create_criterion
    update_service = writes.update_criterion
    delete_service = writes.delete_criterion

    @staticmethod
    def whole_check(criterion):
        writes.check_procedure(criterion.procedure)

    def get_readonly_fields(self, request, obj=None):
        return ("procedure",) if obj is not None else ()
