"""The indicator engine's roll-ups: breakdowns, measures summed per group, frames aligned, formulas, rounding."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from edureg.indicators.engine.cube import (
    Frame,
    IndicatorSpec,
    breakdowns,
    combine,
    compute_catalogue,
    compute_indicator,
    encode,
    group,
    round_half_away,
)
from edureg.indicators.engine.dimensions import DIMENSIONS
from edureg.indicators.engine.expressions import ExpressionError


def frame(rows, measures, dims=None):
    """rows: list of (year, {dim: code}, {measure: value})."""
    dims = dims or sorted({d for _, codes, _ in rows for d in codes})
    return Frame(year=np.array([r[0] for r in rows], dtype=np.int64),
                 dims={d: np.array([r[1].get(d, "") for r in rows], dtype=object) for d in dims},
                 values={m: np.array([float(r[2].get(m, 0)) for r in rows]) for m in measures})


def table(obs, spec):
    """{(year, ((dim, code), ...)): (value, numerator, denominator, flag)} with the breakdown's dims in order."""
    shapes = breakdowns(spec.dimensions, spec.max_cross)
    result = {}
    for i in range(len(obs)):
        shape = shapes[obs.breakdown[i]]
        key = (int(obs.year[i]), tuple((d, obs.dims[d][i]) for d in shape))
        assert key not in result, f"duplicate cell {key}"
        for d in DIMENSIONS:
            if d not in shape:
                assert obs.dims[d][i] == "", f"{d} set outside its breakdown in {key}"
        result[key] = (obs.value[i], obs.numerator[i], obs.denominator[i], obs.flag[i])
    return result


def values_of(obs, spec):
    return {key: cell[0] for key, cell in table(obs, spec).items()}


# --- breakdowns ---------------------------------------------------------------------------------------------------


def test_breakdowns_total_first_then_by_size_in_dimension_order():
    assert breakdowns(("sex", "municipality", "ownership"), 2) == [
        (), ("municipality",), ("ownership",), ("sex",),
        ("municipality", "ownership"), ("municipality", "sex"), ("ownership", "sex")]
    assert breakdowns(("sex", "municipality", "ownership"), 1) == [(), ("municipality",), ("ownership",), ("sex",)]
    assert breakdowns((), 2) == [()]
    assert len(breakdowns(("sex", "municipality", "ownership"), 3)) == 8


def test_breakdowns_never_hold_a_dimension_with_its_parent():
    shapes = breakdowns(("municipality", "county", "sex"), 3)
    assert shapes == [(), ("county",), ("municipality",), ("sex",), ("county", "sex"), ("municipality", "sex")]
    assert not any("county" in s and "municipality" in s for s in shapes)


def test_breakdowns_refuse_an_unknown_dimension():
    with pytest.raises(ValueError, match="unknown dimension 'colour'"):
        breakdowns(("sex", "colour"), 2)


# --- counts by municipality × sex --------------------------------------------------------------------------------

LEARNERS = frame([
    (2024, {"municipality": "LT-13", "sex": "F"}, {"learners": 3}),
    (2024, {"municipality": "LT-13", "sex": "M"}, {"learners": 4}),
    (2024, {"municipality": "LT-13", "sex": "F"}, {"learners": 2}),  # a second fine group of the same cell
    (2024, {"municipality": "LT-57", "sex": "F"}, {"learners": 10}),
    (2024, {"municipality": "LT-57", "sex": "M"}, {"learners": 1}),
    (2025, {"municipality": "LT-13", "sex": "F"}, {"learners": 7}),
    (2025, {"municipality": "LT-57", "sex": "M"}, {"learners": 6}),
], ["learners"])


