"""Funding calls: open, apply, close, rank and select within the budget, publish (see engine/ranking.py for the
ranking and the rule for the last application that does not fit).

draft --open_call--> open --close_call--> closed --rank_call (again as needed)--> closed, ranked --publish_call-->
published. Providers apply while the call is open and today is within its dates; the applications then go through
the workflow (eligibility, experts, scoring) up to "scored"; the call's ranking decides them all at once when the
results are published. Each step checks who may take it, runs in one transaction and changes nothing when refused.
"""

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from edureg.core.scoping import scope_for
from edureg.core.services import acting
from edureg.evaluation.choices import (
    OPEN_STATUSES,
    ApplicationStatus,
    AssignmentStatus,
    CallStatus,
    EventAction,
    Outcome,
    Purpose,
    Selection,
)
from edureg.evaluation.engine import ranking
from edureg.evaluation.engine.aggregation import aggregate, as_decimal
from edureg.evaluation.models import Application, Assignment, Call, Decision, Score
from edureg.evaluation.services.common import (
    clean_text,
    ensure_coordinator,
    ensure_provider,
    ensure_status,
    fail,
    locked,
    next_application_number,
    procedure_spec,
    record,
    set_status,
    today,
    user_or_none,
)
from edureg.evaluation.services.decisions import make_decision
from edureg.evaluation.services.scoring import score_summary
from edureg.programmes.choices import VersionStatus

CENT = Decimal("0.01")
# Statuses a call's application must have left before the call is ranked.
UNFINISHED = tuple(s for s in OPEN_STATUSES if s != ApplicationStatus.SCORED)
OUTCOME_OF = {Selection.FUNDED: Outcome.FUNDED, Selection.PARTIALLY_FUNDED: Outcome.PARTIALLY_FUNDED}


def _eur(amount: Decimal) -> str:
    return f"{amount:.2f}"


def _locked_call(call: Call) -> Call:
    return Call.objects.select_for_update().select_related("procedure").get(pk=call.pk)


def _sync(original, fresh, *fields: str):
    """The caller's object gets the step's changes too (the step worked on a locked copy)."""
    for name in fields:
        setattr(original, name, getattr(fresh, name))
    return original


CALL_STEP_FIELDS = ("status", "ranked_at", "published_at")


def _ensure_call_status(call: Call, *allowed: str) -> None:
    if call.status not in allowed:
        fail("status", _("The call is %(status)s; this step needs it to be %(allowed)s.") % {
            "status": str(call.get_status_display()).lower(),
            "allowed": _(" or ").join(str(CallStatus(s).label).lower() for s in allowed)})


# --- checks ---------------------------------------------------------------------------------------------------


def _tie_rule_messages(rules, codes) -> list[str]:
    texts = {
        "not_a_list": _("Give the tie rules as a list, e.g. [\"criterion:relevance\", \"lower_amount\"]."),
        "not_text": _("Tie rule %(rule)s is not text."),
        "repeated": _("Tie rule %(rule)s is given twice; give each rule once."),
        "unknown_criterion": _("Tie rule %(rule)s names a criterion the procedure does not have (its criteria: "
                               "%(codes)s)."),
        "unknown": _("Unknown tie rule %(rule)s: use criterion:<code>, lower_amount, earlier_submission or "
                     "more_agreement."),
    }
    listed = ", ".join(sorted(codes)) or "-"
    return [texts[kind] % {"rule": rule, "codes": listed} for kind, rule in ranking.tie_rule_problems(rules, codes)]


def call_problems(call: Call) -> dict[str, list[str]]:
    """What is wrong with the call's settings ({field: [message]}; {} = fine). Works on an unsaved call."""
    problems: dict[str, list[str]] = {}

    def add(field, message):
        problems.setdefault(field, []).append(message)

    procedure = call.procedure if call.procedure_id else None
    if procedure is None:
        add("procedure", _("Choose the evaluation procedure."))
    elif procedure.purpose != Purpose.COMPETITION:
        add("procedure", _("Choose a funding competition procedure (this one is for %(purpose)s).") % {
            "purpose": str(procedure.get_purpose_display()).lower()})
    codes = list(procedure.criteria.values_list("code", flat=True)) if procedure is not None else []
    for message in _tie_rule_messages(call.tie_rules if call.tie_rules is not None else [], codes):
        add("tie_rules", message)
    if call.budget is not None and call.budget <= 0:
        add("budget", _("The budget must be above 0."))
    if call.max_per_application is not None:
        if call.max_per_application <= 0:
            add("max_per_application", _("The most per application must be above 0."))
        elif call.budget is not None and call.max_per_application > call.budget:
            add("max_per_application", _("The most per application (%(max)s EUR) cannot exceed the budget "
                                         "(%(budget)s EUR).") % {"max": _eur(call.max_per_application),
                                                                 "budget": _eur(call.budget)})
    if call.opens_on and call.closes_on and call.closes_on < call.opens_on:
        add("closes_on", _("The call cannot close before it opens."))
    return problems


