"""Experts for an application: conflicts of interest, load, proposals, and the assignment steps.

- A conflict of interest: the expert's person works, or worked within the procedure's `conflict_years`, at the
  applicant institution or a co-provider of the programme (pedagogues' Employment); an ExpertTie to one of them
  likewise; or the expert declared a conflict on this application before (any round).
- Load: the expert's assignments still open (status assigned); an expert takes at most `max_load`.
- Available: active and within the availability dates.
- The coordinator assigns and withdraws experts (the application under evaluation; never a conflicted, unavailable
  or fully loaded expert; at most the procedure's number of experts, one more once the experts disagreed — that
  one is marked `extra`). The assigned expert confirms having no conflict (before scoring) or declares one.
Every step runs in one transaction on the locked application and leaves an Event (without the expert's name or
notes: providers read the events); a refused one changes nothing.
Scores are saved and submitted in services/scoring.py.
"""

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from edureg.core.services import acting
from edureg.evaluation.choices import ApplicationStatus, AssignmentStatus, EventAction
from edureg.evaluation.models import Application, Assignment, Expert, ExpertTie
from edureg.evaluation.services.common import (
    add_years,
    clean_text,
    ensure_coordinator,
    ensure_status,
    expert_of,
    fail,
    locked,
    record,
    today,
    user_or_none,
)

__all__ = ["conflicts", "load", "is_available", "Proposal", "propose_experts", "assign_expert",
           "withdraw_assignment", "confirm_no_conflict", "declare_conflict", "ACTIVE"]

# Assignments that count in a round (the expert is on it or has scored it).
ACTIVE = (AssignmentStatus.ASSIGNED, AssignmentStatus.SUBMITTED)


# --- conflicts of interest ----------------------------------------------------------------------------------------

def _institutions(application: Application) -> dict[int, str]:
    """{institution id: name} of the applicant and the programme's co-providers."""
    out = {application.institution_id: str(application.institution)}
    version = application.programme_version
    if version is not None:
        for inst in version.programme.co_providers.all():
            out.setdefault(inst.pk, str(inst))
    return out


def _conflict_index(application: Application, expert_ids=None, *, on=None) -> dict[int, list[str]]:
    """{expert id: conflict reasons} for the application (three queries whatever the number of experts)."""
    from edureg.pedagogues.models import Employment

    on = on or today()
    since = add_years(on, -application.procedure.conflict_years)
    institutions = _institutions(application)
    out: dict[int, list[str]] = {}

    def within(end_field: str) -> Q:
        return Q(**{f"{end_field}__isnull": True}) | Q(**{f"{end_field}__gte": since})

    experts = Expert.objects.all() if expert_ids is None else Expert.objects.filter(pk__in=expert_ids)
    jobs = (Employment.objects.filter(within("end_date"), institution_id__in=institutions,
                                      person__expert__in=experts)
            .values_list("person__expert__id", "institution_id", "end_date").order_by("start_date", "id"))
    for expert_id, inst, ended in jobs:
        if ended is None or ended >= on:
            reason = _("Works at %(institution)s.") % {"institution": institutions[inst]}
        else:
            reason = _("Worked at %(institution)s until %(date)s (within %(years)s years).") % {
                "institution": institutions[inst], "date": ended.isoformat(),
                "years": application.procedure.conflict_years}
        out.setdefault(expert_id, []).append(reason)
    ties = (ExpertTie.objects.filter(within("ended_on"), institution_id__in=institutions, expert__in=experts)
            .order_by("id"))
    for tie in ties:
        out.setdefault(tie.expert_id, []).append(_("%(relation)s of %(institution)s.") % {
            "relation": tie.get_relation_display(), "institution": institutions[tie.institution_id]})
    declared = (Assignment.objects.filter(application_id=application.pk, status=AssignmentStatus.CONFLICT,
                                          expert__in=experts)
                .values_list("expert_id", flat=True).distinct())
    for expert_id in declared:
        out.setdefault(expert_id, []).append(_("Declared a conflict of interest on this application."))
    return out


def conflicts(expert: Expert, application: Application, *, on=None) -> list[str]:
    """Why the expert may not evaluate the application (translated reasons); [] when nothing stands in the way."""
    return _conflict_index(application, [expert.pk], on=on).get(expert.pk, [])


# --- load and availability ----------------------------------------------------------------------------------------

def load(expert: Expert) -> int:
    """The expert's open assignments (assigned, not yet submitted)."""
    return Assignment.objects.filter(expert=expert).counting_load().count()


def is_available(expert: Expert, on=None) -> bool:
    on = on or today()
    return bool(expert.active and (expert.available_from is None or expert.available_from <= on)
                and (expert.available_until is None or on <= expert.available_until))


# --- proposals ----------------------------------------------------------------------------------------------------