def test_counts_by_municipality_and_sex_hand_computed():
    spec = IndicatorSpec("learners", "learners", decimals=0, dimensions=("municipality", "sex"))
    obs = compute_indicator(spec, {"reg": LEARNERS}, {"learners": "reg"})
    assert values_of(obs, spec) == {
        (2024, ()): 20,
        (2024, (("municipality", "LT-13"),)): 9,
        (2024, (("municipality", "LT-57"),)): 11,
        (2024, (("sex", "F"),)): 15,
        (2024, (("sex", "M"),)): 5,
        (2024, (("municipality", "LT-13"), ("sex", "F"))): 5,
        (2024, (("municipality", "LT-13"), ("sex", "M"))): 4,
        (2024, (("municipality", "LT-57"), ("sex", "F"))): 10,
        (2024, (("municipality", "LT-57"), ("sex", "M"))): 1,
        (2025, ()): 13,
        (2025, (("municipality", "LT-13"),)): 7,
        (2025, (("municipality", "LT-57"),)): 6,
        (2025, (("sex", "F"),)): 7,
        (2025, (("sex", "M"),)): 6,
        (2025, (("municipality", "LT-13"), ("sex", "F"))): 7,
        (2025, (("municipality", "LT-57"), ("sex", "M"))): 6,
    }
    # a count has no denominator; numerator holds the count; no flags
    assert np.isnan(obs.denominator).all()
    np.testing.assert_array_equal(obs.numerator, obs.value)
    assert set(obs.flag) == {""}
    # rows come by breakdown, then year, then codes
    assert list(obs.breakdown) == sorted(obs.breakdown)
    assert obs.year[obs.breakdown == 0].tolist() == [2024, 2025]


def test_years_are_kept_apart():
    spec = IndicatorSpec("learners", "learners", decimals=0, dimensions=("sex",))
    obs = compute_indicator(spec, {"reg": LEARNERS}, {"learners": "reg"})
    assert sorted(set(obs.year.tolist())) == [2024, 2025]
    got = values_of(obs, spec)
    assert got[(2024, ())] == 20 and got[(2025, ())] == 13
    assert got[(2025, (("sex", "M"),))] == 6 and got[(2024, (("sex", "M"),))] == 5


# --- shares over two frames, factor, decimals, zero denominators ---------------------------------------------------

STAFF = frame([
    (2024, {"municipality": "LT-13", "sex": "F"}, {"teachers": 30, "teachers_60": 9}),
    (2024, {"municipality": "LT-13", "sex": "M"}, {"teachers": 10, "teachers_60": 1}),
    (2024, {"municipality": "LT-57", "sex": "F"}, {"teachers": 8, "teachers_60": 1}),
], ["teachers", "teachers_60"])
POPULATION = frame([
    (2024, {"municipality": "LT-13"}, {"population": 1000}),
    (2024, {"municipality": "LT-57"}, {"population": 3000}),
    (2024, {"municipality": "LT-99"}, {"population": 500}),  # no teachers at all
], ["population"])


def test_a_share_with_numerator_and_denominator_from_two_frames():
    spec = IndicatorSpec("teachers_per_1000", "teachers", "population", factor=1000, decimals=2,
                         dimensions=("municipality",))
    obs = compute_indicator(spec, {"staff": STAFF, "pop": POPULATION},
                            {"teachers": "staff", "population": "pop"})
    cells = table(obs, spec)
    assert cells[(2024, ())][:3] == (pytest.approx(48 / 4500 * 1000, abs=0.005), 48, 4500)
    assert cells[(2024, ())][0] == 10.67
    assert cells[(2024, (("municipality", "LT-13"),))][:3] == (40.0, 40.0, 1000.0)
    assert cells[(2024, (("municipality", "LT-57"),))][:3] == (2.67, 8.0, 3000.0)
    # LT-99 has population but no teachers: the missing measure counts 0
    assert cells[(2024, (("municipality", "LT-99"),))][:4] == (0.0, 0.0, 500.0, "")


def test_a_group_missing_from_the_denominator_frame_has_a_zero_denominator_flag():
    staff = frame([
        (2024, {"municipality": "LT-13"}, {"teachers": 40}),
        (2024, {"municipality": "LT-77"}, {"teachers": 5}),  # no population row
    ], ["teachers"])
    spec = IndicatorSpec("t", "teachers", "population", factor=1000, dimensions=("municipality",))
    obs = compute_indicator(spec, {"staff": staff, "pop": POPULATION}, {"teachers": "staff", "population": "pop"})
    cells = table(obs, spec)
    value, numerator, denominator, flag = cells[(2024, (("municipality", "LT-77"),))]
    assert math.isnan(value) and numerator == 5 and denominator == 0 and flag == "zero_denominator"
    assert cells[(2024, (("municipality", "LT-13"),))][3] == ""


