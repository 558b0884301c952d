"""Checking a respondent's answers: each field on its own (type, required, lowest value, whole numbers) and the
form's validation rules (left side, operator, right side; formulas over field codes, `prev(code)` being last
period's approved value).

Pure: the caller gives the form as FieldSpec/RuleSpec, the answers and last period's values, and the message
templates in the reader's language (`texts`, %-style with named placeholders; English by default).

Two kinds of problems:
- format problems (text in a number field, a fraction in a whole-number field, too many decimals, too large, too
  long a text): the answer cannot be stored at all; `clean_values` finds them;
- findings (a required field left empty, a value below the lowest allowed, a rule not met): the answers can be kept
  as a draft, but errors block submission and each warning needs the respondent's comment; `validate` reports them.

A rule that reads an empty field, or `prev()` of a field without last period's value, is skipped (listed as such),
never failed: the "required" check reports the empty field itself.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from edureg.indicators.engine.expressions import Call, ExpressionError, Name, evaluate, parse

RULE_FUNCTIONS = frozenset({"prev", "abs", "min", "max"})
OPERATORS = ("eq", "ne", "lt", "le", "gt", "ge")
SYMBOLS = {"eq": "=", "ne": "≠", "lt": "<", "le": "≤", "gt": ">", "ge": "≥"}
NUMBER_TYPES = ("integer", "decimal")
DECIMAL_PLACES = 4  # Value.number: max_digits 18, decimal_places 4
LARGEST = Decimal(10) ** (18 - DECIMAL_PLACES)
MAX_TEXT = 5000
TOLERANCE = 1e-9

# Message templates; the caller passes them translated. Placeholders: field (the field's name and code), value (the
# answer as given), minimum, places, largest, length.
TEXTS: dict[str, str] = {
    "not_a_number": "%(field)s: “%(value)s” is not a number.",
    "not_whole": "%(field)s: enter a whole number (not “%(value)s”).",
    "too_precise": "%(field)s: at most %(places)s decimal places (“%(value)s”).",
    "too_large": "%(field)s: the number is too large (“%(value)s”).",
    "too_long": "%(field)s: at most %(length)s characters.",
    "bad_character": "%(field)s: the text contains a character that cannot be stored (a null character).",
    "required": "%(field)s: enter a value.",
    "minimum": "%(field)s: the value cannot be below %(minimum)s (it is %(value)s).",
    "unknown": "“%(value)s” is not a field of this form.",
}
FORMAT_CHECKS = ("not_a_number", "not_whole", "too_precise", "too_large", "too_long", "bad_character", "unknown")


@dataclass(frozen=True)
class FieldSpec:
    code: str
    name: str = ""
    type: str = "integer"  # integer, decimal or text
    required: bool = True
    minimum: Decimal | float | None = None

    @property
    def label(self) -> str:
        return f"{self.name} ({self.code})" if self.name and self.name != self.code else self.code

    @property
    def numeric(self) -> bool:
        return self.type in NUMBER_TYPES


@dataclass(frozen=True)
class RuleSpec:
    code: str
    left: str
    operator: str
    right: str
    severity: str = "error"  # error or warning
    message: str = ""


@dataclass(frozen=True)
class Finding:
    """One problem: a field check (`check` set, `rule` empty) or a rule not met (`rule` set)."""

    severity: str
    message: str
    fields: tuple[str, ...] = ()
    rule: str = ""
    check: str = ""
    operator: str = ""
    left: float | None = None
    right: float | None = None

    def as_dict(self) -> dict:
        return {"severity": self.severity, "rule": self.rule or None, "check": self.check or None,
                "message": self.message, "fields": list(self.fields), "operator": self.operator or None,
                "left": self.left, "right": self.right}


@dataclass(frozen=True)
class Skipped:
    """A rule not evaluated: it reads an empty field or last period's value of a field that has none."""

    rule: str
    missing: tuple[str, ...] = ()
    previous_missing: tuple[str, ...] = ()
    reason: str = ""  # "undefined" when a side could not be computed (e.g. division by zero)


@dataclass
class ValidationReport:
    findings: list[Finding] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "warning"]

    @property
    def ok(self) -> bool:
        """No errors (warnings may remain: they need comments)."""
        return not self.errors

    def warning_rules(self) -> list[str]:
        return [f.rule for f in self.warnings if f.rule]

    def uncommented(self, comments: Mapping[str, str] | None) -> list[Finding]:
        """The warnings without a (non-blank) comment."""
        comments = comments or {}
        return [f for f in self.warnings if not str(comments.get(f.rule) or "").strip()]

    def for_field(self, code: str) -> list[Finding]:
        return [f for f in self.findings if code in f.fields]

    def as_dict(self, comments: Mapping[str, str] | None = None) -> dict:
        comments = comments or {}
        return {
            "ok": self.ok,
            "errors": [f.as_dict() for f in self.errors],
            "warnings": [{**f.as_dict(), "comment": comments.get(f.rule, "")} for f in self.warnings],
            "skipped": [{"rule": s.rule, "missing": list(s.missing), "previous_missing": list(s.previous_missing),
                         "reason": s.reason or None} for s in self.skipped],
        }