def check_call(call: Call) -> None:
    """Raise a ValidationError ({field: [messages]}) when the call's settings are wrong: a procedure that is not a
    competition, tie rules the procedure's criteria do not allow, a maximum per application above the budget.
    The admin and the API call it before saving; open_call too."""
    problems = call_problems(call)
    if problems:
        raise ValidationError(problems)


def check_amount(value, call: Call) -> Decimal:
    """A requested amount for the call: EUR above 0 with at most two decimals, within the budget and the maximum
    per application (a ValidationError on requested_amount otherwise)."""
    amount = as_decimal(value) if value is not None else None
    if amount is None:
        fail("requested_amount", _("Enter the requested amount in EUR, e.g. 12500.00."))
    if amount != amount.quantize(CENT):
        fail("requested_amount", _("Give the requested amount in EUR with at most two decimals."))
    if amount <= 0:
        fail("requested_amount", _("The requested amount must be above 0 EUR."))
    if amount > call.budget:
        fail("requested_amount", _("The requested amount (%(amount)s EUR) exceeds the call's budget of "
                                   "%(budget)s EUR.") % {"amount": _eur(amount), "budget": _eur(call.budget)})
    if amount > call.max_per_application:
        fail("requested_amount", _("The requested amount (%(amount)s EUR) exceeds the call's maximum of "
                                   "%(max)s EUR per application.") % {
            "amount": _eur(amount), "max": _eur(call.max_per_application)})
    return amount.quantize(CENT)


def _may_apply_for(user, institution_id: int) -> bool:
    """An officer of the institution who may add applications (or the system)."""
    if user is None:
        return True
    if not getattr(user, "is_authenticated", False) or not user.has_perm("evaluation.add_application"):
        return False
    return institution_id in scope_for(user).institution_ids


# --- the call's steps -----------------------------------------------------------------------------------------


def open_call(call: Call, *, actor) -> Call:
    """draft → open (coordinator): the procedure must be a competition, the settings sound, kinds chosen."""
    ensure_coordinator(actor)
    with acting(actor):
        locked_call = _locked_call(call)
        _ensure_call_status(locked_call, CallStatus.DRAFT)
        check_call(locked_call)
        if not locked_call.kinds.exists():
            fail("kinds", _("Choose the programme kinds that may apply."))
        locked_call.status = CallStatus.OPEN
        locked_call.save()
    return _sync(call, locked_call, *CALL_STEP_FIELDS)


def close_call(call: Call, *, actor) -> Call:
    """open → closed (coordinator): no more applications; the submitted ones go on to evaluation."""
    ensure_coordinator(actor)
    with acting(actor):
        locked_call = _locked_call(call)
        _ensure_call_status(locked_call, CallStatus.OPEN)
        locked_call.status = CallStatus.CLOSED
        locked_call.save()
    return _sync(call, locked_call, *CALL_STEP_FIELDS)


def apply_to_call(call: Call, *, actor, programme_version, requested_amount, note: str = "") -> Application:
    """A provider's application with a registered programme version of an eligible kind (officer of the version's
    provider; the call open and today within its dates; one application per version and call)."""
    if programme_version is None:
        fail("programme_version", _("Choose the programme version to apply with."))
    provider_id = programme_version.programme.provider_id
    if not _may_apply_for(actor, provider_id):
        raise PermissionDenied(_("Only the officers of the programme's provider may apply with it."))
    with acting(actor):
        call = _locked_call(call)
        _ensure_call_status(call, CallStatus.OPEN)
        day = today()
        if not (call.opens_on <= day <= call.closes_on):
            fail("status", _("The call takes applications from %(opens)s to %(closes)s.") % {
                "opens": call.opens_on.isoformat(), "closes": call.closes_on.isoformat()})
        version = type(programme_version).objects.select_related("programme", "programme__kind").get(
            pk=programme_version.pk)
        if version.status != VersionStatus.REGISTERED:
            fail("programme_version", _("Only a registered programme version may apply; this one is %(status)s.")
                 % {"status": str(version.get_status_display()).lower()})
        if not call.kinds.filter(pk=version.programme.kind_id).exists():
            fail("programme_version", _("Programmes of kind %(kind)s may not apply to this call (eligible: "
                                        "%(kinds)s).") % {
                "kind": version.programme.kind.name,
                "kinds": ", ".join(str(k.name) for k in call.kinds.order_by("code")) or "-"})
        amount = check_amount(requested_amount, call)
        note = clean_text(note, "note")
        existing = Application.objects.filter(call=call, programme_version=version).first()
        if existing is not None:
            fail("programme_version", _("This programme version has already applied to the call (application "
                                        "%(number)s).") % {"number": existing.number})
        application = Application(
            number=next_application_number(), procedure=call.procedure, call=call,
            institution_id=version.programme.provider_id, programme_version=version, title=version.name_lt[:255],
            isced_f_id=version.isced_f_id, requested_amount=amount, provider_note=note,
            submitted_by=user_or_none(actor))
        set_status(application, ApplicationStatus.SUBMITTED, due_in_days=call.procedure.eligibility_days)
        application.save()
        record(application, EventAction.SUBMITTED, actor=actor,
               note=_("Requested %(amount)s EUR.") % {"amount": _eur(amount)})
    return application


