"""An expert's scores, and the application's result once the experts' sheets are in.

- The assigned expert, having confirmed no conflict of interest, saves scores as a draft (any criteria; a score on
  the procedure's scale, at most two decimals, with a justification where the criterion requires one) and submits
  the complete sheet. Submitting fixes the expert's total (weighted points out of 100).
- `settle` runs after each submission: once the round's required sheets are in, engine.aggregation aggregates them.
  When the experts' totals differ by more than the procedure's limit and no additional expert was asked for yet,
  the application waits for one (`extra_expert_needed`; the coordinator assigns them, see services/experts.py);
  otherwise it is scored: total, mandatory criteria met, and the outcome by the decision rule (a call's
  application gets none: the call's ranking decides), due for a decision within the procedure's decision days.
- An expert reads their own scores, and the other experts' only after submitting their own (visible_assignments).
Experts' identities and individual scores stay out of the events (providers read those).
"""

from collections.abc import Mapping
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from edureg.core.services import acting
from edureg.evaluation.choices import ApplicationStatus, AssignmentStatus, EventAction, Purpose
from edureg.evaluation.engine.aggregation import Problem, aggregate, as_decimal, check_sheet, points
from edureg.evaluation.models import Application, Assignment, Score
from edureg.evaluation.services.common import (
    clean_text,
    expert_of,
    fail,
    is_coordinator,
    locked,
    procedure_spec,
    record,
    set_status,
)
from edureg.evaluation.services.experts import (
    conflicts,
    ensure_open,
    ensure_own_assignment,
    locked_assignment,
    required_experts,
)

__all__ = ["save_scores", "submit_scores", "settle", "score_summary", "visible_assignments"]

SETTLED_FIELDS = ("status", "status_since", "due_on", "extra_expert_needed", "total", "mandatory_passed",
                  "proposed_outcome")


def _message(problem: Problem, procedure) -> str:
    return {
        "unknown": _("“%(code)s” is not a criterion of this procedure.") % {"code": problem.criterion},
        "missing": _("Score this criterion."),
        "not_a_number": _("Enter the score as a number."),
        "out_of_scale": _("Enter a score from %(low)s to %(high)s (at most two decimal places).") % {
            "low": procedure.scale_min, "high": procedure.scale_max},
        "no_justification": _("Justify this score."),
    }[problem.kind]


def _raise(problems: list[Problem], procedure, errors: dict | None = None) -> None:
    errors = dict(errors or {})
    for problem in problems:
        errors.setdefault(problem.criterion, []).append(_message(problem, procedure))
    if errors:
        raise ValidationError(errors)


def _ensure_confirmed(assignment: Assignment) -> None:
    if assignment.no_conflict_at is None:
        fail("status", _("Confirm first that you have no conflict of interest with this application."))


def save_scores(assignment: Assignment, scores: Mapping[str, Mapping], *, actor, comment=None) -> Assignment:
    """Save some or all of the expert's scores as a draft: {criterion code: {"value": number, "justification":
    text}}. An empty value clears the score; a missing "justification" keeps the saved one. All or nothing: each
    bad score is named by its criterion code."""
    if not isinstance(scores, Mapping):
        fail("scores", _("Give the scores as criterion codes, each with a value and a justification."))
    with acting(actor):
        app, current = locked_assignment(assignment)
        ensure_own_assignment(current, actor)
        ensure_open(app, current)
        _ensure_confirmed(current)
        procedure = app.procedure
        criteria = {c.code: c for c in procedure.criteria.all()}
        values: dict[str, object] = {}
        texts: dict[str, str] = {}
        errors: dict[str, list[str]] = {}
        for code, entry in scores.items():
            code = str(code)
            if code not in criteria:
                continue  # check_sheet names it
            if not isinstance(entry, Mapping):
                entry = {"value": entry}
            raw = entry.get("value")
            if isinstance(raw, str) and not raw.strip():
                raw = None
            values[code] = raw
            if "justification" in entry:
                try:
                    texts[code] = clean_text(entry["justification"], code)
                except ValidationError as error:
                    errors.setdefault(code, []).extend(error.message_dict[code])
            if raw is None and texts.get(code):
                errors.setdefault(code, []).append(_("Enter a score for this justification, or clear both."))
        unknown = {str(k): None for k in scores if str(k) not in criteria}
        _raise(check_sheet(procedure_spec(procedure), {**values, **unknown}, complete=False), procedure, errors)
        if comment is not None:
            current.comment = clean_text(comment, "comment")
            current.save()
        existing = {s.criterion_id: s for s in current.scores.all()}
        for code, raw in values.items():
            criterion = criteria[code]
            score = existing.get(criterion.pk)
            if raw is None:
                if score is not None:
                    score.delete()
                continue
            if score is None:
                score = Score(assignment=current, criterion=criterion)
            score.value = as_decimal(raw)
            if code in texts:
                score.justification = texts[code]
            score.save()
    return current


