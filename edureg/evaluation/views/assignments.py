"""An expert's assignment (/evaluation/assignments/<id>/): declare no conflict of interest or a conflict, then score
each criterion on the scale with a justification, save a draft and submit. The other experts' scores appear only
after the expert has submitted their own (services.scoring.visible_assignments). The coordinator reads it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from edureg.evaluation import forms
from edureg.evaluation.choices import AssignmentStatus
from edureg.evaluation.models import Assignment
from edureg.evaluation.services import experts, scoring
from edureg.evaluation.views.common import APPLICATION_COLOURS, ASSIGNMENT_COLOURS, overdue, roles_of, run

TEMPLATE = "evaluation/assignment.html"


def _assignment(request, pk: int) -> Assignment:
    return get_object_or_404(Assignment.objects.for_user(request.user).select_related(
        "expert__person", "application", "application__procedure", "application__institution",
        "application__programme_version", "application__programme_version__programme"), pk=pk)


def _scores_form(assignment, data=None) -> forms.ScoresForm:
    procedure = assignment.application.procedure
    kwargs = {"criteria": procedure.criteria.order_by("order", "code"), "scale_min": procedure.scale_min,
              "scale_max": procedure.scale_max}
    if data is not None:
        return forms.ScoresForm(data, **kwargs)
    return forms.ScoresForm(initial=forms.ScoresForm.initial_for(assignment), **kwargs)


def _sheets(assignment, user, roles) -> list[dict]:
    visible = (scoring.visible_assignments(assignment.application, user).filter(round=assignment.round)
               .exclude(pk=assignment.pk).select_related("expert__person").prefetch_related("scores__criterion")
               .order_by("assigned_at", "id"))
    sheets = []
    for index, other in enumerate(visible):
        name = str(other.expert) if roles.coordinator else _("Expert %(letter)s") % {"letter": chr(ord("A") + index)}
        sheets.append({"assignment": other, "name": name,
                       "scores": {s.criterion_id: s for s in other.scores.all()}})
    return sheets


def _context(request, assignment, *, scores_form=None, conflict_form=None, failed: str = "") -> dict:
    user = request.user
    roles = roles_of(user)
    application = assignment.application
    own = roles.expert is not None and assignment.expert_id == roles.expert.pk
    open_ = assignment.status == AssignmentStatus.ASSIGNED and application.round == assignment.round
    declaring = own and open_ and assignment.no_conflict_at is None
    scoring = own and open_ and assignment.no_conflict_at is not None
    criteria = list(application.procedure.criteria.order_by("order", "code"))
    scores = {s.criterion_id: s for s in assignment.scores.all()}
    return {
        "assignment": assignment, "application": application, "procedure": application.procedure,
        "own": own, "declaring": declaring, "scoring": scoring, "failed": failed,
        "colour": ASSIGNMENT_COLOURS.get(assignment.status, ""),
        "application_colour": APPLICATION_COLOURS.get(application.status, ""),
        "overdue": open_ and overdue(assignment.due_on),
        "conflict_form": conflict_form or (forms.ConflictForm() if declaring else None),
        "scores_form": scores_form or (_scores_form(assignment) if scoring else None),
        "own_scores": [{"criterion": c, "score": scores.get(c.pk)} for c in criteria],
        "criteria": criteria, "others": _sheets(assignment, user, roles),
        "submitted": assignment.status == AssignmentStatus.SUBMITTED,
    }


@login_required
def assignment_page(request, pk):
    assignment = _assignment(request, pk)
    return render(request, TEMPLATE, _context(request, assignment))


def _ensure_own(request, assignment) -> None:
    expert = roles_of(request.user).expert
    if expert is None or assignment.expert_id != expert.pk:
        raise PermissionDenied(_("Only the assigned expert may do this."))


@require_POST
@login_required
def assignment_action(request, pk, action):
    assignment = _assignment(request, pk)
    _ensure_own(request, assignment)
    here = redirect("evaluation:assignment", pk=assignment.pk)
    user = request.user
    if action == "no-conflict":
        form = forms.StepForm(request.POST)
        if run(form, lambda d: experts.confirm_no_conflict(assignment, actor=user)):
            messages.success(request, _("You declared no conflict of interest. Score each criterion below."))
        else:
            messages.error(request, " ".join(m for errors in form.errors.values() for m in errors))
        return here
    if action == "conflict":
        form = forms.ConflictForm(request.POST)
        if run(form, lambda d: experts.declare_conflict(assignment, actor=user, note=d["note"])):
            messages.success(request, _("Your conflict of interest is recorded; the coordinator will assign "
                                        "another expert."))
            return here
        return _again(request, assignment, conflict_form=form, failed=action)
    if action in ("save", "submit"):
        return _scores(request, assignment, action)
    raise Http404


def _scores(request, assignment, action):
    form = _scores_form(assignment, request.POST)
    user = request.user

    def save(data):
        scoring.save_scores(assignment, form.scores(), actor=user, comment=data.get("comment", ""))
        if action == "submit":
            scoring.submit_scores(assignment, actor=user)

    if run(form, save):
        messages.success(request, _("Your scores are submitted. The other experts' scores are shown below once "
                                    "they submit theirs.") if action == "submit"
                         else _("Your scores are saved as a draft. Submit them when every criterion is scored."))
        return redirect("evaluation:assignment", pk=assignment.pk)
    return _again(request, assignment, scores_form=form, failed=action)


def _again(request, assignment, **kwargs):
    assignment.refresh_from_db()
    return render(request, TEMPLATE, _context(request, assignment, **kwargs))
