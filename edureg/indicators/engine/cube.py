"""Roll-ups of fact frames into observations (numpy, no per-row Python loops).

A source gives one `Frame` per computation: its rows are fine-grained groups (year × every dimension the source
has) with one additive column per measure. An indicator is computed for every breakdown (year × a subset of its
dimensions, at most `max_cross` of them, never a dimension together with its parent): each measure its formulas
read is summed over the breakdown's groups, the frames of different sources are aligned on the breakdown's keys
(a missing group counts 0), then numerator and denominator are evaluated and value = numerator / denominator ×
factor, rounded to `decimals`. A zero denominator gives no value and the flag "zero_denominator".
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from edureg.indicators.engine.dimensions import DIMENSIONS


@dataclass
class Frame:
    """Fine-grained facts of one source. `year` is an int array; `dims` maps each dimension the source has to an
    array of codes (str, "" = unknown); `values` maps each measure code to a float array; all of one length."""

    year: np.ndarray
    dims: dict[str, np.ndarray]
    values: dict[str, np.ndarray]

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

    def __len__(self) -> int:
        return len(self.year)


def empty_dims(n: int) -> dict[str, np.ndarray]:
    return {name: np.full(n, "", dtype=object) for name in DIMENSIONS}