@dataclass
class Proposal:
    """An expert as a candidate for an application, with what speaks for and against them."""

    expert: Expert
    load: int
    field_match: bool
    kind_match: bool
    available: bool
    conflicts: list[str] = field(default_factory=list)
    assigned: bool = False

    @property
    def blocked(self) -> bool:
        return bool(self.conflicts or not self.available or self.load >= self.expert.max_load or self.assigned
                    or not self.expert.active)

    @property
    def reasons(self) -> list[str]:
        """What blocks the expert (empty when they may be assigned)."""
        out = list(self.conflicts)
        if not self.expert.active:
            out.append(_("No longer active in the experts register."))
        elif not self.available:
            out.append(_("Not available now."))
        if self.load >= self.expert.max_load:
            out.append(_("Has %(load)s open assignments (at most %(max)s).") % {
                "load": self.load, "max": self.expert.max_load})
        if self.assigned:
            out.append(_("Already assigned to this application."))
        return out


def _isced_prefixes(application: Application) -> list[str]:
    """The application's ISCED-F code and its broader fields ("0114" → "01", "011", "0114")."""
    code = application.isced_f.code if application.isced_f_id else ""
    return [code[:n] for n in range(2, len(code) + 1)]


def _kind_ids(application: Application) -> list[int]:
    version = application.programme_version
    if version is not None:
        return [version.programme.kind_id]
    return list(application.procedure.kinds.values_list("pk", flat=True))


def _candidates(application: Application):
    through_fields = Expert.expertise.through
    through_kinds = Expert.kinds.through
    through_procedures = Expert.procedures.through
    any_procedure = ~Exists(through_procedures.objects.filter(expert_id=OuterRef("pk")))
    this_procedure = Exists(through_procedures.objects.filter(expert_id=OuterRef("pk"),
                                                              procedure_id=application.procedure_id))
    return (Expert.objects.select_related("person")
            .filter(any_procedure | this_procedure)
            .annotate(
                open_load=Count("assignments", filter=Q(assignments__status=AssignmentStatus.ASSIGNED)),
                field_match=Exists(through_fields.objects.filter(
                    expert_id=OuterRef("pk"), classifieritem__code__in=_isced_prefixes(application))),
                kind_match=Exists(through_kinds.objects.filter(expert_id=OuterRef("pk"),
                                                               programmekind_id__in=_kind_ids(application))),
                on_it=Exists(Assignment.objects.filter(expert_id=OuterRef("pk"), application_id=application.pk,
                                                       round=application.round, status__in=ACTIVE)),
            ))


def propose_experts(application: Application, *, limit: int = 20, on=None) -> list[Proposal]:
    """Active experts who evaluate under the application's procedure, best first: those of the application's field
    of education (the ones who may be assigned, then the blocked ones with their reasons, so that the coordinator
    sees why a specialist is missing), then the others; within each, those who may be assigned, matching the
    programme kind, with a lower load, by name. A constant number of queries."""
    on = on or today()
    found = _conflict_index(application, on=on)
    proposals = [
        Proposal(expert=e, load=e.open_load, field_match=e.field_match, kind_match=e.kind_match,
                 available=is_available(e, on), conflicts=found.get(e.pk, []), assigned=e.on_it)
        for e in _candidates(application).filter(active=True)]
    proposals.sort(key=lambda p: (not p.field_match, p.blocked, not p.kind_match, p.load,
                                  p.expert.person.last_name, p.expert.person.first_name, p.expert.pk))
    return proposals[:limit]


# --- who may ------------------------------------------------------------------------------------------------------

def ensure_own_assignment(assignment: Assignment, actor) -> None:
    """The actor is the assigned expert (or the system)."""
    if actor is None:
        return
    expert = expert_of(actor)
    if expert is None or expert.pk != assignment.expert_id:
        raise PermissionDenied(_("Only the expert assigned may do this."))


def locked_assignment(assignment: Assignment) -> tuple[Application, Assignment]:
    """The application locked, then the assignment re-read under a lock (within the caller's transaction)."""
    app = locked(assignment.application)
    current = (Assignment.objects.select_for_update(of=("self",)).select_related("expert", "expert__person")
               .get(pk=assignment.pk))
    current.application = app
    return app, current


def ensure_open(app: Application, assignment: Assignment) -> None:
    """The application is under evaluation and the assignment is open in its current round."""
    ensure_status(app, ApplicationStatus.UNDER_EVALUATION)
    if assignment.round != app.round:
        fail("status", _("This assignment belongs to an earlier evaluation round (%(round)s); the application is "
                         "in round %(current)s.") % {"round": assignment.round, "current": app.round})
    if assignment.status != AssignmentStatus.ASSIGNED:
        fail("status", _("The assignment is %(status)s: this step needs it open.") % {
            "status": assignment.get_status_display().lower()})


def required_experts(app: Application) -> int:
    return app.procedure.experts_per_application + (1 if app.extra_expert_needed else 0)


# --- the coordinator ----------------------------------------------------------------------------------------------

