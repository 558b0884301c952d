"""The common admission registers as cases for the generic admin and API suites (see tests/cases.py).

Places are schools: an offer at a1, a2 or b1 is of an offering of that institution, and an application, result or
invitation is "at" the place of the offer it names. Rounds have no school; their places stand for their states:
being configured at a1 (seen by the organiser only), accepting applications at a2, results published at b1.
Formulas and offers are at a1 in a round being configured and at a2 and b1 in open rounds. Runs and per-offer results
are unpublished at a1 and published at a2 and b1. The applicant's own application is the one at a1. Applications are
in rounds open until a month from today, so that the services accept changes.

The rounds' steps (open, close, run, publish, ...) need a round in a particular state each, so they are tested role
by role in edureg/admission/tests/test_api_admission.py (ACTIONS_TESTED_ELSEWHERE below). Recording a contract is a
one-way step (a signed invitation no longer changes), so the invitation case has no admin change data (the generic
suites post the same page again and again); edureg/admission/tests/test_admin_admission.py records contracts there.
"""

import datetime
import itertools
import json

from edureg.admission.choices import RoundStatus
from edureg.admission.models import (
    AllocationRun,
    Application,
    ApplicationResult,
    Grade,
    Invitation,
    Offer,
    OfferResult,
    Preference,
    Round,
    ScoringFormula,
)
from edureg.admission.tests.factories import (
    AllocationRunFactory,
    ApplicationFactory,
    ApplicationResultFactory,
    GradeFactory,
    InvitationFactory,
    OfferFactory,
    OfferResultFactory,
    PreferenceFactory,
    RoundFactory,
    ScoringFormulaFactory,
    subject,
)
from edureg.core.testing.api import ApiAction, ApiCase
from edureg.core.testing.matrix import Case, Expect
from edureg.persons.tests.factories import PersonFactory
from edureg.programmes.tests.factories import OfferingFactory, registered_version

VIEW_ALL = Expect("v", "v", "v")
ALL = Expect("vcd", "vcd", "vcd", add=True)
OUTSIDERS = ("anonymous", "no_role", "public", "applicant", "expert", "institution_officer", "municipality_officer")
PUBLIC_OPEN = dict.fromkeys(OUTSIDERS, Expect("", "v", "v"))  # a round being configured (a1) is not public
TODAY = datetime.date.today()
_n = itertools.count(1)


def _inst(world, place):
    return getattr(world, place)


def _subjects():
    subject("LT")
    subject("MAT", "Matematika")


def open_round(**fields) -> Round:
    """A main round accepting applications until a month from today."""
    dates = {"applications_open": TODAY - datetime.timedelta(days=10),
             "application_deadline": TODAY + datetime.timedelta(days=30),
             "results_date": TODAY + datetime.timedelta(days=35),
             "contract_deadline": TODAY + datetime.timedelta(days=45)}
    return RoundFactory(**{"status": RoundStatus.OPEN, **dates, **fields})


def offer_at(world, place, round_, **fields) -> Offer:
    """An offer of the round at the place's school: LTKS III, so that an applicant with basic education may take it."""
    offering = OfferingFactory(version=registered_version(programme__provider=_inst(world, place), ltks_level=3,
                                                          with_general_education=False))
    return OfferFactory(round=round_, offering=offering, **fields)


def application_at(world, place, round_) -> Application:
    """An application naming the place's offer first; the applicant's own at a1."""
    person = world.applicant_person if place == "a1" else PersonFactory(birth_date=datetime.date(2010, 3, 1))
    application = ApplicationFactory(round=round_, person=person, education="basic")
    PreferenceFactory(application=application, rank=1, offer=offer_at(world, place, round_))
    return application


# --- makers -------------------------------------------------------------------------------------------------

ROUND_STATES = {"a1": RoundStatus.DRAFT, "a2": RoundStatus.OPEN, "b1": RoundStatus.PUBLISHED}


def make_round(world, place):
    return RoundFactory(status=ROUND_STATES[place])


def make_formula(world, place):
    _subjects()
    round_ = RoundFactory(status=RoundStatus.DRAFT if place == "a1" else RoundStatus.OPEN)
    return ScoringFormulaFactory(round=round_)


