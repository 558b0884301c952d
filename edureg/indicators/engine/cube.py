"""Roll-ups of fact frames into observations (numpy, no per-row Python loops).

A source gives one `Frame` per computation: its rows are fine-grained groups (year × every dimension the source
has) with one additive column per measure. An indicator is computed for every breakdown (year × a subset of its
dimensions, at most `max_cross` of them, never a dimension together with its parent): each measure its formulas
read is summed over the breakdown's groups, the frames of different sources are aligned on the breakdown's keys
(a missing group counts 0), then numerator and denominator are evaluated and value = numerator / denominator ×
factor, rounded to `decimals` (half away from zero). A zero denominator gives no value and the flag
"zero_denominator".

Details a reader of the observations should know:
- A group is emitted when at least one fact row of it has a non-zero value in at least one measure the indicator
  reads. So the result does not depend on which other measures a source packed into the same frame, and a
  municipality with no facts for the indicator has no row (rather than a row of zeros).
- A dimension code "" in a frame means "unknown": such facts count in every breakdown that does not split by that
  dimension (the totals) but form no cell of a breakdown that does ("" in an observation means "all").
- Group-by: each dimension's codes are encoded to integers once per frame (sorted distinct codes + searchsorted),
  the codes of a breakdown are combined into mixed-radix int64 keys, and measures are summed with np.bincount.
  The encodings, the groups of each breakdown and the sums of each measure are cached on the Frame, so indicators
  sharing a frame share the work: treat a Frame's arrays as read-only once it has been used.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np

from edureg.indicators.engine.dimensions import DIMENSIONS, PARENTS
from edureg.indicators.engine.expressions import Expression, ExpressionError, evaluate, parse

ZERO_DENOMINATOR = "zero_denominator"
_MAX_SPAN = 1 << 62  # mixed-radix keys stay below this (int64)


@dataclass
class Frame:
    """Fine-grained facts of one source. `year` is an int array; `dims` maps each dimension the source has to an
    array of codes (str, "" = unknown); `values` maps each measure code to a float array; all of one length."""

    year: np.ndarray
    dims: dict[str, np.ndarray]
    values: dict[str, np.ndarray]
    _cache: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    def __len__(self) -> int:
        return len(self.year)


@dataclass(frozen=True)
class IndicatorSpec:
    code: str
    numerator: str
    denominator: str = ""
    factor: float = 1.0
    decimals: int = 1
    dimensions: tuple[str, ...] = ()
    max_cross: int = 2
    sensitive: str = "both"  # numerator | denominator | both | none
    threshold: int = 5


@dataclass
class Observations:
    """Columnar observations of one indicator. `dims` holds every dimension of DIMENSIONS ("" = all); value,
    numerator and denominator are float arrays (NaN = none); flag holds codes ("" or a Flag value)."""

    year: np.ndarray
    dims: dict[str, np.ndarray]
    value: np.ndarray
    numerator: np.ndarray
    denominator: np.ndarray
    flag: np.ndarray
    breakdown: np.ndarray = field(default=None)  # index into the breakdowns list, for disclosure lines
    # The integer encoding of `dims` compute_indicator made, {dim: (sorted codes, index into them; -1 = all)}: spares
    # disclosure control re-encoding the strings. Whoever filters or edits rows leaves it None (it is then rebuilt).
    codes: dict[str, tuple[np.ndarray, np.ndarray]] | None = field(default=None, repr=False, compare=False)

    def __len__(self) -> int:
        return len(self.year)


def empty_dims(n: int) -> dict[str, np.ndarray]:
    return {name: np.full(n, "", dtype=object) for name in DIMENSIONS}


# --- breakdowns -------------------------------------------------------------------------------------------------


def breakdowns(dimensions: Iterable[str], max_cross: int) -> list[tuple[str, ...]]:
    """() first, then every subset of 1..max_cross of `dimensions` (by size, each in DIMENSIONS order), leaving out
    any subset that holds a dimension together with its parent (municipality with county)."""
    dims = list(dict.fromkeys(dimensions))
    unknown = [d for d in dims if d not in DIMENSIONS]
    if unknown:
        raise ValueError(f"unknown dimension {unknown[0]!r}; known: {', '.join(DIMENSIONS)}")
    dims.sort(key=DIMENSIONS.index)
    result: list[tuple[str, ...]] = [()]
    for size in range(1, min(max_cross, len(dims)) + 1):
        for subset in itertools.combinations(dims, size):
            if any(PARENTS.get(d) in subset for d in subset):
                continue
            result.append(subset)
    return result


# --- encoding and grouping --------------------------------------------------------------------------------------


def encode(codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(sorted distinct codes, int64 index of each code in them). Strings are compared as str; fast for the few
    distinct codes dimensions have (a set of the values, then a binary search in C)."""
    text = np.asarray(codes).astype(str)
    if len(text) == 0:
        return np.array([], dtype=object), np.zeros(0, dtype=np.int64)
    uniques = np.array(sorted(set(text.tolist())))
    return uniques.astype(object), np.searchsorted(uniques, text).astype(np.int64)


