"""Applications and what the services write about them (assignments, scores, decisions, appeals, events):
read-only here, each row scoped to the user (querysets.py). The coordinator works on them on the evaluation desk
(/evaluation/), which each application's and decision's page links to."""

from django.contrib import admin
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from edureg.core.admin_base import ReadOnlyInline, ReadOnlyRegisterAdmin
from edureg.evaluation.admin.common import LinksMixin, page_url
from edureg.evaluation.models import Appeal, Application, Assignment, Call, Decision, Event, Score

SEARCH_HELP = _("The application's number, words of its title, or of the institution's name.")


def call_filter(path: str = "call"):
    """The calls the user may see (not the drafts of others), newest first."""

    class CallFilter(admin.SimpleListFilter):
        title = _("call")
        parameter_name = path

        def lookups(self, request, model_admin):
            calls = Call.objects.for_user(request.user, "view").order_by("-opens_on", "code")[:50]
            return [(str(c.pk), str(c)) for c in calls]

        def queryset(self, request, queryset):
            value = self.value()
            if value and value.isdigit() and len(value) < 12:
                return queryset.filter(**{path: int(value)})
            return queryset

    CallFilter.__name__ = f"CallFilter_{path}"
    return CallFilter


# --- inlines on the application's page ---------------------------------------------------------------------------

class AssignmentInline(ReadOnlyInline):
    model = Assignment
    fields = ("expert", "round", "extra", "status", "due_on", "total", "submitted_at")


class DecisionInline(ReadOnlyInline):
    model = Decision
    fields = ("number", "round", "outcome", "total", "valid_from", "valid_until", "current", "published_at")


class EventInline(ReadOnlyInline):
    model = Event
    fields = ("at", "action", "from_status", "to_status", "user", "note")
    show_change_link = False


# --- applications --------------------------------------------------------------------------------------------------

@admin.register(Application)
class ApplicationAdmin(LinksMixin, ReadOnlyRegisterAdmin):
    list_display = ("number", "title", "institution", "procedure", "call", "status", "due_on", "total",
                    "proposed_outcome", "round")
    list_filter = ("status", "procedure", call_filter(), "proposed_outcome", "selection")
    search_fields = ("number", "title", "institution__name")
    search_help_text = SEARCH_HELP
    list_select_related = ("institution", "procedure", "call")
    ordering = ("-submitted_at", "-id")
    date_hierarchy = "submitted_at"
    fieldsets = (
        (None, {"fields": ("number", "title", "procedure", "call", "institution", "programme_version", "isced_f",
                           "requested_amount", "provider_note")}),
        (_("Progress"), {"fields": ("status", "status_since", "due_on", "round", "correction_request",
                                    "extra_expert_needed", "submitted_at", "submitted_by")}),
        (_("Result"), {"fields": ("total", "mandatory_passed", "proposed_outcome", "rank", "selection",
                                  "granted_amount")}),
    )
    inlines = [AssignmentInline, DecisionInline, EventInline]

    def get_readonly_fields(self, request, obj=None):
        return tuple(f for _n, opts in self.fieldsets for f in opts["fields"])

    def object_links(self, request, obj):
        url = page_url("application", number=obj.number)
        return [(gettext("Application page"), url)] if url else []


@admin.register(Assignment)
class AssignmentAdmin(LinksMixin, ReadOnlyRegisterAdmin):
    list_display = ("application", "expert", "round", "extra", "status", "due_on", "total", "submitted_at")
    list_filter = ("status", "round", "application__procedure", call_filter("application__call"))
    search_fields = ("application__number", "application__title", "expert__person__last_name")
    search_help_text = _("The application's number or words of its title, or the expert's last name.")
    list_select_related = ("application", "expert__person")
    ordering = ("-assigned_at", "-id")
    fields = ("application", "expert", "round", "extra", "status", "due_on", "assigned_at", "assigned_by",
              "no_conflict_at", "conflict_note", "comment", "total", "submitted_at")
    readonly_fields = fields

    def object_links(self, request, obj):
        url = page_url("application", number=obj.application.number)
        return [(gettext("Application page"), url)] if url else []