def make_offer(world, place):
    _subjects()
    return offer_at(world, place, RoundFactory(status=RoundStatus.DRAFT if place == "a1" else RoundStatus.OPEN))


def make_application(world, place):
    _subjects()
    return application_at(world, place, open_round())


def make_grade(world, place):
    return GradeFactory(application=make_application(world, place), subject=subject("LT"))


def make_preference(world, place):
    return make_application(world, place).preferences.get()


def published_run(**fields) -> AllocationRun:
    return AllocationRunFactory(**fields)


def unpublished_run() -> AllocationRun:
    return AllocationRunFactory(round=RoundFactory(status=RoundStatus.ALLOCATED), published_at=None)


def make_run(world, place):
    return unpublished_run() if place == "a1" else published_run()


def make_result(world, place):
    run = published_run()
    application = application_at(world, place, run.round)
    return ApplicationResultFactory(run=run, application=application, offer=application.preferences.get().offer,
                                    rank=1)


def make_offer_result(world, place):
    run = unpublished_run() if place == "a1" else published_run()
    return OfferResultFactory(run=run, offer=offer_at(world, place, run.round))


def make_invitation(world, place):
    run = published_run()
    application = application_at(world, place, run.round)
    return InvitationFactory(run=run, application=application, offer=application.preferences.get().offer)


# --- admin forms --------------------------------------------------------------------------------------------

def _round_add(world):
    return {"code": f"2027-main-{next(_n)}", "name_lt": "2027 m. pagrindinis priėmimas", "kind": "main", "year": 2027,
            "applications_open": "2027-06-01", "application_deadline": "2027-07-15", "results_date": "2027-07-20",
            "contract_deadline": "2027-07-31", "age_on": "2027-09-01"}


def _formula_add(world):
    _subjects()
    return {"round": open_round(), "code": "arts", "name_lt": "Menų formulė",
            "components": json.dumps([{"type": "subject", "code": "LT", "weight": 0.5},
                                      {"type": "subject", "code": "MAT", "weight": 0.5}]),
            "priorities": "[]"}


def _offer_add(world):
    round_ = RoundFactory(status=RoundStatus.DRAFT)
    formula = ScoringFormulaFactory(round=round_)
    offering = OfferingFactory(version=registered_version(programme__provider=world.a1), year=round_.year)
    return {"round": round_, "offering": offering, "funding": "state", "formula": formula}


def _application_add(world):
    _subjects()
    return {"round": open_round(), "personal_code": world.applicant_person.personal_code, "education": "basic",
            "prior_qualifications": "none", "grade_scale": 10}


CONTRACT_DATE = "2026-07-25"  # within the factory round's contract deadline (2026-07-31)

CASES = [
    Case(Round, make=make_round, expect={**PUBLIC_OPEN, "agency_admin": Expect("vcd", "vc", "vc", add=True)},
         add_data=_round_add, change_data=lambda w, o: {"note": f"Checked (edit {next(_n)})"}),
    Case(ScoringFormula, make=make_formula, expect={**PUBLIC_OPEN, "agency_admin": ALL},
         add_data=_formula_add, change_data=lambda w, o: {"name_en": f"General formula (edit {next(_n)})"}),
    Case(Offer, make=make_offer, expect={**PUBLIC_OPEN, "agency_admin": ALL},
         add_data=_offer_add, change_data=lambda w, o: {"capacity": 10 + next(_n)}),
    Case(Application, make=make_application,
         expect={"applicant": Expect("vc", add=True), "institution_officer": Expect("v"),
                 "municipality_officer": Expect("v", "v"), "agency_admin": Expect("vc", "vc", "vc", add=True)},
         add_data=_application_add, change_data=lambda w, o: {"education": "secondary"}),
    Case(Grade, make=make_grade,
         expect={"applicant": Expect("v"), "institution_officer": Expect("v"),
                 "municipality_officer": Expect("v", "v"), "agency_admin": VIEW_ALL}),
    Case(Preference, make=make_preference,
         expect={"applicant": Expect("v"), "institution_officer": Expect("v"),
                 "municipality_officer": Expect("v", "v"), "agency_admin": VIEW_ALL}),
    Case(AllocationRun, make=make_run, expect={**PUBLIC_OPEN, "agency_admin": VIEW_ALL}),
    Case(ApplicationResult, make=make_result,
         expect={"applicant": Expect("v"), "institution_officer": Expect("v"),
                 "municipality_officer": Expect("v", "v"), "agency_admin": VIEW_ALL}),
    Case(OfferResult, make=make_offer_result, expect={**PUBLIC_OPEN, "agency_admin": VIEW_ALL}),
    Case(Invitation, make=make_invitation,
         expect={"applicant": Expect("v"), "institution_officer": Expect("vc"),
                 "municipality_officer": Expect("v", "v"), "agency_admin": Expect("vc", "vc", "vc")}),
]