def update_request(application: Application, *, actor, requested_amount=None, note=None) -> Application:
    """The provider changes the requested amount or the note while the application is submitted or returned for
    corrections (the change log keeps the earlier values)."""
    ensure_provider(application, actor)
    with acting(actor):
        app = locked(application)
        if app.call_id is None:
            fail("requested_amount", _("Only an application to a funding call has a requested amount."))
        ensure_status(app, ApplicationStatus.SUBMITTED, ApplicationStatus.RETURNED)
        if requested_amount is not None:
            app.requested_amount = check_amount(requested_amount, app.call)
        if note is not None:
            app.provider_note = clean_text(note, "note")
        app.save()
        record(app, EventAction.REQUEST_UPDATED, actor=actor, from_status=app.status)
    return _sync(application, app, "requested_amount", "provider_note")


# --- ranking and publication ----------------------------------------------------------------------------------


def _entries(call: Call, applications: list[Application]) -> list[ranking.Entry]:
    """The engine's entries of the scored applications: aggregated criterion scores and the experts' spread from
    the submitted score sheets of the current round (two queries whatever the number of applications)."""
    try:
        spec = procedure_spec(call.procedure)
    except ValueError:  # a procedure without weighted criteria: no criterion tie rules apply
        spec = None
    sheets: dict[int, list[dict]] = {}
    spreads: dict[int, list[Decimal]] = {}
    rounds = {a.pk: a.round for a in applications}
    assignments = (Assignment.objects.filter(application_id__in=rounds, status=AssignmentStatus.SUBMITTED)
                   .prefetch_related(Prefetch("scores", queryset=Score.objects.select_related("criterion"))))
    for assignment in assignments:
        if assignment.round != rounds[assignment.application_id]:
            continue
        sheets.setdefault(assignment.application_id, []).append(
            {s.criterion.code: s.value for s in assignment.scores.all()})
        if assignment.total is not None:
            spreads.setdefault(assignment.application_id, []).append(assignment.total)
    entries = []
    for application in applications:
        criteria: dict[str, Decimal] = {}
        if spec is not None and sheets.get(application.pk):
            try:
                criteria = aggregate(spec, sheets[application.pk]).per_criterion
            except ValueError:  # an incomplete sheet: criterion ties treat the application as lowest
                criteria = {}
        totals = spreads.get(application.pk, [])
        entries.append(ranking.Entry(
            key=application.pk, total=application.total, mandatory_passed=bool(application.mandatory_passed),
            requested=application.requested_amount or Decimal(0), criteria=criteria,
            submitted_at=application.submitted_at.timestamp(),
            spread=(max(totals) - min(totals)) if totals else Decimal(0), number=application.number))
    return entries


def _selection(call: Call, applications: list[Application]) -> list[ranking.Selected]:
    ordered = ranking.rank(_entries(call, applications), call.tie_rules or [])
    return ranking.select(ordered, budget=call.budget, min_score=call.min_score,
                          max_per_application=call.max_per_application, last_fit_rule=call.last_fit_rule)


def _ensure_finished(call: Call) -> None:
    unfinished = call.applications.filter(status__in=UNFINISHED).count()
    if unfinished:
        fail("status", _("%(n)d application(s) of the call are still being checked or evaluated; rank the call when "
                         "every application is scored, decided ineligible or withdrawn.") % {"n": unfinished})


def _event_note(selected: ranking.Selected, call: Call) -> str:
    if selected.rank is None:
        label = str(Selection(selected.selection).label)
        if selected.selection == Selection.BELOW_MINIMUM:
            return _("%(label)s (%(min)s points).") % {"label": label, "min": call.min_score}
        return label + "."
    return _("Rank %(rank)d: %(label)s, %(amount)s EUR granted.") % {
        "rank": selected.rank, "label": str(Selection(selected.selection).label).lower(),
        "amount": _eur(selected.granted)}