def submit_scores(assignment: Assignment, *, actor) -> Assignment:
    """Submit the expert's complete sheet (every criterion scored, justified where required); then settle the
    application."""
    with acting(actor):
        app, current = locked_assignment(assignment)
        ensure_own_assignment(current, actor)
        ensure_open(app, current)
        _ensure_confirmed(current)
        found = conflicts(current.expert, app)
        if found:
            fail("expert", _("The register shows a conflict of interest: %(reasons)s Declare it instead.") % {
                "reasons": " ".join(found)})
        procedure = app.procedure
        spec = procedure_spec(procedure)
        stored = list(current.scores.select_related("criterion"))
        values = {s.criterion.code: s.value for s in stored}
        _raise(check_sheet(spec, values, {s.criterion.code: s.justification for s in stored}, complete=True),
               procedure)
        current.total = points(spec, values)
        current.status = AssignmentStatus.SUBMITTED
        current.submitted_at = timezone.now()
        current.save()
        record(app, EventAction.SCORES_SUBMITTED, actor=actor, from_status=app.status)
        _settle(app, actor)
    return current


# --- the application's result ---------------------------------------------------------------------------------------

def _submitted(application: Application, round_: int) -> list[Assignment]:
    scores = Prefetch("scores", queryset=Score.objects.select_related("criterion"))
    return list(Assignment.objects.filter(application_id=application.pk, round=round_,
                                          status=AssignmentStatus.SUBMITTED).prefetch_related(scores))


def _sheet(assignment: Assignment) -> dict[str, Decimal]:
    return {s.criterion.code: s.value for s in assignment.scores.all()}


def _settle(app: Application, actor) -> None:
    if app.status != ApplicationStatus.UNDER_EVALUATION:
        return
    submitted = _submitted(app, app.round)
    if len(submitted) < required_experts(app):
        return
    procedure = app.procedure
    result = aggregate(procedure_spec(procedure), [_sheet(a) for a in submitted])
    if result.disagree and not app.extra_expert_needed:
        app.extra_expert_needed = True
        app.save()
        record(app, EventAction.EXTRA_EXPERT_NEEDED, actor=actor, from_status=app.status,
               note=_("The experts' totals differ by %(spread)s points (the limit is %(limit)s).") % {
                   "spread": result.spread, "limit": procedure.disagreement_points})
        return
    before = app.status
    app.total = result.total
    app.mandatory_passed = result.mandatory_passed
    app.proposed_outcome = "" if procedure.purpose == Purpose.COMPETITION else result.outcome
    set_status(app, ApplicationStatus.SCORED, due_in_days=procedure.decision_days)
    app.save()
    record(app, EventAction.SCORED, actor=actor, from_status=before)


def settle(application: Application, *, actor=None) -> None:
    """Aggregate the round's sheets once the required ones are submitted (see the module docstring). Does nothing
    before that or when the application is no longer under evaluation."""
    with acting(actor):
        app = locked(application)
        _settle(app, actor)
    for name in SETTLED_FIELDS:
        setattr(application, name, getattr(app, name))


def score_summary(application: Application, round: int | None = None) -> dict:
    """The round's aggregated scores as JSON (for the decision and its document); without submitted sheets the
    scores are empty."""
    procedure = application.procedure
    submitted = _submitted(application, round or application.round)
    result = aggregate(procedure_spec(procedure), [_sheet(a) for a in submitted]) if submitted else None
    return {
        "scale": [procedure.scale_min, procedure.scale_max],
        "aggregation": procedure.aggregation,
        "experts": len(submitted),
        "expert_totals": [str(t) for t in result.expert_totals] if result else [],
        "spread": str(result.spread) if result else "",
        "total": str(result.total) if result else "",
        "threshold": str(procedure.threshold),
        "mandatory_passed": result.mandatory_passed if result else None,
        "criteria": [{
            "code": c.code, "name_lt": c.name_lt, "name_en": c.name_en, "weight": str(c.weight),
            "mandatory": c.mandatory, "pass_mark": None if c.pass_mark is None else str(c.pass_mark),
            "score": str(result.per_criterion[c.code]) if result else "",
        } for c in procedure.criteria.order_by("order", "code")],
    }


def visible_assignments(application: Application, user):
    """The application's assignments whose scores the user may read: the coordinator all; an expert their own,
    and the others' submitted sheets of a round once theirs is submitted; anyone else none."""
    assignments = Assignment.objects.filter(application_id=application.pk)
    if is_coordinator(user):
        return assignments
    expert = expert_of(user)
    if expert is None:
        return assignments.none()
    rounds = Assignment.objects.filter(application_id=application.pk, expert=expert,
                                       status=AssignmentStatus.SUBMITTED).values("round")
    return assignments.filter(Q(expert=expert) | Q(status=AssignmentStatus.SUBMITTED, round__in=rounds))
