"""The application workflow: each transition for each role (coordinator = agency_admin; provider = an officer of the
application's institution; another institution's officer, an expert, a municipality officer and an anonymous user
are refused), the statuses each step is allowed from, nothing changed on refusal, corrections and resubmission
through the programme register, withdrawal, readiness applications. Decisions and appeals: test_decisions.py."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError

from edureg.accounts.tests.factories import MembershipFactory, UserFactory
from edureg.evaluation.choices import ApplicationStatus, AssignmentStatus, Outcome, Purpose, Selection
from edureg.evaluation.models import Appeal, Application, Assignment, Decision, Event
from edureg.evaluation.services import workflow
from edureg.evaluation.tests.factories import (
    ApplicationFactory,
    AssignmentFactory,
    CallFactory,
    ExpertFactory,
    ProcedureFactory,
    ScoreFactory,
    procedure,
)
from edureg.institutions.tests.factories import InstitutionFactory
from edureg.programmes.tests.factories import isced_f

pytestmark = pytest.mark.django_db
S = ApplicationStatus


# --- people and states (imported by the other test modules) ---------------------------------------------------------

@dataclass
class People:
    coordinator: object
    provider: object
    other_provider: object
    expert: object
    municipal: object
    anonymous: object


def people(institution) -> People:
    coordinator = UserFactory(username="coordinator", is_staff=True)
    MembershipFactory(user=coordinator, role="agency_admin")
    provider = UserFactory(username="provider")
    MembershipFactory(user=provider, role="institution_officer", institution=institution)
    other = UserFactory(username="other-provider")
    MembershipFactory(user=other, role="institution_officer", institution=InstitutionFactory())
    expert_user = UserFactory(username="expert")
    expert = ExpertFactory()
    MembershipFactory(user=expert_user, role="expert", person=expert.person)
    municipal = UserFactory(username="municipal")
    MembershipFactory(user=municipal, role="municipality_officer", municipality=institution.municipality)
    return People(coordinator, provider, other, expert_user, municipal, AnonymousUser())


def scored(app: Application, values=("3", "3", "3"), *, outcome=None) -> Application:
    """The application brought to "scored" directly: two submitted sheets with `values` (relevance, content, staff
    on the standard procedure), the total and the rule's outcome."""
    criteria = list(app.procedure.criteria.order_by("order", "code"))
    for _n in range(app.procedure.experts_per_application):
        assignment = AssignmentFactory(application=app, round=app.round, status=AssignmentStatus.SUBMITTED,
                                       total=Decimal("75"))
        for criterion, value in zip(criteria, values, strict=False):
            ScoreFactory(assignment=assignment, criterion=criterion, value=Decimal(value))
    from edureg.evaluation.engine.aggregation import aggregate
    from edureg.evaluation.services.common import procedure_spec

    result = aggregate(procedure_spec(app.procedure), [dict(zip([c.code for c in criteria], values, strict=False))])
    Application.objects.filter(pk=app.pk).update(
        status=S.SCORED, total=result.total, mandatory_passed=result.mandatory_passed,
        proposed_outcome=outcome if outcome is not None else ("" if app.call_id else result.outcome))
    app.refresh_from_db()
    return app


def at(app: Application, status: str) -> Application:
    Application.objects.filter(pk=app.pk).update(status=status)
    app.refresh_from_db()
    return app


def snapshot(app: Application) -> tuple:
    app = Application.objects.get(pk=app.pk)
    version = app.programme_version
    return (app.status, app.round, app.due_on, app.correction_request, app.total, app.provider_note,
            Event.objects.filter(application=app).count(), Decision.objects.filter(application=app).count(),
            Appeal.objects.filter(application=app).count(),
            version.status if version else None,
            list(Assignment.objects.filter(application=app).values_list("status", flat=True)))


# --- the transitions as data ---------------------------------------------------------------------------------------

def _decided(app):
    app = scored(app)
    workflow.decide(app, actor=None)
    app.refresh_from_db()
    return app


def _appealed(app):
    app = _decided(app)
    workflow.file_appeal(app, actor=None, grounds="The experts overlooked the practical part.")
    app.refresh_from_db()
    return app


def valid_cpd(app: Application) -> Application:
    """The factory's version given what its kind's rules ask for (hours etc.), so that it can be submitted again."""
    from edureg.programmes.models import ProgrammeVersion
    from edureg.programmes.tests.factories import KIND_DEFAULTS

    ProgrammeVersion.objects.filter(pk=app.programme_version_id).update(**KIND_DEFAULTS["cpd"])
    return app


