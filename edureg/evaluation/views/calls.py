"""Funding calls: the public list and a call's page (providers apply with a registered programme version of theirs;
the coordinator opens, closes, ranks and publishes), and the published ranked list with its CSV."""

import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from edureg.evaluation import forms
from edureg.evaluation.choices import ApplicationStatus, CallStatus, TieRule
from edureg.evaluation.models import Application, Call
from edureg.evaluation.services import calls
from edureg.evaluation.views.common import APPLICATION_COLOURS, CALL_COLOURS, roles_of, run
from edureg.programmes.choices import VersionStatus
from edureg.programmes.models import ProgrammeVersion

TEMPLATE = "evaluation/call.html"


def _call(request, code: str) -> Call:
    return get_object_or_404(Call.objects.for_user(request.user).select_related("procedure"), code=code)


def call_list(request):
    visible = Call.objects.for_user(request.user).select_related("procedure").order_by("-opens_on", "code")
    return render(request, "evaluation/call_list.html", {
        "rows": [{"call": c, "colour": CALL_COLOURS.get(c.status, "")} for c in visible]})


def _versions(call, roles):
    """The registered versions the provider may apply with: its institutions' programmes of the call's kinds."""
    if not roles.provider_of or call.status != CallStatus.OPEN:
        return []
    return list(ProgrammeVersion.objects.filter(
        status=VersionStatus.REGISTERED, programme__provider_id__in=roles.provider_of,
        programme__kind__in=call.kinds.all()).select_related("programme__provider").order_by("name_lt", "pk"))


def _tie_rules(call) -> list[str]:
    labels = dict(TieRule.choices)
    criteria = {c.code: c.name for c in call.procedure.criteria.all()}
    out = []
    for rule in call.tie_rules or []:
        if isinstance(rule, str) and rule.startswith("criterion:"):
            code = rule.split(":", 1)[1]
            out.append(_("Higher score on “%(criterion)s” first") % {"criterion": criteria.get(code, code)})
        else:
            out.append(str(labels.get(rule, rule)))
    return out


def _context(request, call, *, apply_form=None, failed: str = "", step_errors=None) -> dict:
    roles = roles_of(request.user)
    versions = _versions(call, roles)
    context = {"call": call, "colour": CALL_COLOURS.get(call.status, ""), "roles": roles,
               "kinds": call.kinds.order_by("sort_order", "code"),
               "criteria": call.procedure.criteria.order_by("order", "code"), "tie_rules": _tie_rules(call),
               "failed": failed, "step_errors": step_errors or []}
    if roles.provider_of and call.status == CallStatus.OPEN:
        context["apply_form"] = apply_form or forms.ApplyForm(versions=versions)
        context["has_versions"] = bool(versions)
    if roles.coordinator:
        applications = Application.objects.filter(call=call).select_related("institution").order_by(
            "rank", "-total", "number")
        context["applications"] = [{"application": a, "colour": APPLICATION_COLOURS.get(a.status, "")}
                                   for a in applications]
        context["steps"] = [name for name, allowed in (
            ("open", call.status == CallStatus.DRAFT), ("close", call.status == CallStatus.OPEN),
            ("rank", call.status == CallStatus.CLOSED), ("publish", call.status == CallStatus.CLOSED
                                                         and call.ranked_at is not None)) if allowed]
    elif roles.provider_of:
        context["applications"] = [
            {"application": a, "colour": APPLICATION_COLOURS.get(a.status, "")}
            for a in Application.objects.filter(call=call, institution_id__in=roles.provider_of)
            .select_related("institution").order_by("number")]
    return context


def call_page(request, code):
    call = _call(request, code)
    return render(request, TEMPLATE, _context(request, call))


@require_POST
@login_required
def apply(request, code):
    call = _call(request, code)
    roles = roles_of(request.user)
    if not roles.provider_of:
        raise PermissionDenied(_("Only an institution's officers may apply."))
    form = forms.ApplyForm(request.POST, versions=_versions(call, roles))
    created = []

    def apply_with(data):
        created.append(calls.apply_to_call(call, actor=request.user, programme_version=form.version(),
                                           requested_amount=data["requested_amount"], note=data["note"]))

    if run(form, apply_with):
        messages.success(request, _("Your application %(number)s is submitted to the call.") % {
            "number": created[0].number})
        return redirect("evaluation:application", number=created[0].number)
    return render(request, TEMPLATE, _context(request, call, apply_form=form, failed="apply"))


CALL_STEPS = {
    "open": ("open_call", gettext_lazy("The call is open for applications.")),
    "close": ("close_call", gettext_lazy("The call is closed; its applications go on to evaluation.")),
    "rank": ("rank_call", gettext_lazy("The applications are ranked and selected within the budget. Check the "
                                       "list, then publish it.")),
    "publish": ("publish_call", gettext_lazy("The results are published and the decisions made.")),
}


@require_POST
@login_required
def call_step(request, code, step):
    call = _call(request, code)
    if step not in CALL_STEPS:
        raise Http404
    if not roles_of(request.user).coordinator:
        raise PermissionDenied(_("Only the agency's evaluation coordinator may do this."))
    function, done = CALL_STEPS[step]
    form = forms.StepForm(request.POST)
    if run(form, lambda data: getattr(calls, function)(call, actor=request.user)):
        messages.success(request, str(done))
        return redirect("evaluation:call", code=call.code)
    call.refresh_from_db()
    return render(request, TEMPLATE, _context(request, call, failed=step,
                                              step_errors=[m for e in form.errors.values() for m in e]))


def _published(request, code) -> Call:
    call = _call(request, code)
    if call.status != CallStatus.PUBLISHED:
        raise Http404
    return call


def _result_rows(call) -> list[Application]:
    return [a for a in calls.call_results(call) if a.status != ApplicationStatus.WITHDRAWN]


def results(request, code):
    call = _published(request, code)
    return render(request, "evaluation/call_results.html", {"call": call, "rows": _result_rows(call)})


def results_csv(request, code):
    call = _published(request, code)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{call.code}-results.csv"'
    response.write("\ufeff")
    writer = csv.writer(response, delimiter=";")
    writer.writerow([_("Rank"), _("Application"), _("Applicant"), _("Programme"), _("Score (points)"),
                     _("Requested (EUR)"), _("Granted (EUR)"), _("Result")])
    for a in _result_rows(call):
        writer.writerow([a.rank or "", a.number, a.institution.name, a.title,
                         a.total if a.total is not None else "", a.requested_amount or "",
                         a.granted_amount if a.granted_amount is not None else "", a.get_selection_display()])
    return response
