"""A decision's PDF (/evaluation/decisions/<number>.pdf): for the provider, its municipality and the coordinator."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from edureg.evaluation.models import Application, Decision
from edureg.evaluation.services import pdf
from edureg.evaluation.views.common import roles_of


@login_required
def decision_pdf(request, number):
    decision = get_object_or_404(Decision.objects.select_related(
        "application", "application__institution", "application__institution__municipality"), number=number)
    application = decision.application
    if not Application.objects.for_user(request.user).filter(pk=application.pk).exists():
        raise Http404
    if not roles_of(request.user).reads_as_institution(application):
        raise PermissionDenied(_("The decision document is for the applicant, its municipality and the agency."))
    response = HttpResponse(pdf.decision_pdf(decision, language=get_language()), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{decision.number}.pdf"'
    return response
