"""Competitive scores from a scoring formula (pure, no Django).

A formula is data, never code: a list of components and a list of priority criteria.

    components = [
        {"type": "subject", "code": "LT", "weight": 0.4},
        {"type": "subject", "code": "MAT", "weight": 0.4},
        {"type": "extra", "code": "work_experience", "weight": 1, "max": 2},
    ]
    priorities = ["orphan", "disability"]

The score is `(total, p1, p2, ...)`: total = Σ weight × value, rounded to 3 decimals, where a subject's value is the
grade on the 10-point scale (grades of an older 5-point document are doubled; a missing grade counts 0) and an
extra's value is the applicant's value capped at `max` (missing → 0, below 0 → 0); then 1.0 or 0.0 for each
priority criterion in order. Scores compare element by element; the allocation breaks remaining ties by lottery.
"""

import math
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field

TYPES = ("subject", "extra")
SCALES = (10, 5)
MAX_WEIGHT = 100
MAX_CODE_LENGTH = 40
DECIMALS = 3

_SLUG = re.compile(r"^[a-z0-9_-]+$")
_KEYS = {"subject": {"type", "code", "weight"}, "extra": {"type", "code", "weight", "max"}}


@dataclass(frozen=True)
class Component:
    type: str  # "subject" | "extra"
    code: str
    weight: float
    max: float | None = None


