"""Aggregating experts' scores and applying a procedure's decision rule.

- Each expert scores every criterion on the procedure's scale [scale_min, scale_max].
- An expert's total, and the application's total, are weighted points out of 100:
      100 × Σ wᵢ·(sᵢ − min) / Σ wᵢ·(max − min)
  (criteria of weight 0 count only as pass/fail).
- The application's score on a criterion is the mean or the median of the experts' scores (rounded half up to two
  decimals); its total is computed from those aggregated scores.
- Disagreement: the spread between the highest and lowest expert totals; above the procedure's limit another
  expert is needed.
- Decision rule: rejected when a mandatory criterion's aggregated score is below its pass mark; otherwise
  accredited from the threshold, registered with conditions from the conditions threshold (when set), else
  rejected.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from statistics import median

CENT = Decimal("0.01")
HUNDRED = Decimal(100)

ACCREDITED, CONDITIONS, REJECTED = "accredited", "conditions", "rejected"


@dataclass(frozen=True)
class CriterionSpec:
    code: str
    weight: Decimal = Decimal(1)
    mandatory: bool = False
    pass_mark: Decimal | None = None
    justification_required: bool = False


@dataclass(frozen=True)
class ProcedureSpec:
    scale_min: int
    scale_max: int
    criteria: tuple[CriterionSpec, ...]
    aggregation: str = "mean"
    threshold: Decimal = Decimal(60)
    conditions_threshold: Decimal | None = None
    disagreement_points: Decimal | None = None

    def __post_init__(self):
        if self.scale_max <= self.scale_min:
            raise ValueError("scale_max must be above scale_min")
        if self.aggregation not in ("mean", "median"):
            raise ValueError(f"unknown aggregation {self.aggregation!r}")
        if not self.criteria or sum((c.weight for c in self.criteria), Decimal(0)) <= 0:
            raise ValueError("a procedure needs at least one criterion with a weight above 0")


@dataclass(frozen=True)
class Problem:
    """A problem with one score: `kind` is unknown / missing / not_a_number / out_of_scale / no_justification."""

    criterion: str
    kind: str


@dataclass
class Result:
    per_criterion: dict[str, Decimal]
    total: Decimal
    expert_totals: list[Decimal]
    spread: Decimal
    disagree: bool
    failed_mandatory: list[str] = field(default_factory=list)
    outcome: str = REJECTED

    @property
    def mandatory_passed(self) -> bool:
        return not self.failed_mandatory


def _round(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def as_decimal(value) -> Decimal | None:
    """A score as a Decimal, or None when it is not a finite number (floats via their text, so 2.1 is 2.1)."""
    if isinstance(value, bool):
        return None
    try:
        number = Decimal(str(value).strip().replace(",", ".")) if not isinstance(value, Decimal) else value
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def check_sheet(spec: ProcedureSpec, values: Mapping[str, object], justifications: Mapping[str, str] | None = None,
                *, complete: bool = True) -> list[Problem]:
    """Problems with one expert's scores: unknown criteria, scores that are not numbers or off the scale, and, when
    `complete`, missing scores and missing required justifications."""
    codes = {c.code for c in spec.criteria}
    problems = [Problem(code, "unknown") for code in values if code not in codes]
    for criterion in spec.criteria:
        raw = values.get(criterion.code)
        if raw is None or raw == "":
            if complete:
                problems.append(Problem(criterion.code, "missing"))
            continue
        number = as_decimal(raw)
        if number is None:
            problems.append(Problem(criterion.code, "not_a_number"))
        elif not (spec.scale_min <= number <= spec.scale_max) or number != _round(number):
            problems.append(Problem(criterion.code, "out_of_scale"))
        elif complete and criterion.justification_required and not (justifications or {}).get(criterion.code,
                                                                                              "").strip():
            problems.append(Problem(criterion.code, "no_justification"))
    return problems


def points(spec: ProcedureSpec, values: Mapping[str, Decimal]) -> Decimal:
    """Weighted points out of 100 of one set of per-criterion scores (every criterion present)."""
    span = Decimal(spec.scale_max - spec.scale_min)
    num = sum((c.weight * (Decimal(values[c.code]) - spec.scale_min) for c in spec.criteria), Decimal(0))
    den = sum((c.weight * span for c in spec.criteria), Decimal(0))
    return _round(HUNDRED * num / den)


def outcome(spec: ProcedureSpec, total: Decimal, failed_mandatory: Sequence[str]) -> str:
    if failed_mandatory:
        return REJECTED
    if total >= spec.threshold:
        return ACCREDITED
    if spec.conditions_threshold is not None and total >= spec.conditions_threshold:
        return CONDITIONS
    return REJECTED


def aggregate(spec: ProcedureSpec, sheets: Sequence[Mapping[str, object]]) -> Result:
    """The application's result from the submitted experts' complete score sheets ({criterion code: score})."""
    if not sheets:
        raise ValueError("no score sheets to aggregate")
    clean = []
    for sheet in sheets:
        problems = check_sheet(spec, sheet, complete=True)
        if any(p.kind != "no_justification" for p in problems):
            raise ValueError(f"incomplete or invalid score sheet: {problems}")
        clean.append({c.code: as_decimal(sheet[c.code]) for c in spec.criteria})
    pick = (lambda xs: sum(xs, Decimal(0)) / len(xs)) if spec.aggregation == "mean" else median
    per_criterion = {c.code: _round(Decimal(pick([s[c.code] for s in clean]))) for c in spec.criteria}
    totals = [points(spec, s) for s in clean]
    spread = max(totals) - min(totals)
    disagree = spec.disagreement_points is not None and len(totals) > 1 and spread > spec.disagreement_points
    total = points(spec, per_criterion)
    failed = [c.code for c in spec.criteria
              if c.mandatory and c.pass_mark is not None and per_criterion[c.code] < c.pass_mark]
    return Result(per_criterion=per_criterion, total=total, expert_totals=totals, spread=spread, disagree=disagree,
                  failed_mandatory=failed, outcome=outcome(spec, total, failed))