# --- the API ------------------------------------------------------------------------------------------------

def _round_payload(world):
    return {**_round_add(world), "name_en": "2027 main admission round"}


def _formula_payload(world):
    _subjects()
    return {"round": open_round().code, "code": "arts", "name_lt": "Menų formulė",
            "components": [{"type": "subject", "code": "LT", "weight": 0.5},
                           {"type": "subject", "code": "MAT", "weight": 0.5}], "priorities": []}


def _offer_payload(world):
    data = _offer_add(world)
    return {"round": data["round"].code, "offering": data["offering"].pk, "funding": "state", "formula": "general"}


def _application_payload(world):
    _subjects()
    round_ = open_round()
    offer = offer_at(world, "a1", round_)
    return {"round": round_.code, "person": world.applicant_person.pk, "education": "basic",
            "grades": {"LT": "8.5", "MAT": 9}, "preferences": [offer.code]}


def api_cases(case_by_label) -> list:
    """ApiCase rows for tests/test_api_matrix.py; case_by_label maps "app.model" to its Case."""
    case = case_by_label
    return [
        ApiCase(case["admission.round"], "admission-rounds", lookup=lambda o: o.code, key="code",
                create=_round_payload, update=lambda w, o: {"note": f"Checked (edit {next(_n)})"}),
        ApiCase(case["admission.scoringformula"], "admission-formulas", create=_formula_payload,
                update=lambda w, o: {"name_en": f"General formula (edit {next(_n)})"}),
        ApiCase(case["admission.offer"], "admission-offers", create=_offer_payload,
                update=lambda w, o: {"capacity": 10 + next(_n)}),
        ApiCase(case["admission.application"], "admission-applications", create=_application_payload,
                update=lambda w, o: {"education": "secondary"},
                actions=(ApiAction("withdraw", lambda w, o: {}),)),
        ApiCase(case["admission.grade"], "admission-grades"),
        ApiCase(case["admission.preference"], "admission-preferences"),
        ApiCase(case["admission.allocationrun"], "admission-runs"),
        ApiCase(case["admission.applicationresult"], "admission-results"),
        ApiCase(case["admission.offerresult"], "admission-offer-results"),
        ApiCase(case["admission.invitation"], "admission-invitations",
                actions=(ApiAction("record-contract", lambda w, o: {"contract_number": f"S-{next(_n)}",
                                                                    "contract_date": CONTRACT_DATE}),
                         ApiAction("decline", lambda w, o: {}))),
    ]


ACTIONS_TESTED_ELSEWHERE = {
    ("admission-rounds", name): "edureg/admission/tests/test_api_admission.py (round steps, role by role)"
    for name in ("add-offers", "open", "close", "run", "publish", "annul", "next-round", "input")
}
ACTIONS_TESTED_ELSEWHERE.update({
    ("admission-applications", name): "edureg/admission/tests/test_api_admission.py (applications)"
    for name in ("submit", "check")
})


# --- list query counts --------------------------------------------------------------------------------------

def _rounds(world, n):
    previous = RoundFactory(status=RoundStatus.PUBLISHED)
    for _ in range(n):
        RoundFactory(previous_round=previous)


def _formulas(world, n):
    for i in range(n):
        ScoringFormulaFactory(round=RoundFactory(), code=f"f{i}")


