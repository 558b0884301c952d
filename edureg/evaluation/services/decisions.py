"""Decisions and what follows them: making a decision (numbered, with its validity, replacing the one in force),
the programme register following it, the appeal deadline, the coordinator's reminders and expiry warnings.

- `make_decision` is called inside a workflow step (or the call's publication) on the locked application.
- `reminders(on=)` lists what needs the coordinator's attention: stages overdue or due within REMINDER_DAYS,
  experts late with their scores, another expert needed, appeals filed, decisions about to expire.
- `send_expiry_warnings(on=)` e-mails each institution whose decision expires within the procedure's warning
  period, once per decision (`expiry_warned_on`); run it daily (`edureg evaluation reminders
  --send-expiry-warnings`).
"""

import datetime
import logging
from contextvars import ContextVar
from dataclasses import dataclass

from django.core.mail import send_mail
from django.db.models import Max, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from edureg.core.services import acting
from edureg.evaluation.choices import (
    POSITIVE,
    AppealStatus,
    ApplicationStatus,
    AssignmentStatus,
    Outcome,
    Purpose,
)
from edureg.evaluation.engine.aggregation import outcome as rule_of
from edureg.evaluation.models import Appeal, Application, Assignment, Decision, Procedure
from edureg.evaluation.services.common import (
    add_years,
    fail,
    next_decision_number,
    procedure_spec,
    today,
    user_or_none,
)

log = logging.getLogger(__name__)

REMINDER_DAYS = 3
IN_FORCE_VERSION = ("registered", "suspended")


# --- making a decision --------------------------------------------------------------------------------------------

def current_decision(application: Application) -> Decision | None:
    return application.decisions.filter(current=True).first()


def appeal_deadline(decision: Decision) -> datetime.date:
    """The last day an appeal may be filed: the procedure's days to appeal after the day of the decision."""
    decided = timezone.localdate(decision.decided_at) if decision.decided_at else today()
    return decided + datetime.timedelta(days=decision.application.procedure.appeal_days)


def rule_outcome(application: Application) -> str:
    """The outcome the procedure's decision rule gives the application's scores."""
    if application.proposed_outcome:
        return application.proposed_outcome
    if application.total is None:
        fail("status", _("The application has no total score yet."))
    failed = [] if application.mandatory_passed else ["mandatory"]
    return rule_of(procedure_spec(application.procedure), application.total, failed)


def make_decision(application: Application, *, outcome: str, actor, summary: dict, reason: str = "",
                  conditions: str = "", granted_amount=None, publish: bool | None = None) -> Decision:
    """The application's decision of its current round, in force from today (the one in force before is replaced).
    Positive outcomes are valid for the procedure's years (when set). Published at once unless it belongs to a call
    (then with the call's results) or `publish` says otherwise. Call inside the step's transaction."""
    for previous in Decision.objects.select_for_update().filter(application=application, current=True):
        previous.current = False
        previous.save()
    valid_from = today()
    years = application.procedure.validity_years
    valid_until = add_years(valid_from, years) if years and outcome in POSITIVE else None
    if publish is None:
        publish = application.call_id is None
    return Decision.objects.create(
        application=application, number=next_decision_number(), round=application.round, outcome=outcome,
        total=application.total, mandatory_passed=application.mandatory_passed, summary=summary or {},
        conditions=conditions, reason=reason, granted_amount=granted_amount, valid_from=valid_from,
        valid_until=valid_until, decided_by=user_or_none(actor), current=True,
        published_at=timezone.now() if publish else None)


def programme_actor(actor):
    """Who acts in the programme register: the actor when they are its registrar, else the system (the evaluation
    service has already checked the coordinator)."""
    from edureg.programmes.services import is_registrar

    return actor if actor is not None and is_registrar(actor) else None


# Set while the evaluation itself decides on a programme version: the register's decision steps are refused to
# anyone else while the version is being evaluated (receivers.on_version_deciding).
evaluation_deciding: ContextVar[bool] = ContextVar("evaluation_deciding", default=False)


