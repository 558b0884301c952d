"""Experts for an application: conflicts of interest, load and availability, proposals, and the assignment steps
(assign, withdraw, confirm no conflict, declare a conflict) for each role."""

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from edureg.accounts.tests.factories import MembershipFactory, UserFactory
from edureg.evaluation.choices import ApplicationStatus, AssignmentStatus
from edureg.evaluation.models import Application, Assignment, Event, Score
from edureg.evaluation.services import experts as svc
from edureg.evaluation.services.common import today
from edureg.evaluation.tests.factories import (
    ApplicationFactory,
    AssignmentFactory,
    ExpertFactory,
    ExpertTieFactory,
    ProcedureFactory,
    ScoreFactory,
)
from edureg.institutions.tests.factories import InstitutionFactory
from edureg.pedagogues.tests.factories import EmploymentFactory
from edureg.persons.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

UNDER = ApplicationStatus.UNDER_EVALUATION


# --- helpers shared with test_scoring.py --------------------------------------------------------------------------

def user_with(role: str, **fields):
    return MembershipFactory(user=UserFactory(), role=role, **fields).user


def coordinator():
    return user_with("agency_admin")


def expert_user(expert):
    return user_with("expert", person=expert.person)


def actors(application, expert) -> dict:
    """Everyone who might try a step: the coordinator, the assigned expert, another expert, the provider's officer,
    the municipality's officer, an officer of another institution, and an anonymous visitor."""
    return {
        "coordinator": coordinator(),
        "expert": expert_user(expert),
        "other_expert": expert_user(ExpertFactory()),
        "provider": user_with("institution_officer", institution=application.institution),
        "municipality": user_with("municipality_officer", municipality=application.institution.municipality),
        "other_institution": user_with("institution_officer", institution=InstitutionFactory()),
        "anonymous": AnonymousUser(),
    }


def state(application) -> tuple:
    """What a refused step must leave as it was."""
    app = Application.objects.get(pk=application.pk)
    return ((app.status, app.due_on, app.extra_expert_needed, app.total, app.proposed_outcome),
            sorted(Assignment.objects.filter(application=app).values_list(
                "id", "expert_id", "status", "extra", "no_conflict_at", "conflict_note", "comment", "total")),
            sorted(Score.objects.filter(assignment__application=app).values_list(
                "assignment_id", "criterion__code", "value", "justification")),
            Event.objects.filter(application=app).count())


def expert_for(application=None, **fields):
    """An expert in the application's field and programme kind."""
    from edureg.programmes.models import ProgrammeKind

    expert = ExpertFactory(**fields)
    expert.kinds.set(ProgrammeKind.objects.filter(code="cpd"))
    return expert


def under_evaluation(**fields):
    return ApplicationFactory(status=UNDER, **fields)


def years_ago(years: int, days: int = 0) -> datetime.date:
    return svc.add_years(today(), -years) + datetime.timedelta(days=days)


@pytest.fixture
def app():
    return under_evaluation()


# --- conflicts ----------------------------------------------------------------------------------------------------

def test_current_employment_at_the_provider_is_a_conflict(app):
    expert = expert_for()
    assert svc.conflicts(expert, app) == []
    EmploymentFactory(person=expert.person, institution=InstitutionFactory())  # elsewhere: no matter
    assert svc.conflicts(expert, app) == []
    EmploymentFactory(person=expert.person, institution=app.institution)
    assert svc.conflicts(expert, app) == [f"Works at {app.institution}."]


def test_employment_ended_within_the_conflict_period_counts_and_earlier_does_not(app):
    recent, earlier, edge = expert_for(), expert_for(), expert_for()
    EmploymentFactory(person=recent.person, institution=app.institution, start_date=datetime.date(2010, 1, 1),
                      end_date=years_ago(2))
    EmploymentFactory(person=earlier.person, institution=app.institution, start_date=datetime.date(2010, 1, 1),
                      end_date=years_ago(3, days=-1))
    EmploymentFactory(person=edge.person, institution=app.institution, start_date=datetime.date(2010, 1, 1),
                      end_date=years_ago(3))
    [reason] = svc.conflicts(recent, app)
    assert reason.startswith(f"Worked at {app.institution} until ") and "within 3 years" in reason
    assert svc.conflicts(earlier, app) == []
    assert len(svc.conflicts(edge, app)) == 1
    # The procedure's period decides: with 1 year, two years ago no longer counts.
    ProcedureFactory._meta.model.objects.filter(pk=app.procedure_id).update(conflict_years=1)
    app.procedure.refresh_from_db()
    assert svc.conflicts(recent, app) == []


