"""The aggregation engine (pure, no database): score sheets, weighted points out of 100, mean and median, the
disagreement rule and the decision rule."""

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from edureg.evaluation.engine.aggregation import (
    ACCREDITED,
    CONDITIONS,
    REJECTED,
    CriterionSpec,
    ProcedureSpec,
    aggregate,
    as_decimal,
    check_sheet,
    outcome,
    points,
)

D = Decimal

# The standard test procedure (tests/factories.procedure): scale 0-4, relevance w2, content w2, staff w1 mandatory
# with pass mark 2; threshold 60, conditions from 45, disagreement limit 25 points.
STANDARD = ProcedureSpec(
    scale_min=0, scale_max=4,
    criteria=(CriterionSpec("relevance", D(2), justification_required=True),
              CriterionSpec("content", D(2), justification_required=True),
              CriterionSpec("staff", D(1), mandatory=True, pass_mark=D(2), justification_required=True)),
    threshold=D(60), conditions_threshold=D(45), disagreement_points=D(25))
MEDIAN = ProcedureSpec(**{**STANDARD.__dict__, "aggregation": "median"})


def sheet(relevance, content, staff) -> dict:
    return {"relevance": D(str(relevance)), "content": D(str(content)), "staff": D(str(staff))}


# --- hypothesis strategies ----------------------------------------------------------------------------------------

@st.composite
def specs(draw, aggregation=None):
    low = draw(st.integers(-5, 5))
    high = low + draw(st.integers(1, 10))
    n = draw(st.integers(1, 5))
    weights = draw(st.lists(st.integers(0, 5), min_size=n, max_size=n).filter(lambda ws: sum(ws) > 0))
    criteria = []
    for i, weight in enumerate(weights):
        mandatory = draw(st.booleans())
        pass_mark = D(draw(st.integers(low, high))) if mandatory else None
        criteria.append(CriterionSpec(f"c{i}", D(weight), mandatory, pass_mark))
    threshold = D(draw(st.integers(1, 100)))
    conditions = draw(st.one_of(st.none(), st.integers(0, int(threshold) - 1).map(D)))
    limit = draw(st.one_of(st.none(), st.integers(0, 100).map(D)))
    return ProcedureSpec(scale_min=low, scale_max=high, criteria=tuple(criteria),
                         aggregation=aggregation or draw(st.sampled_from(["mean", "median"])),
                         threshold=threshold, conditions_threshold=conditions, disagreement_points=limit)


def score_on(spec):
    """A score on the spec's scale with at most two decimals."""
    return st.integers(spec.scale_min * 100, spec.scale_max * 100).map(lambda n: D(n) / 100)


def sheets_for(spec, min_size=1, max_size=5):
    one = st.fixed_dictionaries({c.code: score_on(spec) for c in spec.criteria})
    return st.lists(one, min_size=min_size, max_size=max_size)


# --- properties ---------------------------------------------------------------------------------------------------

@settings(max_examples=200, deadline=None)
@given(st.data())
def test_totals_are_points_between_0_and_100(data):
    spec = data.draw(specs())
    result = aggregate(spec, data.draw(sheets_for(spec)))
    assert D(0) <= result.total <= D(100)
    assert all(D(0) <= t <= D(100) for t in result.expert_totals)
    assert result.spread == max(result.expert_totals) - min(result.expert_totals) >= 0
    for code, value in result.per_criterion.items():
        assert spec.scale_min <= value <= spec.scale_max, code


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_identical_sheets_aggregate_to_the_sheet(data):
    spec = data.draw(specs())
    one = data.draw(sheets_for(spec, 1, 1))[0]
    result = aggregate(spec, [one] * data.draw(st.integers(1, 4)))
    assert result.per_criterion == one
    assert result.total == points(spec, one)
    assert result.spread == 0 and not result.disagree


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_median_of_three_ignores_one_outlier(data):
    spec = data.draw(specs(aggregation="median"))
    agreed = data.draw(sheets_for(spec, 1, 1))[0]
    outlier = data.draw(sheets_for(spec, 1, 1))[0]
    order = data.draw(st.permutations([agreed, agreed, outlier]))
    result = aggregate(spec, order)
    assert result.per_criterion == agreed
    assert result.total == points(spec, agreed)


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_a_failed_mandatory_criterion_always_rejects(data):
    spec = data.draw(specs())
    result = aggregate(spec, data.draw(sheets_for(spec)))
    failed = [c.code for c in spec.criteria
              if c.mandatory and result.per_criterion[c.code] < c.pass_mark]
    assert result.failed_mandatory == failed
    if failed:
        assert result.outcome == REJECTED and not result.mandatory_passed
    else:
        assert result.outcome == outcome(spec, result.total, [])


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_mean_total_is_the_mean_of_the_experts_totals_up_to_rounding(data):
    spec = data.draw(specs(aggregation="mean"))
    sheets = data.draw(sheets_for(spec, 2, 4))
    result = aggregate(spec, sheets)
    mean_of_totals = sum(result.expert_totals, D(0)) / len(sheets)
    # Each criterion's mean is rounded to 0.01 (at most 0.005 off), each total too.
    assert abs(result.total - mean_of_totals) <= D("0.5") / (spec.scale_max - spec.scale_min) + D("0.02")


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_a_higher_score_never_lowers_the_total(data):
    spec = data.draw(specs())
    base = data.draw(sheets_for(spec, 1, 1))[0]
    code = data.draw(st.sampled_from([c.code for c in spec.criteria]))
    raised = data.draw(st.integers(int(base[code] * 100), spec.scale_max * 100))
    higher = {**base, code: D(raised) / 100}
    assert points(spec, higher) >= points(spec, base)


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_disagreement_is_a_spread_above_the_limit(data):
    spec = data.draw(specs())
    result = aggregate(spec, data.draw(sheets_for(spec, 1, 4)))
    expected = (spec.disagreement_points is not None and len(result.expert_totals) > 1
                and result.spread > spec.disagreement_points)
    assert result.disagree == expected