def _returned(app):
    app = at(valid_cpd(app), S.ELIGIBILITY)
    workflow.return_for_corrections(app, actor=None, request="Attach the trainers' CVs.")
    app.refresh_from_db()
    return app


def _resolve(app, actor):
    return workflow.resolve_appeal(app.appeals.get(), actor=actor, uphold=True, resolution="A new evaluation.")


# name: (who, how to prepare, the step, statuses it is allowed from, the status after)
STEPS = {
    "start_eligibility": ("coordinator", lambda a: a, lambda a, u: workflow.start_eligibility(a, actor=u),
                          {S.SUBMITTED}, S.ELIGIBILITY),
    "accept_eligibility": ("coordinator", lambda a: at(a, S.ELIGIBILITY),
                           lambda a, u: workflow.accept_eligibility(a, actor=u), {S.ELIGIBILITY},
                           S.UNDER_EVALUATION),
    "return_for_corrections": ("coordinator", lambda a: at(a, S.ELIGIBILITY),
                               lambda a, u: workflow.return_for_corrections(a, actor=u, request="Add the CVs."),
                               {S.ELIGIBILITY}, S.RETURNED),
    "declare_ineligible": ("coordinator", lambda a: at(a, S.ELIGIBILITY),
                           lambda a, u: workflow.declare_ineligible(a, actor=u, reason="Not a CPD programme."),
                           {S.SUBMITTED, S.ELIGIBILITY, S.RETURNED}, S.DECIDED),
    "resubmit": ("provider", _returned, lambda a, u: workflow.resubmit(a, actor=u, note="CVs attached."),
                 {S.RETURNED}, S.SUBMITTED),
    "decide": ("coordinator", scored, lambda a, u: workflow.decide(a, actor=u), {S.SCORED}, S.DECIDED),
    "file_appeal": ("provider", _decided, lambda a, u: workflow.file_appeal(a, actor=u, grounds="Unfair."),
                    {S.DECIDED}, S.APPEALED),
    "resolve_appeal": ("coordinator", _appealed, _resolve, {S.APPEALED}, S.UNDER_EVALUATION),
    "withdraw": ("provider", lambda a: a, lambda a, u: workflow.withdraw(a, actor=u, reason="Not now."),
                 set(workflow.WITHDRAWABLE), S.WITHDRAWN),
}
ROLES = ("coordinator", "provider", "other_provider", "expert", "municipal", "anonymous")


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("step", sorted(STEPS))
def test_each_transition_for_each_role(step, role):
    who, prepare, run, _allowed, after = STEPS[step]
    app = prepare(ApplicationFactory())
    user = getattr(people(app.institution), role)
    before = snapshot(app)
    from_status = app.status
    if role != who:
        with pytest.raises(PermissionDenied):
            run(app, user)
        assert snapshot(app) == before
        return
    run(app, user)
    app.refresh_from_db()
    assert app.status == after
    event = app.events.order_by("at", "id").filter(from_status=from_status, to_status=after).last()
    assert event is not None and event.user == user


@pytest.mark.parametrize("step", sorted(STEPS))
def test_each_transition_only_from_its_statuses(step):
    _who, prepare, run, allowed, _after = STEPS[step]
    app = prepare(ApplicationFactory())
    for status in set(S.values) - set(allowed):
        at(app, status)
        before = snapshot(app)
        with pytest.raises(ValidationError) as error:
            run(app, None)
        assert "status" in error.value.message_dict, (step, status)
        assert snapshot(app) == before, (step, status)


def test_the_refusal_names_the_status():
    app = at(ApplicationFactory(), S.SCORED)
    with pytest.raises(ValidationError) as error:
        workflow.start_eligibility(app, actor=None)
    assert error.value.message_dict["status"] == [
        "The application is scored; this step needs it to be submitted."]


# --- eligibility, corrections, resubmission --------------------------------------------------------------------------

def test_the_eligibility_stages_set_their_deadlines():
    app = ApplicationFactory()
    workflow.start_eligibility(app, actor=None)
    app.refresh_from_db()
    assert app.due_on == datetime.date.today() + datetime.timedelta(days=app.procedure.eligibility_days)
    workflow.accept_eligibility(app, actor=None)
    app.refresh_from_db()
    assert app.status == S.UNDER_EVALUATION
    assert app.due_on == datetime.date.today() + datetime.timedelta(days=app.procedure.evaluation_days)
    assert list(app.events.values_list("action", flat=True)) == ["eligibility_started", "eligible"]


