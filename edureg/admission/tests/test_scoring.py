"""Scoring formulas on their own (no database): every formula error, the score and its parts, and properties
(monotone in each grade, the 5-point scale doubled)."""

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from edureg.admission.engine.scoring import (
    Component,
    Formula,
    FormulaError,
    Problem,
    ScoreInput,
    parse_formula,
    score,
    score_parts,
)

GENERAL = [
    {"type": "subject", "code": "LT", "weight": 0.4},
    {"type": "subject", "code": "MAT", "weight": 0.4},
    {"type": "extra", "code": "work_experience", "weight": 1, "max": 2},
]
SUBJECTS = {"LT", "MAT", "EN", "HIS"}


def general(priorities=("orphan", "disability")):
    return parse_formula(GENERAL, list(priorities), subjects=SUBJECTS)


def person(grades=None, scale=10, extras=None, priorities=()):
    return ScoreInput(grades=grades or {}, scale=scale, extras=extras or {}, priorities=frozenset(priorities))


# --- parsing -------------------------------------------------------------------------------------------------------

def test_parse_a_valid_formula():
    formula = general()
    assert formula == Formula(components=(Component("subject", "LT", 0.4), Component("subject", "MAT", 0.4),
                                          Component("extra", "work_experience", 1.0, 2.0)),
                              priorities=("orphan", "disability"))


def test_subjects_are_not_checked_without_a_list():
    formula = parse_formula([{"type": "subject", "code": "XYZ", "weight": 1}], [])
    assert formula.components[0].code == "XYZ"


def test_extra_without_max_and_null_max():
    formula = parse_formula([{"type": "extra", "code": "a", "weight": 2}, {"type": "extra", "code": "b", "weight": 2,
                                                                           "max": None}], None)
    assert [c.max for c in formula.components] == [None, None]
    assert formula.priorities == ()


def problems(components, priorities=(), subjects=SUBJECTS):
    with pytest.raises(FormulaError) as caught:
        parse_formula(components, list(priorities) if isinstance(priorities, tuple) else priorities,
                      subjects=subjects)
    return [(p.path, p.code) for p in caught.value.problems]


@pytest.mark.parametrize(("components", "expected"), [
    ({"type": "subject"}, [("components", "not_list")]),
    ("LT*0.4", [("components", "not_list")]),
    (None, [("components", "not_list")]),
    ([], [("components", "empty")]),
    (["LT"], [("components[0]", "not_object")]),
    ([{"code": "LT", "weight": 1}], [("components[0].type", "type")]),
    ([{"type": "formula", "code": "LT", "weight": 1}], [("components[0].type", "type")]),
    ([{"type": "subject", "code": "LT", "weight": 1, "expr": "__import__('os')"}],
     [("components[0].expr", "unknown_key")]),
    ([{"type": "subject", "code": "LT", "weight": 1, "max": 10}], [("components[0].max", "max_on_subject")]),
    ([{"type": "subject", "weight": 1}], [("components[0].code", "code")]),
    ([{"type": "subject", "code": "", "weight": 1}], [("components[0].code", "code")]),
    ([{"type": "extra", "code": "  ", "weight": 1}], [("components[0].code", "code")]),
    ([{"type": "extra", "code": 5, "weight": 1}], [("components[0].code", "code")]),
    ([{"type": "extra", "code": " a", "weight": 1}], [("components[0].code", "code_format")]),
    ([{"type": "extra", "code": "a" * 41, "weight": 1}], [("components[0].code", "code_format")]),
    ([{"type": "subject", "code": "XYZ", "weight": 1}], [("components[0].code", "unknown_subject")]),
    ([{"type": "subject", "code": "LT"}], [("components[0].weight", "weight_missing")]),
    ([{"type": "subject", "code": "LT", "weight": 0}], [("components[0].weight", "weight")]),
    ([{"type": "subject", "code": "LT", "weight": -1}], [("components[0].weight", "weight")]),
    ([{"type": "subject", "code": "LT", "weight": 100.5}], [("components[0].weight", "weight")]),
    ([{"type": "subject", "code": "LT", "weight": "0.4"}], [("components[0].weight", "weight")]),
    ([{"type": "subject", "code": "LT", "weight": True}], [("components[0].weight", "weight")]),
    ([{"type": "subject", "code": "LT", "weight": None}], [("components[0].weight", "weight")]),
    ([{"type": "subject", "code": "LT", "weight": math.inf}], [("components[0].weight", "weight")]),
    ([{"type": "subject", "code": "LT", "weight": math.nan}], [("components[0].weight", "weight")]),
    ([{"type": "subject", "code": "LT", "weight": 10 ** 400}], [("components[0].weight", "weight")]),
    ([{"type": "extra", "code": "a", "weight": 1, "max": -0.5}], [("components[0].max", "max")]),
    ([{"type": "extra", "code": "a", "weight": 1, "max": "2"}], [("components[0].max", "max")]),
    ([{"type": "extra", "code": "a", "weight": 1, "max": math.inf}], [("components[0].max", "max")]),
    ([{"type": "subject", "code": "LT", "weight": 1}, {"type": "subject", "code": "LT", "weight": 2}],
     [("components[1].code", "duplicate")]),
    ([{"type": "extra", "code": "x", "weight": 1}, {"type": "extra", "code": "x", "weight": 1, "max": 1}],
     [("components[1].code", "duplicate")]),
])
def test_component_errors(components, expected):
    assert problems(components) == expected


