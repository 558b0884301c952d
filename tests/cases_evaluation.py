"""The evaluation registers as cases for the generic admin and API suites (see tests/cases.py).

Procedures and criteria are public definitions without a place: each place gets a fresh one, the agency's
coordinator (agency_admin) may do everything with them. Calls are public once open: the call at a1 is being prepared
(the coordinator's only), at a2 open, at b1 closed.

Experts belong to no institution; their places stand for whose they are: the expert at a1 is the world's expert user
(their membership names the expert's person, see `world_expert`), those at a2 and b1 are other experts. A tie is of
the world's expert at a1 and of other experts elsewhere (to the place's institution).

Applications, assignments, scores, decisions, appeals and events are "at" the place of the application's institution
(the provider). The application at a1 is assigned to the world's expert, those at a2 and b1 to other experts, so an
expert sees the a1 application, assignment and score only. The provider's officer (a1) follows its applications and
their decisions, appeals and events; the municipality officer the applications, decisions and events of a1
and a2; the coordinator everything.
Decisions at a1 and a2 are not yet published (only their provider, municipality and the agency see them); the one at
b1 is published (everyone sees it).

Applications, assignments, scores, decisions and events change only through the workflow's steps (service
functions): none is added, changed or deleted by plain writes. Those steps need an application in a particular
state and a particular person (the provider, the assigned expert, the coordinator: several hold the "change"
right for different steps), so they are tested role by role in edureg/evaluation/tests/test_api_*.py
(ACTIONS_TESTED_ELSEWHERE), and so is resolving an appeal. The back-office shows them read-only.
"""

import datetime
import itertools

from django.utils import timezone

from edureg.accounts.models import Membership
from edureg.core.testing.api import ApiCase
from edureg.core.testing.matrix import Case, Expect
from edureg.evaluation.choices import ApplicationStatus, CallStatus
from edureg.evaluation.models import (
    Appeal,
    Application,
    Assignment,
    Call,
    Criterion,
    Decision,
    Event,
    Expert,
    ExpertTie,
    Procedure,
    Score,
)
from edureg.evaluation.tests.factories import (
    AppealFactory,
    ApplicationFactory,
    AssignmentFactory,
    CallFactory,
    CriterionFactory,
    DecisionFactory,
    EventFactory,
    ExpertFactory,
    ExpertTieFactory,
    ProcedureFactory,
    ScoreFactory,
    procedure,
)
from edureg.persons.tests.factories import PersonFactory
from edureg.programmes.tests.factories import isced_f

VIEW_ALL = Expect("v", "v", "v")
ALL = Expect("vcd", "vcd", "vcd", add=True)
OUTSIDERS = ("anonymous", "no_role", "public", "applicant", "expert", "institution_officer", "municipality_officer")
PUBLIC = dict.fromkeys(OUTSIDERS, VIEW_ALL)
PUBLIC_OPEN = dict.fromkeys(OUTSIDERS, Expect("", "v", "v"))  # the call at a1 is being prepared
AT_PROVIDER = {"institution_officer": Expect("v"), "municipality_officer": Expect("v", "v")}
TODAY = datetime.date.today()
_n = itertools.count(1)


def _inst(world, place):
    return getattr(world, place)


# --- the world's expert -----------------------------------------------------------------------------------------

def world_expert(world) -> Expert:
    """The world's expert user's own expert record: their membership names its person (made when first needed)."""
    user = world.users["expert"]
    membership = Membership.objects.get(user=user, role="expert")
    if membership.person_id is None:
        membership.person = PersonFactory(birth_date=datetime.date(1970, 7, 7))
        membership.save()
        for cached in ("_edureg_scope", "_edureg_memberships"):  # the scope is computed once per user object
            user.__dict__.pop(cached, None)
    expert = Expert.objects.filter(person_id=membership.person_id).first()
    return expert or ExpertFactory(person_id=membership.person_id)


def _expert_at(world, place) -> Expert:
    return world_expert(world) if place == "a1" else ExpertFactory()


# --- makers -----------------------------------------------------------------------------------------------------

def make_procedure(world, place):
    return procedure(code=f"case-procedure-{next(_n)}", kinds=(), purpose="readiness")