def combine(codes: list[np.ndarray], radices: list[int]) -> tuple[np.ndarray, int]:
    """Mixed-radix int64 keys of several code columns (first column most significant) and the key span. When the
    span would overflow, the partial key is compressed to its distinct values first (order is kept)."""
    n = len(codes[0]) if codes else 0
    key = np.zeros(n, dtype=np.int64)
    span = 1
    for column, radix in zip(codes, radices, strict=True):
        radix = max(int(radix), 1)
        if span * radix >= _MAX_SPAN:
            distinct, key = np.unique(key, return_inverse=True)
            key = key.astype(np.int64)
            span = max(len(distinct), 1)
        key = key * radix + column
        span *= radix
    return key, span


def group(key: np.ndarray, span: int) -> tuple[np.ndarray, np.ndarray, int]:
    """(group index of each row, a representative row of each group, number of groups); groups in key order."""
    n = len(key)
    if span <= max(4 * n, 1 << 16):
        present = np.zeros(span, dtype=bool)
        present[key] = True
        slots = np.flatnonzero(present)
        mapping = np.full(span, -1, dtype=np.int64)
        mapping[slots] = np.arange(len(slots))
        inverse = mapping[key]
        first = np.zeros(len(slots), dtype=np.int64)
        first[inverse] = np.arange(n)  # any row of a group represents it: they share every code
        return inverse, first, len(slots)
    _, first, inverse = np.unique(key, return_index=True, return_inverse=True)
    return inverse.astype(np.int64).reshape(-1), first.astype(np.int64), len(first)


@dataclass
class _Groups:
    inverse: np.ndarray  # group of each frame row
    size: int
    year: np.ndarray  # year of each group
    codes: dict[str, np.ndarray]  # local code of each group, per dimension
    valid: np.ndarray  # no dimension of the breakdown is "" (unknown)


def _encoded(frame: Frame, name: str) -> tuple[np.ndarray, np.ndarray]:
    key = ("encoded", name)
    if key not in frame._cache:
        if name == "year":
            uniques, inverse = np.unique(np.asarray(frame.year, dtype=np.int64), return_inverse=True)
            frame._cache[key] = (uniques, inverse.astype(np.int64).reshape(-1))
        else:
            frame._cache[key] = encode(frame.dims[name])
    return frame._cache[key]


def _groups(frame: Frame, dims: tuple[str, ...]) -> _Groups:
    key = ("groups", dims)
    if key not in frame._cache:
        columns = [_encoded(frame, "year"), *(_encoded(frame, d) for d in dims)]
        keys, span = combine([c for _, c in columns], [len(u) for u, _ in columns])
        inverse, first, size = group(keys, span)
        years, year_codes = columns[0]
        codes = {d: c[first] for d, (_, c) in zip(dims, columns[1:], strict=True)}
        valid = np.ones(size, dtype=bool)
        for d, (uniques, _) in zip(dims, columns[1:], strict=True):
            if len(uniques) and uniques[0] == "":  # "" sorts first
                valid &= codes[d] != 0
        frame._cache[key] = _Groups(inverse, size, years[year_codes[first]], codes, valid)
    return frame._cache[key]


def _sums(frame: Frame, dims: tuple[str, ...], measure: str) -> tuple[np.ndarray, np.ndarray]:
    """(sum of the measure per group, number of rows with a non-zero value per group)."""
    key = ("sums", dims, measure)
    if key not in frame._cache:
        groups = _groups(frame, dims)
        values = np.asarray(frame.values[measure], dtype=float)
        sums = np.bincount(groups.inverse, weights=values, minlength=groups.size)
        facts = np.bincount(groups.inverse[values != 0], minlength=groups.size)
        frame._cache[key] = (sums, facts)
    return frame._cache[key]


def _check_frame(key: str, frame: Frame) -> None:
    n = len(frame.year)
    for kind, columns in (("dimension", frame.dims), ("measure", frame.values)):
        for name, column in columns.items():
            if len(column) != n:
                raise ValueError(f"frame {key!r}: {kind} {name!r} has {len(column)} rows, year has {n}")


# --- one breakdown over several frames ----------------------------------------------------------------------------