def test_returning_needs_the_request_and_sends_the_version_back_to_draft():
    app = at(ApplicationFactory(), S.ELIGIBILITY)
    with pytest.raises(ValidationError) as error:
        workflow.return_for_corrections(app, actor=None, request="  ")
    assert error.value.message_dict == {"request": ["Say what the provider must correct or add."]}
    workflow.return_for_corrections(app, actor=None, request="Attach the trainers' CVs.")
    app.refresh_from_db()
    assert app.status == S.RETURNED and app.correction_request == "Attach the trainers' CVs."
    assert app.programme_version.status == "draft"
    assert app.programme_version.programme.events.filter(action="returned").exists()


def test_resubmission_goes_through_the_programme_register():
    app = _returned(ApplicationFactory())
    provider = people(app.institution).provider
    workflow.resubmit(app, actor=provider, note="CVs attached.")
    app.refresh_from_db()
    assert app.status == S.SUBMITTED and app.provider_note == "CVs attached."
    assert app.programme_version.status == "submitted"
    assert app.programme_version.programme.events.filter(action="submitted", user=provider).exists()
    event = app.events.get(action="resubmitted")
    assert (event.from_status, event.to_status, event.note, event.user) == (S.RETURNED, S.SUBMITTED,
                                                                          "CVs attached.", provider)
    assert Application.objects.count() == 1


def test_a_resubmitted_version_that_breaks_its_kinds_rules_is_refused():
    from edureg.programmes.models import ProgrammeVersion

    app = _returned(ApplicationFactory())
    ProgrammeVersion.objects.filter(pk=app.programme_version_id).update(hours=None)
    before = snapshot(app)
    with pytest.raises(ValidationError) as error:
        workflow.resubmit(app, actor=people(app.institution).provider, note="Again.")
    assert "hours" in error.value.message_dict
    assert snapshot(app) == before


def test_a_call_application_is_resubmitted_with_a_new_amount():
    call = CallFactory()
    app = ApplicationFactory(procedure=call.procedure, call=call, status=S.ELIGIBILITY,
                             requested_amount=Decimal("15000"))
    workflow.return_for_corrections(app, actor=None, request="The budget lines do not add up.")
    app.refresh_from_db()
    assert app.programme_version.status == "submitted"  # a call's programme is not sent back
    with pytest.raises(ValidationError) as error:
        workflow.resubmit(app, actor=None, requested_amount="25000")
    assert error.value.message_dict == {"requested_amount": [
        "The requested amount (25000.00 EUR) exceeds the call's maximum of 20000.00 EUR per application."]}
    with pytest.raises(ValidationError) as error:
        workflow.resubmit(app, actor=None, requested_amount="-5")
    assert "requested_amount" in error.value.message_dict
    workflow.resubmit(app, actor=None, requested_amount="12500.50")
    app.refresh_from_db()
    assert (app.status, app.requested_amount) == (S.SUBMITTED, Decimal("12500.50"))


def test_a_requested_amount_only_for_a_call():
    app = _returned(ApplicationFactory())
    with pytest.raises(ValidationError) as error:
        workflow.resubmit(app, actor=None, requested_amount="100")
    assert error.value.message_dict == {
        "requested_amount": ["Only an application to a funding call has a requested amount."]}


def test_declared_ineligible_a_programme_is_rejected_with_a_published_decision():
    app = at(ApplicationFactory(), S.ELIGIBILITY)
    with pytest.raises(ValidationError) as error:
        workflow.declare_ineligible(app, actor=None, reason="")
    assert "reason" in error.value.message_dict
    decision = workflow.declare_ineligible(app, actor=None, reason="The programme is not for teachers.")
    app.refresh_from_db()
    assert (app.status, decision.outcome, decision.reason) == (S.DECIDED, Outcome.REJECTED,
                                                               "The programme is not for teachers.")
    assert decision.current and decision.published_at is not None and decision.valid_until is None
    assert app.programme_version.status == "rejected"
    assert app.events.get(action="ineligible").to_status == S.DECIDED


def test_declared_ineligible_in_a_call_waits_for_the_call():
    call = CallFactory()
    app = ApplicationFactory(procedure=call.procedure, call=call, status=S.SUBMITTED)
    decision = workflow.declare_ineligible(app, actor=None, reason="The programme is not for adults.")
    app.refresh_from_db()
    assert (decision.outcome, decision.published_at) == (Outcome.NOT_FUNDED, None)
    assert app.selection == Selection.INELIGIBLE
    assert app.programme_version.status == "submitted"