def test_factor_and_decimals_round_half_away_from_zero():
    facts = frame([
        (2024, {"sex": "F"}, {"a": 1, "b": 8}),  # 12.5 %
        (2024, {"sex": "M"}, {"a": 2, "b": 3}),  # 66.666... %
    ], ["a", "b"])
    for decimals, female, male, total in ((0, 13.0, 67.0, 27.0), (1, 12.5, 66.7, 27.3), (2, 12.5, 66.67, 27.27)):
        spec = IndicatorSpec("share", "a", "b", factor=100, decimals=decimals, dimensions=("sex",))
        got = values_of(compute_indicator(spec, {"f": facts}, {"a": "f", "b": "f"}), spec)
        assert got == {(2024, ()): total, (2024, (("sex", "F"),)): female, (2024, (("sex", "M"),)): male}


def test_round_half_away_from_zero():
    np.testing.assert_array_equal(round_half_away(np.array([0.5, 1.5, 2.5, -2.5, 1.005, 2.675, 0.0]), 0),
                                  [1, 2, 3, -3, 1, 3, 0])
    np.testing.assert_array_equal(round_half_away(np.array([1.005, 2.675, -0.125]), 2), [1.01, 2.68, -0.13])
    assert np.isnan(round_half_away(np.array([np.nan]), 1)).all()


def test_zero_denominator_gives_no_value_and_a_flag():
    facts = frame([
        (2024, {"sex": "F"}, {"dropped": 2, "leavers": 0}),
        (2024, {"sex": "M"}, {"dropped": 1, "leavers": 4}),
    ], ["dropped", "leavers"])
    spec = IndicatorSpec("dropout", "dropped", "leavers", factor=100, dimensions=("sex",))
    cells = table(compute_indicator(spec, {"f": facts}, {"dropped": "f", "leavers": "f"}), spec)
    value, numerator, denominator, flag = cells[(2024, (("sex", "F"),))]
    assert math.isnan(value) and (numerator, denominator, flag) == (2, 0, "zero_denominator")
    assert cells[(2024, (("sex", "M"),))] == (25.0, 1.0, 4.0, "")
    assert cells[(2024, ())] == (75.0, 3.0, 4.0, "")


def test_formulas_over_several_measures():
    facts = frame([
        (2024, {"sex": "F"}, {"a": 6, "b": 2, "c": 4}),
        (2024, {"sex": "M"}, {"a": 1, "b": 1, "c": 0}),
    ], ["a", "b", "c"])
    spec = IndicatorSpec("x", "(a - b) * 2", "c + b", decimals=3, dimensions=("sex",))
    got = table(compute_indicator(spec, {"f": facts}, {"a": "f", "b": "f", "c": "f"}), spec)
    assert got[(2024, (("sex", "F"),))][:3] == (1.333, 8.0, 6.0)
    assert got[(2024, (("sex", "M"),))][:3] == (0.0, 0.0, 1.0)
    assert got[(2024, ())][:3] == (1.143, 8.0, 7.0)  # (7 - 3) * 2 / (4 + 3): formulas on the sums


def test_a_measure_missing_in_a_group_counts_zero():
    facts = frame([
        (2024, {"ownership": "state"}, {"learners": 10, "vet": 0}),
        (2024, {"ownership": "private"}, {"learners": 5, "vet": 5}),
    ], ["learners", "vet"])
    vet = frame([(2024, {"ownership": "private"}, {"vet_completed": 3})], ["vet_completed"])
    spec = IndicatorSpec("completion", "vet_completed", "learners", factor=100, decimals=0,
                         dimensions=("ownership",))
    got = values_of(compute_indicator(spec, {"reg": facts, "vet": vet}, {"learners": "reg", "vet_completed": "vet"}),
                    spec)
    assert got == {(2024, ()): 20, (2024, (("ownership", "private"),)): 60, (2024, (("ownership", "state"),)): 0}


