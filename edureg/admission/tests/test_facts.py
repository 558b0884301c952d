"""The Django side of the rules: facts from rounds, formulas, offers and applications, the texts people read, the
checks on save (Round.clean, ScoringFormula.clean) and the preference checks (without N+1 queries)."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from edureg.admission import facts
from edureg.admission.engine.eligibility import OfferFacts, Reason, RulesError
from edureg.admission.engine.scoring import FormulaError, Problem
from edureg.admission.models import Application, Offer
from edureg.admission.tests.factories import (
    ApplicationFactory,
    GradeFactory,
    OfferFactory,
    PreferenceFactory,
    RoundFactory,
    ScoringFormulaFactory,
    subject,
)
from edureg.programmes.tests.factories import ProgrammeKindFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def continuing_offer(round, **kwargs):
    kind = ProgrammeKindFactory(code="continuing_vet")
    return OfferFactory(round=round, offering__version__programme__kind=kind, **kwargs)


# --- configuration --------------------------------------------------------------------------------------------------

def test_rules_for_a_round_with_the_defaults():
    rules = facts.rules_for(RoundFactory())
    assert (rules.min_age, rules.min_age_without_general_education) == (14, 16)
    assert rules.entry_levels == {"none": 2, "basic": 3, "secondary": 4}
    assert rules.funding_rules == {"none": ("*:*",), "one_state": ("continuing_vet:state", "*:paid"),
                                   "two_or_more": ("*:paid",)}
    assert rules.state_funded_only is False


def test_rules_for_a_winter_round():
    rules = facts.rules_for(RoundFactory(kind="winter", state_funded_only=True, min_age=15,
                                         entry_levels={"none": 2, "basic": 4, "secondary": 4}))
    assert (rules.state_funded_only, rules.min_age, rules.entry_levels["basic"]) == (True, 15, 4)


def test_rules_for_refuses_a_broken_configuration():
    round = RoundFactory(entry_levels={"none": 2})
    with pytest.raises(RulesError):
        facts.rules_for(round)


def test_formula_for_checks_subjects_against_the_classifier():
    subject("LT")
    subject("MAT", "Matematika")
    formula = ScoringFormulaFactory()
    parsed = facts.formula_for(formula)
    assert [c.code for c in parsed.components] == ["LT", "MAT", "work_experience"]
    assert parsed.priorities == ("orphan",)
    formula.components = [{"type": "subject", "code": "HIS", "weight": 1}]
    with pytest.raises(FormulaError) as caught:
        facts.formula_for(formula)
    assert [p.code for p in caught.value.problems] == ["unknown_subject"]
    assert facts.formula_for(formula, subjects=None).components[0].code == "HIS"
    assert facts.formula_for(formula, subjects={"HIS"}).components[0].code == "HIS"


def test_subjects_are_not_checked_while_the_classifier_is_empty():
    assert facts.subject_codes() is None
    formula = ScoringFormulaFactory(components=[{"type": "subject", "code": "HIS", "weight": 1}])
    assert facts.formula_for(formula).components[0].code == "HIS"


# --- facts ---------------------------------------------------------------------------------------------------------

def test_offer_facts_in_one_query(django_assert_num_queries):
    round = RoundFactory()
    initial = OfferFactory(round=round)
    paid = OfferFactory(round=round, funding="paid", offering__version__ltks_level=3,
                        offering__version__with_general_education=True)
    continuing = continuing_offer(round, offering__version__ltks_level=None)
    with django_assert_num_queries(1):
        found = facts.offer_facts(round.offers.all())
    assert found == {
        initial.pk: OfferFacts(ltks_level=4, with_general_education=False, programme_kind="initial_vet",
                               funding="state"),
        paid.pk: OfferFacts(ltks_level=3, with_general_education=True, programme_kind="initial_vet", funding="paid"),
        continuing.pk: OfferFacts(ltks_level=None, with_general_education=False, programme_kind="continuing_vet",
                                  funding="state"),
    }
    with django_assert_num_queries(1):
        assert facts.offer_facts([paid, continuing.pk]) == {paid.pk: found[paid.pk],
                                                            continuing.pk: found[continuing.pk]}


def test_applicant_facts_count_the_age_on_the_round_date():
    round = RoundFactory(age_on=datetime.date(2026, 9, 1))
    application = ApplicationFactory(round=round, person__birth_date=datetime.date(2010, 9, 2), education="basic",
                                     prior_qualifications="one_state")
    found = facts.applicant_facts(application)
    assert (found.age, found.education, found.prior_qualifications) == (15, "basic", "one_state")
    assert facts.applicant_facts(application, age_on=datetime.date(2026, 9, 2)).age == 16


def test_score_input_reads_grades_extras_and_priorities(django_assert_num_queries):
    application = ApplicationFactory(grade_scale=5, extras={"work_experience": "1,5", "olympiad": 2, "note": "x",
                                                            "certificate": True},
                                     priorities=["orphan", 3])
    GradeFactory(application=application, subject=subject("LT"), value=Decimal("4.50"))
    GradeFactory(application=application, subject=subject("MAT", "Matematika"), value=Decimal("3"))
    with django_assert_num_queries(1):
        found = facts.score_input(application)
    assert found.grades == {"LT": 4.5, "MAT": 3.0}
    assert all(type(v) is float for v in found.grades.values())
    assert found.scale == 5
    assert found.extras == {"work_experience": 1.5, "olympiad": 2.0, "certificate": 1.0}
    assert found.priorities == frozenset({"orphan"})
    with django_assert_num_queries(0):
        given = facts.score_input(application, {"LT": Decimal("5"), "EN": None})
    assert given.grades == {"LT": 5.0}


# --- texts ---------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("reason", "text"), [
    (Reason("too_young", {"age": 13, "min_age": 14}), "Too young: the minimum age is 14 (you will be 13)."),
    (Reason("too_young_without_general_education", {"age": 15, "min_age": 16}),
     "Programmes without general education are open from the age of 16 (you will be 15). Before that, you can "
     "choose a programme combined with general education."),
    (Reason("entry_education", {"level": 4, "max_level": 3, "education": "basic", "needed": "secondary"}),
     "This programme (LTKS level IV) is for applicants with secondary education; your education allows LTKS level "
     "III at most."),
    (Reason("entry_education", {"level": 3, "max_level": 2, "education": "none", "needed": "basic"}),
     "This programme (LTKS level III) is for applicants with basic education; your education allows LTKS level "
     "II at most."),
    (Reason("entry_education", {"level": 5, "max_level": 4, "education": "secondary", "needed": None}),
     "This programme (LTKS level V) is not open to new entrants in this round; your education allows LTKS level IV "
     "at most."),
    (Reason("funding", {"prior_qualifications": "one_state", "programme_kind": "initial_vet", "funding": "state",
                        "alternative": "paid"}),
     "You already hold a vocational qualification acquired with state funding, so the state-funded places of this "
     "programme are not open to you. You can apply for its paid places instead."),
    (Reason("funding", {"prior_qualifications": "two_or_more", "programme_kind": "continuing_vet",
                        "funding": "state", "alternative": "paid"}),
     "You already hold two or more vocational qualifications acquired with state funding, so the state-funded "
     "places of this programme are not open to you. You can apply for its paid places instead."),
    (Reason("funding", {"prior_qualifications": "none", "programme_kind": "cpd", "funding": "paid",
                        "alternative": None}),
     "The paid places of this programme are not open to applicants without a vocational qualification in this "
     "round."),
    (Reason("state_funded_only", {"funding": "paid"}),
     "This round offers state-funded places only; paid places cannot be chosen."),
])
def test_reason_texts(reason, text):
    assert facts.reason_text(reason) == text


def test_every_funding_case_has_its_own_text():
    texts = {facts.reason_text(Reason("funding", {"prior_qualifications": p, "funding": f, "alternative": None}))
             for p in ("none", "one_state", "two_or_more") for f in ("state", "paid")}
    assert len(texts) == 6
    assert "These places are not open to you." not in texts


def test_reason_texts_are_translated():
    reason = Reason("too_young", {"age": 13, "min_age": 14})
    with translation.override("lt"):
        lithuanian = facts.reason_text(reason)
    assert "14" in lithuanian and "13" in lithuanian


PROBLEM_TEXTS = [
    (Problem("components", "not_list"),
     'The components must be a list such as [{"type": "subject", "code": "LT", "weight": 0.4}].'),
    (Problem("components", "empty"), "Give at least one component."),
    (Problem("components[0]", "not_object", {"number": 1}),
     "Component 1: give an object with a type, a code and a weight."),
    (Problem("components[1].type", "type", {"number": 2, "value": "x"}),
     'Component 2: the type must be "subject" (a grade) or "extra" (an additional component).'),
    (Problem("components[1].expr", "unknown_key", {"number": 2, "key": "expr"}),
     'Component 2: unknown key "expr"; a component has a type, a code, a weight and, for an extra, a max.'),
    (Problem("components[0].max", "max_on_subject", {"number": 1, "key": "max"}),
     'Component 1: only an extra can have a "max"; grades are at most 10.'),
    (Problem("components[0].code", "code", {"number": 1}), "Component 1: give a code."),
    (Problem("components[0].code", "code_format", {"number": 1, "code": " a", "max_length": 40}),
     "Component 1: the code must not begin or end with a space and may have at most 40 characters."),
    (Problem("components[2].code", "unknown_subject", {"number": 3, "code": "XYZ"}),
     'Component 3: "XYZ" is not a code of the subject classifier.'),
    (Problem("components[0].weight", "weight_missing", {"number": 1}), "Component 1: give a weight."),
    (Problem("components[0].weight", "weight", {"number": 1, "value": 0, "maximum": 100}),
     "Component 1: the weight must be a number above 0 and at most 100."),
    (Problem("components[0].max", "max", {"number": 1, "value": -1}),
     "Component 1: the max must be a number, 0 or more."),
    (Problem("components[3].code", "duplicate", {"number": 4, "first": 1, "type": "subject", "code": "LT"}),
     'Component 4: the subject "LT" is already component 1.'),
    (Problem("components[3].code", "duplicate", {"number": 4, "first": 2, "type": "extra", "code": "x"}),
     'Component 4: the extra "x" is already component 2.'),
    (Problem("priorities", "not_list"),
     'The priority criteria must be a list of codes such as ["orphan", "disability"].'),
    (Problem("priorities[1]", "priority", {"number": 2, "value": "Orphan"}),
     "Priority criterion 2: use a code of lower-case letters, digits, - and _ (at most 40 characters)."),
    (Problem("priorities[2]", "priority_duplicate", {"number": 3, "value": "orphan", "first": 1}),
     'Priority criterion 3: "orphan" is already criterion 1.'),
]


@pytest.mark.parametrize(("problem", "text"), PROBLEM_TEXTS)
def test_formula_problem_texts(problem, text):
    assert facts.formula_problem_text(problem) == text


RULES_TEXTS = [
    (RulesError("min_age", "not_integer", {"value": "x"}), "Give a whole number."),
    (RulesError("min_age", "age_range", {"value": 120, "minimum": 0, "maximum": 100}),
     "The age must be from 0 to 100."),
    (RulesError("min_age_without_general_education", "below_min_age", {"value": 12, "min_age": 14}),
     "This cannot be lower than the minimum age."),
    (RulesError("entry_levels", "not_object", {"keys": ["none", "basic", "secondary"]}),
     'Give the highest LTKS level for each education, e.g. {"none": 2, "basic": 3, "secondary": 4}.'),
    (RulesError("funding_rules", "not_object", {"keys": ["none", "one_state", "two_or_more"]}),
     'Give the places open for each group, e.g. {"none": ["*:*"], "one_state": ["continuing_vet:state", '
     '"*:paid"], "two_or_more": ["*:paid"]}.'),
    (RulesError("entry_levels", "keys", {"missing": ["secondary"], "unknown": [],
                                         "keys": ["none", "basic", "secondary"]}),
     "The keys must be exactly none, basic, secondary (missing: secondary; unknown: —)."),
    (RulesError("entry_levels", "level", {"education": "basic", "value": 9, "minimum": 1, "maximum": 8}),
     'The level for "basic" must be a whole number from 1 to 8.'),
    (RulesError("entry_levels", "decreasing", {"lower": "none", "higher": "basic", "lower_level": 3,
                                               "higher_level": 2}),
     'A higher education cannot allow a lower level: "basic" allows 2, "none" allows 3.'),
    (RulesError("funding_rules", "not_list", {"group": "none"}),
     'The places for "none" must be a list of patterns such as "*:paid".'),
    (RulesError("funding_rules", "pattern", {"group": "one_state", "pattern": "vet:free"}),
     '"vet:free" (for "one_state") is not a pattern "programme kind:funding" such as "continuing_vet:state" or '
     '"*:paid" (funding: state, paid or *).'),
    (RulesError("state_funded_only", "not_boolean", {"value": 1}), "Give true or false."),
]


@pytest.mark.parametrize(("error", "text"), RULES_TEXTS)
def test_rules_error_texts(error, text):
    assert facts.rules_error_text(error) == text


# --- checks on save ------------------------------------------------------------------------------------------------

def messages(round_or_formula) -> dict:
    with pytest.raises(ValidationError) as caught:
        round_or_formula.full_clean()
    return caught.value.message_dict


def test_round_clean_accepts_the_defaults():
    RoundFactory().full_clean()


@pytest.mark.parametrize(("changes", "field", "text"), [
    ({"entry_levels": {"none": 2, "basic": 3}},
     "entry_levels", "The keys must be exactly none, basic, secondary (missing: secondary; unknown: —)."),
    ({"entry_levels": {"none": 2, "basic": 3, "secondary": 9}},
     "entry_levels", 'The level for "secondary" must be a whole number from 1 to 8.'),
    ({"funding_rules": {"none": ["*:*"], "one_state": ["*:free"], "two_or_more": ["*:paid"]}},
     "funding_rules", '"*:free" (for "one_state") is not a pattern "programme kind:funding" such as '
                      '"continuing_vet:state" or "*:paid" (funding: state, paid or *).'),
    ({"min_age": 101, "min_age_without_general_education": 101}, "min_age", "The age must be from 0 to 100."),
    ({"min_age_without_general_education": 12}, "min_age_without_general_education",
     "This cannot be lower than the minimum age."),
])
def test_round_clean_checks_the_rules(changes, field, text):
    round = RoundFactory(**changes)
    assert messages(round)[field] == [text]


def test_round_clean_reports_deadlines_ages_and_rules_together():
    round = RoundFactory(results_date=datetime.date(2026, 7, 1), min_age_without_general_education=12,
                         entry_levels=[2, 3, 4])
    found = messages(round)
    assert set(found) == {"results_date", "min_age_without_general_education", "entry_levels"}
    assert found["min_age_without_general_education"] == ["This cannot be lower than the minimum age."]


def test_formula_clean_accepts_the_factory_formula():
    subject("LT")
    subject("MAT", "Matematika")
    ScoringFormulaFactory().full_clean()


def test_formula_clean_names_the_component():
    subject("LT")
    formula = ScoringFormulaFactory(
        components=[{"type": "subject", "code": "LT", "weight": 0.4}, {"type": "subject", "code": "XX", "weight": 0},
                    {"type": "extra", "code": "work", "weight": 1, "max": -1}],
        priorities=["orphan", "Orphan"])
    assert messages(formula) == {
        "components": ['Component 2: "XX" is not a code of the subject classifier.',
                       "Component 2: the weight must be a number above 0 and at most 100.",
                       "Component 3: the max must be a number, 0 or more."],
        "priorities": ["Priority criterion 2: use a code of lower-case letters, digits, - and _ (at most 40 "
                       "characters)."],
    }


def test_formula_clean_refuses_an_empty_formula():
    formula = ScoringFormulaFactory(components=[], priorities=[])
    assert messages(formula) == {"components": ["Give at least one component."]}
    formula.components = {"type": "subject", "code": "LT", "weight": 1}
    assert messages(formula) == {"components": ['The components must be a list such as [{"type": "subject", '
                                                '"code": "LT", "weight": 0.4}].']}


def test_formula_errors_groups_by_field():
    error = FormulaError([Problem("priorities", "not_list"), Problem("components", "empty")])
    assert facts.formula_errors(error) == {
        "priorities": ['The priority criteria must be a list of codes such as ["orphan", "disability"].'],
        "components": ["Give at least one component."]}


# --- preference checks ---------------------------------------------------------------------------------------------

@pytest.fixture
def applied():
    """A 16-year-old (on 1 September 2026) with basic education and one state-funded qualification, grades LT 9 and
    MAT 7, and three preferences: initial VET level IV (too high for basic education, and state-funded: not open
    with a qualification), continuing VET level III state-funded (eligible) and initial VET level III paid
    (eligible)."""
    round = RoundFactory()
    application = ApplicationFactory(round=round, person__birth_date=datetime.date(2010, 3, 1), education="basic",
                                     prior_qualifications="one_state", extras={"work_experience": 3},
                                     priorities=["orphan"])
    GradeFactory(application=application, subject=subject("LT"), value=Decimal("9"))
    GradeFactory(application=application, subject=subject("MAT", "Matematika"), value=Decimal("7"))
    offers = [
        OfferFactory(round=round),
        continuing_offer(round, offering__version__ltks_level=3),
        OfferFactory(round=round, funding="paid", offering__version__ltks_level=3),
    ]
    for rank, offer in enumerate(offers, start=1):
        PreferenceFactory(application=application, rank=rank, offer=offer)
    return application, offers


def test_check_preferences(applied):
    application, offers = applied
    checks = facts.check_preferences(application)
    assert [c.preference.offer for c in checks] == offers
    assert [c.eligible for c in checks] == [False, True, True]
    assert [r.code for r in checks[0].raw_reasons] == ["entry_education", "funding"]
    assert checks[0].reasons == [
        "This programme (LTKS level IV) is for applicants with secondary education; your education allows LTKS "
        "level III at most.",
        "You already hold a vocational qualification acquired with state funding, so the state-funded places of "
        "this programme are not open to you. You can apply for its paid places instead.",
    ]
    assert checks[1].reasons == checks[2].reasons == []
    # 0.4 × 9 + 0.4 × 7 + min(3, 2) = 8.4, then the priority criterion "orphan" met.
    assert all(c.score == (8.4, 1.0) for c in checks)
    assert [(p["code"], p["points"], p["capped"]) for p in checks[1].parts] == [
        ("LT", 3.6, False), ("MAT", 2.8, False), ("work_experience", 2.0, True)]


def test_check_preferences_uses_each_offers_formula(applied):
    application, offers = applied
    offer = offers[2]
    offer.formula = ScoringFormulaFactory(round=application.round, code="maths",
                                          components=[{"type": "subject", "code": "MAT", "weight": 1}], priorities=[])
    offer.save()
    checks = facts.check_preferences(application)
    assert [c.score for c in checks] == [(8.4, 1.0), (8.4, 1.0), (7.0,)]


def test_check_preferences_without_preferences():
    assert facts.check_preferences(ApplicationFactory()) == []


def test_check_preferences_queries_do_not_grow_with_preferences(applied, django_assert_num_queries):
    application, offers = applied
    loaded = Application.objects.select_related("round", "person").get(pk=application.pk)
    with django_assert_num_queries(2):  # preferences with offers, offerings and formulas; grades
        checks = facts.check_preferences(loaded)
    with django_assert_num_queries(0):  # everything the page shows about an offer is loaded
        for check in checks:
            offering = check.preference.offer.offering
            str(offering.programme.name), str(offering.institution), offering.version.ltks_level
    application.preferences.exclude(rank=1).delete()
    loaded = Application.objects.select_related("round", "person").get(pk=application.pk)
    with django_assert_num_queries(2):
        assert len(facts.check_preferences(loaded)) == 1


def test_check_offer_and_check_offers(applied, django_assert_num_queries):
    application, offers = applied
    winter_like = RoundFactory(state_funded_only=True)
    application.round = winter_like
    reasons, score = facts.check_offer(application, offers[2])
    assert reasons == ["This round offers state-funded places only; paid places cannot be chosen."]
    assert score == (8.4, 1.0)
    loaded = Application.objects.select_related("round", "person").get(pk=application.pk)
    with django_assert_num_queries(2):  # offers with offerings and formulas; grades
        found = facts.check_offers(loaded, Offer.objects.filter(pk__in=[o.pk for o in offers]))
    assert set(found) == {o.pk for o in offers}
    assert [len(found[o.pk][0]) for o in offers] == [2, 0, 0]