def test_found_ineligible_while_returned_and_submitted_again_later():
    app = _returned(ApplicationFactory())
    decision = workflow.declare_ineligible(app, actor=None, reason="No answer within the time given.")
    version = app.programme_version
    version.refresh_from_db()
    assert version.status == "draft"  # with the provider; the register has no rejection of a draft
    from edureg.programmes import services as programmes

    programmes.submit_version(version, actor=people(app.institution).provider)
    app.refresh_from_db()
    decision.refresh_from_db()
    assert (app.status, app.round, decision.current) == (S.SUBMITTED, 2, True)
    assert Application.objects.count() == 1


# --- withdrawal -----------------------------------------------------------------------------------------------------

def test_withdrawal_frees_the_experts_and_the_version_and_a_new_submission_reopens_it():
    app = at(ApplicationFactory(), S.UNDER_EVALUATION)
    open_one = AssignmentFactory(application=app)
    done = AssignmentFactory(application=app, status=AssignmentStatus.SUBMITTED)
    workflow.withdraw(app, actor=people(app.institution).provider, reason="We rewrite the programme.")
    app.refresh_from_db()
    open_one.refresh_from_db()
    done.refresh_from_db()
    assert app.status == S.WITHDRAWN
    assert (open_one.status, done.status) == (AssignmentStatus.WITHDRAWN, AssignmentStatus.SUBMITTED)
    version = app.programme_version
    assert version.status == "draft"
    version.status = "submitted"
    version.save()
    assert workflow.receive_version(version, actor=None) == app
    app.refresh_from_db()
    assert (app.status, app.round) == (S.SUBMITTED, 2)  # the experts' work of round 1 does not count again


# --- readiness ------------------------------------------------------------------------------------------------------

@pytest.fixture
def readiness():
    return procedure("vet-readiness", kinds=(), purpose=Purpose.READINESS, validity_years=None,
                     conditions_threshold=None)


def test_an_institution_applies_for_readiness(readiness):
    institution = InstitutionFactory()
    who = people(institution)
    app = workflow.apply_for_readiness(readiness, actor=who.provider, institution=institution,
                                       title="Suvirintojo programa (P43071501)", note="Nauja dirbtuvė.",
                                       isced_f=isced_f("0715"))
    assert (app.status, app.institution, app.programme_version, app.submitted_by) == (
        S.SUBMITTED, institution, None, who.provider)
    assert app.number.startswith(f"VERT-{datetime.date.today().year}-")
    assert app.events.get().action == "submitted"
    assert workflow.apply_for_readiness(readiness, actor=who.coordinator, institution=institution,
                                        title="Virėjo programa").institution == institution
    for user in (who.other_provider, who.expert, who.municipal, who.anonymous):
        with pytest.raises(PermissionDenied):
            workflow.apply_for_readiness(readiness, actor=user, institution=institution, title="Kita")
    assert Application.objects.count() == 2


def test_a_readiness_application_is_checked(readiness):
    institution = InstitutionFactory()
    cases = [
        ({"procedure": procedure()}, "procedure"),
        ({"title": " "}, "title"),
        ({"isced_f": InstitutionFactory().municipality}, "isced_f"),
        ({"title": "Suvirintojo programa"}, "title"),  # the same open application twice
    ]
    workflow.apply_for_readiness(readiness, actor=None, institution=institution, title="Suvirintojo programa")
    for change, field in cases:
        kwargs = {"procedure": readiness, "actor": None, "institution": institution, "title": "Nauja", **change}
        with pytest.raises(ValidationError) as error:
            workflow.apply_for_readiness(kwargs.pop("procedure"), **kwargs)
        assert field in error.value.message_dict, change
    assert Application.objects.count() == 1


def test_a_readiness_decision_has_no_programme_effect(readiness):
    app = workflow.apply_for_readiness(readiness, actor=None, institution=InstitutionFactory(), title="Pasirengimas")
    decision = workflow.decide(scored(app), actor=None)
    assert (decision.outcome, decision.valid_until) == (Outcome.ACCREDITED, None)


def test_procedure_for_kind_ignores_inactive_and_other_purposes():
    from edureg.programmes.models import ProgrammeKind

    cpd = ProgrammeKind.objects.get(code="cpd")
    assert workflow.procedure_for_kind(cpd) is None
    ProcedureFactory(code="old", active=False).kinds.set([cpd])
    ProcedureFactory(code="money", purpose=Purpose.COMPETITION).kinds.set([cpd])
    assert workflow.procedure_for_kind(cpd) is None
    current = procedure("cpd-accreditation")
    assert workflow.procedure_for_kind(cpd) == current
