"""The demo evaluations (synthetic/evaluation.py) on the tiny country: every stage there, made through the services,
a published competition within its budget, and the demo walk of issue 6 (the demo VET school submits its CPD draft,
a conflicted expert is refused, the demo expert and another score it, the decision accredits it, with its PDF)."""

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import connection

from edureg.accounts.models import Membership
from edureg.core.models import ObjectChange
from edureg.evaluation.engine.aggregation import CriterionSpec, ProcedureSpec, aggregate
from edureg.evaluation.models import Appeal, Application, Call, Decision, Event, Expert
from edureg.pedagogues.models import Employment
from edureg.programmes.models import ProgrammeVersion
from edureg.synthetic import evaluation
from edureg.synthetic.engine.evaluation import sheets_for
from edureg.synthetic.services import build_country, ensure_demo_users

SPEC = ProcedureSpec(scale_min=0, scale_max=4, aggregation="mean", threshold=Decimal(60),
                     conditions_threshold=Decimal(45), disagreement_points=Decimal(25), criteria=(
                         CriterionSpec("relevance", Decimal(2)), CriterionSpec("content", Decimal(2)),
                         CriterionSpec("staff", Decimal(1), mandatory=True, pass_mark=Decimal(2))))


@pytest.mark.parametrize("want", ["accredited", "conditions", "rejected"])
def test_sheets_give_the_outcome_asked_for_without_a_large_disagreement(want):
    from edureg.synthetic.engine.evaluation import target_for

    first, second = sheets_for(SPEC, target_for(SPEC, want), want)
    result = aggregate(SPEC, [first, second])
    assert result.outcome == want and not result.disagree
    assert all(0 <= v <= 4 and isinstance(v, int) for v in [*first.values(), *second.values()])


def test_sheets_near_a_target_for_a_ranking():
    totals = [aggregate(SPEC, list(sheets_for(SPEC, Decimal(t)))).total for t in (88, 76, 64, 40)]
    assert totals == sorted(totals, reverse=True) and totals[-1] < 50 <= totals[-2]


@pytest.fixture
def demo(classifiers):
    build_country(scale="tiny", seed=5)
    counts = evaluation.build_evaluation(seed=5)
    users = {u.username: u for u in ensure_demo_users(secret="test-secret")}
    return counts, users


def statuses():
    return sorted(Application.objects.filter(call__isnull=True, programme_version__isnull=False)
                  .values_list("status", flat=True))


def test_every_stage_and_the_competitions_are_there_made_through_the_services(demo):
    counts, _users = demo
    connection.check_constraints()
    assert 25 <= counts["experts"] == Expert.objects.count() <= 35
    # Experts are pedagogues of the register: their employments are what conflicts of interest are checked against.
    assert not Expert.objects.exclude(person__in=Employment.objects.values("person")).exists()
    assert set(statuses()) == {"submitted", "eligibility", "returned", "under_evaluation", "scored", "decided",
                               "appealed"}
    outcomes = set(Decision.objects.filter(application__call__isnull=True).values_list("outcome", flat=True))
    assert {"accredited", "conditions", "rejected"} <= outcomes
    assert Appeal.objects.filter(status="filed").count() == 1
    returned = Application.objects.get(status="returned")
    assert returned.correction_request and returned.programme_version.status == "draft"
    one_scored = Application.objects.get(assignments__status="submitted", status="under_evaluation")
    assert one_scored.assignments.filter(status="assigned").count() == 1
    # The programme follows the decision: accredited versions registered until the decision's end of validity.
    for decision in Decision.objects.filter(outcome="accredited", application__procedure__purpose="accreditation"):
        version = decision.application.programme_version
        assert version.status == "registered" and version.accredited_until == decision.valid_until
    rejected = Decision.objects.get(outcome="rejected", appeals__isnull=True, application__call__isnull=True)
    assert rejected.application.programme_version.status == "rejected"
    readiness = Application.objects.get(procedure__purpose="readiness")
    assert readiness.status == "decided" and readiness.programme_version is None
    # Every application has its history and change records under the build's job.
    assert not Application.objects.exclude(pk__in=Event.objects.values("application")).exists()
    assert ObjectChange.objects.filter(job_id="synthetic-5-evaluation").count() > 100

    # The finished competition is published within its budget; one call is open (the same build: it is slow).
    finished, current = Call.objects.order_by("code")
    assert finished.status == "published" and current.status == "open"
    ranked = list(finished.applications.order_by("rank", "number"))
    granted = sum((a.granted_amount or 0 for a in ranked), Decimal(0))
    assert granted == finished.budget  # the last application that fits takes what is left
    selections = [a.selection for a in ranked]
    assert selections.count("funded") >= 2 and selections.count("partially_funded") == 1
    assert "below_minimum" in selections
    partial = next(a for a in ranked if a.selection == "partially_funded")
    assert 0 < partial.granted_amount < partial.requested_amount
    assert all(a.status == "decided" and a.decisions.get().published_at for a in ranked)
    assert current.applications.filter(status="submitted").exists()


