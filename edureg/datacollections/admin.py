"""Data collections in the back-office.

The agency defines a form (sections, fields with type, unit and help, validation rules), prepares a period and
opens it (every operating institution of the respondent types gets a "not started" report), follows the reports
and approves or returns them (step pages). Respondents fill in their reports on the pages (/collections/); here
they see them read-only. Answers are read-only everywhere in the back-office. Every write is a service call
(edureg.datacollections.services)."""

from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from edureg.core.admin_base import ReadOnlyRegisterAdmin, RegisterAdmin, RegisterInline
from edureg.core.admin_steps import BaseStepsMixin, StepForm
from edureg.core.scoping import permission_name
from edureg.datacollections import services
from edureg.datacollections.choices import PeriodStatus, SubmissionStatus
from edureg.datacollections.models import Collection, Field, Period, Rule, Section, Submission, Value

# --- steps ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    """A button on a change page: when it shows, what it asks and which service it calls (`run(obj, actor, **data)`);
    `may(user, obj)` says who may take it."""

    name: str
    label: Any
    run: Any
    shown: Any
    may: Any
    form: type[StepForm] | None = None
    done: Any = ""
    explain: Any = ""
    after: Any = None


class StepsMixin(BaseStepsMixin):
    steps: tuple[Step, ...] = ()
    change_form_template = "admin/datacollections/change_form.html"

    def may_take(self, request, obj, step: Step) -> bool:
        return bool(step.may(request.user, obj))

def _refuse_changes(instance, *, actor, **changes):
    """Rows whose fields are all read-only here: the form never changes them (its steps do)."""
    if changes:
        raise ValidationError({name: [gettext("This field cannot be changed here.")] for name in changes})
    return instance


# --- the form -------------------------------------------------------------------------------------------------

class SectionInline(RegisterInline):
    model = Section
    fields = ("code", "name_lt", "name_en", "order")
    create_service = services.create_section
    update_service = services.update_section
    delete_service = services.delete_section


class FieldInline(RegisterInline):
    model = Field
    fk_name = "collection"
    fields = ("code", "section", "name_lt", "name_en", "type", "unit_lt", "unit_en", "required", "minimum", "order")
    show_change_link = True
    create_service = services.create_field
    update_service = services.update_field
    delete_service = services.delete_field

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        sections = Section.objects.filter(collection=obj) if obj is not None else Section.objects.none()
        formset.form.base_fields["section"].queryset = sections.order_by("order", "code")
        return formset


class RuleInline(RegisterInline):
    model = Rule
    fields = ("code", "left", "operator", "right", "severity", "message_lt", "message_en", "order")
    create_service = services.create_rule
    update_service = services.update_rule
    delete_service = services.delete_rule


@admin.register(Collection)
class CollectionAdmin(RegisterAdmin):
    list_display = ("code", "name", "version", "standard", "field_count", "rule_count")
    search_fields = ("code", "name_lt", "name_en")
    ordering = ("code",)
    fields = ("code", "name_lt", "name_en", "description_lt", "description_en", "respondent_types", "version",
              "standard")
    filter_horizontal = ("respondent_types",)
    inlines = [SectionInline, FieldInline, RuleInline]
    create_service = services.create_collection
    update_service = services.update_collection
    delete_service = services.delete_collection

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(n_fields=Count("fields", distinct=True),
                                                      n_rules=Count("rules", distinct=True))

    @admin.display(description=_("fields"), ordering="n_fields")
    def field_count(self, obj):
        return obj.n_fields

    @admin.display(description=_("rules"), ordering="n_rules")
    def rule_count(self, obj):
        return obj.n_rules

    def get_inlines(self, request, obj):
        return self.inlines if obj is not None else [SectionInline]


@admin.register(Section)
class SectionAdmin(RegisterAdmin):
    list_display = ("code", "name", "collection", "order")
    list_filter = ("collection",)
    search_fields = ("code", "name_lt", "name_en")
    list_select_related = ("collection",)
    fields = ("collection", "code", "name_lt", "name_en", "order")
    create_service = services.create_section
    update_service = services.update_section
    delete_service = services.delete_section

    def get_readonly_fields(self, request, obj=None):
        return ("collection",) if obj is not None else ()


@admin.register(Field)
class FieldAdmin(RegisterAdmin):
    list_display = ("code", "name", "section", "collection", "type", "unit", "required", "minimum")
    list_filter = ("collection", "type")
    search_fields = ("code", "name_lt", "name_en")
    list_select_related = ("collection", "section")
    fields = ("collection", "section", "code", "name_lt", "name_en", "help_lt", "help_en", "type", "unit_lt",
              "unit_en", "required", "minimum", "order")
    create_service = services.create_field
    update_service = services.update_field
    delete_service = services.delete_field

    def get_readonly_fields(self, request, obj=None):
        return ("collection",) if obj is not None else ()

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "section":
            kwargs["queryset"] = Section.objects.select_related("collection").order_by("collection__code", "order")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Rule)
class RuleAdmin(RegisterAdmin):
    list_display = ("code", "collection", "left", "operator", "right", "severity")
    list_filter = ("collection", "severity")
    search_fields = ("code", "left", "right")
    list_select_related = ("collection",)
    fields = ("collection", "code", "left", "operator", "right", "severity", "message_lt", "message_en", "order")
    create_service = services.create_rule
    update_service = services.update_rule
    delete_service = services.delete_rule

    def get_readonly_fields(self, request, obj=None):
        return ("collection",) if obj is not None else ()

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name in ("left", "right"):
            field.help_text = _("A formula over the form's field codes: + - * /, parentheses, numbers, abs(), min(), "
                                "max() and prev(code), last year's approved value of a field (a rule reading an "
                                "empty field or a missing last-year value is skipped).")
        return field


# --- periods --------------------------------------------------------------------------------------------------

def _may_manage(user, obj) -> bool:
    return user.has_perm("datacollections.change_period") and Period.objects.for_user(user, "change").filter(
        pk=obj.pk).exists()


def _open(period: Period, actor):
    return services.open_period(period.collection, year=period.year, opens_on=period.opens_on,
                                due_on=period.due_on, actor=actor)


PERIOD_STEPS = (
    Step("open", _("Open the period"), lambda p, actor: _open(p, actor), lambda p: p.status == PeriodStatus.DRAFT,
         _may_manage, done=lambda p: ngettext("The period is open: %(n)d respondent has a report to fill in.",
                                              "The period is open: %(n)d respondents have a report to fill in.",
                                              p.submissions.count()) % {"n": p.submissions.count()},
         explain=_("Every operating institution of the form's respondent types gets a report to fill in (not "
                   "started). Respondents fill them in until the period is closed.")),
    Step("close", _("Close the period"), lambda p, actor: services.close_period(p, actor=actor),
         lambda p: p.status == PeriodStatus.OPEN, _may_manage, done=_("The period is closed."),
         explain=_("Respondents can no longer change or submit their reports; submitted reports can still be "
                   "approved.")),
)


@admin.register(Period)
class PeriodAdmin(StepsMixin, RegisterAdmin):
    list_display = ("__str__", "collection", "year", "status", "opens_on", "due_on", "report_counts")
    list_filter = ("collection", "status", "year")
    list_select_related = ("collection",)
    ordering = ("-year", "collection__code")
    fields = ("collection", "year", "status", "opens_on", "due_on")
    actions = ["open_periods"]
    steps = PERIOD_STEPS
    create_service = services.create_period
    update_service = services.update_period
    delete_service = services.delete_period

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(
            n_reports=Count("submissions", distinct=True))

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ("status",)
        if obj.status != PeriodStatus.DRAFT:
            return ("collection", "year", "status")
        return ("status",)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.status != PeriodStatus.DRAFT:
            return False
        return super().has_delete_permission(request, obj)

    @admin.display(description=_("reports"), ordering="n_reports")
    def report_counts(self, obj):
        if not obj.n_reports:
            return "0"
        return format_html('<a href="{}?period__id__exact={}">{}</a>', reverse(
            "admin:datacollections_submission_changelist"), obj.pk, obj.n_reports)

    def object_links(self, request, obj):
        links = [(gettext("Reports"), f"{reverse('admin:datacollections_submission_changelist')}"
                                      f"?period__id__exact={obj.pk}")]
        if obj.status != PeriodStatus.DRAFT:
            links.append((gettext("Review page"), reverse("collections:period", args=[obj.pk])))
        return links

    @admin.action(description=_("Open the selected periods"), permissions=["change"])
    def open_periods(self, request, queryset):
        periods = list(queryset.select_related("collection"))
        try:
            with transaction.atomic():
                for period in periods:
                    _open(period, request.user)
        except (ValidationError, PermissionDenied) as exc:
            reasons = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
            self.message_user(request, gettext("Nothing was changed: %(period)s: %(error)s") % {
                "period": period, "error": " ".join(reasons)}, messages.ERROR)
            return
        self.message_user(request, ngettext("%(n)d period is open.", "%(n)d periods are open.", len(periods))
                          % {"n": len(periods)}, messages.SUCCESS)


# --- reports --------------------------------------------------------------------------------------------------

class ReturnForm(StepForm):
    comment = forms.CharField(label=_("comment"), widget=forms.Textarea(attrs={"rows": 4, "cols": 80}),
                              help_text=_("What the respondent should correct; they see it on their report."))


SUBMISSION_STEPS = (
    Step("approve", _("Approve"), lambda s, actor: services.approve(s, actor=actor),
         lambda s: s.status == SubmissionStatus.SUBMITTED, services.may_decide, done=_("The report is approved."),
         explain=_("The answers are accepted: they feed the indicators and are last year's values for the next "
                   "period's checks.")),
    Step("return", _("Return with a comment"),
         lambda s, actor, comment: services.return_submission(s, actor=actor, comment=comment),
         lambda s: s.status == SubmissionStatus.SUBMITTED, services.may_decide, form=ReturnForm,
         done=_("The report is returned to the respondent with your comment."),
         explain=_("The respondent corrects the report and submits it again.")),
)


class ValueInline(admin.TabularInline):
    model = Value
    extra = 0
    max_num = 0
    can_delete = False
    fields = ("field", "number", "text")
    readonly_fields = fields

    def get_queryset(self, request):
        return Value.objects.for_user(request.user, "view").select_related("field")

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm(permission_name(Value, "view"))

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Submission)
class SubmissionAdmin(StepsMixin, RegisterAdmin):
    list_display = ("institution", "period", "status", "submitted_at", "decided_at")
    list_filter = ("period", "status")
    search_fields = ("institution__name", "=institution__code")
    search_help_text = _("Words of the institution's name, or its legal-entity code.")
    list_select_related = ("institution", "period", "period__collection")
    ordering = ("-period__year", "institution__name")
    fields = ("period", "institution", "status", "warning_comments", "return_comment", "submitted_at",
              "submitted_by", "decided_at", "decided_by", "updated_at")
    readonly_fields = fields
    inlines = [ValueInline]
    steps = SUBMISSION_STEPS
    update_service = _refuse_changes

    def has_add_permission(self, request):
        return False  # reports are made when a period opens

    def object_links(self, request, obj):
        return [(gettext("Report page"), reverse("collections:submission", args=[obj.pk]))]


@admin.register(Value)
class ValueAdmin(ReadOnlyRegisterAdmin):
    """Answers, read-only: respondents write them through their report (the pages, the XLSX upload, the API)."""

    list_display = ("submission", "field", "number", "text")
    list_filter = ("field__collection", "submission__period")
    search_fields = ("=field__code", "submission__institution__name")
    list_select_related = ("submission__period__collection", "submission__institution", "field")
    fields = ("submission", "field", "number", "text")
    readonly_fields = fields