@dataclass(frozen=True)
class Formula:
    components: tuple[Component, ...]
    priorities: tuple[str, ...] = ()


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a formula. `path` is "components", "components[i]", "components[i].key", "priorities"
    or "priorities[i]" (0-based); `params` carries "number" (1-based) for a component or a priority."""

    path: str
    code: str
    params: dict = field(default_factory=dict)

    @property
    def field(self) -> str:
        """The ScoringFormula field the problem belongs to: "components" or "priorities"."""
        return self.path.split("[", 1)[0].split(".", 1)[0]


class FormulaError(ValueError):
    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("; ".join(f"{p.path}: {p.code}" for p in problems))


def _is_number(value) -> bool:
    """A finite int or float (not a bool, not an int too large for a float)."""
    if not isinstance(value, int | float) or isinstance(value, bool):
        return False
    try:
        return math.isfinite(value)
    except OverflowError:
        return False


def _component(index: int, raw, subjects: Collection[str] | None, problems: list[Problem]) -> Component | None:
    number = index + 1
    path = f"components[{index}]"
    if not isinstance(raw, Mapping):
        problems.append(Problem(path, "not_object", {"number": number}))
        return None
    found = len(problems)
    kind = raw.get("type")
    if kind not in TYPES:
        problems.append(Problem(f"{path}.type", "type", {"number": number, "value": kind}))
    allowed = _KEYS.get(kind, _KEYS["extra"])
    for key in sorted(str(k) for k in raw if k not in allowed):
        code = "max_on_subject" if key == "max" else "unknown_key"
        problems.append(Problem(f"{path}.{key}", code, {"number": number, "key": key}))

    code = raw.get("code")
    if not isinstance(code, str) or not code.strip():
        problems.append(Problem(f"{path}.code", "code", {"number": number}))
    elif code != code.strip() or len(code) > MAX_CODE_LENGTH:
        problems.append(Problem(f"{path}.code", "code_format", {"number": number, "code": code,
                                                                 "max_length": MAX_CODE_LENGTH}))
    elif kind == "subject" and subjects is not None and code not in subjects:
        problems.append(Problem(f"{path}.code", "unknown_subject", {"number": number, "code": code}))

    weight = raw.get("weight")
    if "weight" not in raw:
        problems.append(Problem(f"{path}.weight", "weight_missing", {"number": number}))
    elif not _is_number(weight) or not 0 < weight <= MAX_WEIGHT:
        problems.append(Problem(f"{path}.weight", "weight", {"number": number, "value": weight,
                                                              "maximum": MAX_WEIGHT}))

    cap = raw.get("max") if kind == "extra" else None
    if cap is not None and (not _is_number(cap) or cap < 0):
        problems.append(Problem(f"{path}.max", "max", {"number": number, "value": cap}))

    if len(problems) > found:
        return None
    return Component(type=kind, code=code, weight=float(weight), max=None if cap is None else float(cap))


def parse_formula(components, priorities, *, subjects: Collection[str] | None = None) -> Formula:
    """Check a formula as stored (JSON lists) and return it. `subjects`: the subject codes a subject component may
    name (None: not checked). Raises `FormulaError` listing every problem found."""
    problems: list[Problem] = []
    parsed: list[Component] = []
    if not isinstance(components, list | tuple):
        problems.append(Problem("components", "not_list"))
    elif not components:
        problems.append(Problem("components", "empty"))
    else:
        seen: dict[tuple[str, str], int] = {}
        for index, raw in enumerate(components):
            component = _component(index, raw, subjects, problems)
            if component is None:
                continue
            key = (component.type, component.code)
            if key in seen:
                problems.append(Problem(f"components[{index}].code", "duplicate", {
                    "number": index + 1, "first": seen[key] + 1, "type": component.type, "code": component.code}))
                continue
            seen[key] = index
            parsed.append(component)

    names: list[str] = []
    if priorities is None:
        priorities = []
    if not isinstance(priorities, list | tuple):
        problems.append(Problem("priorities", "not_list"))
    else:
        for index, name in enumerate(priorities):
            path = f"priorities[{index}]"
            if not isinstance(name, str) or not _SLUG.match(name) or len(name) > MAX_CODE_LENGTH:
                problems.append(Problem(path, "priority", {"number": index + 1, "value": name}))
            elif name in names:
                problems.append(Problem(path, "priority_duplicate", {"number": index + 1, "value": name,
                                                                     "first": names.index(name) + 1}))
            else:
                names.append(name)
    if problems:
        raise FormulaError(problems)
    return Formula(components=tuple(parsed), priorities=tuple(names))


@dataclass(frozen=True)
class ScoreInput:
    grades: Mapping[str, float]  # subject code → grade on `scale`
    scale: int  # 10 | 5
    extras: Mapping[str, float]  # extra code → value
    priorities: frozenset[str] = frozenset()

    def __post_init__(self):
        if self.scale not in SCALES:
            raise ValueError(f"unknown grade scale {self.scale!r}")


def _value(component: Component, applicant: ScoreInput) -> tuple[float, bool, bool]:
    """(value counted, missing, capped) of one component."""
    if component.type == "subject":
        grade = applicant.grades.get(component.code)
        if grade is None:
            return 0.0, True, False
        grade = float(grade)
        if not math.isfinite(grade):
            raise ValueError(f"grade {component.code!r} is not a finite number")
        return (grade * 2 if applicant.scale == 5 else grade), False, False
    raw = applicant.extras.get(component.code)
    if raw is None:
        return 0.0, True, False
    value = float(raw)
    if not math.isfinite(value):
        raise ValueError(f"extra {component.code!r} is not a finite number")
    if value < 0:
        return 0.0, False, True
    if component.max is not None and value > component.max:
        return component.max, False, True
    return value, False, False


def score(formula: Formula, applicant: ScoreInput) -> tuple[float, ...]:
    """(total rounded to 3 decimals, then 1.0/0.0 per priority criterion in the formula's order)."""
    total = math.fsum(c.weight * _value(c, applicant)[0] for c in formula.components)
    return (round(total, DECIMALS), *(1.0 if p in applicant.priorities else 0.0 for p in formula.priorities))


def score_parts(formula: Formula, applicant: ScoreInput) -> list[dict]:
    """Per component, for explanations: type, code, value (after doubling / cap), weight, points (weight × value,
    rounded), missing (no grade / no value given), capped (the value was cut to the component's max or to 0) and
    raw (the value as given, None when missing)."""
    parts = []
    for component in formula.components:
        value, missing, capped = _value(component, applicant)
        source = applicant.grades if component.type == "subject" else applicant.extras
        raw = source.get(component.code)
        parts.append({
            "type": component.type, "code": component.code, "value": value, "weight": component.weight,
            "points": round(component.weight * value, DECIMALS), "missing": missing, "capped": capped,
            "raw": None if raw is None else float(raw),
        })
    return parts