def test_same_code_as_subject_and_extra_is_allowed():
    formula = parse_formula([{"type": "subject", "code": "LT", "weight": 1}, {"type": "extra", "code": "LT",
                                                                              "weight": 1}], [])
    assert len(formula.components) == 2


def test_weight_and_max_at_their_limits():
    formula = parse_formula([{"type": "subject", "code": "LT", "weight": 100},
                             {"type": "extra", "code": "a", "weight": 1e-9, "max": 0}], [])
    assert [(c.weight, c.max) for c in formula.components] == [(100.0, None), (1e-9, 0.0)]


@pytest.mark.parametrize(("priorities", "expected"), [
    ("orphan", [("priorities", "not_list")]),
    ({"orphan": 1}, [("priorities", "not_list")]),
    (["Orphan"], [("priorities[0]", "priority")]),
    (["orphan", ""], [("priorities[1]", "priority")]),
    (["with space"], [("priorities[0]", "priority")]),
    ([1], [("priorities[0]", "priority")]),
    (["a" * 41], [("priorities[0]", "priority")]),
    (["orphan", "disability", "orphan"], [("priorities[2]", "priority_duplicate")]),
])
def test_priority_errors(priorities, expected):
    assert problems(GENERAL, priorities) == expected


def test_every_problem_is_reported_with_its_number():
    with pytest.raises(FormulaError) as caught:
        parse_formula([{"type": "subject", "code": "LT", "weight": 0.4}, {"type": "subject", "code": "ZZ"},
                       {"type": "extra", "code": "a", "weight": 1, "max": -1, "formula": "1+1"}],
                      ["x", "x"], subjects=SUBJECTS)
    found = caught.value.problems
    assert [(p.path, p.code, p.params["number"]) for p in found] == [
        ("components[1].code", "unknown_subject", 2),
        ("components[1].weight", "weight_missing", 2),
        ("components[2].formula", "unknown_key", 3),
        ("components[2].max", "max", 3),
        ("priorities[1]", "priority_duplicate", 2),
    ]
    assert [p.field for p in found] == ["components"] * 4 + ["priorities"]
    assert "components[1].code: unknown_subject" in str(caught.value)


def test_problem_field():
    assert Problem("components", "empty").field == "components"
    assert Problem("priorities[3]", "priority").field == "priorities"


# --- scores --------------------------------------------------------------------------------------------------------

def test_weighted_grades_extras_and_priorities():
    result = score(general(), person({"LT": 9, "MAT": 7}, extras={"work_experience": 1.5}, priorities={"disability"}))
    assert result == (0.4 * 9 + 0.4 * 7 + 1.5, 0.0, 1.0)
    assert result[0] == 7.9


def test_total_is_rounded_to_three_decimals():
    formula = parse_formula([{"type": "subject", "code": "LT", "weight": 0.3333}], [])
    assert score(formula, person({"LT": 7})) == (2.333,)


def test_five_point_grades_are_doubled():
    assert score(general(()), person({"LT": 4.5, "MAT": 3}, scale=5)) == score(general(()), person({"LT": 9, "MAT": 6}))
    parts = score_parts(general(()), person({"LT": 4.5, "MAT": 3}, scale=5))
    assert [(p["code"], p["raw"], p["value"], p["points"]) for p in parts[:2]] == [("LT", 4.5, 9.0, 3.6),
                                                                                 ("MAT", 3.0, 6.0, 2.4)]


def test_missing_grade_counts_zero_and_is_flagged():
    parts = score_parts(general(()), person({"LT": 10}))
    assert score(general(()), person({"LT": 10})) == (4.0,)
    assert [(p["code"], p["value"], p["points"], p["missing"]) for p in parts] == [
        ("LT", 10.0, 4.0, False), ("MAT", 0.0, 0.0, True), ("work_experience", 0.0, 0.0, True)]


