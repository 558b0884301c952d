"""Disclosure control of an indicator's observations: primary and complementary cell suppression (numpy, no
per-cell Python loops).

Primary suppression: a cell whose sensitive count (the numerator, the denominator or both, as the indicator says)
is above zero and below the threshold (1..threshold-1 for counts of people) is flagged "suppressed". Zero is
not suppressed: an empty cell tells nothing about a person.

Complementary suppression works on *lines*: sets of published cells whose counts add up to another published cell.
For a breakdown S and a dimension d of S, the cells of S that share every value but d's, together with the cell
of breakdown S minus d holding those values (their total), form a line (a row or a column of the table with its
margin). A municipality breakdown has one more family when the breakdown with the county in its place is
published: the municipalities of a county with the county's cell (`parents` gives each municipality's county).
Lines of one family are disjoint, so a family is handled at once with bincount/lexsort: every line with exactly
one suppressed cell gets the smallest positive unsuppressed cell of the line suppressed too (flag "secondary";
a cell of the line before its total; a zero cell only when the line has no positive one). Families are swept
until none changes (most detailed breakdowns first); each sweep only adds suppressions, so it ends.

What this protects against: after it, no line holds exactly one suppressed cell, so no suppressed cell can be
recovered by subtracting the published cells of a row, a column or a county from their published total — the
attack that defeats primary suppression alone (see the tests: one small cell in a 3×3 table with margins).

What it does not do: it is the standard sequential heuristic, not an optimal (least information lost) or provably
safe pattern from a linear programme. A suppressed cell may still be pinned down by combining several lines
(e.g. a pattern whose suppressed cells form a "bridge" between two cycles of a two-way table), interval bounds
from non-negativity may still be narrow (protection intervals are not checked), tables of different indicators
sharing a count are not coordinated, and the years are protected separately (no line runs over years).
Suppressed cells keep their numbers here: the public readers (publication.masked) hide them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from edureg.indicators.engine.cube import IndicatorSpec, Observations, combine, encode, group
from edureg.indicators.engine.dimensions import DIMENSIONS, PARENTS

SUPPRESSED = "suppressed"
SECONDARY = "secondary"
SENSITIVE = ("numerator", "denominator", "both", "none")


@dataclass(frozen=True)
class LineFamily:
    """Disjoint lines over cells: entry i puts cell `cells[i]` in line `lines[i]`; `total[i]` marks the line's
    total cell. Lines are numbered 0..n_lines-1."""

    name: str
    cells: np.ndarray
    lines: np.ndarray
    total: np.ndarray
    n_lines: int


def family(name: str, cells, lines, total) -> LineFamily:
    """A LineFamily from entries with arbitrary line labels; lines with fewer than two entries are dropped (they
    add up nothing)."""
    cells = np.asarray(cells, dtype=np.int64)
    labels, lines = np.unique(np.asarray(lines), return_inverse=True)
    lines = lines.reshape(-1)
    total = np.asarray(total, dtype=bool)
    size = np.bincount(lines, minlength=len(labels))
    keep = size[lines] >= 2
    kept_labels, lines = np.unique(lines[keep], return_inverse=True)
    return LineFamily(name, cells[keep], lines.reshape(-1).astype(np.int64), total[keep], len(kept_labels))


def suppress_table(weight: np.ndarray, primary: np.ndarray, families: Sequence[LineFamily]
                   ) -> tuple[np.ndarray, np.ndarray]:
    """Complementary suppression over line families: returns (suppressed, secondary) boolean arrays (secondary =
    suppressed here, not primary). `weight` ranks the candidates of a line: the smallest positive weight is
    chosen first, cells before totals; NaN counts as 0."""
    weight = np.nan_to_num(np.asarray(weight, dtype=float))
    suppressed = np.asarray(primary, dtype=bool).copy()
    secondary = np.zeros_like(suppressed)
    changed = True
    while changed:
        changed = False
        for fam in families:
            if fam.n_lines == 0:
                continue
            hidden = suppressed[fam.cells]
            count = np.bincount(fam.lines, weights=hidden, minlength=fam.n_lines)
            open_line = count == 1
            if not open_line.any():
                continue
            candidates = np.flatnonzero(open_line[fam.lines] & ~hidden)
            cells, lines = fam.cells[candidates], fam.lines[candidates]
            w = weight[cells]
            # Per line: positive before zero, cells before the total, smallest weight, then lowest cell index.
            order = np.lexsort((cells, w, fam.total[candidates], w <= 0, lines))
            lines_sorted = lines[order]
            first = np.ones(len(order), dtype=bool)
            first[1:] = lines_sorted[1:] != lines_sorted[:-1]
            chosen = cells[order[first]]
            suppressed[chosen] = True
            secondary[chosen] = True
            changed = True
    return suppressed, secondary


def line_families(obs: Observations, breakdowns: Sequence[tuple[str, ...]],
                  parents: Mapping[str, Mapping[str, str]] | None = None) -> list[LineFamily]:
    """Every line family of the observations: (breakdown S, dimension d of S) against breakdown S minus d, and
    (S with a child dimension, the parent dimension in its place) when `parents` maps the child's codes."""
    if obs.breakdown is None:
        raise ValueError("the observations carry no breakdown index")
    breakdown = np.asarray(obs.breakdown, dtype=np.int64)
    shapes = [tuple(b) for b in breakdowns]
    if len(breakdown) and (breakdown.min() < 0 or breakdown.max() >= len(shapes)):
        raise ValueError("an observation's breakdown index is outside the breakdowns list")
    index = {shape: i for i, shape in enumerate(shapes)}
    used = sorted({d for shape in shapes for d in shape}, key=DIMENSIONS.index)
    encoded = {d: _codes(obs, d) for d in used}
    years, year_codes = np.unique(np.asarray(obs.year, dtype=np.int64), return_inverse=True)
    year_codes = year_codes.reshape(-1).astype(np.int64)
    rows_of = {i: np.flatnonzero(breakdown == i) for i in range(len(shapes))}

    def line_keys(rows, columns):
        return combine([year_codes[rows], *(c for c, _ in columns)], [len(years), *(r for _, r in columns)])

    families = []
    for shape in sorted(shapes, key=len, reverse=True):
        rows = rows_of[index[shape]]
        for d in shape:
            parent_shape = tuple(x for x in shape if x != d)
            if parent_shape not in index:
                continue
            totals = rows_of[index[parent_shape]]
            both = np.concatenate([rows, totals])
            keys = line_keys(both, [(encoded[x][1][both], len(encoded[x][0])) for x in parent_shape])
            is_total = np.r_[np.zeros(len(rows), bool), np.ones(len(totals), bool)]
            families.append(_with_totals(f"{'×'.join(shape)} / {d}", both, *keys, is_total))
        for child in shape:
            parent = PARENTS.get(child)
            mapping = (parents or {}).get(child)
            if parent is None or not mapping or parent in shape:
                continue
            parent_shape = tuple(sorted((*(x for x in shape if x != child), parent), key=DIMENSIONS.index))
            if parent_shape not in index:
                continue
            parent_uniques = encoded[parent][0]
            position = {code: i for i, code in enumerate(parent_uniques.tolist())}
            lookup = np.array([position.get(mapping.get(code), -1) for code in encoded[child][0].tolist()],
                              dtype=np.int64)  # one entry per distinct child code
            child_parent = lookup[encoded[child][1][rows]] if len(lookup) else np.zeros(0, dtype=np.int64)
            members = rows[child_parent >= 0]
            totals = rows_of[index[parent_shape]]
            both = np.concatenate([members, totals])
            parent_codes = np.concatenate([child_parent[child_parent >= 0], encoded[parent][1][totals]])
            others = [x for x in shape if x != child]
            keys = line_keys(both, [(parent_codes, len(parent_uniques)),
                                    *((encoded[x][1][both], len(encoded[x][0])) for x in others)])
            is_total = np.r_[np.zeros(len(members), bool), np.ones(len(totals), bool)]
            families.append(_with_totals(f"{'×'.join(shape)} / {child} in {parent}", both, *keys, is_total))
    return families