def programme_effect(application: Application, decision: str, *, actor, reason: str = "",
                     accredited_until: datetime.date | None = None) -> None:
    """The programme version follows: "register" (accreditation: with the validity's end as accredited_until;
    after an appeal a rejected version may be registered), "reject" or "return" (to draft) a submitted version.
    A version in another status (e.g. already registered) is left as it is."""
    token = evaluation_deciding.set(True)
    try:
        _programme_effect(application, decision, actor=actor, reason=reason, accredited_until=accredited_until)
    finally:
        evaluation_deciding.reset(token)


def _programme_effect(application: Application, decision: str, *, actor, reason: str,
                      accredited_until: datetime.date | None) -> None:
    from edureg.programmes.services import decide_submission, set_accreditation_end

    version = application.programme_version
    if version is None or application.call_id is not None:
        return
    version.refresh_from_db()
    after_appeal = application.round > 1
    if decision == "register":
        if version.status == "submitted" or (after_appeal and version.status == "rejected"):
            until = accredited_until if application.procedure.purpose == Purpose.ACCREDITATION else None
            decide_submission(version, actor=programme_actor(actor), decision="register", accredited_until=until,
                              after_appeal=after_appeal)
        elif after_appeal and version.status in ("registered", "suspended") and (
                application.procedure.purpose == Purpose.ACCREDITATION):
            set_accreditation_end(version, actor=programme_actor(actor), accredited_until=accredited_until,
                                  reason=_("Decided again after an appeal (%(number)s).") % {
                                      "number": application.number})
    elif version.status == "submitted":
        decide_submission(version, actor=programme_actor(actor), decision=decision, reason=reason)
    elif decision == "reject" and after_appeal and version.status in ("registered", "suspended"):
        # Rejected on re-evaluation: the accreditation ends today (the registration itself is the registrar's).
        set_accreditation_end(version, actor=programme_actor(actor), accredited_until=today(),
                              reason=reason or _("Rejected on re-evaluation after an appeal."))


# --- reminders ----------------------------------------------------------------------------------------------------

@dataclass
class Reminder:
    kind: str  # overdue | due_soon | expert_overdue | extra_expert | appeal | expiring
    application: Application
    due_on: datetime.date | None
    message: str

    @property
    def overdue(self) -> bool:
        return self.due_on is not None and self.kind != "expiring" and self.due_on < today()


def _stage_message(application: Application, late: bool) -> str:
    values = {"status": application.get_status_display().lower(), "date": application.due_on.isoformat()}
    if late:
        return _("Overdue: the stage “%(status)s” was due on %(date)s.") % values
    return _("Due soon: the stage “%(status)s” is due on %(date)s.") % values


def reminders(*, on: datetime.date | None = None) -> list[Reminder]:
    """What the coordinator should act on, by due date (overdue first)."""
    on = on or today()
    soon = on + datetime.timedelta(days=REMINDER_DAYS)
    out: list[Reminder] = []
    stage = (Application.objects.open().exclude(status=ApplicationStatus.APPEALED)
             .filter(due_on__isnull=False, due_on__lte=soon).select_related("procedure", "institution"))
    for app in stage:
        late = app.due_on < on
        out.append(Reminder("overdue" if late else "due_soon", app, app.due_on, _stage_message(app, late)))
    late_experts = (Assignment.objects.filter(status=AssignmentStatus.ASSIGNED, due_on__lt=on,
                                              application__status=ApplicationStatus.UNDER_EVALUATION)
                    .select_related("application__procedure", "application__institution", "expert__person"))
    for assignment in late_experts:
        out.append(Reminder("expert_overdue", assignment.application, assignment.due_on,
                            _("An expert's scores were due on %(date)s.") % {"date": assignment.due_on.isoformat()}))
    extra = (Application.objects.filter(status=ApplicationStatus.UNDER_EVALUATION, extra_expert_needed=True)
             .select_related("procedure", "institution"))
    for app in extra:
        active = app.assignments.filter(round=app.round, status__in=(AssignmentStatus.ASSIGNED,
                                                                     AssignmentStatus.SUBMITTED)).count()
        if active < app.procedure.experts_per_application + 1:
            out.append(Reminder("extra_expert", app, app.due_on,
                                _("The experts disagree: assign another expert.")))
    appeals = (Appeal.objects.filter(status=AppealStatus.FILED, application__status=ApplicationStatus.APPEALED)
               .select_related("application__procedure", "application__institution"))
    for appeal in appeals:
        app = appeal.application
        out.append(Reminder("appeal", app, app.due_on, _("An appeal was filed on %(date)s: resolve it.") % {
            "date": timezone.localdate(appeal.filed_at).isoformat()}))
    for decision in expiring_decisions(on=on):
        out.append(Reminder("expiring", decision.application, decision.valid_until,
                            _("Decision %(number)s expires on %(date)s.") % {
                                "number": decision.number, "date": decision.valid_until.isoformat()}))
    out.sort(key=lambda r: (r.due_on or datetime.date.max, r.application.number, r.kind))
    return out