def test_employment_at_a_co_provider_is_a_conflict(app):
    partner = InstitutionFactory()
    app.programme_version.programme.co_providers.add(partner)
    expert = expert_for()
    EmploymentFactory(person=expert.person, institution=partner)
    assert svc.conflicts(expert, app) == [f"Works at {partner}."]


def test_a_tie_to_the_provider_is_a_conflict_until_the_period_passes(app):
    tie = ExpertTieFactory(institution=app.institution, relation="board")
    assert svc.conflicts(tie.expert, app) == [f"Member of a governing body of {app.institution}."]
    tie.ended_on = years_ago(4)
    tie.save()
    assert svc.conflicts(tie.expert, app) == []


def test_a_declared_conflict_counts_in_later_rounds(app):
    assignment = AssignmentFactory(application=app, status=AssignmentStatus.CONFLICT, conflict_note="Mano sesuo")
    assert svc.conflicts(assignment.expert, app) == ["Declared a conflict of interest on this application."]
    assert svc.conflicts(assignment.expert, under_evaluation()) == []


# --- load and availability ----------------------------------------------------------------------------------------

def test_load_counts_open_assignments_only():
    expert = expert_for()
    AssignmentFactory(expert=expert)
    AssignmentFactory(expert=expert)
    AssignmentFactory(expert=expert, status=AssignmentStatus.SUBMITTED)
    AssignmentFactory(expert=expert, status=AssignmentStatus.WITHDRAWN)
    assert svc.load(expert) == 2


def test_availability_dates_and_activity():
    day = datetime.date(2026, 3, 1)
    expert = expert_for(available_from=datetime.date(2026, 2, 1), available_until=datetime.date(2026, 3, 1))
    assert svc.is_available(expert, day)
    assert not svc.is_available(expert, day + datetime.timedelta(days=1))
    assert not svc.is_available(expert, datetime.date(2026, 1, 31))
    expert.active = False
    assert not svc.is_available(expert, day)
    assert svc.is_available(expert_for(), day)


def test_proposal_reasons():
    expert = expert_for(max_load=2)
    free = svc.Proposal(expert, load=0, field_match=True, kind_match=True, available=True)
    assert not free.blocked and free.reasons == []
    busy = svc.Proposal(expert, load=2, field_match=True, kind_match=True, available=False, conflicts=["Works."],
                        assigned=True)
    assert busy.blocked
    assert busy.reasons == ["Works.", "Not available now.", "Has 2 open assignments (at most 2).",
                            "Already assigned to this application."]
    expert.active = False
    assert svc.Proposal(expert, 0, True, True, True).reasons == ["No longer active in the experts register."]


# --- proposals ----------------------------------------------------------------------------------------------------

def named(last_name: str, **fields):
    expert = expert_for(person=PersonFactory(last_name=last_name, birth_date=datetime.date(1970, 1, 1)), **fields)
    return expert


