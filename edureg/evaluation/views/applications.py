"""An application's page (/evaluation/applications/<number>/): its status, timeline, the programme, the scores the
user may read, and the steps the user may take now. Every step posts to `application_action`, which validates the
form and calls the service; a refusal comes back on the form, nothing changed; the wrong person gets 403."""

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from edureg.core.i18n import pick
from edureg.evaluation import forms
from edureg.evaluation.choices import OPEN_STATUSES, AppealStatus, ApplicationStatus, AssignmentStatus
from edureg.evaluation.models import Application, Expert
from edureg.evaluation.services import experts, scoring, workflow
from edureg.evaluation.views.common import APPLICATION_COLOURS, ASSIGNMENT_COLOURS, overdue, roles_of, run
from edureg.programmes.choices import PUBLISHED, VersionStatus

TEMPLATE = "evaluation/application.html"


def _application(request, number: str) -> Application:
    return get_object_or_404(Application.objects.for_user(request.user).select_related(
        "procedure", "call", "institution", "institution__municipality", "isced_f", "programme_version",
        "programme_version__programme", "programme_version__programme__kind"), number=number)


def _expert(data) -> Expert:
    expert = Expert.objects.filter(pk=data["expert"]).select_related("person").first()
    if expert is None:
        raise ValidationError({"expert": [_("Choose an expert from the proposals.")]})
    return expert


def _assignment(application, data):
    assignment = application.assignments.filter(pk=data["assignment"]).first()
    if assignment is None:
        raise ValidationError({"assignment": [_("Choose an assignment of this application.")]})
    return assignment


def _appeal(application, data):
    appeal = application.appeals.filter(pk=data["appeal"], status=AppealStatus.FILED).first()
    if appeal is None:
        raise ValidationError({"appeal": [_("There is no filed appeal to resolve.")]})
    return appeal


@dataclass(frozen=True)
class Step:
    form: Any  # form(data, application) -> a bound form
    run: Any  # run(application, actor, cleaned_data)
    done: Any  # the success message
    who: str = "coordinator"  # or "provider": anyone else gets 403 before the form is even checked


STEPS = {
    "start": Step(lambda d, a: forms.StepForm(d),
                  lambda a, u, d: workflow.start_eligibility(a, actor=u),
                  gettext_lazy("The eligibility check has started.")),
    "accept": Step(lambda d, a: forms.StepForm(d),
                   lambda a, u, d: workflow.accept_eligibility(a, actor=u),
                   gettext_lazy("The application is eligible and under evaluation: assign the experts.")),
    "return": Step(lambda d, a: forms.CorrectionsForm(d),
                   lambda a, u, d: workflow.return_for_corrections(a, actor=u, request=d["request"]),
                   gettext_lazy("The application is returned to the provider for corrections.")),
    "ineligible": Step(lambda d, a: forms.IneligibleForm(d),
                       lambda a, u, d: workflow.declare_ineligible(a, actor=u, reason=d["reason"]),
                       gettext_lazy("The application is declared not eligible; the decision is made.")),
    "assign": Step(lambda d, a: forms.AssignForm(d),
                   lambda a, u, d: experts.assign_expert(a, _expert(d), actor=u, due_on=d.get("due_on")),
                   gettext_lazy("The expert is assigned.")),
    "withdraw-assignment": Step(
        lambda d, a: forms.WithdrawAssignmentForm(d),
        lambda a, u, d: experts.withdraw_assignment(_assignment(a, d), actor=u, reason=d["reason"]),
        gettext_lazy("The expert's assignment is withdrawn.")),
    "decide": Step(lambda d, a: forms.DecideForm(d, procedure=a.procedure),
                   lambda a, u, d: workflow.decide(a, actor=u, outcome=d["outcome"], conditions=d["conditions"],
                                                      reason=d["reason"]),
                   gettext_lazy("The decision is made.")),
    "resolve-appeal": Step(lambda d, a: forms.ResolveAppealForm(d),
                           lambda a, u, d: workflow.resolve_appeal(_appeal(a, d), actor=u,
                                                                      uphold=d["uphold"] == "yes",
                                                                      resolution=d["resolution"]),
                           gettext_lazy("The appeal is resolved.")),
    "resubmit": Step(lambda d, a: forms.ResubmitForm(d, with_amount=a.call_id is not None),
                     lambda a, u, d: workflow.resubmit(a, actor=u, note=d["note"],
                                                          requested_amount=d.get("requested_amount")),
                     gettext_lazy("The application is resubmitted."), who="provider"),
    "withdraw": Step(lambda d, a: forms.WithdrawForm(d),
                     lambda a, u, d: workflow.withdraw(a, actor=u, reason=d["reason"]),
                     gettext_lazy("The application is withdrawn."), who="provider"),
    "appeal": Step(lambda d, a: forms.AppealForm(d),
                   lambda a, u, d: workflow.file_appeal(a, actor=u, grounds=d["grounds"]),
                   gettext_lazy("Your appeal is filed. The agency will resolve it."), who="provider"),
}


