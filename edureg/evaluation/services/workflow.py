"""The application workflow (see docs/evaluation.md):

submitted → eligibility → (returned ↔ resubmitted) → under_evaluation → scored → decided → (appealed → a new
round under evaluation → scored → decided). Each step is a function here that checks who may take it and from
which status, runs in one transaction on the locked application, and leaves an Event (and change records).

Who may do what (`actor=None` is the system and is not checked):
- the coordinator (common.ensure_coordinator): start_eligibility, accept_eligibility, return_for_corrections,
  declare_ineligible, decide, resolve_appeal;
- the provider, an officer of the application's institution (common.ensure_provider): resubmit, file_appeal,
  withdraw; apply_for_readiness (or the coordinator on the institution's behalf).

The programme register follows (decisions.programme_effect): a programme application returned for corrections
sends its version back to draft (the provider edits it and submits it again, which resumes the application); a
decision registers or rejects the version. A call's applications are decided by the call's ranking
(services/calls.py), not here.
"""

from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from edureg.core.services import acting
from edureg.evaluation.choices import (
    AppealStatus,
    ApplicationStatus,
    AssignmentStatus,
    EventAction,
    Outcome,
    Purpose,
    Selection,
)
from edureg.evaluation.models import Appeal, Application, Assignment, Procedure
from edureg.evaluation.services.common import (
    clean_text,
    ensure_coordinator,
    ensure_provider,
    ensure_status,
    fail,
    is_coordinator,
    is_provider_of,
    locked,
    next_application_number,
    record,
    set_status,
    today,
    user_or_none,
)
from edureg.evaluation.services.decisions import (
    appeal_deadline,
    current_decision,
    make_decision,
    programme_actor,
    programme_effect,
    rule_outcome,
)

PROGRAMME_PURPOSES = (Purpose.ACCREDITATION, Purpose.REGISTRATION)
S = ApplicationStatus

# Which outcomes are at least as favourable as which (a coordinator may only depart downwards from the rule).
FAVOUR = {Outcome.ACCREDITED: 2, Outcome.CONDITIONS: 1, Outcome.REJECTED: 0}
WITHDRAWABLE = (S.SUBMITTED, S.ELIGIBILITY, S.RETURNED, S.UNDER_EVALUATION, S.SCORED)


def procedure_for_kind(kind) -> Procedure | None:
    """The active accreditation or registration procedure for a programme kind, if any."""
    return (Procedure.objects.filter(active=True, purpose__in=PROGRAMME_PURPOSES, kinds=kind)
            .order_by("code").first())


def _new_round_if_evaluated(application: Application) -> None:
    """A reopened application starts a fresh round when experts already worked on the current one."""
    if application.assignments.filter(round=application.round).exists():
        application.round += 1
    application.total = application.mandatory_passed = None
    application.proposed_outcome = ""
    application.extra_expert_needed = False


def receive_version(version, *, actor) -> Application | None:
    """A programme version was submitted (programmes.signals.version_submitted): resume its application returned
    for corrections, or reopen it (withdrawn, or found ineligible while returned) in a new round when experts had
    worked on it; else open one under the procedure for its kind. Kinds without a procedure are
    decided by the registrar directly (None)."""
    with acting(actor):
        waiting = (Application.objects.select_for_update()
                   .filter(programme_version=version, call__isnull=True,
                           status__in=(S.RETURNED, S.WITHDRAWN, S.DECIDED)).first())
        if waiting is not None:
            before = waiting.status
            if before == S.DECIDED:  # found ineligible while returned (the version stayed a draft): a new round
                waiting.round += 1
            if before != S.RETURNED:
                _new_round_if_evaluated(waiting)
            set_status(waiting, S.SUBMITTED, due_in_days=waiting.procedure.eligibility_days)
            waiting.save()
            record(waiting, EventAction.RESUBMITTED, actor=actor, from_status=before)
            return waiting
        procedure = procedure_for_kind(version.programme.kind)
        if procedure is None:
            return None
        application = Application(
            number=next_application_number(), procedure=procedure, institution=version.programme.provider,
            programme_version=version, title=version.name_lt[:255], isced_f=version.isced_f,
            submitted_by=user_or_none(actor))
        set_status(application, S.SUBMITTED, due_in_days=procedure.eligibility_days)
        application.save()
        record(application, EventAction.SUBMITTED, actor=actor)
        return application


