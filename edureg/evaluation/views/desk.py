"""The evaluation desk (/evaluation/), by role: the coordinator's queue with due dates, reminders and expiring
decisions; the expert's assignments; the provider's applications and the open calls; a municipality's
applications."""

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import render

from edureg.evaluation.choices import OPEN_STATUSES, ApplicationStatus, AssignmentStatus, CallStatus
from edureg.evaluation.models import Application, Assignment, Call
from edureg.evaluation.services import decisions
from edureg.evaluation.views.common import APPLICATION_COLOURS, ASSIGNMENT_COLOURS, overdue, roles_of

QUEUE_LIMIT = 200


def _rows(applications) -> list[dict]:
    return [{"application": a, "colour": APPLICATION_COLOURS.get(a.status, ""),
             "overdue": a.status in OPEN_STATUSES and overdue(a.due_on)} for a in applications]


def _coordinator(request) -> dict:
    wanted = request.GET.get("status", "")
    if wanted and wanted not in ApplicationStatus.values:
        raise Http404
    counts = dict(Application.objects.values_list("status").annotate(n=Count("pk")).order_by())
    queue = Application.objects.select_related("institution", "procedure", "call")
    queue = queue.filter(status=wanted) if wanted else queue.filter(status__in=OPEN_STATUSES)
    queue = queue.order_by("due_on", "submitted_at", "id")[:QUEUE_LIMIT]
    statuses = [{"value": value, "label": label, "count": counts.get(value, 0),
                 "colour": APPLICATION_COLOURS.get(value, "")} for value, label in ApplicationStatus.choices]
    reminders = [{"reminder": r, "overdue": overdue(r.due_on)} for r in decisions.reminders()]
    return {"queue": _rows(queue), "statuses": statuses, "wanted": wanted,
            "open_total": sum(counts.get(s, 0) for s in OPEN_STATUSES), "reminders": reminders,
            "expiring": decisions.expiring_decisions(),
            "calls": Call.objects.exclude(status=CallStatus.PUBLISHED).annotate(
                applied=Count("applications", filter=~Q(applications__status=ApplicationStatus.WITHDRAWN)))
            .order_by("-opens_on", "code")}


@login_required
def index(request):
    user = request.user
    roles = roles_of(user)
    context = {"roles": roles}
    if roles.coordinator:
        context.update(_coordinator(request))
    if roles.expert is not None:
        assignments = (Assignment.objects.filter(expert=roles.expert)
                       .select_related("application", "application__institution", "application__procedure")
                       .order_by("status", "due_on", "id"))
        context["assignments"] = [
            {"assignment": a, "colour": ASSIGNMENT_COLOURS.get(a.status, ""),
             "overdue": a.status == AssignmentStatus.ASSIGNED and overdue(a.due_on)} for a in assignments]
    if not roles.coordinator and (roles.institution_ids or roles.municipality_codes):
        own = (Application.objects.for_user(user)
               .filter(Q(institution_id__in=roles.institution_ids)
                       | Q(institution__municipality__code__in=roles.municipality_codes))
               .select_related("institution", "procedure", "call").order_by("-submitted_at", "-id"))
        context["own"] = _rows(own)
    if roles.provider_of and not roles.coordinator:
        context["open_calls"] = Call.objects.filter(status=CallStatus.OPEN).order_by("closes_on", "code")
    return render(request, "evaluation/index.html", context)