def _aligned(frames: dict[str, Frame], by_frame: dict[str, list[str]], dims: tuple[str, ...]):
    """Groups of one breakdown over every frame the indicator reads, aligned on (year, codes): returns
    (years, {dim: (sorted codes, index of each group's code)}, {measure: sums}, facts), groups in key order."""
    parts = []
    for key, measures in by_frame.items():
        frame = frames[key]
        groups = _groups(frame, dims)
        sums = {m: _sums(frame, dims, m) for m in measures}
        facts = sum(f for _, f in sums.values())
        keep = np.flatnonzero(groups.valid & (facts > 0))
        parts.append((frame, groups, keep, {m: s[keep] for m, (s, _) in sums.items()}, facts[keep]))

    if len(parts) == 1:  # one frame: its groups are already in key order
        frame, groups, keep, sums, facts = parts[0]
        codes = {d: (_encoded(frame, d)[0], groups.codes[d][keep]) for d in dims}
        return groups.year[keep], codes, sums, facts
    if sum(len(keep) for _, _, keep, _, _ in parts) == 0:
        return (np.zeros(0, dtype=np.int64), {d: (np.zeros(0, dtype=object), np.zeros(0, dtype=np.int64))
                                              for d in dims},
                {m: np.zeros(0) for _, _, _, sums, _ in parts for m in sums}, np.zeros(0, dtype=np.int64))

    # Several frames: encode year and each dimension in the union of the frames' codes, combine, and align.
    years_all = np.concatenate([groups.year[keep] for _, groups, keep, _, _ in parts])
    year_uniques, year_codes = np.unique(years_all, return_inverse=True)
    columns, radices, uniques_by_dim = [year_codes.astype(np.int64).reshape(-1)], [len(year_uniques)], {}
    for d in dims:
        union, lookups = _union(frames, list(by_frame), d)
        column = np.concatenate([lookup[groups.codes[d][keep]]
                                 for lookup, (_, groups, keep, _, _) in zip(lookups, parts, strict=True)])
        columns.append(column.astype(np.int64))
        radices.append(len(union))
        uniques_by_dim[d] = union
    keys, _ = combine(columns, radices)
    distinct, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
    inverse = inverse.reshape(-1)
    size = len(distinct)
    sums_out: dict[str, np.ndarray] = {}
    facts_out = np.zeros(size, dtype=np.int64)
    start = 0
    for _, _, keep, sums, facts in parts:
        rows = inverse[start:start + len(keep)]  # distinct within one frame: plain assignment is a scatter
        start += len(keep)
        for m, s in sums.items():
            out = sums_out.setdefault(m, np.zeros(size))
            out[rows] += s
        facts_out[rows] += facts
    codes = {d: (uniques_by_dim[d], columns[i + 1][first]) for i, d in enumerate(dims)}
    return years_all[first], codes, sums_out, facts_out


def _union(frames: Mapping[str, Frame], keys: list[str], dim: str) -> tuple[np.ndarray, list[np.ndarray]]:
    """The sorted union of the frames' codes of `dim` and, per frame, the position of each of its codes in it."""
    locals_ = [_encoded(frames[key], dim)[0] for key in keys]
    union = np.array(sorted(set(itertools.chain.from_iterable(u.tolist() for u in locals_))), dtype=str)
    lookups = [np.searchsorted(union, local.astype(str)).astype(np.int64) if len(local) else
               np.zeros(0, dtype=np.int64) for local in locals_]
    return union.astype(object), lookups


# --- indicators -------------------------------------------------------------------------------------------------


def round_half_away(values: np.ndarray, decimals: int) -> np.ndarray:
    """Round half away from zero (12.5 → 13, as published statistics do), not numpy's half to even. The scaled
    value is first rounded to 9 decimals so that 1.005 (stored as 1.00499999...) rounds to 1.01."""
    scale = 10.0 ** decimals
    with np.errstate(invalid="ignore"):
        scaled = np.round(np.abs(values) * scale, 9)
        return np.sign(values) * np.floor(scaled + 0.5) / scale


def _formula(spec: IndicatorSpec, name: str) -> Expression | None:
    text = getattr(spec, name)
    if name == "denominator" and not (text or "").strip():
        return None
    try:
        return parse(text)
    except ExpressionError as error:
        raise ExpressionError(f"indicator {spec.code!r}, {name}: {error.message}", error.position) from None


def _broadcast(result, n: int) -> np.ndarray:
    return np.broadcast_to(np.asarray(result, dtype=float), (n,)).copy()