def _with_totals(name: str, cells: np.ndarray, keys: np.ndarray, span: int, is_total: np.ndarray) -> LineFamily:
    """Lines of entries with the same key; only lines that have their total cell and at least one other cell."""
    lines, _, size = group(keys, span)
    has_total = np.bincount(lines[is_total], minlength=size) > 0
    has_cell = np.bincount(lines[~is_total], minlength=size) > 0
    kept = has_total & has_cell
    number = np.cumsum(kept) - 1
    keep = kept[lines]
    return LineFamily(name, cells[keep], number[lines[keep]], is_total[keep], int(kept.sum()))


def _codes(obs: Observations, dim: str) -> tuple[np.ndarray, np.ndarray]:
    """(sorted codes, index of each row's code) of a dimension: compute_indicator's encoding when it is there and
    fits, else the strings encoded here."""
    given = (obs.codes or {}).get(dim)
    if given is not None and len(given[1]) == len(obs):
        return given
    return encode(obs.dims[dim])


def sensitive_counts(obs: Observations, spec: IndicatorSpec) -> list[np.ndarray]:
    if spec.sensitive not in SENSITIVE:
        raise ValueError(f"indicator {spec.code!r}: sensitive is {spec.sensitive!r}, not one of "
                         f"{', '.join(SENSITIVE)}")
    counts = []
    if spec.sensitive in ("numerator", "both"):
        counts.append(np.asarray(obs.numerator, dtype=float))
    if spec.sensitive in ("denominator", "both"):
        counts.append(np.asarray(obs.denominator, dtype=float))
    return counts


def primary_cells(obs: Observations, spec: IndicatorSpec) -> np.ndarray:
    """Cells with a sensitive count above 0 and below the threshold (NaN = no count)."""
    primary = np.zeros(len(obs), dtype=bool)
    for count in sensitive_counts(obs, spec):
        with np.errstate(invalid="ignore"):
            primary |= (count > 0) & (count < spec.threshold)
    return primary


def apply_disclosure(obs: Observations, spec: IndicatorSpec, breakdowns: Sequence[tuple[str, ...]],
                     parents: Mapping[str, Mapping[str, str]] | None = None) -> Observations:
    """`obs` with flags "suppressed" (primary) and "secondary" (complementary): new Observations sharing every
    array but the flags with `obs` (treat them as read-only). Other flags (e.g. zero_denominator) are kept, except
    on a cell that must be hidden: hiding wins. `breakdowns` is the list `obs.breakdown` indexes; `parents` maps a
    child dimension's codes to its parent's, e.g. {"municipality": {"LT-57": "LT-VL"}} (without it there are no
    municipality-in-county lines)."""
    counts = sensitive_counts(obs, spec)
    flag = np.asarray(obs.flag, dtype=object).copy()
    if counts and len(obs):
        primary = primary_cells(obs, spec)
        if primary.any():
            weight = np.sum([np.nan_to_num(c) for c in counts], axis=0)
            _, secondary = suppress_table(weight, primary, line_families(obs, breakdowns, parents))
            flag[secondary & ~primary] = SECONDARY
            flag[primary] = SUPPRESSED
    return Observations(year=obs.year, dims=dict(obs.dims), value=obs.value, numerator=obs.numerator,
                        denominator=obs.denominator, flag=flag, breakdown=obs.breakdown, codes=obs.codes)