def test_extras_are_capped_at_their_max():
    formula = general(())
    assert score(formula, person(extras={"work_experience": 5})) == (2.0,)
    assert score(formula, person(extras={"work_experience": 2})) == (2.0,)
    assert score(formula, person(extras={"work_experience": -3})) == (0.0,)
    (extra,) = [p for p in score_parts(formula, person(extras={"work_experience": 5})) if p["type"] == "extra"]
    assert extra == {"type": "extra", "code": "work_experience", "value": 2.0, "weight": 1.0, "points": 2.0,
                     "missing": False, "capped": True, "raw": 5.0}


def test_extra_without_max_is_not_capped():
    formula = parse_formula([{"type": "extra", "code": "olympiad", "weight": 0.5}], [])
    assert score(formula, person(extras={"olympiad": 30})) == (15.0,)


def test_priorities_in_the_formula_order():
    formula = general(("disability", "orphan"))
    assert score(formula, person(priorities={"orphan"}))[1:] == (0.0, 1.0)
    assert score(formula, person(priorities={"orphan", "disability", "other"}))[1:] == (1.0, 1.0)
    assert score(formula, person())[1:] == (0.0, 0.0)


def test_score_input_checks_the_scale_and_values():
    with pytest.raises(ValueError):
        person(scale=4)
    with pytest.raises(ValueError):
        score(general(), person({"LT": math.nan}))
    with pytest.raises(ValueError):
        score(general(), person(extras={"work_experience": math.inf}))


# --- properties -------------------------------------------------------------------------------------------------

weights = st.floats(min_value=0.001, max_value=100, allow_nan=False)
grades10 = st.floats(min_value=1, max_value=10, allow_nan=False)


@st.composite
def formulas_and_grades(draw):
    codes = draw(st.lists(st.sampled_from(sorted(SUBJECTS)), min_size=1, max_size=4, unique=True))
    components = [{"type": "subject", "code": c, "weight": draw(weights)} for c in codes]
    grades = {c: draw(grades10) for c in codes if draw(st.booleans()) or c == codes[0]}
    return parse_formula(components, [], subjects=SUBJECTS), grades


@given(formulas_and_grades(), st.data())
def test_score_is_monotone_in_each_grade(case, data):
    formula, grades = case
    code = data.draw(st.sampled_from([c.code for c in formula.components]))
    before = grades.get(code, 0)
    higher = data.draw(st.floats(min_value=max(before, 1), max_value=10, allow_nan=False))
    assert score(formula, person({**grades, code: higher}))[0] >= score(formula, person(grades))[0]


@given(formulas_and_grades())
def test_a_missing_grade_never_scores_more_than_a_grade(case):
    formula, grades = case
    for component in formula.components:
        without = {k: v for k, v in grades.items() if k != component.code}
        assert score(formula, person(without))[0] <= score(formula, person({**without, component.code: 1}))[0]


@given(formulas_and_grades())
def test_five_point_scale_equals_doubled_grades(case):
    formula, grades = case
    halves = {code: value / 2 for code, value in grades.items()}
    doubled = {code: half * 2 for code, half in halves.items()}
    assert score(formula, person(halves, scale=5)) == score(formula, person(doubled, scale=10))


@given(formulas_and_grades())
def test_total_is_the_rounded_sum_of_the_parts(case):
    formula, grades = case
    parts = score_parts(formula, person(grades))
    assert score(formula, person(grades))[0] == pytest.approx(sum(p["weight"] * p["value"] for p in parts), abs=6e-4)
    assert all(p["missing"] == (p["code"] not in grades) for p in parts)


@given(st.floats(min_value=0, max_value=50, allow_nan=False), st.floats(min_value=0, max_value=50, allow_nan=False),
       st.floats(min_value=0, max_value=10, allow_nan=False))
def test_extra_is_monotone_and_never_above_its_cap(a, b, cap):
    formula = parse_formula([{"type": "extra", "code": "x", "weight": 1, "max": cap}], [])
    low, high = sorted((a, b))
    low_score, high_score = score(formula, person(extras={"x": low}))[0], score(formula, person(extras={"x": high}))[0]
    assert low_score <= high_score <= round(cap, 3)


@given(st.lists(st.sampled_from(["orphan", "disability", "large_family"]), unique=True),
       st.sets(st.sampled_from(["orphan", "disability", "large_family", "other"])))
def test_priority_flags_say_which_criteria_are_met(order, met):
    formula = parse_formula(GENERAL, order, subjects=SUBJECTS)
    assert score(formula, person(priorities=met))[1:] == tuple(1.0 if p in met else 0.0 for p in order)