def compute_indicator(spec: IndicatorSpec, frames: Mapping[str, Frame], measure_source: Mapping[str, str]
                      ) -> Observations:
    """Observations of one indicator for every breakdown of its dimensions and every year of the frames.
    `measure_source` maps each measure code to the key in `frames` of the frame holding its column."""
    numerator = _formula(spec, "numerator")
    denominator = _formula(spec, "denominator")
    names = sorted(numerator.names | (denominator.names if denominator else set()))
    by_frame: dict[str, list[str]] = {}
    for name in names:
        key = measure_source.get(name)
        if key is None:
            raise ValueError(f"indicator {spec.code!r}: no source for measure {name!r}")
        frame = frames.get(key)
        if frame is None:
            raise ValueError(f"indicator {spec.code!r}: measure {name!r} names frame {key!r}, which is not given")
        if name not in frame.values:
            raise ValueError(f"indicator {spec.code!r}: frame {key!r} has no column for measure {name!r}")
        missing = [d for d in spec.dimensions if d not in frame.dims]
        if missing:
            raise ValueError(f"indicator {spec.code!r}: frame {key!r} (measure {name!r}) has no dimension "
                             f"{missing[0]!r}")
        by_frame.setdefault(key, []).append(name)
    for key in by_frame:
        _check_frame(key, frames[key])

    # Every breakdown's codes of a dimension index the same sorted codes (the union over the frames read).
    keys = list(by_frame)
    uniques = {d: _union(frames, keys, d)[0] if len(keys) > 1 else _encoded(frames[keys[0]], d)[0]
               for d in dict.fromkeys(spec.dimensions)} if keys else {}
    parts = []
    for index, dims in enumerate(breakdowns(spec.dimensions, spec.max_cross)):
        if not by_frame:
            break
        years, codes, sums, _ = _aligned(frames, by_frame, dims)
        n = len(years)
        num = _broadcast(evaluate(numerator, sums), n)
        if denominator is None:
            den = np.full(n, np.nan)
            raw = num * spec.factor
        else:
            den = _broadcast(evaluate(denominator, sums), n)
            with np.errstate(divide="ignore", invalid="ignore"):
                raw = np.where(den == 0, np.nan, num / np.where(den == 0, 1.0, den) * spec.factor)
        value = round_half_away(raw, spec.decimals)
        flag = np.full(n, "", dtype=object)
        flag[~np.isfinite(value)] = ZERO_DENOMINATOR
        value[~np.isfinite(value)] = np.nan
        parts.append((index, years, codes, value, num, den, flag))
    return _concatenate(parts, uniques)


def _concatenate(parts, uniques: dict[str, np.ndarray]) -> Observations:
    total = sum(len(p[1]) for p in parts)
    dims = empty_dims(total)
    codes = {d: np.full(total, -1, dtype=np.int64) for d in uniques}
    start = 0
    for _, years, part_codes, *_ in parts:
        for d, (_, index) in part_codes.items():
            codes[d][start:start + len(years)] = index
            dims[d][start:start + len(years)] = uniques[d][index]
        start += len(years)

    def join(i, dtype):
        return np.concatenate([p[i] for p in parts]).astype(dtype) if parts else np.zeros(0, dtype=dtype)

    return Observations(
        year=join(1, np.int64), dims=dims, value=join(3, float), numerator=join(4, float),
        denominator=join(5, float), flag=join(6, object),
        breakdown=(np.concatenate([np.full(len(p[1]), p[0], dtype=np.int64) for p in parts]) if parts
                   else np.zeros(0, dtype=np.int64)),
        codes={d: (uniques[d], codes[d]) for d in uniques})


def compute_catalogue(specs: Iterable[IndicatorSpec], frames: Mapping[str, Frame], measure_source: Mapping[str, str],
                      progress: Callable[[int, int], None] | None = None, *,
                      parents: Mapping[str, Mapping[str, str]] | None = None
                      ) -> dict[str, tuple[Observations, float]]:
    """compute_indicator + apply_disclosure for each spec: {code: (observations, seconds)}. `progress(done, total)`
    is called after each indicator; `parents` goes to apply_disclosure (municipality → county lines)."""
    from edureg.indicators.engine.disclosure import apply_disclosure

    specs = list(specs)
    result: dict[str, tuple[Observations, float]] = {}
    for done, spec in enumerate(specs, start=1):
        started = time.perf_counter()
        observations = compute_indicator(spec, frames, measure_source)
        observations = apply_disclosure(observations, spec, breakdowns(spec.dimensions, spec.max_cross),
                                        parents=parents)
        result[spec.code] = (observations, time.perf_counter() - started)
        if progress is not None:
            progress(done, len(specs))
    return result