def make_criterion(world, place):
    return CriterionFactory(procedure=ProcedureFactory(active=False))  # being prepared: no kinds needed yet


def make_expert(world, place):
    return _expert_at(world, place)


def make_tie(world, place):
    return ExpertTieFactory(expert=_expert_at(world, place), institution=_inst(world, place))


CALL_STATUS = {"a1": CallStatus.DRAFT, "a2": CallStatus.OPEN, "b1": CallStatus.CLOSED}


def make_call(world, place):
    return CallFactory(status=CALL_STATUS[place])


def make_application(world, place, **fields):
    """An application of the place's institution, with an expert assigned (the world's expert at a1)."""
    application = ApplicationFactory(institution=_inst(world, place), **fields)
    AssignmentFactory(application=application, expert=_expert_at(world, place))
    return application


def make_assignment(world, place):
    application = ApplicationFactory(institution=_inst(world, place), status=ApplicationStatus.UNDER_EVALUATION)
    return AssignmentFactory(application=application, expert=_expert_at(world, place))


def make_score(world, place):
    return ScoreFactory(assignment=make_assignment(world, place))


def make_decision(world, place, status=ApplicationStatus.DECIDED):
    application = ApplicationFactory(institution=_inst(world, place), status=status)
    return DecisionFactory(application=application, published_at=timezone.now() if place == "b1" else None)


def make_appeal(world, place):
    return AppealFactory(decision=make_decision(world, place, status=ApplicationStatus.APPEALED))


def make_event(world, place):
    return EventFactory(application=ApplicationFactory(institution=_inst(world, place)))


# --- admin forms ------------------------------------------------------------------------------------------------

def _procedure_add(world):
    return {"code": f"new-procedure-{next(_n)}", "name_lt": "Nauja procedūra", "name_en": "New procedure",
            "purpose": "readiness", "experts_per_application": 2, "scale_min": 0, "scale_max": 4,
            "aggregation": "mean", "threshold": "60", "active": False}


def _criterion_add(world):
    return {"procedure": ProcedureFactory(active=False), "code": "new-criterion", "name_lt": "Naujas kriterijus",
            "name_en": "New criterion", "weight": "1", "order": 1}


def _expert_add(world):
    return {"person": PersonFactory(birth_date=datetime.date(1972, 2, 2)), "max_load": 4,
            "expertise": [isced_f("0114", "Mokytojų rengimas")]}


def _tie_add(world):
    return {"expert": ExpertFactory(), "institution": world.a2, "relation": "consultant",
            "started_on": "2024-01-01"}


def _call_add(world):
    from edureg.programmes.models import ProgrammeKind

    proc = procedure("nfae-competition", kinds=("nonformal_adult",), purpose="competition", validity_years=None,
                     conditions_threshold=None)
    return {"code": f"new-call-{next(_n)}", "name_lt": "Naujas kvietimas", "name_en": "New call", "procedure": proc,
            "kinds": list(ProgrammeKind.objects.filter(code="nonformal_adult")), "budget": "50000",
            "max_per_application": "10000", "min_score": "50", "opens_on": TODAY,
            "closes_on": TODAY + datetime.timedelta(days=40), "tie_rules": '["lower_amount"]',
            "last_fit_rule": "skip"}