def _move(application: Application, status: str, action: str, *, actor, due_in_days=None, note: str = ""):
    before = application.status
    set_status(application, status, due_in_days=due_in_days)
    application.save()
    record(application, action, actor=actor, from_status=before, note=note)


def _is_programme_application(application: Application) -> bool:
    return application.call_id is None and application.programme_version_id is not None


# --- eligibility ------------------------------------------------------------------------------------------------

def start_eligibility(application: Application, *, actor) -> Application:
    """Submitted → eligibility check (coordinator)."""
    ensure_coordinator(actor)
    with acting(actor):
        app = locked(application)
        ensure_status(app, S.SUBMITTED)
        _move(app, S.ELIGIBILITY, EventAction.ELIGIBILITY_STARTED, actor=actor,
              due_in_days=app.procedure.eligibility_days)
    return app


def accept_eligibility(application: Application, *, actor) -> Application:
    """Eligibility check → under evaluation: experts may now be assigned (coordinator)."""
    ensure_coordinator(actor)
    with acting(actor):
        app = locked(application)
        ensure_status(app, S.ELIGIBILITY)
        app.correction_request = ""
        _move(app, S.UNDER_EVALUATION, EventAction.ELIGIBLE, actor=actor, due_in_days=app.procedure.evaluation_days)
    return app


def return_for_corrections(application: Application, *, actor, request) -> Application:
    """Eligibility check → returned for corrections, saying what to correct (coordinator). A programme
    application's version goes back to draft for the provider to correct and submit again."""
    ensure_coordinator(actor)
    request = clean_text(request, "request", required=True,
                         message=_("Say what the provider must correct or add."))
    with acting(actor):
        app = locked(application)
        ensure_status(app, S.ELIGIBILITY)
        app.correction_request = request
        _move(app, S.RETURNED, EventAction.RETURNED, actor=actor, due_in_days=app.procedure.eligibility_days,
              note=request)
        if _is_programme_application(app):
            programme_effect(app, "return", actor=actor, reason=request)
    return app


def declare_ineligible(application: Application, *, actor, reason):
    """Submitted, eligibility check or returned → decided: not eligible (coordinator). Makes a negative decision
    (a call's application is left out of the ranking; its decision is published with the call's results)."""
    ensure_coordinator(actor)
    reason = clean_text(reason, "reason", required=True, message=_("Say why the application is not eligible."))
    with acting(actor):
        app = locked(application)
        ensure_status(app, S.SUBMITTED, S.ELIGIBILITY, S.RETURNED)
        if app.call_id is not None:
            app.selection = Selection.INELIGIBLE
            app.rank = None
            app.granted_amount = None
            outcome = Outcome.NOT_FUNDED
        else:
            outcome = Outcome.REJECTED
        _move(app, S.DECIDED, EventAction.INELIGIBLE, actor=actor, note=reason)
        decision = make_decision(app, outcome=outcome, actor=actor, reason=reason, summary={})
        if _is_programme_application(app):
            programme_effect(app, "reject", actor=actor, reason=reason)
    return decision


def resubmit(application: Application, *, actor, note: str = "", requested_amount=None) -> Application:
    """Returned → submitted again (provider). A programme application's version is submitted again through the
    programme register (programmes.services.submit_version), whose signal resumes this application."""
    ensure_provider(application, actor)
    note = clean_text(note, "note")
    amount = _amount(application, requested_amount)
    with acting(actor):
        app = locked(application)
        ensure_status(app, S.RETURNED)
        if amount is not None:
            app.requested_amount = amount
        if note:
            app.provider_note = note
        version = app.programme_version
        if _is_programme_application(app) and version.status == "draft":
            from edureg.programmes.services import submit_version

            app.save()
            submit_version(version, actor=actor)  # → receive_version resumes the application (event resubmitted)
            app = locked(app)
            if app.status != S.SUBMITTED:  # pragma: no cover - the signal receiver is not connected
                _move(app, S.SUBMITTED, EventAction.RESUBMITTED, actor=actor,
                      due_in_days=app.procedure.eligibility_days, note=note)
            elif note:
                last = app.events.filter(action=EventAction.RESUBMITTED).order_by("-at", "-id").first()
                last.note = note
                last.save(update_fields=["note"])
        else:
            _move(app, S.SUBMITTED, EventAction.RESUBMITTED, actor=actor, due_in_days=app.procedure.eligibility_days,
                  note=note)
    return app