@settings(max_examples=100, deadline=None)
@given(st.data())
def test_valid_sheets_have_no_problems_and_off_scale_ones_do(data):
    spec = data.draw(specs())
    good = data.draw(sheets_for(spec, 1, 1))[0]
    assert check_sheet(spec, good, complete=False) == []
    code = data.draw(st.sampled_from(sorted(good)))
    off = data.draw(st.one_of(st.integers(spec.scale_max + 1, spec.scale_max + 50),
                              st.integers(spec.scale_min - 50, spec.scale_min - 1)))
    problems = check_sheet(spec, {**good, code: off}, complete=False)
    assert [(p.criterion, p.kind) for p in problems] == [(code, "out_of_scale")]


# --- examples -----------------------------------------------------------------------------------------------------

def test_points_are_weighted_out_of_100():
    assert points(STANDARD, sheet(4, 2, 2)) == D("70.00")  # (2·4 + 2·2 + 1·2) / (5·4)
    assert points(STANDARD, sheet(4, 4, 4)) == D("100.00")
    assert points(STANDARD, sheet(0, 0, 0)) == D("0.00")
    shifted = ProcedureSpec(scale_min=1, scale_max=5, criteria=(CriterionSpec("a"),))
    assert points(shifted, {"a": D(1)}) == D("0.00") and points(shifted, {"a": D(4)}) == D("75.00")


def test_a_criterion_of_weight_zero_counts_only_as_pass_fail():
    spec = ProcedureSpec(scale_min=0, scale_max=4, criteria=(
        CriterionSpec("a", D(1)), CriterionSpec("gate", D(0), mandatory=True, pass_mark=D(3))))
    high = aggregate(spec, [{"a": D(4), "gate": D(3)}])
    assert high.total == D("100.00") and high.outcome == ACCREDITED
    failed = aggregate(spec, [{"a": D(4), "gate": D("2.99")}])
    assert failed.total == D("100.00") and failed.failed_mandatory == ["gate"] and failed.outcome == REJECTED


def test_mean_of_two_experts_rounds_half_up():
    result = aggregate(STANDARD, [sheet("3.01", 3, 3), sheet("3.00", 2, 4)])
    assert result.per_criterion == {"relevance": D("3.01"), "content": D("2.50"), "staff": D("3.50")}
    assert result.expert_totals == [D("75.10"), D("70.00")]
    assert result.total == points(STANDARD, result.per_criterion) == D("72.60")  # relevance 3.005 → 3.01


def test_two_experts_far_apart_disagree_and_a_third_settles_it_by_median():
    first, second = sheet(4, 4, 4), sheet(1, 1, 2)  # 100 and 30 points
    result = aggregate(STANDARD, [first, second])
    assert result.spread == D("70.00") and result.disagree
    third = aggregate(MEDIAN, [first, second, sheet(4, 4, 3)])
    assert third.per_criterion == {"relevance": D(4), "content": D(4), "staff": D(3)}
    assert third.total == D("95.00") and third.outcome == ACCREDITED