def test_proposals_put_the_field_first_assignable_before_blocked_then_kind_load_and_name(app):
    from edureg.classifiers.tests.factories import item

    named("Adomaitis")
    busier = named("Bartkus")
    AssignmentFactory(expert=busier)
    field_only = named("Celiešius")
    field_only.kinds.clear()
    named("Dainius", expertise=[item("isced_f", "0715", "Mechanika")])
    named("Eidukas", expertise=[item("isced_f", "011", "Ugdymas")])  # a broader field matches
    conflicted = named("Aaltonen")
    EmploymentFactory(person=conflicted.person, institution=app.institution)
    named("Abromas", available_until=today() - datetime.timedelta(days=1))
    full = named("Abraitis", max_load=1)
    AssignmentFactory(expert=full)
    on_it = named("Abukas")
    AssignmentFactory(application=app, expert=on_it)
    other_procedure = named("Aukštaitis")
    other_procedure.procedures.set([ProcedureFactory(code="other")])
    named("Akelis", active=False)

    proposals = svc.propose_experts(Application.objects.get(pk=app.pk))
    names = [p.expert.person.last_name for p in proposals]
    assert names == ["Adomaitis", "Eidukas", "Bartkus", "Celiešius",
                     "Aaltonen", "Abromas", "Abraitis", "Abukas",  # blocked ones of the field by load, then name
                     "Dainius"]  # another field
    by_name = {p.expert.person.last_name: p for p in proposals}
    assert [p.blocked for p in proposals] == [False] * 4 + [True] * 4 + [False]
    assert by_name["Bartkus"].load == 1 and by_name["Adomaitis"].load == 0
    assert (by_name["Celiešius"].field_match, by_name["Celiešius"].kind_match) == (True, False)
    assert (by_name["Dainius"].field_match, by_name["Dainius"].kind_match) == (False, True)
    assert by_name["Aaltonen"].reasons == [f"Works at {app.institution}."]
    assert by_name["Abromas"].reasons == ["Not available now."]
    assert by_name["Abraitis"].reasons == ["Has 1 open assignments (at most 1)."]
    assert by_name["Abukas"].reasons == ["Already assigned to this application."]
    assert len(svc.propose_experts(app, limit=3)) == 3


def test_proposals_take_a_constant_number_of_queries(app, django_assert_num_queries):
    def make(n):
        for i in range(n):
            expert = named(f"Ekspertas{i}")
            EmploymentFactory(person=expert.person, institution=app.institution if i % 2 else InstitutionFactory())
            ExpertTieFactory(expert=expert, institution=app.institution)
            AssignmentFactory(expert=expert)

    make(2)
    with CaptureQueriesContext(connection) as few:
        assert len(svc.propose_experts(Application.objects.get(pk=app.pk))) == 2
    make(10)
    with django_assert_num_queries(len(few.captured_queries)):
        proposals = svc.propose_experts(Application.objects.get(pk=app.pk))
        assert [p.reasons for p in proposals]  # reasons and blocked read only what was loaded
    assert len(proposals) == 12


# --- assign_expert ------------------------------------------------------------------------------------------------

def test_the_coordinator_assigns_an_expert(app):
    user, expert = coordinator(), expert_for()
    assignment = svc.assign_expert(app, expert, actor=user)
    assert (assignment.status, assignment.round, assignment.extra, assignment.assigned_by) == (
        AssignmentStatus.ASSIGNED, 1, False, user)
    assert assignment.due_on == today() + datetime.timedelta(days=app.procedure.evaluation_days)
    event = Event.objects.get(application=app, action="expert_assigned")
    assert (event.from_status, event.to_status, event.user) == (UNDER, UNDER, user)
    assert str(expert) not in event.note  # providers read events: the expert stays anonymous
    due = today() + datetime.timedelta(days=5)
    assert svc.assign_expert(app, expert_for(), actor=None, due_on=due).due_on == due


@pytest.mark.parametrize("role", ["expert", "other_expert", "provider", "municipality", "other_institution",
                                  "anonymous"])
def test_only_the_coordinator_assigns(app, role):
    expert = expert_for()
    before = state(app)
    with pytest.raises(PermissionDenied):
        svc.assign_expert(app, expert, actor=actors(app, expert)[role])
    assert state(app) == before


def refused(app, expert, field="expert", **kwargs) -> str:
    before = state(app)
    with pytest.raises(ValidationError) as error:
        svc.assign_expert(app, expert, actor=coordinator(), **kwargs)
    assert state(app) == before
    assert list(error.value.message_dict) == [field]
    return error.value.message_dict[field][0]


def test_assignment_refuses_a_conflicted_expert(app):
    current, recent, earlier = expert_for(), expert_for(), expert_for()
    EmploymentFactory(person=current.person, institution=app.institution)
    EmploymentFactory(person=recent.person, institution=app.institution, end_date=years_ago(1))
    EmploymentFactory(person=earlier.person, institution=app.institution, start_date=datetime.date(2000, 1, 1),
                      end_date=years_ago(5))
    assert refused(app, current) == (f"{current} has a conflict of interest: Works at {app.institution}. "
                                     "Choose another expert.")
    assert "Worked at" in refused(app, recent)
    assert svc.assign_expert(app, earlier, actor=coordinator()).status == AssignmentStatus.ASSIGNED