def test_groups_without_facts_of_the_indicator_are_not_emitted():
    facts = frame([
        (2024, {"sex": "F"}, {"vet": 0, "general": 12}),  # a row of the frame, but no VET learner
        (2024, {"sex": "M"}, {"vet": 3, "general": 1}),
        (2025, {"sex": "M"}, {"vet": 0, "general": 4}),  # a year with no VET learner at all
    ], ["vet", "general"])
    spec = IndicatorSpec("vet", "vet", decimals=0, dimensions=("sex",))
    assert values_of(compute_indicator(spec, {"f": facts}, {"vet": "f", "general": "f"}), spec) == {
        (2024, ()): 3, (2024, (("sex", "M"),)): 3}


def test_unknown_codes_count_in_totals_but_form_no_cell():
    facts = frame([
        (2024, {"sex": "F", "ownership": "state"}, {"n": 4}),
        (2024, {"sex": "", "ownership": "state"}, {"n": 6}),  # sex not known
    ], ["n"])
    spec = IndicatorSpec("n", "n", decimals=0, dimensions=("ownership", "sex"))
    assert values_of(compute_indicator(spec, {"f": facts}, {"n": "f"}), spec) == {
        (2024, ()): 10, (2024, (("ownership", "state"),)): 10, (2024, (("sex", "F"),)): 4,
        (2024, (("ownership", "state"), ("sex", "F"))): 4}


def test_bad_specs_are_refused_with_the_indicator_named():
    frames = {"reg": LEARNERS}
    with pytest.raises(ValueError, match="indicator 'x': no source for measure 'pupils'"):
        compute_indicator(IndicatorSpec("x", "pupils"), frames, {})
    with pytest.raises(ValueError, match="frame 'staff', which is not given"):
        compute_indicator(IndicatorSpec("x", "learners"), frames, {"learners": "staff"})
    with pytest.raises(ValueError, match="has no dimension 'isced_level'"):
        compute_indicator(IndicatorSpec("x", "learners", dimensions=("isced_level",)), frames, {"learners": "reg"})
    with pytest.raises(ValueError, match="no column for measure 'learners'"):
        compute_indicator(IndicatorSpec("x", "learners"), {"reg": STAFF}, {"learners": "reg"})
    with pytest.raises(ExpressionError, match="indicator 'x', denominator: unexpected"):
        compute_indicator(IndicatorSpec("x", "learners", "learners +* 2"), frames, {"learners": "reg"})
    broken = Frame(year=np.array([2024, 2024]), dims={"sex": np.array(["F"], dtype=object)},
                   values={"n": np.array([1.0, 2.0])})
    with pytest.raises(ValueError, match="dimension 'sex' has 1 rows"):
        compute_indicator(IndicatorSpec("x", "n", dimensions=("sex",)), {"f": broken}, {"n": "f"})


def test_shared_frames_give_the_same_results_as_fresh_ones():
    """The per-frame cache of groups and sums must not leak between indicators."""
    n = 2000

    def build():
        r = np.random.default_rng(7)
        return Frame(year=r.choice([2023, 2024], n),
                     dims={"sex": r.choice(np.array(["F", "M", ""], dtype=object), n),
                           "ownership": r.choice(np.array(["state", "private", "municipal"], dtype=object), n),
                           "age_group": r.choice(np.array(["0-6", "7-10", "11-14"], dtype=object), n)},
                     values={"a": r.poisson(2.0, n).astype(float), "b": r.poisson(5.0, n).astype(float)})

    specs = [IndicatorSpec("s1", "a", "a + b", factor=100, dimensions=("sex", "ownership")),
             IndicatorSpec("s2", "b", dimensions=("ownership", "age_group", "sex"), max_cross=3),
             IndicatorSpec("s3", "a * 2 - b", "b", dimensions=("age_group",))]
    shared = build()
    for spec in specs:
        together = compute_indicator(spec, {"f": shared}, {"a": "f", "b": "f"})
        alone = compute_indicator(spec, {"f": build()}, {"a": "f", "b": "f"})
        assert table(together, spec).keys() == table(alone, spec).keys()
        np.testing.assert_array_equal(together.value, alone.value)