# --- one answer ------------------------------------------------------------------------------------------------

_SPACES = re.compile(r"[\s\u00a0\u202f\u2009']+")
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")


def _shown(raw) -> str:
    text = str(raw)
    return text if len(text) <= 40 else text[:37] + "..."


def _problem(texts, check: str, spec: FieldSpec, raw, **params) -> Finding:
    template = texts.get(check) or TEXTS[check]
    message = template % {"field": spec.label, "value": _shown(raw), "places": DECIMAL_PLACES,
                          "largest": LARGEST, "length": MAX_TEXT, "minimum": "", **params}
    return Finding("error", message, (spec.code,), check=check)


def parse_number(raw) -> Decimal | None:
    """A number as people type it (comma or point as the decimal mark, spaces between thousands), or None when it is
    not one. Booleans, NaN and infinities are not numbers."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        return Decimal(raw)
    if isinstance(raw, float):
        return Decimal(repr(raw)) if math.isfinite(raw) else None
    if isinstance(raw, Decimal):
        return raw if raw.is_finite() else None
    if not isinstance(raw, str):
        return None
    text = _SPACES.sub("", raw.strip())
    if text.count(",") == 1 and "." not in text:
        text = text.replace(",", ".")
    if not _NUMBER.fullmatch(text):
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:  # pragma: no cover - the pattern admits only valid literals
        return None
    return value if value.is_finite() else None


def is_empty(raw) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip())


def clean_value(spec: FieldSpec, raw, texts: Mapping[str, str] = TEXTS) -> tuple[Decimal | str | None, Finding | None]:
    """The answer as stored (a Decimal for number fields, text for text fields, None when empty), or the format
    problem that keeps it from being stored."""
    if is_empty(raw):
        return None, None
    if not spec.numeric:
        text = str(raw).strip()
        if len(text) > MAX_TEXT:
            return None, _problem(texts, "too_long", spec, raw)
        if "\x00" in text:
            return None, _problem(texts, "bad_character", spec, raw)
        return text, None
    value = parse_number(raw)
    if value is None:
        return None, _problem(texts, "not_a_number", spec, raw)
    if spec.type == "integer" and value != value.to_integral_value():
        return None, _problem(texts, "not_whole", spec, raw)
    if abs(value) >= LARGEST:
        return None, _problem(texts, "too_large", spec, raw)
    if value.as_tuple().exponent < -DECIMAL_PLACES:
        quantum = Decimal(1).scaleb(-DECIMAL_PLACES)
        if value != value.quantize(quantum):
            return None, _problem(texts, "too_precise", spec, raw)
        value = value.quantize(quantum)
    if spec.type == "integer":
        value = value.to_integral_value()
    return value, None


def clean_values(fields: Iterable[FieldSpec], raw: Mapping, texts: Mapping[str, str] = TEXTS
                 ) -> tuple[dict[str, Decimal | str | None], list[Finding]]:
    """Clean every answer of `raw` ({field code: answer}); codes that are not fields of the form are problems too.
    Returns the cleaned answers and the format problems (all of them, in the form's order, unknown codes last)."""
    specs = {spec.code: spec for spec in fields}
    cleaned: dict[str, Decimal | str | None] = {}
    problems: list[Finding] = []
    for code, spec in specs.items():
        if code in raw:
            value, problem = clean_value(spec, raw[code], texts)
            if problem is not None:
                problems.append(problem)
            else:
                cleaned[code] = value
    for code in raw:
        if code not in specs:
            template = texts.get("unknown") or TEXTS["unknown"]
            problems.append(Finding("error", template % {"value": _shown(code)}, (str(code),), check="unknown"))
    return cleaned, problems


def check_fields(fields: Iterable[FieldSpec], values: Mapping, texts: Mapping[str, str] = TEXTS) -> list[Finding]:
    """Required fields answered; numbers at or above the field's lowest value and whole in whole-number fields."""
    findings: list[Finding] = []
    for spec in fields:
        raw = values.get(spec.code)
        if is_empty(raw):
            if spec.required:
                findings.append(_problem(texts, "required", spec, ""))
            continue
        if not spec.numeric:
            continue
        value, problem = clean_value(spec, raw, texts)
        if problem is not None:
            findings.append(problem)
            continue
        if spec.minimum is not None and value < Decimal(str(spec.minimum)):
            findings.append(_problem(texts, "minimum", spec, _plain(value), minimum=_plain(spec.minimum)))
    return findings


def _plain(value) -> str:
    """A number without trailing zeros: 12, 0.5, 1200."""
    number = Decimal(str(value))
    if number == number.to_integral_value():
        return str(number.quantize(Decimal(1)))
    return format(number.normalize(), "f")


# --- rules --------------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class _ParsedRule:
    spec: RuleSpec
    left: object
    right: object
    current: tuple[str, ...]  # field codes read directly, in order of appearance
    previous: tuple[str, ...]  # field codes read through prev()


def _reads(expression) -> tuple[list[str], list[str]]:
    current: list[str] = []
    previous: list[str] = []

    def walk(node, in_prev=False):
        if isinstance(node, Name):
            target = previous if in_prev else current
            if node.name not in target:
                target.append(node.name)
        elif isinstance(node, Call):
            for arg in node.args:
                walk(arg, in_prev or node.function == "prev")
        else:
            for child in ("operand", "left", "right"):
                if hasattr(node, child):
                    walk(getattr(node, child), in_prev)

    walk(expression.tree)
    return current, previous


def parse_rule(spec: RuleSpec) -> _ParsedRule:
    """Raises ExpressionError (or ValueError for an unknown operator) when the rule cannot be read."""
    if spec.operator not in OPERATORS:
        raise ValueError(f"unknown operator {spec.operator!r}")
    left = parse(spec.left, functions=RULE_FUNCTIONS)
    right = parse(spec.right, functions=RULE_FUNCTIONS)
    current, previous = [], []
    for expression in (left, right):
        now, before = _reads(expression)
        current += [c for c in now if c not in current]
        previous += [c for c in before if c not in previous]
        for args in expression.calls("prev"):
            if len(args) != 1 or not isinstance(args[0], Name):
                raise ExpressionError("prev() takes one field code")
    return _ParsedRule(spec, left, right, tuple(current), tuple(previous))


def compare(left: float, operator: str, right: float) -> bool:
    """`left operator right`, equal within a relative 1e-9 (so 0.1 + 0.2 = 0.3)."""
    close = math.isclose(left, right, rel_tol=TOLERANCE, abs_tol=TOLERANCE)
    if operator == "eq":
        return close
    if operator == "ne":
        return not close
    if operator == "lt":
        return left < right and not close
    if operator == "le":
        return left < right or close
    if operator == "gt":
        return left > right and not close
    if operator == "ge":
        return left > right or close
    raise ValueError(f"unknown operator {operator!r}")


def _number(value) -> float:
    return float(value)


def check_rules(rules: Iterable[RuleSpec], values: Mapping, previous: Mapping | None = None
                ) -> tuple[list[Finding], list[Skipped]]:
    """Evaluate each rule over the answers (`values`: {code: number}; empty fields absent or None) and last
    period's approved answers (`previous`). Returns the rules not met and the rules skipped."""
    previous = previous or {}
    now = {code: _number(v) for code, v in values.items() if not is_empty(v) and not isinstance(v, str)}
    before = {code: _number(v) for code, v in previous.items() if not is_empty(v) and not isinstance(v, str)}

    def prev(node):
        return before[node.name]

    prev.takes_nodes = True
    functions = {"prev": prev}
    findings: list[Finding] = []
    skipped: list[Skipped] = []
    for spec in rules:
        rule = parse_rule(spec)
        missing = tuple(c for c in rule.current if c not in now)
        previous_missing = tuple(c for c in rule.previous if c not in before)
        if missing or previous_missing:
            skipped.append(Skipped(spec.code, missing, previous_missing))
            continue
        left = float(evaluate(rule.left, now, functions))
        right = float(evaluate(rule.right, now, functions))
        if not (math.isfinite(left) and math.isfinite(right)):
            skipped.append(Skipped(spec.code, reason="undefined"))
            continue
        if compare(left, spec.operator, right):
            continue
        involved = rule.current + tuple(c for c in rule.previous if c not in rule.current)
        findings.append(Finding(spec.severity, spec.message or f"{spec.left} {SYMBOLS[spec.operator]} {spec.right}",
                                involved, rule=spec.code, operator=spec.operator, left=_rounded(left),
                                right=_rounded(right)))
    return findings, skipped


def _rounded(value: float) -> float:
    return round(value, 6)


def validate(fields: Iterable[FieldSpec], rules: Iterable[RuleSpec], values: Mapping,
             previous: Mapping | None = None, texts: Mapping[str, str] = TEXTS) -> ValidationReport:
    """Field checks first (in the form's order), then the rules (in their order)."""
    fields = list(fields)
    findings = check_fields(fields, values, texts)
    numeric = {spec.code for spec in fields if spec.numeric}
    bad = {code for f in findings if f.check in FORMAT_CHECKS for code in f.fields}
    numbers = {}
    for code, raw in values.items():
        if code in numeric and code not in bad and not is_empty(raw):
            numbers[code] = parse_number(raw)
    rule_findings, skipped = check_rules(rules, numbers, previous)
    return ValidationReport(findings + rule_findings, skipped)