def test_assignment_refuses_a_tie_and_a_declared_conflict(app):
    tie = ExpertTieFactory(institution=app.institution)
    assert "conflict of interest" in refused(app, tie.expert)
    declared = AssignmentFactory(application=app, status=AssignmentStatus.CONFLICT).expert
    assert "Declared a conflict" in refused(app, declared)


def test_assignment_refuses_unavailable_inactive_overloaded_and_other_procedure_experts(app):
    assert refused(app, expert_for(available_from=today() + datetime.timedelta(days=1))).endswith(
        "is not available now.")
    assert "no longer active" in refused(app, expert_for(active=False))
    full = expert_for(max_load=1)
    AssignmentFactory(expert=full)
    assert refused(app, full) == f"{full} already has 1 open assignments (at most 1)."
    elsewhere = expert_for()
    elsewhere.procedures.set([ProcedureFactory(code="readiness-x")])
    assert "does not evaluate under the procedure" in refused(app, elsewhere)
    elsewhere.procedures.add(app.procedure)
    assert svc.assign_expert(app, elsewhere, actor=None).expert == elsewhere


def test_assignment_refuses_a_second_assignment_and_more_experts_than_needed(app):
    first = expert_for()
    svc.assign_expert(app, first, actor=None)
    assert refused(app, first) == f"{first} is already assigned to this application."
    svc.assign_expert(app, expert_for(), actor=None)
    assert refused(app, expert_for()) == "The application already has the 2 experts it needs."


def test_assignment_needs_the_application_under_evaluation_and_a_sane_due_date():
    for status in ("submitted", "eligibility", "scored", "decided", "withdrawn"):
        assert "this step needs it to be under evaluation" in refused(ApplicationFactory(status=status), expert_for(),
                                                                      field="status")
    app = under_evaluation()
    assert refused(app, expert_for(), field="due_on", due_on=today() - datetime.timedelta(days=1)) == (
        "The due date cannot be in the past.")
    assert refused(app, expert_for(), field="due_on", due_on="tomorrow") == "Enter a date."


def test_an_additional_expert_once_the_experts_disagreed(app):
    for _ in range(2):
        AssignmentFactory(application=app, status=AssignmentStatus.SUBMITTED)
    assert "already has the 2 experts" in refused(app, expert_for())
    Application.objects.filter(pk=app.pk).update(extra_expert_needed=True)
    app.refresh_from_db()
    third = svc.assign_expert(app, expert_for(), actor=None)
    assert third.extra
    note = Event.objects.filter(action="expert_assigned").last().note
    assert note == "An additional expert, as the experts disagreed."
    assert "already has the 3 experts" in refused(app, expert_for())


def test_a_withdrawn_expert_may_be_assigned_again_with_a_clean_sheet(app):
    assignment = AssignmentFactory(application=app, no_conflict_at=datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC))
    ScoreFactory(assignment=assignment)
    svc.withdraw_assignment(assignment, actor=None, reason="Ilgai neatsako")
    again = svc.assign_expert(app, assignment.expert, actor=None)
    assert again.pk == assignment.pk and again.status == AssignmentStatus.ASSIGNED
    assert again.no_conflict_at is None and not again.scores.exists()


# --- withdraw_assignment ------------------------------------------------------------------------------------------

def test_the_coordinator_withdraws_an_open_assignment_with_a_reason(app):
    assignment = AssignmentFactory(application=app)
    ScoreFactory(assignment=assignment)
    user = coordinator()
    before = state(app)
    with pytest.raises(ValidationError) as error:
        svc.withdraw_assignment(assignment, actor=user, reason="  ")
    assert error.value.message_dict == {"reason": ["Say why the expert is withdrawn."]}
    assert state(app) == before
    done = svc.withdraw_assignment(assignment, actor=user, reason="Ilgai neatsako")
    assert done.status == AssignmentStatus.WITHDRAWN and not done.scores.exists()
    event = Event.objects.get(application=app, action="expert_withdrawn")
    assert (event.note, event.user, event.to_status) == ("Ilgai neatsako", user, UNDER)