def assign_expert(application: Application, expert: Expert, *, actor, due_on=None) -> Assignment:
    """Assign an expert to the application's current round (the coordinator)."""
    with acting(actor):
        ensure_coordinator(actor)
        app = locked(application)
        ensure_status(app, ApplicationStatus.UNDER_EVALUATION)
        expert = Expert.objects.select_for_update(of=("self",)).select_related("person").get(pk=expert.pk)
        if due_on is not None and not isinstance(due_on, datetime.date):
            fail("due_on", _("Enter a date."))
        if due_on is not None and due_on < today():
            fail("due_on", _("The due date cannot be in the past."))
        name = str(expert)
        if not expert.active:
            fail("expert", _("%(expert)s is no longer active in the experts register.") % {"expert": name})
        if not is_available(expert):
            fail("expert", _("%(expert)s is not available now.") % {"expert": name})
        if expert.procedures.exists() and not expert.procedures.filter(pk=app.procedure_id).exists():
            fail("expert", _("%(expert)s does not evaluate under the procedure %(procedure)s.") % {
                "expert": name, "procedure": app.procedure})
        found = conflicts(expert, app)
        if found:
            fail("expert", _("%(expert)s has a conflict of interest: %(reasons)s Choose another expert.") % {
                "expert": name, "reasons": " ".join(found)})
        in_round = Assignment.objects.filter(application=app, round=app.round)
        active = list(in_round.filter(status__in=ACTIVE).values_list("expert_id", flat=True))
        if expert.pk in active:
            fail("expert", _("%(expert)s is already assigned to this application.") % {"expert": name})
        if len(active) >= required_experts(app):
            fail("expert", _("The application already has the %(n)s experts it needs.") % {
                "n": required_experts(app)})
        current_load = load(expert)
        if current_load >= expert.max_load:
            fail("expert", _("%(expert)s already has %(load)s open assignments (at most %(max)s).") % {
                "expert": name, "load": current_load, "max": expert.max_load})
        extra = app.extra_expert_needed and len(active) >= app.procedure.experts_per_application
        due = due_on or app.due_on or today() + datetime.timedelta(days=app.procedure.evaluation_days)
        assignment = in_round.filter(expert=expert).first()  # withdrawn earlier in this round: assigned again
        if assignment is None:
            assignment = Assignment(application=app, expert=expert, round=app.round)
        else:
            assignment.scores.all().delete()
        assignment.status = AssignmentStatus.ASSIGNED
        assignment.extra = extra
        assignment.due_on = due
        assignment.assigned_by = user_or_none(actor)
        assignment.no_conflict_at = None
        assignment.conflict_note = ""
        assignment.comment = ""
        assignment.total = None
        assignment.submitted_at = None
        assignment.save()
        record(app, EventAction.EXPERT_ASSIGNED, actor=actor, from_status=app.status,
               note=_("An additional expert, as the experts disagreed.") if extra else "")
    return assignment


def withdraw_assignment(assignment: Assignment, *, actor, reason) -> Assignment:
    """Take an open assignment back from the expert (the coordinator, with a reason); their draft scores go."""
    reason = clean_text(reason, "reason", required=True, message=_("Say why the expert is withdrawn."))
    with acting(actor):
        ensure_coordinator(actor)
        app, current = locked_assignment(assignment)
        ensure_open(app, current)
        current.scores.all().delete()
        current.status = AssignmentStatus.WITHDRAWN
        current.save()
        record(app, EventAction.EXPERT_WITHDRAWN, actor=actor, from_status=app.status, note=reason)
    return current


# --- the expert ---------------------------------------------------------------------------------------------------

def confirm_no_conflict(assignment: Assignment, *, actor) -> Assignment:
    """The expert declares having no conflict of interest (needed before scoring). Refused when the register
    shows one: the expert declares it instead."""
    with acting(actor):
        app, current = locked_assignment(assignment)
        ensure_own_assignment(current, actor)
        ensure_open(app, current)
        found = conflicts(current.expert, app)
        if found:
            fail("expert", _("The register shows a conflict of interest: %(reasons)s Declare it instead.") % {
                "reasons": " ".join(found)})
        if current.no_conflict_at is None:
            current.no_conflict_at = timezone.now()
            current.save()
            record(app, EventAction.NO_CONFLICT, actor=actor, from_status=app.status)
    return current


def declare_conflict(assignment: Assignment, *, actor, note) -> Assignment:
    """The expert declares a conflict of interest: the assignment ends, its draft scores go, and the expert is
    never again proposed for this application."""
    note = clean_text(note, "note", required=True, message=_("Describe the conflict of interest."))
    with acting(actor):
        app, current = locked_assignment(assignment)
        ensure_own_assignment(current, actor)
        ensure_open(app, current)
        current.scores.all().delete()
        current.status = AssignmentStatus.CONFLICT
        current.conflict_note = note
        current.no_conflict_at = None
        current.save()
        record(app, EventAction.CONFLICT_DECLARED, actor=actor, from_status=app.status)
    return current
