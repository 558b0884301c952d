"""Experts' score sheets for the demo evaluations (pure: no Django).

    first, second = sheets_for(spec, Decimal("82"), "accredited")

Integer scores on the procedure's scale whose weighted total (engine/aggregation.py: points out of 100) is near a
target, varying a little from criterion to criterion and between the two experts, checked against the procedure's
decision rule and disagreement limit.
"""

from decimal import Decimal

from edureg.evaluation.engine.aggregation import ProcedureSpec, aggregate, points

JUSTIFICATIONS = {
    "high": "Kriterijus tenkinamas visiškai: tikslai aiškūs, turinys ir metodai pagrįsti, pateikti įrodymai.",
    "mid": "Kriterijus tenkinamas iš dalies: trūksta konkretumo, kai kurie teiginiai nepagrįsti įrodymais.",
    "low": "Kriterijus netenkinamas: aprašymas bendro pobūdžio, neaišku, kaip bus pasiekti rezultatai.",
}


def level_of(spec: ProcedureSpec, total: Decimal) -> str:
    if total >= spec.threshold:
        return "high"
    return "mid" if spec.conditions_threshold is not None and total >= spec.conditions_threshold else "low"


def target_for(spec: ProcedureSpec, outcome: str) -> Decimal:
    """Points that give the outcome under the procedure's rule."""
    if outcome == "accredited":
        return min(Decimal("100"), max(spec.threshold + 10, Decimal("80")))
    if outcome == "conditions" and spec.conditions_threshold is not None:
        return (spec.conditions_threshold + spec.threshold) / 2
    return max(Decimal("0"), (spec.conditions_threshold or spec.threshold) - 20)


def sheet(spec: ProcedureSpec, target: Decimal, *, shift: int = 0) -> dict[str, int]:
    """Integer scores whose weighted total is near `target` points, varying a little from criterion to criterion."""
    span = spec.scale_max - spec.scale_min
    values = {}
    for i, criterion in enumerate(spec.criteria):
        raw = spec.scale_min + float(target) / 100 * span + ((i + shift) % 3 - 1) * 0.34
        values[criterion.code] = int(min(spec.scale_max, max(spec.scale_min, round(raw))))
    return values


def sheets_for(spec: ProcedureSpec, target: Decimal, want: str | None = None) -> tuple[dict, dict]:
    """Two experts' sheets that aggregate to `want` (when given) without a large disagreement, as near the target
    as found."""
    for step in (0, 3, -3, 6, -6, 9, -9, 12, -12, 18, -18, 25, -25):
        t = min(Decimal("100"), max(Decimal("0"), target + step))
        first, second = sheet(spec, t), sheet(spec, t, shift=1)
        result = aggregate(spec, [first, second])
        if not result.disagree and (want is None or result.outcome == want):
            return first, second
    raise ValueError(f"no score sheets give {want} near {target} points")


def justified(spec: ProcedureSpec, values: dict[str, int]) -> dict[str, dict]:
    text = JUSTIFICATIONS[level_of(spec, points(spec, values))]
    return {code: {"value": value, "justification": text} for code, value in values.items()}