@pytest.mark.parametrize("role", ["expert", "other_expert", "provider", "municipality", "anonymous"])
def test_only_the_coordinator_withdraws(app, role):
    assignment = AssignmentFactory(application=app)
    before = state(app)
    with pytest.raises(PermissionDenied):
        svc.withdraw_assignment(assignment, actor=actors(app, assignment.expert)[role], reason="x")
    assert state(app) == before


def test_a_submitted_sheet_is_not_withdrawn(app):
    assignment = AssignmentFactory(application=app, status=AssignmentStatus.SUBMITTED)
    with pytest.raises(ValidationError) as error:
        svc.withdraw_assignment(assignment, actor=coordinator(), reason="x")
    assert error.value.message_dict == {"status": ["The assignment is scores submitted: this step needs it open."]}


# --- the expert: no conflict, or a declared one --------------------------------------------------------------------

def test_the_expert_confirms_having_no_conflict(app):
    assignment = AssignmentFactory(application=app)
    done = svc.confirm_no_conflict(assignment, actor=expert_user(assignment.expert))
    assert done.no_conflict_at is not None
    assert Assignment.objects.get(pk=assignment.pk).no_conflict_at == done.no_conflict_at


@pytest.mark.parametrize("role", ["coordinator", "other_expert", "provider", "municipality", "anonymous"])
def test_only_the_assigned_expert_confirms_or_declares(app, role):
    assignment = AssignmentFactory(application=app)
    user = actors(app, assignment.expert)[role]
    before = state(app)
    with pytest.raises(PermissionDenied):
        svc.confirm_no_conflict(assignment, actor=user)
    with pytest.raises(PermissionDenied):
        svc.declare_conflict(assignment, actor=user, note="x")
    assert state(app) == before


def test_confirming_is_refused_when_the_register_shows_a_conflict(app):
    assignment = AssignmentFactory(application=app)
    EmploymentFactory(person=assignment.expert.person, institution=app.institution)
    before = state(app)
    with pytest.raises(ValidationError) as error:
        svc.confirm_no_conflict(assignment, actor=expert_user(assignment.expert))
    assert error.value.message_dict == {"expert": [
        f"The register shows a conflict of interest: Works at {app.institution}. Declare it instead."]}
    assert state(app) == before


def test_the_expert_declares_a_conflict_and_loses_the_draft(app):
    assignment = AssignmentFactory(application=app)
    ScoreFactory(assignment=assignment)
    user = expert_user(assignment.expert)
    before = state(app)
    with pytest.raises(ValidationError) as error:
        svc.declare_conflict(assignment, actor=user, note="")
    assert error.value.message_dict == {"note": ["Describe the conflict of interest."]}
    assert state(app) == before
    done = svc.declare_conflict(assignment, actor=user, note="Dirbu su jų direktore")
    assert (done.status, done.conflict_note) == (AssignmentStatus.CONFLICT, "Dirbu su jų direktore")
    assert not Score.objects.filter(assignment=assignment).exists()
    event = Event.objects.get(application=app, action="conflict_declared")
    assert event.user == user and event.note == ""  # the note stays with the agency
    assert "Declared a conflict" in refused(app, assignment.expert)
    with pytest.raises(ValidationError):  # no longer open
        svc.confirm_no_conflict(done, actor=user)


def test_expert_steps_need_an_open_assignment_of_the_current_round(app):
    assignment = AssignmentFactory(application=app)
    user = expert_user(assignment.expert)
    Application.objects.filter(pk=app.pk).update(round=2)
    with pytest.raises(ValidationError) as error:
        svc.confirm_no_conflict(assignment, actor=user)
    assert error.value.message_dict["status"][0].startswith("This assignment belongs to an earlier evaluation round")
    Application.objects.filter(pk=app.pk).update(round=1, status=ApplicationStatus.SCORED)
    with pytest.raises(ValidationError) as error:
        svc.declare_conflict(assignment, actor=user, note="x")
    assert "needs it to be under evaluation" in error.value.message_dict["status"][0]