def test_disagreement_limit_is_exclusive_and_optional():
    at_limit = aggregate(STANDARD, [sheet(4, 4, 4), sheet(3, 3, 3)])  # 100 and 75 points
    assert at_limit.spread == D("25.00") and not at_limit.disagree
    no_rule = ProcedureSpec(**{**STANDARD.__dict__, "disagreement_points": None})
    assert not aggregate(no_rule, [sheet(4, 4, 4), sheet(0, 0, 0)]).disagree


@pytest.mark.parametrize(("total", "expected"), [
    (D("60"), ACCREDITED), (D("59.99"), CONDITIONS), (D("45"), CONDITIONS), (D("44.99"), REJECTED),
    (D("100"), ACCREDITED), (D("0"), REJECTED)])
def test_decision_rule_thresholds(total, expected):
    assert outcome(STANDARD, total, []) == expected
    assert outcome(STANDARD, total, ["staff"]) == REJECTED
    without_conditions = ProcedureSpec(**{**STANDARD.__dict__, "conditions_threshold": None})
    assert outcome(without_conditions, total, []) == (ACCREDITED if total >= 60 else REJECTED)


def test_mandatory_criterion_below_its_pass_mark_rejects_a_high_total():
    result = aggregate(STANDARD, [sheet(4, 4, 1), sheet(4, 4, 2)])  # staff 1.5 < 2
    assert result.total == D("87.50")
    assert result.failed_mandatory == ["staff"] and not result.mandatory_passed and result.outcome == REJECTED


@pytest.mark.parametrize(("value", "kind"), [
    ("x", "not_a_number"), (True, "not_a_number"), (float("nan"), "not_a_number"), ("inf", "not_a_number"),
    ([1], "not_a_number"), (5, "out_of_scale"), (-1, "out_of_scale"), ("2.555", "out_of_scale"),
    (None, "missing"), ("", "missing")])
def test_check_sheet_names_each_problem(value, kind):
    values = {"relevance": value, "content": 3, "staff": 3}
    justified = {"relevance": "ok", "content": "ok", "staff": "ok"}
    assert [(p.criterion, p.kind) for p in check_sheet(STANDARD, values, justified)] == [("relevance", kind)]


def test_check_sheet_unknown_criteria_missing_justifications_and_partial_sheets():
    problems = check_sheet(STANDARD, {"relevance": 3, "content": "2,5", "staff": 4, "extra": 1},
                           {"relevance": "Good", "content": "  "})
    assert [(p.criterion, p.kind) for p in problems] == [
        ("extra", "unknown"), ("content", "no_justification"), ("staff", "no_justification")]
    assert check_sheet(STANDARD, {"relevance": "3.5"}, complete=False) == []
    assert [p.kind for p in check_sheet(STANDARD, {"relevance": "3.5"}, complete=True)] == [
        "no_justification", "missing", "missing"]


def test_as_decimal_reads_numbers_and_text():
    assert as_decimal(2.1) == D("2.1") and as_decimal(" 3,5 ") == D("3.5") and as_decimal(D("4")) == D(4)
    assert as_decimal(False) is None and as_decimal("abc") is None and as_decimal(D("NaN")) is None


def test_aggregate_refuses_no_sheets_and_incomplete_ones():
    with pytest.raises(ValueError, match="no score sheets"):
        aggregate(STANDARD, [])
    with pytest.raises(ValueError, match="incomplete"):
        aggregate(STANDARD, [{"relevance": 3, "content": 3}])
    # Missing justifications do not stop the aggregation (the services require them at submission).
    assert aggregate(STANDARD, [sheet(3, 3, 3)]).total == D("75.00")


@pytest.mark.parametrize("fields", [
    {"scale_min": 4, "scale_max": 4}, {"aggregation": "mode"}, {"criteria": ()},
    {"criteria": (CriterionSpec("a", D(0)),)}])
def test_procedure_spec_refuses_nonsense(fields):
    with pytest.raises(ValueError):
        ProcedureSpec(**{**STANDARD.__dict__, **fields})


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.sampled_from(["relevance", "content", "staff", "other"]),
                       st.one_of(st.none(), st.text(max_size=12), st.floats(), st.integers(-10**30, 10**30),
                                 st.decimals(), st.booleans()), max_size=4))
def test_check_sheet_never_crashes_and_accepts_only_scores_on_the_scale(values):
    problems = check_sheet(STANDARD, values, dict.fromkeys(values, "why"), complete=True)
    bad = {p.criterion for p in problems}
    assert ("other" in bad) == ("other" in values)
    for code in ("relevance", "content", "staff"):
        if code not in bad:
            number = as_decimal(values[code])
            assert number is not None and 0 <= number <= 4 and number == number.quantize(D("0.01"))
    if not bad:  # a clean sheet aggregates
        assert D(0) <= aggregate(STANDARD, [values]).total <= D(100)
