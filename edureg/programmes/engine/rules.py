"""The programme rules engine: facts about a programme version and its kind's rules in, findings out.

Pure Python (no Django): the services build the facts from the database and the rules from ProgrammeRule
rows, and pass the active language in. One finding per broken rule; a module-types rule gives one finding
per missing type.
"""

from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from edureg.programmes.engine.messages import BOUNDS, MESSAGES, MODULE_TYPES, text

# The metric codes (the same strings as choices.RuleMetric, which the engine may not import).
MODULE_TYPES_METRIC = "module_types"
MODULE_CREDITS_SUM = "module_credits_sum"
MODULE_HOURS_SUM = "module_hours_sum"
ELECTIVE_SHARE = "elective_share"
TOTAL_CREDITS = "total_credits"
TOTAL_HOURS = "total_hours"
PRACTICE_SHARE = "practice_share"
MODULE_COUNT = "module_count"
HAS_QUALIFICATION = "has_qualification"
LTKS_LEVEL = "ltks_level"
METRICS = (MODULE_TYPES_METRIC, MODULE_CREDITS_SUM, MODULE_HOURS_SUM, ELECTIVE_SHARE, TOTAL_CREDITS, TOTAL_HOURS,
           PRACTICE_SHARE, MODULE_COUNT, HAS_QUALIFICATION, LTKS_LEVEL)

ERROR = "error"
WARNING = "warning"
ELECTIVE = "elective"
CREDITS = "credits"
HOURS = "hours"

# The field a finding of each metric points at (forms show the message beside it).
METRIC_FIELDS = {
    MODULE_TYPES_METRIC: "modules", MODULE_CREDITS_SUM: "modules", MODULE_HOURS_SUM: "modules",
    ELECTIVE_SHARE: "modules", MODULE_COUNT: "modules", TOTAL_CREDITS: "credits", TOTAL_HOURS: "hours",
    PRACTICE_SHARE: "practice_hours", HAS_QUALIFICATION: "qualification", LTKS_LEVEL: "ltks_level",
}


@dataclass(frozen=True)
class ModuleFacts:
    code: str
    type: str
    credits: Decimal | None = None
    hours: int | None = None
    practice_hours: int | None = None
    mandatory: bool = True

    @property
    def elective(self) -> bool:
        return self.type == ELECTIVE or not self.mandatory


@dataclass(frozen=True)
class ProgrammeFacts:
    """What the rules look at. `total_hours` is the hours, or the credits in academic hours."""

    kind: str = ""
    subtype: str = ""
    credits: Decimal | None = None
    hours: int | None = None
    practice_hours: int | None = None
    total_hours: Decimal | None = None
    ltks_level: int | None = None
    has_qualification: bool = False
    modules: tuple[ModuleFacts, ...] = ()


@dataclass(frozen=True)
class KindFacts:
    """The built-in field requirements of a kind (its flags)."""

    code: str = ""
    unit: str = HOURS
    requires_qualification: bool = False
    requires_ltks_level: bool = False


@dataclass(frozen=True)
class Rule:
    code: str
    metric: str
    minimum: Decimal | None = None
    maximum: Decimal | None = None
    values: tuple[str, ...] = ()
    subtype: str = ""
    severity: str = ERROR
    message_lt: str = ""
    message_en: str = ""

    def applies_to(self, facts: ProgrammeFacts) -> bool:
        return not self.subtype or self.subtype == facts.subtype


@dataclass
class Finding:
    code: str  # the rule's code, or "required-<field>" for a built-in requirement
    severity: str
    message: str
    field: str
    metric: str = ""
    params: dict = field(default_factory=dict)

    @property
    def rule(self) -> str:
        return self.code

    @property
    def blocking(self) -> bool:
        return self.severity == ERROR

    def as_dict(self) -> dict:
        return asdict(self)

    def __str__(self):
        return self.message


def number(value, language: str = "en") -> str:
    """A number as people write it: 90, 12.5 (12,5 in Lithuanian); shares rounded to one decimal."""
    if value is None:
        return "–"
    s = f"{Decimal(value).quantize(Decimal('0.1'), rounding=ROUND_HALF_UP):f}".removesuffix(".0")
    return s.replace(".", ",") if language == "lt" else s


class _Params(dict):
    def __missing__(self, key):  # a placeholder the rule does not fill stays visible rather than failing
        return "{" + key + "}"


def _format(template: str, params: Mapping[str, str]) -> str:
    try:
        return template.format_map(_Params(params))
    except (ValueError, IndexError, AttributeError, KeyError):
        return template  # braces in free text written by an administrator


def _bounds(rule: Rule, language: str) -> str:
    if rule.minimum is not None and rule.maximum is not None:
        key = "range"
    elif rule.minimum is not None:
        key = "min"
    else:
        key = "max"
    return _format(text(BOUNDS, key, language), {"minimum": number(rule.minimum, language),
                                                   "maximum": number(rule.maximum, language)})


def _outside(value: Decimal, rule: Rule) -> bool:
    return ((rule.minimum is not None and value < Decimal(rule.minimum))
            or (rule.maximum is not None and value > Decimal(rule.maximum)))