# --- expiry ---------------------------------------------------------------------------------------------------------

def expiring_decisions(*, on: datetime.date | None = None) -> list[Decision]:
    """Positive decisions in force whose validity ends within their procedure's warning period (not yet ended;
    decisions on programme versions no longer in force are left out)."""
    on = on or today()
    longest = Procedure.objects.aggregate(days=Max("expiry_warning_days"))["days"] or 0
    rows = (Decision.objects.filter(current=True, outcome__in=POSITIVE, valid_until__isnull=False,
                                    valid_until__gte=on, valid_until__lte=on + datetime.timedelta(days=longest))
            .filter(Q(application__programme_version__isnull=True) | Q(application__call__isnull=False)
                    | Q(application__programme_version__status__in=IN_FORCE_VERSION))
            .select_related("application__procedure", "application__institution",
                            "application__programme_version__programme")
            .order_by("valid_until", "number"))
    return [d for d in rows
            if d.valid_until <= on + datetime.timedelta(days=d.application.procedure.expiry_warning_days)]


def _warning_text(decision: Decision) -> tuple[str, str]:
    app = decision.application
    values = {"number": decision.number, "date": decision.valid_until.isoformat(), "title": app.title,
              "application": app.number, "outcome": Outcome(decision.outcome).label}
    subject = _("Decision %(number)s expires on %(date)s") % values
    body = _("The decision %(number)s (%(outcome)s) on “%(title)s” (application %(application)s) is valid until "
             "%(date)s. To continue without a break, submit a new version of the programme for evaluation in good "
             "time.") % values
    return subject, body


def send_expiry_warnings(*, on: datetime.date | None = None) -> int:
    """Warn each institution whose decision is about to expire (an e-mail to its address when it has one, in
    Lithuanian and English), once per decision. Returns how many decisions were warned."""
    on = on or today()
    warned = 0
    for decision in expiring_decisions(on=on):
        if decision.expiry_warned_on is not None:
            continue
        with acting(None):
            locked = Decision.objects.select_for_update().get(pk=decision.pk)
            if locked.expiry_warned_on is not None:
                continue
            locked.expiry_warned_on = on
            locked.save()
            address = decision.application.institution.email
            if address:  # a failure to send rolls the mark back: tried again on the next run
                with translation.override("lt"):
                    subject_lt, body_lt = _warning_text(decision)
                with translation.override("en"):
                    subject_en, body_en = _warning_text(decision)
                send_mail(f"{subject_lt} / {subject_en}", f"{body_lt}\n\n{body_en}\n", None, [address])
        warned += 1
    log.info("evaluation: %d expiry warnings", warned)
    return warned


__all__ = ["REMINDER_DAYS", "Reminder", "appeal_deadline", "current_decision", "expiring_decisions",
           "make_decision", "programme_actor", "programme_effect", "reminders", "rule_outcome",
           "send_expiry_warnings"]