def _programme_links(request, application) -> dict:
    version = application.programme_version
    if version is None:
        return {}
    programme = version.programme
    links = {"version": version, "programme": programme}
    if programme.state_code and programme.status in PUBLISHED:
        links["catalogue_url"] = reverse("pages:programme", args=[programme.state_code])
    if request.user.is_staff:
        links["version_admin_url"] = reverse("admin:programmes_programmeversion_change", args=[version.pk])
    return links


def _coordinator_forms(application, forms_in: dict) -> dict:
    status, shown = application.status, {}
    if status == ApplicationStatus.SUBMITTED:
        shown["start"] = forms.StepForm()
    elif status == ApplicationStatus.ELIGIBILITY:
        shown.update(accept=forms.StepForm(), ineligible=forms.IneligibleForm())
        shown["return"] = forms.CorrectionsForm()
    elif status == ApplicationStatus.UNDER_EVALUATION:
        shown.update(assign=forms.AssignForm())
    elif status == ApplicationStatus.SCORED and application.call_id is None:
        shown["decide"] = forms.DecideForm(procedure=application.procedure,
                                           initial={"outcome": application.proposed_outcome})
    elif status == ApplicationStatus.APPEALED:
        shown["resolve-appeal"] = forms.ResolveAppealForm()
    return {**shown, **{k: v for k, v in forms_in.items() if k in shown}}


def _provider_forms(application, forms_in: dict) -> dict:
    status, shown = application.status, {}
    if status == ApplicationStatus.RETURNED:
        shown["resubmit"] = forms.ResubmitForm(with_amount=application.call_id is not None,
                                               initial={"requested_amount": application.requested_amount})
    if status in OPEN_STATUSES:
        shown["withdraw"] = forms.WithdrawForm()
    if (status == ApplicationStatus.DECIDED and application.call_id is None
            and not application.appeals.filter(status=AppealStatus.FILED).exists()):
        shown["appeal"] = forms.AppealForm()
    return {**shown, **{k: v for k, v in forms_in.items() if k in shown}}


def _scores(application, user, criteria, roles) -> dict:
    """The score sheets the user may read, as a table: a row per criterion, a column per expert."""
    sheets = list(scoring.visible_assignments(application, user).select_related("expert__person")
                  .prefetch_related("scores").order_by("round", "assigned_at", "id"))
    if not sheets:
        return {}
    by_sheet = [{s.criterion_id: s for s in sheet.scores.all()} for sheet in sheets]
    others = iter("ABCDEFGHIJ")
    for sheet in sheets:
        sheet.label = (str(sheet.expert) if roles.coordinator else _("You") if sheet.expert_id == roles.expert.pk
                       else _("Expert %(letter)s") % {"letter": next(others)})
    return {"sheets": sheets, "rows": [{"criterion": c, "cells": [scores.get(c.pk) for scores in by_sheet]}
                                       for c in criteria]}