CASES = [
    Case(Procedure, make=make_procedure, expect={**PUBLIC, "agency_admin": ALL}, add_data=_procedure_add,
         change_data=lambda w, o: {"name_en": f"Procedure (edit {next(_n)})"}),
    Case(Criterion, make=make_criterion, expect={**PUBLIC, "agency_admin": ALL}, add_data=_criterion_add,
         change_data=lambda w, o: {"name_en": f"Criterion (edit {next(_n)})"}),
    Case(Expert, make=make_expert, expect={"expert": Expect("v"), "agency_admin": ALL}, add_data=_expert_add,
         change_data=lambda w, o: {"max_load": 3 + next(_n) % 5}),
    Case(ExpertTie, make=make_tie, expect={"expert": Expect("v"), "agency_admin": ALL}, add_data=_tie_add,
         change_data=lambda w, o: {"note": f"Edit {next(_n)}"}),
    Case(Call, make=make_call, expect={**PUBLIC_OPEN, "agency_admin": Expect("vcd", "vc", "vc", add=True)},
         add_data=_call_add,
         change_data=lambda w, o: {"name_en": f"Call (edit {next(_n)})"}),
    Case(Application, make=make_application,
         expect={"expert": Expect("v"), "institution_officer": Expect("v"), "municipality_officer": Expect("v", "v"),
                 "agency_admin": VIEW_ALL}),
    Case(Assignment, make=make_assignment, expect={"expert": Expect("v"), "agency_admin": VIEW_ALL}),
    Case(Score, make=make_score, expect={"expert": Expect("v"), "agency_admin": VIEW_ALL}),
    Case(Decision, make=make_decision,
         expect={**dict.fromkeys(("anonymous", "no_role", "public", "applicant", "expert"), Expect("", "", "v")),
                 "institution_officer": Expect("v", "", "v"), "municipality_officer": VIEW_ALL,
                 "agency_admin": VIEW_ALL}),
    Case(Appeal, make=make_appeal,  # the municipality follows applications, decisions and events, not appeals
         expect={"institution_officer": Expect("v"), "agency_admin": VIEW_ALL}),
    Case(Event, make=make_event, expect={**AT_PROVIDER, "agency_admin": VIEW_ALL}),
]


# --- the API ----------------------------------------------------------------------------------------------------

def _procedure_payload(world):
    return {"code": f"new-procedure-{next(_n)}", "name_lt": "Nauja procedūra", "name_en": "New procedure",
            "purpose": "readiness", "kinds": [], "threshold": "60.00"}


def _criterion_payload(world):
    return {"procedure": ProcedureFactory().code, "code": "new-criterion", "name_lt": "Naujas kriterijus",
            "name_en": "New criterion", "weight": "2", "mandatory": True, "pass_mark": "2"}


def _expert_payload(world):
    isced_f("0114", "Mokytojų rengimas")
    return {"person": PersonFactory(birth_date=datetime.date(1972, 2, 2)).pk, "expertise": ["0114"],
            "kinds": ["cpd"], "max_load": 4, "email": "new.expert@example.lt"}


def _tie_payload(world):
    return {"expert": ExpertFactory().pk, "institution": world.a2.code, "relation": "consultant",
            "started_on": "2024-01-01"}


def _call_payload(world):
    procedure("nfae-competition", kinds=("nonformal_adult",), purpose="competition", validity_years=None,
              conditions_threshold=None)
    return {"code": f"new-call-{next(_n)}", "name_lt": "Naujas kvietimas", "name_en": "New call",
            "procedure": "nfae-competition", "kinds": ["nonformal_adult"], "budget": "50000.00",
            "max_per_application": "10000.00", "min_score": "50", "opens_on": TODAY.isoformat(),
            "closes_on": (TODAY + datetime.timedelta(days=40)).isoformat(),
            "tie_rules": ["criterion:relevance", "lower_amount"], "last_fit_rule": "skip"}


def api_cases(case_by_label) -> list:
    """ApiCase rows for tests/test_api_matrix.py; case_by_label maps "app.model" to its Case."""
    case = case_by_label
    return [
        ApiCase(case["evaluation.procedure"], "evaluation-procedures", lookup=lambda o: o.code, key="code",
                create=_procedure_payload, update=lambda w, o: {"name_en": f"Procedure (edit {next(_n)})"}),
        ApiCase(case["evaluation.criterion"], "evaluation-criteria", create=_criterion_payload,
                update=lambda w, o: {"name_en": f"Criterion (edit {next(_n)})"}),
        ApiCase(case["evaluation.expert"], "experts", create=_expert_payload,
                update=lambda w, o: {"max_load": 3 + next(_n) % 5}),
        ApiCase(case["evaluation.experttie"], "expert-ties", create=_tie_payload,
                update=lambda w, o: {"note": f"Edit {next(_n)}"}),
        ApiCase(case["evaluation.call"], "calls", lookup=lambda o: o.code, key="code", create=_call_payload,
                update=lambda w, o: {"name_en": f"Call (edit {next(_n)})"}),
        ApiCase(case["evaluation.application"], "evaluation-applications"),
        ApiCase(case["evaluation.assignment"], "assignments"),
        ApiCase(case["evaluation.score"], "scores"),
        ApiCase(case["evaluation.decision"], "decisions"),
        ApiCase(case["evaluation.appeal"], "appeals"),
        ApiCase(case["evaluation.event"], "evaluation-events"),
    ]


