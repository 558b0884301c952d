"""Ask for a readiness evaluation (/evaluation/readiness/): an institution's officer for one of their institutions,
or the coordinator for any institution in operation by its code (e.g. to run a formal VET programme or to assess
acquired competences). The service `workflow.apply_for_readiness` checks and records it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from edureg.evaluation import forms
from edureg.evaluation.choices import Purpose
from edureg.evaluation.models import Procedure
from edureg.evaluation.services import workflow
from edureg.evaluation.views.common import roles_of, run
from edureg.institutions.choices import InstitutionStatus
from edureg.institutions.models import Institution

TEMPLATE = "evaluation/readiness.html"


def _form(roles, data=None) -> forms.ReadinessForm:
    procedures = list(Procedure.objects.filter(purpose=Purpose.READINESS, active=True).order_by("name_lt", "code"))
    institutions = None
    if not roles.coordinator:
        institutions = list(Institution.objects.filter(pk__in=roles.provider_of)
                            .exclude(status=InstitutionStatus.LIQUIDATED).order_by("name", "pk"))
    return forms.ReadinessForm(data, procedures=procedures, institutions=institutions)


@require_http_methods(["GET", "POST"])
@login_required
def readiness(request):
    roles = roles_of(request.user)
    if not (roles.coordinator or roles.provider_of):
        raise PermissionDenied(_("Only an institution's officers and the agency's evaluation coordinator may ask "
                                 "for a readiness evaluation."))
    if request.method != "POST":
        return render(request, TEMPLATE, {"form": _form(roles), "roles": roles})
    form = _form(roles, request.POST)
    created = []

    def apply(data):
        created.append(workflow.apply_for_readiness(
            form.procedure_object(), actor=request.user, institution=data["institution"], title=data["title"],
            note=data["note"], isced_f=data["isced_f"]))

    if run(form, apply):
        messages.success(request, _("The application %(number)s for the readiness evaluation is submitted. The "
                                    "agency checks it first.") % {"number": created[0].number})
        return redirect("evaluation:application", number=created[0].number)
    return render(request, TEMPLATE, {"form": form, "roles": roles})