def _summary(application) -> dict:
    summary = scoring.score_summary(application)
    for row in summary.get("criteria", []):
        row["name"] = pick(row.get("name_lt", ""), row.get("name_en", ""))
    return summary


def _context(request, application, *, forms_in=None, failed: str = "", failed_expert=None) -> dict:
    user = request.user
    roles = roles_of(user)
    forms_in = forms_in or {}
    coordinator = roles.coordinator
    provider = roles.provider(application)
    reads = roles.reads_as_institution(application)
    context = {
        "application": application, "roles": roles, "coordinator": coordinator, "provider": provider,
        "reads": reads, "colour": APPLICATION_COLOURS.get(application.status, ""),
        "overdue": application.status in OPEN_STATUSES and overdue(application.due_on),
        "failed": failed, "failed_expert": failed_expert, "failed_form": forms_in.get(failed),
        **_programme_links(request, application),
        "criteria": list(application.procedure.criteria.order_by("order", "code")),
    }
    if reads:
        context["events"] = application.events.select_related("user").order_by("at", "id")
        context["decisions"] = application.decisions.order_by("-round", "-decided_at")
        context["appeals"] = application.appeals.select_related("decision").order_by("-filed_at")
    if roles.expert is not None:
        context["own_assignments"] = application.assignments.filter(expert=roles.expert).order_by("round")
    if coordinator or roles.expert is not None:
        context["score_sheets"] = _scores(application, user, context["criteria"], roles)
    if coordinator:
        assignments = application.assignments.select_related("expert__person").order_by("round", "assigned_at")
        context["assignments"] = [{"assignment": a, "colour": ASSIGNMENT_COLOURS.get(a.status, ""),
                                   "withdrawable": a.status == AssignmentStatus.ASSIGNED
                                   and a.round == application.round} for a in assignments]
        context["forms"] = _coordinator_forms(application, forms_in)
        if application.status == ApplicationStatus.UNDER_EVALUATION:
            context["proposals"] = experts.propose_experts(application)
        if application.total is not None:
            context["summary"] = _summary(application)
        context["filed_appeals"] = application.appeals.filter(status=AppealStatus.FILED)
    elif provider:
        context["forms"] = _provider_forms(application, forms_in)
        context["edit_version"] = (application.status == ApplicationStatus.RETURNED and application.call_id is None
                                   and application.programme_version_id is not None)
        context["version_draft"] = (application.programme_version is not None
                                    and application.programme_version.status == VersionStatus.DRAFT)
    else:
        context["forms"] = {}
    context["error_anchor"] = {"assign": "proposals", "withdraw-assignment": "assignments"}.get(
        failed, f"step-{failed}" if failed in context["forms"] else "summary")
    return context


@login_required
def application_page(request, number):
    application = _application(request, number)
    return render(request, TEMPLATE, _context(request, application))


@require_POST
@login_required
def application_action(request, number, action):
    application = _application(request, number)
    step = STEPS.get(action)
    if step is None:
        raise Http404
    roles = roles_of(request.user)
    if not (roles.coordinator if step.who == "coordinator" else roles.provider(application)):
        raise PermissionDenied(_("Only the agency's evaluation coordinator may do this.") if step.who == "coordinator"
                               else _("Only the applicant institution's officers may do this."))
    form = step.form(request.POST, application)
    if run(form, lambda data: step.run(application, request.user, data)):
        messages.success(request, str(step.done))
        return redirect("evaluation:application", number=application.number)
    application.refresh_from_db()
    failed_expert = request.POST.get("expert") if action == "assign" else None
    return render(request, TEMPLATE, _context(request, application, forms_in={action: form}, failed=action,
                                              failed_expert=failed_expert))