@admin.register(Score)
class ScoreAdmin(ReadOnlyRegisterAdmin):
    list_display = ("application", "expert", "criterion", "value", "assignment_status")
    list_filter = ("assignment__application__procedure", "assignment__status")
    search_fields = ("assignment__application__number", "assignment__expert__person__last_name")
    search_help_text = _("The application's number or the expert's last name.")
    list_select_related = ("assignment__application", "assignment__expert__person", "criterion")
    ordering = ("-assignment__assigned_at", "assignment", "criterion__order")
    fields = ("assignment", "criterion", "value", "justification")
    readonly_fields = fields

    @admin.display(description=_("application"), ordering="assignment__application__number")
    def application(self, obj):
        return obj.assignment.application.number

    @admin.display(description=_("expert"))
    def expert(self, obj):
        return obj.assignment.expert

    @admin.display(description=_("assignment status"))
    def assignment_status(self, obj):
        return obj.assignment.get_status_display()


@admin.register(Decision)
class DecisionAdmin(LinksMixin, ReadOnlyRegisterAdmin):
    list_display = ("number", "application", "institution", "outcome", "total", "valid_from", "valid_until",
                    "current", "published_at")
    list_filter = ("outcome", "current", "application__procedure", call_filter("application__call"))
    search_fields = ("number", "application__number", "application__title", "application__institution__name")
    search_help_text = _("The decision's or application's number, words of the title or of the institution's name.")
    list_select_related = ("application__institution",)
    ordering = ("-decided_at", "-id")
    fields = ("number", "application", "round", "outcome", "total", "mandatory_passed", "scores_summary",
              "conditions", "reason", "granted_amount", "valid_from", "valid_until", "decided_at", "decided_by",
              "current", "published_at", "expiry_warned_on")
    readonly_fields = fields

    @admin.display(description=_("institution"), ordering="application__institution__name")
    def institution(self, obj):
        return obj.application.institution

    @admin.display(description=_("scores summary"))
    def scores_summary(self, obj):
        criteria = (obj.summary or {}).get("criteria") or []
        if not criteria:
            return "—"
        rows = format_html_join("", "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>", (
            (c.get("code", ""), c.get("name_en") or c.get("name_lt") or "", c.get("weight", ""), c.get("score", ""))
            for c in criteria))
        return format_html('<table><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead>'
                           '<tbody>{}</tbody></table>', gettext("code"), gettext("criterion"), gettext("weight"),
                           gettext("score"), rows)

    def object_links(self, request, obj):
        links = []
        pdf = page_url("decision-pdf", number=obj.number)
        if pdf:
            links.append((gettext("Decision document (PDF)"), pdf))
        page = page_url("application", number=obj.application.number)
        if page:
            links.append((gettext("Application page"), page))
        return links


@admin.register(Appeal)
class AppealAdmin(LinksMixin, ReadOnlyRegisterAdmin):
    list_display = ("application", "decision", "status", "filed_at", "resolved_at")
    list_filter = ("status", "application__procedure")
    search_fields = ("application__number", "application__title", "application__institution__name",
                     "decision__number")
    search_help_text = SEARCH_HELP
    list_select_related = ("application", "decision")
    ordering = ("-filed_at", "-id")
    fields = ("application", "decision", "grounds", "status", "filed_at", "filed_by", "resolution", "resolved_at",
              "resolved_by")
    readonly_fields = fields

    def object_links(self, request, obj):
        url = page_url("application", number=obj.application.number)
        return [(gettext("Application page"), url)] if url else []


@admin.register(Event)
class EventAdmin(ReadOnlyRegisterAdmin):
    list_display = ("at", "application", "action", "from_status", "to_status", "user")
    list_filter = ("action", "application__procedure", call_filter("application__call"))
    search_fields = ("application__number", "application__title", "application__institution__name")
    search_help_text = SEARCH_HELP
    list_select_related = ("application", "user")
    ordering = ("-at", "-id")
    fields = ("application", "action", "from_status", "to_status", "note", "at", "user")
    readonly_fields = fields