_TESTED = "edureg/evaluation/tests/test_api_workflow.py (each step with the role that takes it, others refused)"
ACTIONS_TESTED_ELSEWHERE = {
    ("evaluation-applications", name): _TESTED
    for name in ("start-eligibility", "accept", "return", "ineligible", "resubmit", "withdraw", "assign",
                 "proposals", "decide", "appeal")
}
ACTIONS_TESTED_ELSEWHERE.update({
    ("assignments", name): _TESTED
    for name in ("confirm-no-conflict", "declare-conflict", "scores", "submit", "withdraw")
})
ACTIONS_TESTED_ELSEWHERE.update({
    ("calls", name): "edureg/evaluation/tests/test_api_calls.py (a call in the state each step needs)"
    for name in ("open", "close", "rank", "publish", "results")
})
ACTIONS_TESTED_ELSEWHERE[("appeals", "resolve")] = _TESTED
ACTIONS_TESTED_ELSEWHERE[("decisions", "pdf")] = "edureg/evaluation/tests/test_api_reads.py (who may download it)"


# --- list query counts ------------------------------------------------------------------------------------------

def _procedures(world, n):
    for _ in range(n):
        make_procedure(world, "a1").kinds.set([])


def _criteria(world, n):
    proc = ProcedureFactory()
    for i in range(n):
        CriterionFactory(procedure=proc, code=f"c{i}", order=i)


def _experts(world, n):
    for _ in range(n):
        expert = ExpertFactory()
        AssignmentFactory(expert=expert)


def _ties(world, n):
    for _ in range(n):
        make_tie(world, "b1")


def _calls(world, n):
    for _ in range(n):
        CallFactory()


def _applications(world, n):
    for _ in range(n):
        make_application(world, "a1")


def _assignments(world, n):
    for _ in range(n):
        ScoreFactory(assignment=make_assignment(world, "a1"))


def _scores(world, n):
    for _ in range(n):
        make_score(world, "a1")


def _decisions(world, n):
    for _ in range(n):
        make_decision(world, "b1")
        make_decision(world, "a1")


def _appeals(world, n):
    for _ in range(n):
        make_appeal(world, "a1")


def _events(world, n):
    for _ in range(n):
        make_event(world, "a1")


# prefix -> (make rows, page-size parameter, roles) for tests/test_api_queries.py
QUERY_MAKERS = {
    "evaluation-procedures": (_procedures, "page_size", ("anonymous", "agency_admin")),
    "evaluation-criteria": (_criteria, "page_size", ("anonymous", "agency_admin")),
    "experts": (_experts, "page_size", ("agency_admin",)),
    "expert-ties": (_ties, "page_size", ("agency_admin",)),
    "calls": (_calls, "page_size", ("anonymous", "agency_admin")),
    "evaluation-applications": (_applications, "page_size", ("expert", "institution_officer", "municipality_officer",
                                                             "agency_admin")),
    "assignments": (_assignments, "page_size", ("expert", "agency_admin")),
    "scores": (_scores, "page_size", ("expert", "agency_admin")),
    "decisions": (_decisions, "page_size", ("anonymous", "institution_officer", "agency_admin")),
    "appeals": (_appeals, "page_size", ("institution_officer", "agency_admin")),
    "evaluation-events": (_events, "page_size", ("institution_officer", "agency_admin")),
}


def browsable_details(world) -> dict:
    """prefix -> a record's URL key, for tests/test_api_browsable.py (every page renders in a browser)."""
    appeal = make_appeal(world, "a1")
    score = make_score(world, "a1")
    proc = score.criterion.procedure
    tie = make_tie(world, "a1")
    return {"evaluation-procedures": proc.code, "evaluation-criteria": score.criterion_id,
            "experts": tie.expert_id, "expert-ties": tie.pk, "calls": make_call(world, "a2").code,
            "evaluation-applications": score.assignment.application_id, "assignments": score.assignment_id,
            "scores": score.pk, "decisions": appeal.decision_id, "appeals": appeal.pk,
            "evaluation-events": make_event(world, "a1").pk}