def _sum(values: Iterable) -> Decimal:
    return sum((Decimal(v) for v in values if v is not None), Decimal(0))


def _share(part: Decimal, whole: Decimal) -> Decimal:
    return part * 100 / whole


class _Evaluation:
    def __init__(self, facts: ProgrammeFacts, language: str):
        self.facts = facts
        self.language = language
        self.findings: list[Finding] = []

    def add(self, rule: Rule, key: str, **values) -> None:
        params = {name: number(v, self.language) if isinstance(v, Decimal | int) and not isinstance(v, bool)
                  else str(v) for name, v in values.items()}
        params.setdefault("minimum", number(rule.minimum, self.language))
        params.setdefault("maximum", number(rule.maximum, self.language))
        if rule.minimum is not None or rule.maximum is not None:
            params.setdefault("bounds", _bounds(rule, self.language))
        own = rule.message_en if self.language == "en" else rule.message_lt
        own = own or rule.message_lt or rule.message_en
        template = own or text(MESSAGES, key, self.language)
        self.findings.append(Finding(code=rule.code, severity=rule.severity, message=_format(template, params),
                                     field=METRIC_FIELDS.get(rule.metric, ""), metric=rule.metric, params=params))

    def bounded(self, rule: Rule, value, key: str, **extra) -> None:
        if value is not None and _outside(Decimal(value), rule):
            self.add(rule, key, actual=Decimal(value), **extra)

    def run(self, rule: Rule) -> None:
        f = self.facts
        modules = f.modules
        metric = rule.metric
        if metric == MODULE_TYPES_METRIC:
            present = {m.type for m in modules}
            for missing in [t for t in rule.values if t not in present]:
                self.add(rule, metric, type=text(MODULE_TYPES, missing, self.language))
        elif metric == MODULE_CREDITS_SUM:
            # Nothing to add up without modules (a module-types rule reports that) or without programme credits
            # (the kind's required fields report that).
            if modules and f.credits is not None:
                total = _sum(m.credits for m in modules)
                if total != Decimal(f.credits):
                    self.add(rule, metric, actual=total, expected=Decimal(f.credits))
        elif metric == MODULE_HOURS_SUM:
            if modules and f.hours is not None:
                total = _sum(m.hours for m in modules)
                if total != Decimal(f.hours):
                    self.add(rule, metric, actual=total, expected=Decimal(f.hours))
        elif metric == ELECTIVE_SHARE:
            whole = Decimal(f.credits) if f.credits else _sum(m.credits for m in modules)
            if whole > 0:
                self.bounded(rule, _share(_sum(m.credits for m in modules if m.elective), whole), metric)
        elif metric == TOTAL_CREDITS:
            if f.credits is None:
                self.add(rule, "total_credits.missing")
            else:
                self.bounded(rule, f.credits, metric)
        elif metric == TOTAL_HOURS:
            if f.hours is None:
                self.add(rule, "total_hours.missing")
            else:
                self.bounded(rule, f.hours, metric)
        elif metric == PRACTICE_SHARE:
            if f.total_hours:
                self.bounded(rule, _share(Decimal(f.practice_hours or 0), Decimal(f.total_hours)), metric)
        elif metric == MODULE_COUNT:
            self.bounded(rule, len(modules), metric)
        elif metric == HAS_QUALIFICATION:
            if not f.has_qualification:
                self.add(rule, metric)
        elif metric == LTKS_LEVEL:
            if f.ltks_level is None:
                self.add(rule, "ltks_level.missing")
            else:
                self.bounded(rule, f.ltks_level, metric)
        else:
            raise ValueError(f"unknown rule metric {metric!r} (rule {rule.code})")


def evaluate(facts: ProgrammeFacts, rules: list[Rule], language: str = "en") -> list[Finding]:
    """The findings of the rules that apply to these facts (a rule with a subtype applies to that subtype)."""
    evaluation = _Evaluation(facts, language)
    for rule in rules:
        if rule.applies_to(facts):
            evaluation.run(rule)
    return evaluation.findings


def required_fields(facts: ProgrammeFacts, kind: KindFacts, language: str = "en") -> list[Finding]:
    """The kind's built-in requirements: qualification, LTKS level, and credits or hours by the kind's unit."""
    missing = []
    if kind.requires_qualification and not facts.has_qualification:
        missing.append("qualification")
    if kind.requires_ltks_level and facts.ltks_level is None:
        missing.append("ltks_level")
    if kind.unit == CREDITS and facts.credits is None:
        missing.append("credits")
    if kind.unit == HOURS and facts.hours is None:
        missing.append("hours")
    return [Finding(code=f"required-{name.replace('_', '-')}", severity=ERROR, field=name,
                    message=text(MESSAGES, f"required.{name}", language)) for name in missing]


def check(facts: ProgrammeFacts, kind: KindFacts, rules: list[Rule], language: str = "en") -> list[Finding]:
    """Built-in requirements first, then the rules."""
    return required_fields(facts, kind, language) + evaluate(facts, rules, language)