def _amount(application: Application, value) -> Decimal | None:
    if value is None or value == "":
        return None
    if application.call_id is None:
        fail("requested_amount", _("Only an application to a funding call has a requested amount."))
    from edureg.evaluation.services.calls import check_amount

    return check_amount(value, application.call)


# --- decision and appeal ----------------------------------------------------------------------------------------

def decide(application: Application, *, actor, outcome=None, conditions: str = "", reason: str = ""):
    """Scored → decided (coordinator): the decision by the procedure's rule, or a less favourable outcome with the
    reasons; registration with conditions states the conditions. The programme version follows the decision."""
    ensure_coordinator(actor)
    conditions = clean_text(conditions, "conditions")
    reason = clean_text(reason, "reason")
    with acting(actor):
        app = locked(application)
        ensure_status(app, S.SCORED)
        if app.call_id is not None:
            fail("status", _("An application to a funding call is decided by the call's ranking and publication."))
        rule = rule_outcome(app)
        chosen = outcome or rule
        if chosen not in FAVOUR:
            fail("outcome", _("Choose accredited, registered with conditions or rejected."))
        if FAVOUR[chosen] > FAVOUR[rule]:
            fail("outcome", _("The scores lead to “%(rule)s”; the decision cannot be more favourable than that.") % {
                "rule": Outcome(rule).label})
        if chosen != rule and not reason:
            fail("reason", _("Give the reasons for departing from the outcome the scores lead to (“%(rule)s”).") % {
                "rule": Outcome(rule).label})
        if chosen == Outcome.CONDITIONS:
            if app.procedure.conditions_threshold is None:
                fail("outcome", _("This procedure has no registration with conditions."))
            if not conditions:
                fail("conditions", _("State the conditions the provider must meet."))
        elif conditions:
            fail("conditions", _("Conditions go only with the outcome “registered with conditions”."))
        from edureg.evaluation.services.scoring import score_summary

        _move(app, S.DECIDED, EventAction.DECIDED, actor=actor, note=str(Outcome(chosen).label))
        decision = make_decision(app, outcome=chosen, actor=actor, reason=reason, conditions=conditions,
                                 summary=score_summary(app))
        if _is_programme_application(app):
            programme_effect(app, "reject" if chosen == Outcome.REJECTED else "register", actor=actor,
                             reason=reason or _("Rejected after the expert evaluation (decision %(number)s).") % {
                                 "number": decision.number},
                             accredited_until=decision.valid_until)
    return decision


def file_appeal(application: Application, *, actor, grounds) -> Appeal:
    """Decided → appealed (provider), within the procedure's days to appeal after the decision."""
    ensure_provider(application, actor)
    grounds = clean_text(grounds, "grounds", required=True, message=_("State the grounds of the appeal."))
    with acting(actor):
        app = locked(application)
        ensure_status(app, S.DECIDED)
        if app.call_id is not None:
            fail("status", _("The results of a funding call are not appealed here; contact the agency."))
        decision = current_decision(app)
        if decision is None:
            fail("status", _("There is no decision in force to appeal."))
        deadline = appeal_deadline(decision)
        if today() > deadline:
            fail("status", _("The time to appeal ended on %(date)s.") % {"date": deadline.isoformat()})
        appeal = Appeal.objects.create(application=app, decision=decision, grounds=grounds,
                                       filed_by=user_or_none(actor))
        _move(app, S.APPEALED, EventAction.APPEALED, actor=actor, due_in_days=app.procedure.decision_days,
              note=grounds)
    return appeal