def _offers(world, n):
    round_ = RoundFactory()
    for i in range(n):
        offer_at(world, "a1" if i % 2 else "b1", round_)


def _applications(world, n):
    _subjects()
    round_ = open_round()
    offers = [offer_at(world, "a1", round_), offer_at(world, "b1", round_)]
    for _ in range(n):
        application = ApplicationFactory(round=round_, person=PersonFactory(birth_date=datetime.date(2010, 3, 1)))
        for rank, offer in enumerate(offers, start=1):
            PreferenceFactory(application=application, rank=rank, offer=offer)
        GradeFactory(application=application, subject=subject("LT"))
        GradeFactory(application=application, subject=subject("MAT"))


def _grades(world, n):
    _subjects()
    round_ = open_round()
    offer = offer_at(world, "a1", round_)
    for _ in range(n):
        application = ApplicationFactory(round=round_, person=PersonFactory(birth_date=datetime.date(2010, 3, 1)))
        PreferenceFactory(application=application, offer=offer)
        GradeFactory(application=application, subject=subject("LT"))


def _preferences(world, n):
    round_ = open_round()
    offers = [offer_at(world, "a1", round_) for _ in range(n)]
    application = ApplicationFactory(round=round_, person=world.applicant_person)
    for rank, offer in enumerate(offers, start=1):
        PreferenceFactory(application=application, rank=rank, offer=offer)


def _runs(world, n):
    for _ in range(n):
        published_run()


def _results(world, n):
    run = published_run()
    offer = offer_at(world, "a1", run.round)
    for _ in range(n):
        application = ApplicationFactory(round=run.round, person=PersonFactory(birth_date=datetime.date(2010, 3, 1)))
        PreferenceFactory(application=application, offer=offer)
        ApplicationResultFactory(run=run, application=application, offer=offer, rank=1)


def _offer_results(world, n):
    run = published_run()
    for _ in range(n):
        OfferResultFactory(run=run, offer=offer_at(world, "a1", run.round))


def _invitations(world, n):
    run = published_run()
    offer = offer_at(world, "a1", run.round)
    for _ in range(n):
        application = ApplicationFactory(round=run.round, person=PersonFactory(birth_date=datetime.date(2010, 3, 1)))
        PreferenceFactory(application=application, offer=offer)
        InvitationFactory(run=run, application=application, offer=offer)


# prefix -> (make rows, page-size parameter, roles) for tests/test_api_queries.py
QUERY_MAKERS = {
    "admission-rounds": (_rounds, "page_size", ("anonymous", "agency_admin")),
    "admission-formulas": (_formulas, "page_size", ("anonymous", "agency_admin")),
    "admission-offers": (_offers, "page_size", ("anonymous", "agency_admin")),
    "admission-applications": (_applications, "page_size", ("institution_officer", "agency_admin")),
    "admission-grades": (_grades, "page_size", ("institution_officer", "agency_admin")),
    "admission-preferences": (_preferences, "page_size", ("applicant", "agency_admin")),
    "admission-runs": (_runs, "page_size", ("anonymous", "agency_admin")),
    "admission-results": (_results, "page_size", ("institution_officer", "agency_admin")),
    "admission-offer-results": (_offer_results, "page_size", ("anonymous", "agency_admin")),
    "admission-invitations": (_invitations, "page_size", ("institution_officer", "agency_admin")),
}


def browsable_details(world) -> dict:
    """prefix -> a record's URL key, for tests/test_api_browsable.py (every page renders in a browser)."""
    invitation = make_invitation(world, "a1")
    application = make_application(world, "a1")
    grade = GradeFactory(application=application, subject=subject("LT"))
    result = make_result(world, "a1")
    offer_result = make_offer_result(world, "a2")
    return {"admission-rounds": invitation.run.round.code, "admission-formulas": invitation.offer.formula_id,
            "admission-offers": invitation.offer_id, "admission-applications": application.pk,
            "admission-grades": grade.pk, "admission-preferences": application.preferences.get().pk,
            "admission-runs": invitation.run_id, "admission-results": result.pk,
            "admission-offer-results": offer_result.pk, "admission-invitations": invitation.pk}
