"""Scores: saving a draft and submitting a sheet (bad input named per criterion, each role), the application's
result once the sheets are in (aggregation, the third-expert rule, the decision rule), the scores summary and who
reads which scores."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from edureg.evaluation.choices import ApplicationStatus, AssignmentStatus, Purpose
from edureg.evaluation.models import Application, Event
from edureg.evaluation.services import experts, scoring
from edureg.evaluation.services.common import today
from edureg.evaluation.tests.factories import ApplicationFactory, AssignmentFactory, CallFactory, procedure
from edureg.evaluation.tests.test_experts import actors, expert_for, expert_user, state, under_evaluation

pytestmark = pytest.mark.django_db

D = Decimal
CODES = ("relevance", "content", "staff")


def sheet(*values, justification="Pagrįsta programos aprašu.") -> dict:
    return {code: {"value": value, "justification": justification} for code, value in zip(CODES, values, strict=True)}


@pytest.fixture
def app():
    return under_evaluation()


def ready(app, expert=None):
    """An expert assigned to the application who has confirmed no conflict; (assignment, their user)."""
    expert = expert or expert_for()
    assignment = experts.assign_expert(app, expert, actor=None)
    user = expert_user(expert)
    return experts.confirm_no_conflict(assignment, actor=user), user


def score(app, *values):
    assignment, user = ready(app)
    scoring.save_scores(assignment, sheet(*values), actor=user)
    return scoring.submit_scores(assignment, actor=user), user


def fresh(app) -> Application:
    return Application.objects.get(pk=app.pk)


def actions(app) -> list[str]:
    return list(Event.objects.filter(application=app).values_list("action", flat=True))


# --- save_scores --------------------------------------------------------------------------------------------------

def test_the_expert_saves_a_partial_draft_and_changes_it(app):
    assignment, user = ready(app)
    scoring.save_scores(assignment, {"relevance": {"value": "3,5", "justification": " Aktualu. "}}, actor=user,
                        comment="Bendrai gerai")
    stored = {s.criterion.code: (s.value, s.justification) for s in assignment.scores.all()}
    assert stored == {"relevance": (D("3.5"), "Aktualu.")}
    scoring.save_scores(assignment, {"relevance": {"value": 4}, "content": {"value": 2, "justification": "x"}},
                        actor=user)
    stored = {s.criterion.code: (s.value, s.justification) for s in assignment.scores.all()}
    assert stored == {"relevance": (D(4), "Aktualu."), "content": (D(2), "x")}  # justification kept
    scoring.save_scores(assignment, {"relevance": {"value": "", "justification": ""}}, actor=user)
    assert [s.criterion.code for s in assignment.scores.all()] == ["content"]
    assert assignment.__class__.objects.get(pk=assignment.pk).comment == "Bendrai gerai"
    assert fresh(app).status == ApplicationStatus.UNDER_EVALUATION


@pytest.mark.parametrize(("scores", "errors"), [
    ({"relevance": {"value": 5}}, {"relevance": ["Enter a score from 0 to 4 (at most two decimal places)."]}),
    ({"relevance": {"value": -1}}, {"relevance": ["Enter a score from 0 to 4 (at most two decimal places)."]}),
    ({"relevance": {"value": "2.555"}}, {"relevance": ["Enter a score from 0 to 4 (at most two decimal places)."]}),
    ({"relevance": {"value": "gerai"}}, {"relevance": ["Enter the score as a number."]}),
    ({"relevance": {"value": True}}, {"relevance": ["Enter the score as a number."]}),
    ({"novelty": {"value": 3}}, {"novelty": ["“novelty” is not a criterion of this procedure."]}),
    ({"relevance": {"value": "", "justification": "Be balo"}},
     {"relevance": ["Enter a score for this justification, or clear both."]}),
    ({"relevance": {"value": 3, "justification": 7}}, {"relevance": ["Must be text."]}),
    ({"relevance": {"value": 3}, "content": {"value": 9}, "staff": {"value": "x"}},
     {"content": ["Enter a score from 0 to 4 (at most two decimal places)."],
      "staff": ["Enter the score as a number."]}),
])
def test_bad_scores_are_named_by_criterion_and_nothing_is_saved(app, scores, errors):
    assignment, user = ready(app)
    scoring.save_scores(assignment, sheet(3, 3, 3), actor=user)
    before = state(app)
    with pytest.raises(ValidationError) as error:
        scoring.save_scores(assignment, scores, actor=user, comment="naujas")
    assert error.value.message_dict == errors
    assert state(app) == before


def test_scores_must_be_a_mapping(app):
    assignment, user = ready(app)
    with pytest.raises(ValidationError) as error:
        scoring.save_scores(assignment, [3, 3, 3], actor=user)
    assert list(error.value.message_dict) == ["scores"]


def test_scoring_needs_the_no_conflict_confirmation_first(app):
    assignment = experts.assign_expert(app, expert_for(), actor=None)
    user = expert_user(assignment.expert)
    before = state(app)
    for step in (lambda: scoring.save_scores(assignment, sheet(3, 3, 3), actor=user),
                 lambda: scoring.submit_scores(assignment, actor=user)):
        with pytest.raises(ValidationError) as error:
            step()
        assert error.value.message_dict == {
            "status": ["Confirm first that you have no conflict of interest with this application."]}
    assert state(app) == before


@pytest.mark.parametrize("role", ["coordinator", "other_expert", "provider", "municipality", "other_institution",
                                  "anonymous"])
def test_only_the_assigned_expert_saves_and_submits(app, role):
    assignment, user = ready(app)
    scoring.save_scores(assignment, sheet(3, 3, 3), actor=user)
    intruder = actors(app, assignment.expert)[role]
    before = state(app)
    with pytest.raises(PermissionDenied):
        scoring.save_scores(assignment, sheet(1, 1, 1), actor=intruder)
    with pytest.raises(PermissionDenied):
        scoring.submit_scores(assignment, actor=intruder)
    assert state(app) == before


# --- submit_scores ------------------------------------------------------------------------------------------------

def test_an_incomplete_or_unjustified_sheet_is_not_submitted(app):
    assignment, user = ready(app)
    scoring.save_scores(assignment, {"relevance": {"value": 3, "justification": "Taip"},
                                     "content": {"value": 2}}, actor=user)
    before = state(app)
    with pytest.raises(ValidationError) as error:
        scoring.submit_scores(assignment, actor=user)
    assert error.value.message_dict == {"content": ["Justify this score."], "staff": ["Score this criterion."]}
    assert state(app) == before


def test_submitting_fixes_the_experts_total_and_waits_for_the_other(app):
    assignment, user = score(app, 4, 2, 2)
    assert (assignment.status, assignment.total) == (AssignmentStatus.SUBMITTED, D("70.00"))
    assert assignment.submitted_at is not None
    assert fresh(app).status == ApplicationStatus.UNDER_EVALUATION
    assert actions(app)[-1] == "scores_submitted"
    before = state(app)
    with pytest.raises(ValidationError) as error:  # a submitted sheet is final
        scoring.save_scores(assignment, sheet(1, 1, 1), actor=user)
    assert error.value.message_dict == {"status": ["The assignment is scores submitted: this step needs it open."]}
    with pytest.raises(ValidationError):
        scoring.submit_scores(assignment, actor=user)
    assert state(app) == before


def test_submitting_is_refused_when_the_register_shows_a_conflict_by_now(app):
    from edureg.pedagogues.tests.factories import EmploymentFactory

    assignment, user = ready(app)
    scoring.save_scores(assignment, sheet(3, 3, 3), actor=user)
    EmploymentFactory(person=assignment.expert.person, institution=app.institution)
    with pytest.raises(ValidationError) as error:
        scoring.submit_scores(assignment, actor=user)
    assert list(error.value.message_dict) == ["expert"]


def test_no_scoring_once_the_application_left_evaluation(app):
    assignment, user = ready(app)
    scoring.save_scores(assignment, sheet(3, 3, 3), actor=user)
    Application.objects.filter(pk=app.pk).update(status=ApplicationStatus.WITHDRAWN)
    with pytest.raises(ValidationError) as error:
        scoring.submit_scores(assignment, actor=user)
    assert "needs it to be under evaluation" in error.value.message_dict["status"][0]


# --- the result ---------------------------------------------------------------------------------------------------

def test_two_agreeing_experts_score_the_application(app):
    score(app, 4, 3, 3)  # 85 points
    score(app, 3, 3, 2)  # 70 points
    app = fresh(app)
    assert app.status == ApplicationStatus.SCORED
    assert (app.total, app.mandatory_passed, app.proposed_outcome) == (D("77.50"), True, "accredited")
    assert app.due_on == today() + datetime.timedelta(days=app.procedure.decision_days)
    assert not app.extra_expert_needed
    event = Event.objects.filter(application=app).last()
    assert (event.action, event.from_status, event.to_status) == ("scored", "under_evaluation", "scored")


def test_a_failed_mandatory_criterion_proposes_rejection(app):
    score(app, 4, 4, 1)
    score(app, 4, 4, 2)  # staff 1.5 < pass mark 2
    app = fresh(app)
    assert (app.total, app.mandatory_passed, app.proposed_outcome) == (D("87.50"), False, "rejected")


def test_conditions_between_the_thresholds(app):
    score(app, 2, 2, 2)
    score(app, 2, 2, 2)
    assert (fresh(app).total, fresh(app).proposed_outcome) == (D("50.00"), "conditions")


def test_a_calls_application_gets_no_outcome_the_ranking_decides():
    call = CallFactory()
    app = ApplicationFactory(status=ApplicationStatus.UNDER_EVALUATION, call=call, procedure=call.procedure,
                             requested_amount=D("10000"))
    assert call.procedure.purpose == Purpose.COMPETITION
    score(app, 4, 4, 4)
    score(app, 4, 3, 4)
    app = fresh(app)
    assert (app.status, app.total, app.mandatory_passed, app.proposed_outcome) == (
        ApplicationStatus.SCORED, D("95.00"), True, "")


def test_experts_far_apart_ask_for_a_third_expert_whose_sheet_settles_it(app):
    score(app, 4, 4, 4)  # 100
    score(app, 1, 1, 2)  # 30: 70 points apart, the limit is 25
    app = fresh(app)
    assert app.status == ApplicationStatus.UNDER_EVALUATION and app.extra_expert_needed and app.total is None
    event = Event.objects.filter(application=app).last()
    assert (event.action, event.note) == ("extra_expert_needed",
                                          "The experts' totals differ by 70.00 points (the limit is 25.00).")
    third, _ = score(app, 1, 1, 3)  # still far apart: no fourth expert
    assert third.extra
    app = fresh(app)
    assert app.status == ApplicationStatus.SCORED
    # mean of the three: relevance 2, content 2, staff 3 → (4 + 4 + 3) / 20
    assert (app.total, app.proposed_outcome) == (D("55.00"), "conditions")
    assert actions(app).count("extra_expert_needed") == 1


def test_with_the_median_the_third_expert_outvotes_the_outlier():
    app = ApplicationFactory(status=ApplicationStatus.UNDER_EVALUATION,
                             procedure=procedure("median-proc", aggregation="median"))
    score(app, 4, 4, 4)
    score(app, 0, 0, 1)
    assert fresh(app).extra_expert_needed
    score(app, 4, 4, 3)
    app = fresh(app)
    assert (app.status, app.total, app.proposed_outcome) == (ApplicationStatus.SCORED, D("95.00"), "accredited")


def test_a_spread_at_the_limit_needs_no_third_expert(app):
    score(app, 4, 4, 4)  # 100
    score(app, 3, 3, 3)  # 75: exactly 25 apart
    assert fresh(app).status == ApplicationStatus.SCORED and not fresh(app).extra_expert_needed


def test_settle_waits_for_the_required_sheets_and_ignores_other_statuses(app):
    score(app, 4, 4, 4)
    scoring.settle(app)
    assert fresh(app).status == ApplicationStatus.UNDER_EVALUATION
    second, user = ready(app)
    scoring.save_scores(second, sheet(4, 4, 4), actor=user)
    scoring.submit_scores(second, actor=user)
    assert fresh(app).status == ApplicationStatus.SCORED
    events = len(actions(app))
    scoring.settle(app)  # already scored: nothing more
    assert len(actions(app)) == events and app.status == ApplicationStatus.SCORED


def test_a_declared_conflict_and_a_replacement_expert_still_settle(app):
    score(app, 3, 3, 3)
    assignment, user = ready(app)
    experts.declare_conflict(assignment, actor=user, note="Giminystė")
    score(app, 3, 3, 3)
    assert fresh(app).status == ApplicationStatus.SCORED and fresh(app).total == D("75.00")


# --- the summary and who sees which scores ------------------------------------------------------------------------

def test_score_summary(app):
    empty = scoring.score_summary(app)
    assert (empty["experts"], empty["total"], empty["mandatory_passed"]) == (0, "", None)
    assert [c["score"] for c in empty["criteria"]] == ["", "", ""]
    score(app, 4, 3, 3)
    score(app, 3, 3, 2)
    summary = scoring.score_summary(fresh(app))
    assert summary == {
        "scale": [0, 4], "aggregation": "mean", "experts": 2, "expert_totals": ["85.00", "70.00"],
        "spread": "15.00", "total": "77.50", "threshold": "60.00", "mandatory_passed": True,
        "criteria": [
            {"code": "relevance", "name_lt": "Aktualumas", "name_en": "Relevance", "weight": "2.00",
             "mandatory": False, "pass_mark": None, "score": "3.50"},
            {"code": "content", "name_lt": "Turinys ir metodai", "name_en": "Content and methods", "weight": "2.00",
             "mandatory": False, "pass_mark": None, "score": "3.00"},
            {"code": "staff", "name_lt": "Lektorių kvalifikacija", "name_en": "Trainers' qualifications",
             "weight": "1.00", "mandatory": True, "pass_mark": "2.00", "score": "2.50"}]}
    assert scoring.score_summary(fresh(app), round=2)["experts"] == 0


def test_an_expert_sees_the_others_scores_only_after_submitting(app):
    first, first_user = score(app, 4, 3, 3)
    second, second_user = ready(app)
    withdrawn = AssignmentFactory(application=app, status=AssignmentStatus.WITHDRAWN)
    people = actors(app, second.expert)

    def visible(user):
        return set(scoring.visible_assignments(app, user))

    assert visible(people["coordinator"]) == {first, second, withdrawn}
    assert visible(None) == {first, second, withdrawn}
    assert visible(second_user) == {second}
    assert visible(first_user) == {first}  # the second has not submitted yet
    for role in ("provider", "municipality", "other_institution", "other_expert", "anonymous"):
        assert visible(people[role]) == set(), role
    scoring.save_scores(second, sheet(3, 3, 2), actor=second_user)
    scoring.submit_scores(second, actor=second_user)
    assert visible(second_user) == {first, second}
    assert visible(first_user) == {first, second}
