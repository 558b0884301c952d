"""What runs produce: the runs themselves (progress, timings, input hash), per-applicant and per-offer results
(read-only), and invitations, on which schools record signed contracts."""

import json

from django import forms
from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from edureg.admission import services
from edureg.admission.admin.common import ReadOnlyAdmin, Step, StepForm, StepsMixin, masked_applicant, round_filter
from edureg.admission.choices import RESULTS_PUBLIC, InvitationStatus, RunStatus
from edureg.admission.models import AllocationRun, ApplicationResult, Invitation, OfferResult
from edureg.core.admin_base import RegisterAdmin


def pretty_json(value):
    if value in (None, "", {}, []):
        return "—"
    return format_html("<pre>{}</pre>", json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True))


# --- runs -----------------------------------------------------------------------------------------------------

@admin.register(AllocationRun)
class AllocationRunAdmin(StepsMixin, ReadOnlyAdmin):
    list_display = ("__str__", "status", "progress", "is_current", "created_at", "finished_at", "engine_version",
                    "published_at")
    list_filter = (round_filter("round"), "status", "is_current")
    list_select_related = ("round",)
    ordering = ("-id",)
    change_form_template = "admin/admission/allocationrun/change_form.html"
    fields = ("round", "number", "status", "is_current", "started_by", "created_at", "started_at", "finished_at",
              "progress", "progress_message", "input_hash", "engine_version", "configuration_shown", "timings_shown",
              "summary_shown", "error", "published_at")
    readonly_fields = fields

    @admin.display(description=_("configuration"))
    def configuration_shown(self, obj):
        return pretty_json(obj.configuration)

    @admin.display(description=_("timings (s)"))
    def timings_shown(self, obj):
        return pretty_json(obj.timings)

    @admin.display(description=_("result summary"))
    def summary_shown(self, obj):
        return pretty_json(obj.summary)

    def object_links(self, request, obj):
        links = [(gettext("Round"), reverse("admin:admission_round_change", args=[obj.round_id]))]
        if obj.status == RunStatus.DONE and obj.is_current and (
                obj.round.status in RESULTS_PUBLIC or request.user.has_perm("admission.change_round")):
            links.append((gettext("Anonymised input (JSON)"), reverse("admin:admission_round_input",
                                                                      args=[obj.round_id])))
        return links

    def change_view(self, request, object_id, form_url="", extra_context=None):
        run = self.get_object(request, object_id) if str(object_id).isdigit() and len(str(object_id)) < 12 else None
        extra = {}
        if run is not None:
            extra = {"run_active": run.status in (RunStatus.QUEUED, RunStatus.RUNNING),
                     "run_step": gettext(run.progress_message) if run.progress_message else ""}
        return super().change_view(request, object_id, form_url, {**extra, **(extra_context or {})})


# --- results --------------------------------------------------------------------------------------------------

@admin.register(ApplicationResult)
class ApplicationResultAdmin(ReadOnlyAdmin):
    list_display = ("public_id", "applicant", "run", "offer", "rank", "lottery")
    list_filter = (round_filter("run__round"),)
    search_fields = ("=public_id",)
    search_help_text = _("The anonymised id, e.g. AP-17.")
    list_select_related = ("run", "run__round", "application__person", "offer")
    fields = ("run", "application_number", "applicant", "public_id", "lottery", "offer", "rank", "explanation_shown")
    readonly_fields = fields
    ordering = ("-id",)

    @admin.display(description=_("applicant"))
    def applicant(self, obj):
        return masked_applicant(obj.application.person)

    @admin.display(description=_("application"))
    def application_number(self, obj):
        return obj.application.number

    @admin.display(description=_("explanation"))
    def explanation_shown(self, obj):
        return pretty_json(obj.explanation)


@admin.register(OfferResult)
class OfferResultAdmin(ReadOnlyAdmin):
    list_display = ("offer", "run", "applicants", "first_preference", "eligible", "places", "invited", "lowest_score",
                    "cutoff_score", "cutoff_lottery")
    list_filter = (round_filter("run__round"),)
    search_fields = ("=offer__code",)
    search_help_text = _("The offer's code.")
    list_select_related = ("run", "run__round", "offer")
    ordering = ("run", "offer__code")


# --- invitations ----------------------------------------------------------------------------------------------

class ContractForm(StepForm):
    contract_number = forms.CharField(label=_("contract number"), max_length=40)
    contract_date = forms.DateField(label=_("contract date"))


def record_contract(invitation, *, actor, contract_number=None, contract_date=None, **_ignored):
    return services.record_contract(invitation, actor=actor, number=contract_number, date=contract_date)


INVITATION_STEPS = (
    Step("record-contract", _("Record the signed contract"),
         lambda i, actor, **data: record_contract(i, actor=actor, **data),
         lambda i: i.status == InvitationStatus.INVITED, form=ContractForm,
         done=_("The signed contract was recorded."),
         explain=_("The applicant signed a study contract: its number and date (by the round's contract deadline).")),
    Step("decline", _("Record that the applicant declined"),
         lambda i, actor: services.decline_invitation(i, actor=actor), lambda i: i.status == InvitationStatus.INVITED,
         done=_("The invitation is declined; its place goes to the next round."),
         explain=_("The applicant does not take the place. This cannot be undone.")),
)


@admin.register(Invitation)
class InvitationAdmin(StepsMixin, RegisterAdmin):
    """A school sees the invitations to its offers and records contracts; saving the page records the contract."""

    list_display = ("application_number", "applicant", "offer", "institution", "status", "status_date",
                    "contract_number", "contract_date")
    list_filter = ("status", round_filter("run__round"))
    search_fields = ("=offer__code",)
    search_help_text = _("The offer's code.")
    list_select_related = ("run", "application__person", "offer__offering__institution")
    ordering = ("-id",)
    steps = INVITATION_STEPS
    fields = ("run", "application_number", "applicant", "offer", "status", "status_date", "contract_number",
              "contract_date")
    readonly_fields = ("run", "application_number", "applicant", "offer", "status", "status_date")

    @staticmethod
    def update_service(invitation, *, actor, **changes):
        return record_contract(invitation, actor=actor,
                               contract_number=changes.get("contract_number", invitation.contract_number),
                               contract_date=changes.get("contract_date", invitation.contract_date))

    @admin.display(description=_("application"), ordering="application_id")
    def application_number(self, obj):
        return obj.application.number

    @admin.display(description=_("applicant"))
    def applicant(self, obj):
        return masked_applicant(obj.application.person)

    @admin.display(description=_("institution"))
    def institution(self, obj):
        return obj.offer.offering.institution

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        for name in ("contract_number", "contract_date"):
            if name in form.base_fields:
                form.base_fields[name].required = True
        return form

    def has_add_permission(self, request):
        return False  # invitations come from allocation runs

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.status != InvitationStatus.INVITED:
            return False
        return super().has_change_permission(request, obj)
