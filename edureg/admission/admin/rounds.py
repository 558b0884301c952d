"""Rounds, their scoring formulas and offers: the organiser's configuration and the round's steps."""

import json

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from edureg.admission import services
from edureg.admission.admin.common import RoundFilter, Step, StepForm, StepsMixin
from edureg.admission.choices import RESULTS_PUBLIC, RoundKind, RoundStatus, RunStatus
from edureg.admission.models import Offer, Round, ScoringFormula
from edureg.classifiers.admin import classifier_filter
from edureg.core.admin_base import RegisterAdmin, StrictJSONMixin

CONFIGURABLE = (RoundStatus.DRAFT, RoundStatus.OPEN)


# --- step forms -----------------------------------------------------------------------------------------------

class AddOffersForm(StepForm):
    formula = forms.ModelChoiceField(queryset=ScoringFormula.objects.none(), label=_("scoring formula"),
                                     help_text=_("The formula of the new offers; change it offer by offer later."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        formulas = self.obj.formulas.order_by("code")
        self.fields["formula"].queryset = formulas
        if len(formulas) == 1:
            self.fields["formula"].initial = formulas[0].pk


class NextRoundForm(StepForm):
    kind = forms.ChoiceField(label=_("kind"), choices=[(k.value, k.label) for k in (RoundKind.ADDITIONAL,
                                                                                   RoundKind.WINTER)])
    code = forms.SlugField(label=_("code"), max_length=40)
    name_lt = forms.CharField(label=_("name (Lithuanian)"), max_length=255)
    name_en = forms.CharField(label=_("name (English)"), max_length=255, required=False)
    applications_open = forms.DateField(label=_("applications open"))
    application_deadline = forms.DateField(label=_("application deadline"))
    results_date = forms.DateField(label=_("results published on"))
    contract_deadline = forms.DateField(label=_("contract deadline"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].initial = f"{self.obj.year}-additional"


def _run_page(admin_obj, round_, run):
    return reverse("admin:admission_allocationrun_change", args=[run.pk])


ROUND_STEPS = (
    Step("add-offers", _("Add offers from offerings"),
         lambda r, actor, formula: services.add_offers(r, actor=actor, formula=formula),
         lambda r: r.status in CONFIGURABLE, form=AddOffersForm,
         done=lambda new: ngettext("%(n)d offer was added.", "%(n)d offers were added.", len(new)) % {"n": len(new)},
         explain=_("One offer for each offering of the round's school year (a formal VET programme in force) and each "
                   "funding with places: state-funded and paid places are separate offers, with the offering's "
                   "places as capacity (state-funded only in a round that offers only those). Offers the round "
                   "already has are kept as they are.")),
    Step("open", _("Open for applications"), lambda r, actor: services.open_round(r, actor=actor),
         lambda r: r.status == RoundStatus.DRAFT, done=_("The round accepts applications."),
         explain=_("Applicants can apply until the application deadline. The configuration can still change until "
                   "applications are closed.")),
    Step("close", _("Close applications"), lambda r, actor: services.close_applications(r, actor=actor),
         lambda r: r.status == RoundStatus.OPEN, done=_("Applications are closed; the allocation can be run."),
         explain=_("Applications can no longer be started or changed, and the round's rules, deadlines, formulas and "
                   "offers are locked.")),
    Step("run", _("Run the allocation"), lambda r, actor: services.start_run(r, actor=actor),
         lambda r: r.status in (RoundStatus.CLOSED, RoundStatus.ALLOCATED),
         done=_("The allocation run was queued; its page shows the progress."), after=_run_page,
         explain=_("Eligibility, scores and the lottery are computed for every submitted application and the places "
                   "are allocated. The results are not public until they are published; a run can be repeated until "
                   "then and gives the same result for the same input.")),
    Step("publish", _("Publish the results"), lambda r, actor: services.publish_results(r, actor=actor),
         lambda r: r.status == RoundStatus.ALLOCATED, done=_("The results are published."),
         explain=_("Applicants see their invitations and explanations, schools their invited applicants, and "
                   "everyone the per-offer results and the anonymised input. Published results are final.")),
    Step("annul", _("Annul unsigned invitations"),
         lambda r, actor: services.annul_unsigned(r, actor=actor),
         lambda r: r.status == RoundStatus.PUBLISHED,
         done=lambda n: ngettext("%(n)d unsigned invitation was annulled; the round is finished.",
                                 "%(n)d unsigned invitations were annulled; the round is finished.", n) % {"n": n},
         explain=_("After the contract deadline: every invitation without a signed contract is annulled and its place "
                   "goes back to the next round.")),
    Step("next-round", _("Open the next round"),
         lambda r, actor, **data: services.open_next_round(r, actor=actor, **data),
         lambda r: r.status in RESULTS_PUBLIC, form=NextRoundForm,
         done=_("The next round was made with the places left; check it and open it."),
         after=lambda admin_obj, r, new: reverse("admin:admission_round_change", args=[new.pk]),
         explain=_("A new round of the same school year with this round's rules and formulas, offering the places "
                   "left after signed contracts (state-funded places only in a winter round).")),
)


# --- rounds ---------------------------------------------------------------------------------------------------

@admin.register(Round)
class RoundAdmin(StepsMixin, StrictJSONMixin, RegisterAdmin):
    list_display = ("code", "name", "kind", "year", "status", "applications_open", "application_deadline",
                    "results_date", "contract_deadline")
    list_filter = ("status", "kind", "year")
    search_fields = ("code", "name_lt", "name_en")
    ordering = ("-year", "-applications_open", "code")
    steps = ROUND_STEPS
    fieldsets = (
        (None, {"fields": ("code", "name_lt", "name_en", "kind", "year", "status", "previous_round", "overview")}),
        (_("Deadlines"), {"fields": ("applications_open", "application_deadline", "results_date",
                                     "contract_deadline")}),
        (_("Eligibility and preferences"), {"fields": ("max_preferences", "state_funded_only", "age_on", "min_age",
                                                       "min_age_without_general_education", "entry_levels",
                                                       "entry_levels_with_general_education", "funding_rules")}),
        (None, {"fields": ("lottery_seed", "note", "updated_at")}),
    )
    add_fieldsets = (
        (None, {"fields": ("code", "name_lt", "name_en", "kind", "year", "previous_round"),
                "description": _("The number of preferences and whether only state-funded places are offered follow "
                                 "the kind (main: 3; additional: 2; winter: 2, state-funded only); change them after "
                                 "saving if needed.")}),
        (_("Deadlines"), {"fields": ("applications_open", "application_deadline", "results_date",
                                     "contract_deadline")}),
        (_("Eligibility"), {"fields": ("age_on", "min_age", "min_age_without_general_education", "entry_levels",
                                       "entry_levels_with_general_education", "funding_rules")}),
        (None, {"fields": ("lottery_seed", "note")}),
    )
    create_service = services.create_round
    update_service = services.update_round
    delete_service = services.delete_round

    def get_fieldsets(self, request, obj=None):
        return self.add_fieldsets if obj is None else super().get_fieldsets(request, obj)

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ()
        readonly = ("status", "overview", "updated_at")
        if obj.status not in CONFIGURABLE:  # applications closed: only the names and the note
            names = {"name_lt", "name_en", "note"}
            readonly += tuple(f for _n, opts in self.fieldsets for f in opts["fields"]
                              if f not in names and f not in readonly)
        elif obj.status != RoundStatus.DRAFT:
            readonly += ("code",)
        return readonly

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.status != RoundStatus.DRAFT:
            return False  # a round that has been open is kept
        return super().has_delete_permission(request, obj)

    @admin.display(description=_("configuration"))
    def overview(self, obj):
        if obj is None or obj.pk is None:
            return "—"
        links = [(_("offers"), "admission_offer", obj.offers.count()),
                 (_("scoring formulas"), "admission_scoringformula", obj.formulas.count()),
                 (_("applications"), "admission_application", obj.applications.count()),
                 (_("allocation runs"), "admission_allocationrun", obj.runs.count())]
        parts = [format_html('<a href="{}?round={}">{}: {}</a>', reverse(f"admin:{name}_changelist"), obj.pk, label,
                             count) for label, name, count in links]
        return format_html(" · ".join(["{}"] * len(parts)), *parts)

    # The anonymised input ------------------------------------------------------------------------------------

    def input_public(self, request, obj) -> bool:
        return obj.status in RESULTS_PUBLIC or request.user.has_perm("admission.change_round")

    def object_links(self, request, obj):
        run = services.current_run(obj)
        if run is not None and run.status == RunStatus.DONE and self.input_public(request, obj):
            return [(gettext("Anonymised input (JSON)"), reverse("admin:admission_round_input", args=[obj.pk]))]
        return []

    def get_urls(self):
        return [path("<path:object_id>/input/", self.admin_site.admin_view(self.input_view),
                     name="admission_round_input"), *super().get_urls()]

    def input_view(self, request, object_id):
        """The current run's anonymised input in the CLI format (edureg admission allocate), as a download."""
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not self.has_view_permission(request, obj) or not self.input_public(request, obj):
            raise PermissionDenied
        try:
            data = services.round_input(obj)
        except ValidationError as exc:
            self.message_user_error(request, " ".join(exc.messages))
            return self._redirect_to(obj)
        response = HttpResponse(json.dumps(data, ensure_ascii=False, sort_keys=True, indent=1),
                                content_type="application/json; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{obj.code}-input.json"'
        return response

    def _redirect_to(self, obj):
        from django.shortcuts import redirect

        return redirect(reverse("admin:admission_round_change", args=[obj.pk]))


# --- formulas -------------------------------------------------------------------------------------------------

def configurable_rounds(request):
    return Round.objects.for_user(request.user, "change").filter(status__in=CONFIGURABLE)


@admin.register(ScoringFormula)
class ScoringFormulaAdmin(StrictJSONMixin, RegisterAdmin):
    list_display = ("code", "name", "round", "priorities")
    list_filter = (RoundFilter,)
    search_fields = ("code", "name_lt", "name_en")
    list_select_related = ("round",)
    fields = ("round", "code", "name_lt", "name_en", "components", "priorities", "note")
    create_service = services.create_formula
    update_service = services.update_formula
    delete_service = services.delete_formula

    def get_readonly_fields(self, request, obj=None):
        return ("round",) if obj is not None else ()

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "round":
            kwargs["queryset"] = configurable_rounds(request)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "components":
            field.help_text = _(
                'A list of components: {"type": "subject", "code": "MAT", "weight": 0.4} is a grade of the subject '
                '(a code of the classifier "subject"; grades on the 5-point scale are doubled, a missing grade counts '
                '0); {"type": "extra", "code": "work_experience", "weight": 1, "max": 2} is an additional '
                'component, capped at max. The score is the sum of value × weight.')
        elif db_field.name == "priorities":
            field.help_text = _('Codes of the priority criteria that break ties, in order, e.g. ["orphan", '
                                '"disability"].')
        return field

    def _configurable(self, obj) -> bool:
        return obj is None or obj.round.status in CONFIGURABLE

    def has_change_permission(self, request, obj=None):
        return self._configurable(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._configurable(obj) and super().has_delete_permission(request, obj)


# --- offers ---------------------------------------------------------------------------------------------------

@admin.register(Offer)
class OfferAdmin(RegisterAdmin):
    list_display = ("code", "programme", "institution", "municipality", "funding", "capacity", "formula", "round")
    list_filter = (RoundFilter, "funding", classifier_filter("offering__municipality", "municipality",
                                                            title=_("municipality")))
    search_fields = ("code", "offering__programme__name_lt", "offering__programme__name_en",
                     "=offering__programme__state_code")
    search_help_text = _("The offer's code, or words of the programme's name, or its state code.")
    list_select_related = ("round", "formula", "offering__programme", "offering__institution",
                           "offering__municipality")
    raw_id_fields = ("offering",)
    fields = ("round", "code", "offering", "funding", "capacity", "formula")
    create_service = services.create_offer
    update_service = services.update_offer
    delete_service = services.delete_offer

    @admin.display(description=_("programme"), ordering="offering__programme__name_lt")
    def programme(self, obj):
        return obj.offering.programme

    @admin.display(description=_("institution"))
    def institution(self, obj):
        return obj.offering.institution

    @admin.display(description=_("municipality"))
    def municipality(self, obj):
        return obj.offering.municipality

    def get_readonly_fields(self, request, obj=None):
        return ("round",) if obj is not None else ()

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if obj is None:
            for name, text in (("code", _("Empty: the offering's id with -S (state-funded) or -P (paid).")),
                               ("capacity", _("Empty: the offering's places of this funding."))):
                form.base_fields[name].required = False
                form.base_fields[name].help_text = text
        return form

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "round":
            kwargs["queryset"] = configurable_rounds(request)
        elif db_field.name == "formula":
            kwargs["queryset"] = ScoringFormula.objects.for_user(request.user, "view").filter(
                round__status__in=CONFIGURABLE).select_related("round")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def _configurable(self, obj) -> bool:
        return obj is None or obj.round.status in CONFIGURABLE

    def has_change_permission(self, request, obj=None):
        return self._configurable(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._configurable(obj) and super().has_delete_permission(request, obj)