def rank_call(call: Call, *, actor) -> list[Application]:
    """Rank the closed call's scored applications and select them within the budget (coordinator). Refused while
    any application is still being checked or evaluated. May be repeated until the results are published."""
    original = call
    ensure_coordinator(actor)
    with acting(actor):
        call = _locked_call(call)
        _ensure_call_status(call, CallStatus.CLOSED)
        check_call(call)
        _ensure_finished(call)
        scored = list(call.applications.select_for_update().filter(status=ApplicationStatus.SCORED))
        by_pk = {a.pk: a for a in scored}
        for selected in _selection(call, scored):
            application = by_pk[selected.key]
            application.rank = selected.rank
            application.selection = selected.selection
            application.granted_amount = selected.granted
            application.save()
            record(application, EventAction.RANKED, actor=actor, from_status=application.status,
                   note=_event_note(selected, call))
        for application in call.applications.select_for_update().filter(status=ApplicationStatus.DECIDED):
            if application.selection != Selection.INELIGIBLE or application.rank is not None:
                application.rank, application.selection, application.granted_amount = None, Selection.INELIGIBLE, None
                application.save()
        call.ranked_at = timezone.now()
        call.save()
    _sync(original, call, *CALL_STEP_FIELDS)
    return call_results(call)


def _reason(application: Application, call: Call) -> str:
    if application.selection == Selection.BELOW_MINIMUM:
        return _("The total of %(total)s points is below the call's minimum score of %(min)s points.") % {
            "total": application.total, "min": call.min_score}
    if application.selection == Selection.MANDATORY_FAILED:
        return _("A mandatory criterion was not met.")
    if application.selection == Selection.NOT_FUNDED:
        return _("Rank %(rank)d: the call's budget of %(budget)s EUR did not reach this application.") % {
            "rank": application.rank, "budget": _eur(call.budget)}
    if application.selection == Selection.PARTIALLY_FUNDED:
        return _("Rank %(rank)d: %(granted)s EUR of the %(requested)s EUR requested.") % {
            "rank": application.rank, "granted": _eur(application.granted_amount),
            "requested": _eur(application.requested_amount or Decimal(0))}
    return _("Rank %(rank)d: funded.") % {"rank": application.rank}


def publish_call(call: Call, *, actor) -> Call:
    """Publish the ranked call's results (coordinator): a published decision for each ranked application (funded,
    partly funded or not funded), which is then decided; the decisions on ineligible applications are published
    too. Refused when the grants exceed the budget or anything changed since the ranking (rank again)."""
    ensure_coordinator(actor)
    with acting(actor):
        locked_call = _locked_call(call)
        _ensure_call_status(locked_call, CallStatus.CLOSED)
        if locked_call.ranked_at is None:
            fail("status", _("Rank the call before publishing its results."))
        _ensure_finished(locked_call)
        scored = list(locked_call.applications.select_for_update().filter(status=ApplicationStatus.SCORED)
                      .select_related("procedure").order_by("rank", "number"))
        granted = sum((a.granted_amount or Decimal(0) for a in scored), Decimal(0))
        if granted > locked_call.budget:
            fail("budget", _("The grants add up to %(granted)s EUR, more than the budget of %(budget)s EUR; rank "
                             "the call again.") % {"granted": _eur(granted), "budget": _eur(locked_call.budget)})
        stored = {a.pk: (a.rank, a.selection, a.granted_amount) for a in scored}
        fresh = {s.key: (s.rank, s.selection, s.granted) for s in _selection(locked_call, scored)}
        if stored != fresh or any(a.status_since > locked_call.ranked_at for a in scored):
            fail("status", _("The applications or the call changed since the ranking; rank the call again before "
                             "publishing."))
        now = timezone.now()
        for application in scored:
            make_decision(application, outcome=OUTCOME_OF.get(application.selection, Outcome.NOT_FUNDED), actor=actor,
                          summary=score_summary(application), reason=_reason(application, locked_call),
                          granted_amount=application.granted_amount, publish=True)
            before = application.status
            set_status(application, ApplicationStatus.DECIDED)
            application.save()
            record(application, EventAction.DECIDED, actor=actor, from_status=before,
                   note=_reason(application, locked_call))
        for decision in Decision.objects.select_for_update().filter(
                application__call=locked_call, current=True, published_at__isnull=True):
            decision.published_at = now
            decision.save()
        locked_call.status = CallStatus.PUBLISHED
        locked_call.published_at = now
        locked_call.save()
    return _sync(call, locked_call, *CALL_STEP_FIELDS)


def call_results(call: Call) -> list[Application]:
    """The call's ranked list: ranked applications by rank, then those below the minimum or failing a mandatory
    criterion (by total), then the ineligible ones. Readers decide who may see it (public once published)."""
    applications = (Application.objects.filter(call=call).exclude(selection="")
                    .select_related("institution", "programme_version"))
    return sorted(applications, key=lambda a: (
        a.rank is None, a.rank or 0, a.selection == Selection.INELIGIBLE, -(a.total or Decimal(0)), a.number))

