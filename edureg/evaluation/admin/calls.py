"""Funding calls: the agency prepares a call (budget, kinds, minimum score, most per application, tie rules as
strict JSON checked by services.calls.check_call), then opens, closes, ranks and publishes it with the step buttons
(services/calls.py). The call's page lists its applications, in ranked order once ranked."""

from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from edureg.core.admin_base import RegisterAdmin, StrictJSONMixin
from edureg.evaluation.admin.common import Step, StepsMixin, page_url
from edureg.evaluation.choices import CallStatus, Selection
from edureg.evaluation.models import Application, Call
from edureg.evaluation.services import definitions as writes


def _calls():
    from edureg.evaluation.services import calls

    return calls


def _ranked(applications) -> str:
    applications = list(applications)
    funded = sum(1 for a in applications if a.selection in (Selection.FUNDED, Selection.PARTIALLY_FUNDED))
    return ngettext("The call is ranked: %(n)d application, %(funded)d selected for funding.",
                    "The call is ranked: %(n)d applications, %(funded)d selected for funding.",
                    len(applications)) % {"n": len(applications), "funded": funded}


CALL_STEPS = (
    Step("open", _("Open"), lambda c, actor: _calls().open_call(c, actor=actor),
         lambda c: c.status == CallStatus.DRAFT, done=_("The call is open for applications."),
         explain=_("Providers can apply with a programme of an eligible kind and a requested amount until the call "
                   "closes. The budget, kinds, criteria and rules can no longer change.")),
    Step("close", _("Close"), lambda c, actor: _calls().close_call(c, actor=actor),
         lambda c: c.status == CallStatus.OPEN, done=_("The call is closed; its applications are evaluated."),
         explain=_("No more applications or changes to requested amounts. The applications go through the "
                   "eligibility check and the experts' scoring.")),
    Step("rank", _("Rank"), lambda c, actor: _calls().rank_call(c, actor=actor),
         lambda c: c.status == CallStatus.CLOSED, done=_ranked,
         explain=_("The scored applications are ranked by their totals with the call's tie rules and selected "
                   "within the budget (applications below the minimum score or failing a mandatory criterion are "
                   "not funded). Ranking can be repeated until the results are published.")),
    Step("publish", _("Publish"), lambda c, actor: _calls().publish_call(c, actor=actor),
         lambda c: c.status == CallStatus.CLOSED and c.ranked_at is not None,
         done=_("The results are published: every ranked application has its decision."),
         explain=_("Each ranked application gets its decision (funded, partly funded or not funded) and the ranked "
                   "list becomes public. Published results are final.")),
)


@admin.register(Call)
class CallAdmin(StepsMixin, StrictJSONMixin, RegisterAdmin):
    change_form_template = "admin/evaluation/call/change_form.html"
    list_display = ("code", "name", "procedure", "status", "opens_on", "closes_on", "budget", "max_per_application",
                    "min_score", "application_count")
    list_filter = ("status", "procedure")
    search_fields = ("code", "name_lt", "name_en")
    list_select_related = ("procedure",)
    ordering = ("-opens_on", "code")
    filter_horizontal = ("kinds",)
    steps = CALL_STEPS
    fieldsets = (
        (None, {"fields": ("code", "name_lt", "name_en", "description_lt", "description_en", "procedure", "kinds",
                           "status", "ranked_at", "published_at")}),
        (_("Dates"), {"fields": ("opens_on", "closes_on")}),
        (_("Budget and selection"), {"fields": ("budget", "max_per_application", "min_score", "tie_rules",
                                                "last_fit_rule")}),
    )
    create_service = writes.create_call
    update_service = writes.update_call
    delete_service = writes.delete_call

    STATE = ("status", "ranked_at", "published_at")
    TEXTS = ("name_lt", "name_en", "description_lt", "description_en")

    def get_readonly_fields(self, request, obj=None):
        if obj is None or obj.status == CallStatus.DRAFT:
            return self.STATE
        if obj.status == CallStatus.OPEN:  # the texts and the closing date only
            keep = {*self.TEXTS, "closes_on"}
        elif obj.status == CallStatus.CLOSED:
            keep = set(self.TEXTS)
        else:
            keep = set()
        return tuple(f for _n, opts in self.fieldsets for f in opts["fields"] if f not in keep)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.status != CallStatus.DRAFT:
            return False
        return super().has_delete_permission(request, obj)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "tie_rules" and field is not None:
            field.help_text = _('A list, in order: "criterion:<code>" (a higher score on that criterion of the '
                                'procedure first), "lower_amount", "earlier_submission", "more_agreement", e.g. '
                                '["criterion:relevance", "lower_amount"]. Earlier submission always breaks a last '
                                'tie.')
        return field

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(n_applications=Count("applications"))

    @admin.display(description=_("applications"), ordering="n_applications")
    def application_count(self, obj):
        return obj.n_applications

    def object_links(self, request, obj):
        url = page_url("call", code=obj.code)
        return [(gettext("Call page"), url)] if url and obj.status != CallStatus.DRAFT else []

    def results(self, request, obj) -> list[Application]:
        """The call's applications the user may see: ranked (call_results) once ranked, else by number."""
        visible = set(Application.objects.for_user(request.user, "view").filter(call=obj).values_list("pk",
                                                                                                      flat=True))
        if obj.ranked_at is not None:
            rows = _calls().call_results(obj)
        else:
            rows = obj.applications.select_related("institution").order_by("number")
        return [a for a in rows if a.pk in visible]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        from django.contrib.admin.utils import unquote

        obj = self.get_object(request, unquote(object_id))
        extra = {"results": self.results(request, obj), "ranked": obj.ranked_at is not None} if obj else {}
        return super().change_view(request, object_id, form_url, {**extra, **(extra_context or {})})