def test_the_demo_walk(demo):
    from edureg.evaluation.services.experts import assign_expert, confirm_no_conflict, propose_experts
    from edureg.evaluation.services.pdf import decision_pdf
    from edureg.evaluation.services.scoring import save_scores, submit_scores
    from edureg.evaluation.services.workflow import accept_eligibility, decide, start_eligibility
    from edureg.programmes.services.lifecycle import submit_version
    from edureg.synthetic.engine.evaluation import justified

    User = get_user_model()
    officer, expert_user, second_user, coordinator = (User.objects.get(username=u) for u in (
        "demo_vet_school", "demo_expert", "demo_expert_2", "demo_admin"))
    school = Membership.objects.get(user=officer).institution
    demo_expert = Expert.objects.get(person=Membership.objects.get(user=expert_user, role="expert").person)
    second = Expert.objects.get(person=Membership.objects.get(user=second_user, role="expert").person)
    # The provider submits its CPD draft: the application opens.
    draft = ProgrammeVersion.objects.get(programme__provider=school, programme__kind__code="cpd", status="draft")
    submit_version(draft, actor=officer)
    application = Application.objects.get(programme_version=draft)
    start_eligibility(application, actor=coordinator)
    accept_eligibility(application, actor=coordinator)
    proposals = {p.expert: p for p in propose_experts(application, limit=50)}
    conflicted = Expert.objects.get(person__employments__institution=school, person__employments__end_date=None,
                                    expertise__code=evaluation.DEMO_FIELD)
    assert proposals[conflicted].blocked and proposals[conflicted].conflicts
    assert not proposals[demo_expert].blocked and proposals[demo_expert].field_match
    with pytest.raises(ValidationError) as refused:
        assign_expert(application, conflicted, actor=coordinator)
    assert "expert" in refused.value.message_dict
    assert not proposals[second].blocked and proposals[second].field_match
    mine = assign_expert(application, demo_expert, actor=coordinator)
    theirs = assign_expert(application, second, actor=coordinator)
    spec = evaluation._Builder._spec(application.procedure)
    first, second_sheet = sheets_for(spec, Decimal(85), "accredited")
    for assignment, values, user in ((mine, first, expert_user), (theirs, second_sheet, second_user)):
        confirm_no_conflict(assignment, actor=user)
        save_scores(assignment, justified(spec, values), actor=user)
        submit_scores(assignment, actor=user)
    application.refresh_from_db()
    assert application.status == "scored" and application.proposed_outcome == "accredited"
    decision = decide(application, actor=coordinator)
    assert decision.outcome == "accredited" and decision.valid_until
    assert decision_pdf(decision).startswith(b"%PDF")
    draft.refresh_from_db()
    assert draft.status == "registered" and draft.accredited_until == decision.valid_until