def test_compute_catalogue_times_each_indicator_and_reports_progress():
    specs = [IndicatorSpec("learners", "learners", decimals=0, dimensions=("municipality", "sex")),
             IndicatorSpec("per_pop", "learners", "population", factor=1000, dimensions=("municipality",),
                           sensitive="none")]
    calls = []
    result = compute_catalogue(specs, {"reg": LEARNERS, "pop": POPULATION}, {"learners": "reg", "population": "pop"},
                               lambda done, total: calls.append((done, total)))
    assert calls == [(1, 2), (2, 2)]
    assert list(result) == ["learners", "per_pop"]
    obs, seconds = result["learners"]
    assert seconds > 0
    # disclosure is applied: LT-57 × M in 2024 is a count of 1
    cells = table(obs, specs[0])
    assert cells[(2024, (("municipality", "LT-57"), ("sex", "M")))][3] == "suppressed"
    assert cells[(2024, ())][3] == ""


# --- group-by building blocks ------------------------------------------------------------------------------------


def test_encode_sorts_codes_and_indexes_them():
    uniques, codes = encode(np.array(["b", "", "a", "b"], dtype=object))
    assert uniques.tolist() == ["", "a", "b"] and codes.tolist() == [2, 0, 1, 2]
    uniques, codes = encode(np.array([], dtype=object))
    assert len(uniques) == 0 and len(codes) == 0


def test_combine_compresses_instead_of_overflowing():
    rng = np.random.default_rng(3)
    radix = 1 << 40  # three such columns overflow int64
    columns = [rng.integers(0, 4, 1000) * (radix // 5) for _ in range(3)]
    keys, span = combine(columns, [radix] * 3)
    assert keys.dtype == np.int64 and keys.min() >= 0 and span < 1 << 63
    # same keys exactly when the rows are equal, and key order is the rows' lexicographic order
    rows = np.stack(columns, axis=1)
    _, row_ids = np.unique(rows, axis=0, return_inverse=True)
    _, key_ids = np.unique(keys, return_inverse=True)
    np.testing.assert_array_equal(row_ids.reshape(-1), key_ids.reshape(-1))


@pytest.mark.parametrize("span", [50, 10**9])  # dense (bincount-sized) and sparse (np.unique) paths
def test_group_both_paths_agree(span):
    rng = np.random.default_rng(11)
    key = rng.choice(rng.integers(0, span, 40), 500)
    inverse, first, size = group(key, span)
    distinct = np.unique(key)
    assert size == len(distinct)
    np.testing.assert_array_equal(distinct[inverse], key)
    np.testing.assert_array_equal(key[first], distinct)


# --- property: totals add up --------------------------------------------------------------------------------------

_dims = ("institution_type", "ownership", "sex", "age_group")
_codes = {"institution_type": ["3110", "3120", "3410"], "ownership": ["state", "municipal", "private"],
          "sex": ["F", "M"], "age_group": ["0-6", "7-10", "60+"]}


@st.composite
def count_frames(draw):
    n = draw(st.integers(1, 60))
    years = draw(st.lists(st.sampled_from([2023, 2024, 2025]), min_size=n, max_size=n))
    dims = {d: np.array(draw(st.lists(st.sampled_from(_codes[d]), min_size=n, max_size=n)), dtype=object)
            for d in _dims}
    counts = draw(st.lists(st.integers(0, 30), min_size=n, max_size=n))
    return Frame(year=np.array(years), dims=dims, values={"n": np.array(counts, dtype=float)})


@settings(max_examples=80, deadline=None)
@given(count_frames(), st.integers(1, 3))
def test_every_one_dimension_breakdown_adds_up_to_the_total(facts, max_cross):
    spec = IndicatorSpec("n", "n", decimals=0, dimensions=_dims, max_cross=max_cross)
    cells = values_of(compute_indicator(spec, {"f": facts}, {"n": "f"}), spec)
    for year in set(facts.year.tolist()):
        expected = facts.values["n"][facts.year == year].sum()
        if expected == 0:
            assert not any(key[0] == year for key in cells)
            continue
        assert cells[(year, ())] == expected
        for d in _dims:
            parts = [v for (y, shape), v in cells.items() if y == year and len(shape) == 1 and shape[0][0] == d]
            assert sum(parts) == expected, d
            assert all(v > 0 for v in parts)  # empty groups are not emitted
