"""Disclosure control: primary suppression of small counts and complementary suppression so that no suppressed
cell can be recovered by subtracting published cells from a published total."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from edureg.indicators.engine.cube import Frame, IndicatorSpec, Observations, breakdowns, compute_indicator
from edureg.indicators.engine.dimensions import DIMENSIONS
from edureg.indicators.engine.disclosure import (
    apply_disclosure,
    family,
    line_families,
    primary_cells,
    suppress_table,
)

ROWS, COLS = ("ownership", "age_group")


def two_way(matrix, year=2024, numerator_only=None):
    """A frame with one fine group per cell of `matrix` (rows = ownership r0.., columns = age group c0..)."""
    matrix = np.asarray(matrix, dtype=float)
    r, c = np.indices(matrix.shape)
    dims = {ROWS: np.array([f"r{i}" for i in r.ravel()], dtype=object),
            COLS: np.array([f"c{j}" for j in c.ravel()], dtype=object)}
    values = {"n": matrix.ravel()}
    if numerator_only is not None:
        values["d"] = np.asarray(numerator_only, dtype=float).ravel()
    return Frame(year=np.full(matrix.size, year), dims=dims, values=values)


def computed(facts, spec, parents=None):
    shapes = breakdowns(spec.dimensions, spec.max_cross)
    source = dict.fromkeys(facts.values, "f")
    obs = compute_indicator(spec, {"f": facts}, source)
    return obs, apply_disclosure(obs, spec, shapes, parents=parents), shapes


def cell(obs, shapes, year=2024, **codes):
    shape = tuple(d for d in DIMENSIONS if d in codes)
    index = shapes.index(shape)
    mask = (obs.breakdown == index) & (obs.year == year)
    for d, code in codes.items():
        mask &= obs.dims[d] == code
    (row,) = np.flatnonzero(mask)
    return row


def hidden(obs):
    return np.isin(obs.flag, ["suppressed", "secondary"])


def open_lines(obs, shapes, parents=None):
    """Lines (family name, line id) with exactly one suppressed cell."""
    found = []
    for fam in line_families(obs, shapes, parents):
        count = np.bincount(fam.lines, weights=hidden(obs)[fam.cells], minlength=fam.n_lines)
        found += [(fam.name, int(line)) for line in np.flatnonzero(count == 1)]
    return found


def determined(obs, shapes, parents=None):
    """Suppressed cells whose value follows from the published cells by linear algebra over all lines: cell i is
    determined when the unit vector of i lies in the row space of the lines restricted to the suppressed cells."""
    hide = np.flatnonzero(hidden(obs))
    position = {c: k for k, c in enumerate(hide)}
    equations = []
    for fam in line_families(obs, shapes, parents):
        for line in range(fam.n_lines):
            entries = fam.lines == line
            row = np.zeros(len(hide))
            for c, is_total in zip(fam.cells[entries], fam.total[entries], strict=True):
                if c in position:
                    row[position[c]] = -1.0 if is_total else 1.0
            if row.any():
                equations.append(row)
    if not equations:
        return list(hide)
    system = np.array(equations)
    rank = np.linalg.matrix_rank(system)
    return [c for k, c in enumerate(hide)
            if np.linalg.matrix_rank(np.vstack([system, np.eye(len(hide))[k]])) == rank]


# --- the 3×3 table where naive suppression leaks -------------------------------------------------------------------

TABLE = [[2, 10, 12],
         [15, 20, 25],
         [30, 35, 40]]
SPEC_2D = IndicatorSpec("n", "n", decimals=0, dimensions=(ROWS, COLS), threshold=5)


def test_naive_primary_suppression_leaks_in_a_table_with_totals():
    obs, _, shapes = computed(two_way(TABLE), SPEC_2D)
    naive = primary_cells(obs, SPEC_2D)
    small = cell(obs, shapes, ownership="r0", age_group="c0")
    assert np.flatnonzero(naive).tolist() == [small]
    # the attacker subtracts the published cells of the row from the published row total
    row_total = obs.value[cell(obs, shapes, ownership="r0")]
    others = obs.value[cell(obs, shapes, ownership="r0", age_group="c1")] + \
        obs.value[cell(obs, shapes, ownership="r0", age_group="c2")]
    assert row_total - others == 2 == obs.value[small]
    # ... and the column total gives it away as well
    column = [cell(obs, shapes, ownership=f"r{i}", age_group="c0") for i in (1, 2)]
    assert obs.value[cell(obs, shapes, age_group="c0")] - obs.value[column].sum() == 2


def test_complementary_suppression_closes_the_leak():
    obs, protected, shapes = computed(two_way(TABLE), SPEC_2D)
    # the expected pattern: the smallest positive partners, a rectangle
    flags = {(i, j): protected.flag[cell(protected, shapes, ownership=f"r{i}", age_group=f"c{j}")]
             for i in range(3) for j in range(3)}
    assert flags == {(0, 0): "suppressed", (0, 1): "secondary", (1, 0): "secondary", (1, 1): "secondary",
                     (0, 2): "", (1, 2): "", (2, 0): "", (2, 1): "", (2, 2): ""}
    assert not hidden(protected)[protected.breakdown != shapes.index((ROWS, COLS))].any()  # margins published
    assert open_lines(protected, shapes) == []
    assert determined(protected, shapes) == []
    # without complementary suppression the same check finds the leak
    naive = Observations(obs.year, obs.dims, obs.value, obs.numerator, obs.denominator,
                         np.where(primary_cells(obs, SPEC_2D), "suppressed", ""), obs.breakdown)
    assert open_lines(naive, shapes) and determined(naive, shapes)
    # the numbers stay: the public readers hide them by flag
    np.testing.assert_array_equal(protected.value, obs.value)


def test_suppress_table_generic_core_on_a_hand_built_table():
    # cells 0..8 the 3×3 interior row by row, 9..11 row totals, 12..14 column totals, 15 the grand total
    values = np.array([2, 10, 12, 15, 20, 25, 30, 35, 40, 24, 60, 105, 47, 65, 77, 189], dtype=float)
    rows = family("rows", [0, 1, 2, 9, 3, 4, 5, 10, 6, 7, 8, 11], [0] * 4 + [1] * 4 + [2] * 4,
                  [False] * 3 + [True] + [False] * 3 + [True] + [False] * 3 + [True])
    cols = family("cols", [0, 3, 6, 12, 1, 4, 7, 13, 2, 5, 8, 14], [0] * 4 + [1] * 4 + [2] * 4,
                  [False] * 3 + [True] + [False] * 3 + [True] + [False] * 3 + [True])
    row_margin = family("row totals", [9, 10, 11, 15], [0] * 4, [False] * 3 + [True])
    col_margin = family("column totals", [12, 13, 14, 15], [0] * 4, [False] * 3 + [True])
    primary = np.zeros(16, dtype=bool)
    primary[0] = True
    suppressed, secondary = suppress_table(values, primary, [rows, cols, row_margin, col_margin])
    assert np.flatnonzero(suppressed).tolist() == [0, 1, 3, 4]
    assert np.flatnonzero(secondary).tolist() == [1, 3, 4]
    # no families: nothing to protect against, nothing added
    suppressed, secondary = suppress_table(values, primary, [])
    assert np.flatnonzero(suppressed).tolist() == [0] and not secondary.any()


def test_a_single_member_line_is_dropped():
    fam = family("x", [0, 1, 2], ["a", "b", "b"], [False, False, True])
    assert fam.n_lines == 1 and fam.cells.tolist() == [1, 2]


# --- hierarchy: municipalities within counties ---------------------------------------------------------------------

COUNTY_OF = {"LT-A": "LT-X", "LT-B": "LT-X", "LT-C": "LT-Y", "LT-D": "LT-Y"}


def municipalities(counts, sex=None):
    names = list(counts)
    return Frame(year=np.full(len(names), 2024),
                 dims={"municipality": np.array(names, dtype=object),
                       "county": np.array([COUNTY_OF[m] for m in names], dtype=object)},
                 values={"n": np.array([counts[m] for m in names], dtype=float)})


def test_a_municipality_is_protected_within_its_county():
    spec = IndicatorSpec("n", "n", decimals=0, dimensions=("county", "municipality"))
    facts = municipalities({"LT-A": 3, "LT-B": 50, "LT-C": 20, "LT-D": 30})
    parents = {"municipality": COUNTY_OF}
    obs, _, shapes = computed(facts, spec)

    # Without the county lines the national line is closed (A and C suppressed) but county X still gives A away.
    blind = apply_disclosure(obs, spec, shapes)
    a, b = cell(blind, shapes, municipality="LT-A"), cell(blind, shapes, municipality="LT-B")
    assert blind.flag[a] == "suppressed" and blind.flag[b] == ""
    assert blind.value[cell(blind, shapes, county="LT-X")] - blind.value[b] == 3
    assert open_lines(blind, shapes, parents)

    protected = apply_disclosure(obs, spec, shapes, parents=parents)
    assert protected.flag[a] == "suppressed" and protected.flag[b] == "secondary"
    assert open_lines(protected, shapes, parents) == []
    assert determined(protected, shapes, parents) == []
    assert not hidden(protected)[protected.breakdown != shapes.index(("municipality",))].any()


def test_county_lines_need_the_county_breakdown():
    spec = IndicatorSpec("n", "n", decimals=0, dimensions=("municipality",))
    obs, _, shapes = computed(municipalities({"LT-A": 3, "LT-B": 50, "LT-C": 20, "LT-D": 30}), spec)
    protected = apply_disclosure(obs, spec, shapes, parents={"municipality": COUNTY_OF})
    names = [f.name for f in line_families(protected, shapes, {"municipality": COUNTY_OF})]
    assert names == ["municipality / municipality"]
    assert sorted(protected.flag[protected.breakdown == 1].tolist()) == ["", "", "secondary", "suppressed"]


def test_hierarchy_crossed_with_another_dimension():
    spec = IndicatorSpec("n", "n", decimals=0, dimensions=("county", "municipality", "sex"))
    rows = [("LT-A", "F", 2), ("LT-A", "M", 40), ("LT-B", "F", 30), ("LT-B", "M", 35),
            ("LT-C", "F", 12), ("LT-C", "M", 14), ("LT-D", "F", 16), ("LT-D", "M", 18)]
    facts = Frame(year=np.full(len(rows), 2024),
                  dims={"municipality": np.array([r[0] for r in rows], dtype=object),
                        "county": np.array([COUNTY_OF[r[0]] for r in rows], dtype=object),
                        "sex": np.array([r[1] for r in rows], dtype=object)},
                  values={"n": np.array([r[2] for r in rows], dtype=float)})
    parents = {"municipality": COUNTY_OF}
    _, protected, shapes = computed(facts, spec, parents)
    names = {f.name for f in line_families(protected, shapes, parents)}
    assert "municipality×sex / municipality in county" in names
    assert open_lines(protected, shapes, parents) == []
    assert determined(protected, shapes, parents) == []
    assert protected.flag[cell(protected, shapes, municipality="LT-A", sex="F")] == "suppressed"


# --- choices of the complementary cell --------------------------------------------------------------------------


def test_zero_cells_are_not_chosen_when_a_positive_one_exists():
    # A share whose numerator is the sensitive count: cells with a numerator of 0 exist (the denominator has facts)
    numerators = [[2, 0, 9], [0, 30, 40], [6, 25, 35]]
    facts = two_way(numerators, numerator_only=[[50, 50, 50], [60, 60, 60], [70, 70, 70]])
    spec = IndicatorSpec("share", "n", "d", factor=100, dimensions=(ROWS, COLS), sensitive="numerator")
    _, protected, shapes = computed(facts, spec)
    flag = {(i, j): protected.flag[cell(protected, shapes, ownership=f"r{i}", age_group=f"c{j}")]
            for i in range(3) for j in range(3)}
    assert flag[(0, 0)] == "suppressed"
    assert flag[(0, 2)] == "secondary"  # 9 in row r0, not the 0 beside it
    assert flag[(2, 0)] == "secondary"  # 6 in column c0, not the 0 above it
    assert flag[(0, 1)] == flag[(1, 0)] == ""
    assert open_lines(protected, shapes) == []


def test_a_positive_total_is_chosen_before_a_zero_cell():
    line = [family("line", [0, 1, 2], [0, 0, 0], [False, False, True])]  # cell, cell, their total
    primary = np.array([True, False, False])
    suppressed, secondary = suppress_table(np.array([2.0, 0.0, 2.0]), primary, line)
    assert suppressed.tolist() == [True, False, True] and secondary.tolist() == [False, False, True]
    suppressed, _ = suppress_table(np.array([2.0, 7.0, 9.0]), primary, line)
    assert suppressed.tolist() == [True, True, False]  # a positive cell before the total
    suppressed, _ = suppress_table(np.array([2.0, 0.0, 0.0]), primary, line)
    assert suppressed.tolist() == [True, True, False]  # nothing positive: a zero cell before the total
    suppressed, _ = suppress_table(np.array([2.0, 5.0, 3.0, np.nan]), np.array([True, False, False, False]),
                                   [family("line", [0, 1, 2, 3], [0] * 4, [False, False, False, True])])
    assert suppressed.tolist() == [True, False, True, False]  # the smallest positive


def test_the_total_is_suppressed_when_it_is_the_only_partner():
    spec = IndicatorSpec("n", "n", decimals=0, dimensions=("sex",))
    # 3 women and 20 people of unknown sex: the sex breakdown has one cell, so the line (F, total) has no other
    # partner than the total. (The unknown make the total larger than F; lines are treated as additive anyway.)
    facts = Frame(year=np.array([2024, 2024]), dims={"sex": np.array(["F", ""], dtype=object)},
                  values={"n": np.array([3.0, 20.0])})
    _, protected, shapes = computed(facts, spec)
    assert protected.value.tolist() == [23, 3]
    assert protected.flag.tolist() == ["secondary", "suppressed"]


def test_sensitive_none_suppresses_nothing():
    spec = IndicatorSpec("n", "n", decimals=0, dimensions=(ROWS, COLS), sensitive="none")
    obs, protected, _ = computed(two_way(TABLE), spec)
    assert set(protected.flag) == {""}
    np.testing.assert_array_equal(protected.value, obs.value)


def test_only_the_sensitive_counts_are_protected():
    facts = two_way([[20, 30], [40, 50]], numerator_only=[[2, 3], [4, 1]])
    base = {"numerator": "d", "denominator": "n", "factor": 100, "dimensions": (ROWS, COLS)}
    # the numerators are small (people with a trait), the denominators large
    for sensitive, expected in (("numerator", True), ("both", True), ("denominator", False), ("none", False)):
        _, protected, _ = computed(facts, IndicatorSpec("s", sensitive=sensitive, **base))
        assert ("suppressed" in set(protected.flag)) is expected, sensitive
    _, protected, _ = computed(facts, IndicatorSpec("s", sensitive="numerator", threshold=2, **base))
    assert (protected.flag == "suppressed").sum() == 1  # only the 1 is below a threshold of 2


def test_zero_denominator_flags_are_kept():
    facts = two_way([[20, 30], [40, 50]], numerator_only=[[0, 9], [12, 14]])
    spec = IndicatorSpec("rate", "n", "d", dimensions=(ROWS, COLS), sensitive="numerator")
    obs, protected, shapes = computed(facts, spec)
    zero = cell(protected, shapes, ownership="r0", age_group="c0")
    assert obs.flag[zero] == "zero_denominator" and protected.flag[zero] == "zero_denominator"
    # ... unless the cell's count is small: a published numerator of 2 would tell about 2 people
    facts = two_way([[2, 30], [40, 50]], numerator_only=[[0, 9], [12, 14]])
    obs, protected, shapes = computed(facts, spec)
    small = cell(protected, shapes, ownership="r0", age_group="c0")
    assert obs.flag[small] == "zero_denominator" and protected.flag[small] == "suppressed"
    with pytest.raises(ValueError, match="sensitive is 'people'"):
        apply_disclosure(obs, IndicatorSpec("rate", "n", sensitive="people"), shapes)


def test_years_are_protected_apart():
    facts = two_way(TABLE, year=2024)
    later = two_way(np.array(TABLE) + 10, year=2025)
    both = Frame(year=np.concatenate([facts.year, later.year]),
                 dims={d: np.concatenate([facts.dims[d], later.dims[d]]) for d in facts.dims},
                 values={"n": np.concatenate([facts.values["n"], later.values["n"]])})
    _, protected, _ = computed(both, SPEC_2D)
    assert not hidden(protected)[protected.year == 2025].any()
    assert hidden(protected)[protected.year == 2024].sum() == 4


# --- properties -----------------------------------------------------------------------------------------------------


@st.composite
def tables(draw):
    """Random count frames over 2-3 dimensions, many small and zero counts, sometimes two years, and sometimes
    municipalities within counties."""
    hierarchy = draw(st.booleans())
    dims = ["county", "municipality", "sex"] if hierarchy else \
        draw(st.lists(st.sampled_from(["ownership", "sex", "age_group", "isced_level"]), min_size=2, max_size=3,
                      unique=True))
    n = draw(st.integers(1, 40))
    codes = {"ownership": ["s", "m", "p"], "sex": ["F", "M"], "age_group": ["a", "b", "c", "d"],
             "isced_level": ["1", "2", "3"], "municipality": list(COUNTY_OF)}
    columns = {d: np.array(draw(st.lists(st.sampled_from(codes[d]), min_size=n, max_size=n)), dtype=object)
               for d in dims if d != "county"}
    if hierarchy:
        columns["county"] = np.array([COUNTY_OF[m] for m in columns["municipality"]], dtype=object)
    counts = draw(st.lists(st.one_of(st.integers(0, 6), st.integers(0, 60)), min_size=n, max_size=n))
    years = draw(st.lists(st.sampled_from([2024, 2025]), min_size=n, max_size=n))
    facts = Frame(year=np.array(years), dims=columns, values={"n": np.array(counts, dtype=float)})
    spec = IndicatorSpec("n", "n", decimals=0, dimensions=tuple(dims), max_cross=draw(st.integers(1, 3)),
                         threshold=draw(st.sampled_from([3, 5, 10])))
    return facts, spec, ({"municipality": COUNTY_OF} if hierarchy else None)


@settings(max_examples=150, deadline=None)
@given(tables())
def test_no_line_ends_with_exactly_one_suppressed_cell(case):
    facts, spec, parents = case
    obs, protected, shapes = computed(facts, spec, parents)
    primary = (obs.numerator > 0) & (obs.numerator < spec.threshold)
    assert (protected.flag[primary] == "suppressed").all()
    assert set(protected.flag[~primary]) <= {"", "secondary"}
    assert open_lines(protected, shapes, parents) == []
    # a complementary cell is zero only when its line offered no positive cell: never here, zero groups are
    # not emitted as cells
    assert (protected.numerator[protected.flag == "secondary"] > 0).all()
    np.testing.assert_array_equal(protected.value, obs.value)
    # the integer codes compute_indicator hands over give the same result as encoding the strings afresh
    obs.codes = None
    np.testing.assert_array_equal(apply_disclosure(obs, spec, shapes, parents).flag, protected.flag)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.lists(st.integers(0, 12), min_size=2, max_size=5), min_size=2, max_size=5).filter(
    lambda m: len({len(r) for r in m}) == 1))
def test_two_way_tables_with_margins_are_closed(matrix):
    _, protected, shapes = computed(two_way(matrix), SPEC_2D)
    assert open_lines(protected, shapes) == []
    primary = (protected.numerator > 0) & (protected.numerator < 5)
    assert (protected.flag[primary] == "suppressed").all()
