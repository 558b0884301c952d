"""The experts register: a person (chosen by row id; personal codes are never listed), fields of expertise
(ISCED-F), programme kinds and procedures, availability and the most open assignments, with the expert's ties to
institutions inline. The load column counts the open assignments (assigned, not yet submitted)."""

import datetime

from django.contrib import admin
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from edureg.classifiers.models import ClassifierItem
from edureg.core.admin_base import RegisterAdmin
from edureg.evaluation.admin.common import ValidatedInline
from edureg.evaluation.choices import AssignmentStatus
from edureg.evaluation.models import Expert, ExpertTie
from edureg.evaluation.services import definitions as writes


class AvailableFilter(admin.SimpleListFilter):
    title = _("availability")
    parameter_name = "available"

    def lookups(self, request, model_admin):
        return [("yes", _("Available today")), ("no", _("Not available today"))]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        available = (Q(active=True) & (Q(available_from__isnull=True) | Q(available_from__lte=today))
                     & (Q(available_until__isnull=True) | Q(available_until__gte=today)))
        if self.value() == "yes":
            return queryset.filter(available)
        if self.value() == "no":
            return queryset.exclude(available)
        return queryset


class TieInline(ValidatedInline):
    model = ExpertTie
    fields = ("institution", "relation", "started_on", "ended_on", "note")
    raw_id_fields = ("institution",)
    create_service = writes.create_tie
    update_service = writes.update_tie
    delete_service = writes.delete_tie


@admin.register(Expert)
class ExpertAdmin(RegisterAdmin):
    list_display = ("name", "fields_of_expertise", "open_assignments", "max_load", "availability", "active")
    list_filter = ("active", AvailableFilter, "kinds", "procedures")
    search_fields = ("person__last_name", "person__first_name", "email")
    search_help_text = _("Words of the expert's name or e-mail address.")
    list_select_related = ("person",)
    ordering = ("person__last_name", "person__first_name")
    raw_id_fields = ("person",)
    filter_horizontal = ("expertise", "kinds", "procedures")
    fieldsets = (
        (None, {"fields": ("person", "email", "active", "note")}),
        (_("What the expert evaluates"), {"fields": ("expertise", "kinds", "procedures")}),
        (_("Availability"), {"fields": ("available_from", "available_until", "max_load", "open_assignments")}),
    )
    readonly_fields = ("open_assignments",)
    inlines = [TieInline]
    create_service = writes.create_expert
    update_service = writes.update_expert
    delete_service = writes.delete_expert

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(
            n_open=Count("assignments", filter=Q(assignments__status=AssignmentStatus.ASSIGNED))
        ).prefetch_related("expertise")

    def get_readonly_fields(self, request, obj=None):
        return ("person", "open_assignments") if obj is not None else ("open_assignments",)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "expertise":
            kwargs["queryset"] = ClassifierItem.objects.of("isced_f").order_by("code")
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    @admin.display(description=_("expert"), ordering="person__last_name")
    def name(self, obj):
        return str(obj)

    @admin.display(description=_("fields of expertise"))
    def fields_of_expertise(self, obj):
        return ", ".join(item.code for item in obj.expertise.all()) or "—"

    @admin.display(description=_("open assignments"), ordering="n_open")
    def open_assignments(self, obj):
        if obj is None or obj.pk is None:
            return 0
        n_open = getattr(obj, "n_open", None)
        return n_open if n_open is not None else obj.assignments.filter(status=AssignmentStatus.ASSIGNED).count()

    @admin.display(description=_("availability"))
    def availability(self, obj):
        start, end = obj.available_from, obj.available_until
        if start is None and end is None:
            return _("any time")
        return f"{_day(start)} – {_day(end)}"


def _day(day: datetime.date | None) -> str:
    return day.isoformat() if day else "…"


@admin.register(ExpertTie)
class ExpertTieAdmin(RegisterAdmin):
    list_display = ("expert", "institution", "relation", "started_on", "ended_on")
    list_filter = ("relation",)
    search_fields = ("expert__person__last_name", "institution__name")
    list_select_related = ("expert__person", "institution")
    raw_id_fields = ("expert", "institution")
    fields = ("expert", "institution", "relation", "started_on", "ended_on", "note")
    create_service = writes.create_tie
    update_service = writes.update_tie
    delete_service = writes.delete_tie