def resolve_appeal(appeal: Appeal, *, actor, uphold: bool, resolution) -> Appeal:
    """Appealed → under evaluation in a new round (upheld) or back to decided (dismissed) (coordinator). An upheld
    appeal's decision stays in force until the new round's decision replaces it."""
    ensure_coordinator(actor)
    resolution = clean_text(resolution, "resolution", required=True,
                            message=_("Give the resolution of the appeal, with its reasons."))
    with acting(actor):
        app = locked(appeal.application)
        appeal = Appeal.objects.select_for_update().get(pk=appeal.pk)
        if appeal.status != AppealStatus.FILED:
            fail("status", _("This appeal has already been resolved."))
        ensure_status(app, S.APPEALED)
        appeal.status = AppealStatus.UPHELD if uphold else AppealStatus.DISMISSED
        appeal.resolution = resolution
        appeal.resolved_at = timezone.now()
        appeal.resolved_by = user_or_none(actor)
        appeal.save()
        if uphold:
            app.round += 1
            app.total = app.mandatory_passed = None
            app.proposed_outcome = ""
            app.extra_expert_needed = False
            _move(app, S.UNDER_EVALUATION, EventAction.APPEAL_UPHELD, actor=actor,
                  due_in_days=app.procedure.evaluation_days, note=resolution)
        else:
            _move(app, S.DECIDED, EventAction.APPEAL_DISMISSED, actor=actor, note=resolution)
    return appeal


# --- provider's own steps ---------------------------------------------------------------------------------------

def withdraw(application: Application, *, actor, reason: str = "") -> Application:
    """Any stage before the decision → withdrawn (provider). Open expert assignments are withdrawn; a programme
    version waiting for the decision goes back to draft (submitting it again reopens the application)."""
    ensure_provider(application, actor)
    reason = clean_text(reason, "reason")
    with acting(actor):
        app = locked(application)
        ensure_status(app, *WITHDRAWABLE)
        for assignment in Assignment.objects.select_for_update().filter(application=app,
                                                                        status=AssignmentStatus.ASSIGNED):
            assignment.status = AssignmentStatus.WITHDRAWN
            assignment.save()
        _move(app, S.WITHDRAWN, EventAction.WITHDRAWN, actor=actor, note=reason)
        if _is_programme_application(app) and app.programme_version.status == "submitted":
            programme_effect(app, "return", actor=actor,
                             reason=reason or _("The provider withdrew the application for evaluation."))
    return app


def apply_for_readiness(procedure: Procedure, *, actor, institution, title, note: str = "",
                        isced_f=None) -> Application:
    """An institution asks for the evaluation of its readiness (e.g. to run a VET programme or to assess acquired
    competences): an officer of the institution, or the coordinator on its behalf."""
    probe = Application(institution=institution)
    if not (is_coordinator(actor) or is_provider_of(actor, probe)):
        ensure_provider(probe, actor)
    if procedure.purpose != Purpose.READINESS or not procedure.active:
        fail("procedure", _("Choose an active procedure for the evaluation of readiness."))
    title = clean_text(title, "title", required=True,
                       message=_("Say what the institution wants to be found ready for."))[:255]
    note = clean_text(note, "note")
    if isced_f is not None and getattr(getattr(isced_f, "code_list", None), "code", None) != "isced_f":
        fail("isced_f", _("Choose a field of education from the ISCED-F classification."))
    with acting(actor):
        if Application.objects.open().filter(procedure=procedure, institution=institution, title=title).exists():
            fail("title", _("The institution already has an open application with this title."))
        app = Application(number=next_application_number(), procedure=procedure, institution=institution,
                          title=title, isced_f=isced_f, provider_note=note, submitted_by=user_or_none(actor))
        set_status(app, S.SUBMITTED, due_in_days=procedure.eligibility_days)
        app.save()
        record(app, EventAction.SUBMITTED, actor=actor, note=note)
    return app


__all__ = ["accept_eligibility", "apply_for_readiness", "decide", "declare_ineligible", "file_appeal",
           "procedure_for_kind", "programme_actor", "receive_version", "resolve_appeal", "resubmit",
           "return_for_corrections", "start_eligibility", "withdraw"]
