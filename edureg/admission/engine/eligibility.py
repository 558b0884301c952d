"""Eligibility of an applicant for an offer (pure, no Django).

A round keeps its rules as configuration (`Round.min_age`, `min_age_without_general_education`, `entry_levels`,
`funding_rules`, `state_funded_only`); `parse_rules` checks them and turns them into a `Rules` value, and `check`
lists every reason an applicant may not take an offer (an empty list means eligible).

Lithuanian practice (the defaults of a round):
- the minimum age is 14; under 16 only programmes combined with general education;
- the entry education limits the LTKS level: none → II, basic → III, secondary → IV; a programme combined with
  general (secondary) education has its own limits (basic education → IV: basic-school leavers take a level IV
  programme together with the secondary curriculum);
- funding by the vocational qualifications already held: none → any place; one acquired with state funding →
  state-funded places in continuing programmes and paid places; two or more → paid places only;
- the winter additional round offers state-funded places only.

Funding rules are patterns "programme kind:funding" with `*` for any, e.g. "continuing_vet:state", "*:paid".
"""

import datetime
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

EDUCATIONS = ("none", "basic", "secondary")
PRIOR_QUALIFICATIONS = ("none", "one_state", "two_or_more")
FUNDINGS = ("state", "paid")
MIN_LEVEL, MAX_LEVEL = 1, 8
MAX_AGE = 100

_KIND = re.compile(r"^[a-z0-9_-]+$")

REASON_CODES = ("too_young", "too_young_without_general_education", "entry_education", "funding",
                "state_funded_only")


class RulesError(ValueError):
    """A round's eligibility configuration is not valid. `field` is the Round field at fault, `code` says what is
    wrong and `params` the details (for the message)."""

    def __init__(self, field: str, code: str, params: Mapping[str, object] | None = None):
        self.field = field
        self.code = code
        self.params = dict(params or {})
        super().__init__(f"{field}: {code} {self.params}" if self.params else f"{field}: {code}")


@dataclass(frozen=True)
class Rules:
    min_age: int
    min_age_without_general_education: int
    entry_levels: Mapping[str, int]
    funding_rules: Mapping[str, tuple[str, ...]]
    state_funded_only: bool
    # Limits for programmes combined with general education; None = the same as entry_levels.
    entry_levels_general: Mapping[str, int] | None = None
    # Parsed patterns per prior-qualifications group: ((kind or None, funding or None), ...); None = any.
    _patterns: Mapping[str, tuple[tuple[str | None, str | None], ...]] = field(
        init=False, repr=False, compare=False, default_factory=dict)

    def __post_init__(self):
        object.__setattr__(self, "_patterns", {
            group: tuple(_split_pattern(p) for p in patterns) for group, patterns in self.funding_rules.items()})

    def allows_funding(self, prior_qualifications: str, programme_kind: str, funding: str) -> bool:
        """Whether an applicant holding `prior_qualifications` may take a `funding` place of a programme of
        `programme_kind`."""
        for kind, fund in self._patterns[prior_qualifications]:
            if (kind is None or kind == programme_kind) and (fund is None or fund == funding):
                return True
        return False

    def levels(self, with_general_education: bool) -> Mapping[str, int]:
        """The entry limits that apply to a programme with or without general education."""
        return self.entry_levels_general if with_general_education and self.entry_levels_general else self.entry_levels

    def needed_education(self, level: int, with_general_education: bool = False) -> str | None:
        """The lowest entry education that allows LTKS `level`, or None when none does."""
        levels = self.levels(with_general_education)
        for education in EDUCATIONS:
            if levels[education] >= level:
                return education
        return None


def _split_pattern(pattern: str) -> tuple[str | None, str | None]:
    kind, fund = pattern.split(":")
    return (None if kind == "*" else kind, None if fund == "*" else fund)


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _parse_age(name: str, value) -> int:
    if not _is_int(value):
        raise RulesError(name, "not_integer", {"value": value})
    if not 0 <= value <= MAX_AGE:
        raise RulesError(name, "age_range", {"value": value, "minimum": 0, "maximum": MAX_AGE})
    return value


def _check_keys(name: str, value, expected: tuple[str, ...]) -> None:
    if not isinstance(value, Mapping):
        raise RulesError(name, "not_object", {"keys": list(expected)})
    missing = [k for k in expected if k not in value]
    unknown = sorted(str(k) for k in value if k not in expected)
    if missing or unknown:
        raise RulesError(name, "keys", {"missing": missing, "unknown": unknown, "keys": list(expected)})


def _parse_levels(name: str, entry_levels) -> dict[str, int]:
    _check_keys(name, entry_levels, EDUCATIONS)
    levels: dict[str, int] = {}
    for education in EDUCATIONS:
        level = entry_levels[education]
        if not _is_int(level) or not MIN_LEVEL <= level <= MAX_LEVEL:
            raise RulesError(name, "level", {"education": education, "value": level,
                                             "minimum": MIN_LEVEL, "maximum": MAX_LEVEL})
        levels[education] = level
    for lower, higher in zip(EDUCATIONS, EDUCATIONS[1:], strict=False):
        if levels[higher] < levels[lower]:
            raise RulesError(name, "decreasing", {"lower": lower, "higher": higher, "lower_level": levels[lower],
                                                  "higher_level": levels[higher]})
    return levels


def parse_rules(*, min_age, min_age_without_general_education, entry_levels, funding_rules,
                state_funded_only, entry_levels_with_general_education=None) -> Rules:
    """Check a round's eligibility configuration (as stored: ints, JSON objects) and return it as `Rules`.
    Raises `RulesError` naming the first field at fault."""
    min_age = _parse_age("min_age", min_age)
    without = _parse_age("min_age_without_general_education", min_age_without_general_education)
    if without < min_age:
        raise RulesError("min_age_without_general_education", "below_min_age", {"value": without, "min_age": min_age})

    levels = _parse_levels("entry_levels", entry_levels)
    general = (None if entry_levels_with_general_education is None
               else _parse_levels("entry_levels_with_general_education", entry_levels_with_general_education))

    _check_keys("funding_rules", funding_rules, PRIOR_QUALIFICATIONS)
    rules: dict[str, tuple[str, ...]] = {}
    for group in PRIOR_QUALIFICATIONS:
        patterns = funding_rules[group]
        if not isinstance(patterns, list | tuple):
            raise RulesError("funding_rules", "not_list", {"group": group})
        for pattern in patterns:
            if not _valid_pattern(pattern):
                raise RulesError("funding_rules", "pattern", {"group": group, "pattern": pattern})
        rules[group] = tuple(patterns)

    if not isinstance(state_funded_only, bool):
        raise RulesError("state_funded_only", "not_boolean", {"value": state_funded_only})
    return Rules(min_age=min_age, min_age_without_general_education=without, entry_levels=levels,
                 funding_rules=rules, state_funded_only=state_funded_only, entry_levels_general=general)


def _valid_pattern(pattern) -> bool:
    if not isinstance(pattern, str) or pattern.count(":") != 1:
        return False
    kind, fund = pattern.split(":")
    return (kind == "*" or bool(_KIND.match(kind))) and (fund == "*" or fund in FUNDINGS)


@dataclass(frozen=True)
class ApplicantFacts:
    age: int
    education: str  # "none" | "basic" | "secondary"
    prior_qualifications: str  # "none" | "one_state" | "two_or_more"

    def __post_init__(self):
        if self.education not in EDUCATIONS:
            raise ValueError(f"unknown education {self.education!r}")
        if self.prior_qualifications not in PRIOR_QUALIFICATIONS:
            raise ValueError(f"unknown prior qualifications {self.prior_qualifications!r}")


@dataclass(frozen=True)
class OfferFacts:
    ltks_level: int | None
    with_general_education: bool
    programme_kind: str
    funding: str  # "state" | "paid"


@dataclass(frozen=True)
class Reason:
    code: str
    params: Mapping[str, object]


def age_in_years(birth_date: datetime.date, on: datetime.date) -> int:
    """Age in full years on a day (a birthday on 29 February is reached on 1 March in other years)."""
    return on.year - birth_date.year - ((on.month, on.day) < (birth_date.month, birth_date.day))


def check(rules: Rules, applicant: ApplicantFacts, offer: OfferFacts) -> list[Reason]:
    """Every reason the applicant may not take the offer, in a fixed order; [] when eligible."""
    reasons: list[Reason] = []
    if applicant.age < rules.min_age:
        reasons.append(Reason("too_young", {"age": applicant.age, "min_age": rules.min_age}))
    if applicant.age < rules.min_age_without_general_education and not offer.with_general_education:
        reasons.append(Reason("too_young_without_general_education",
                              {"age": applicant.age, "min_age": rules.min_age_without_general_education}))
    if offer.ltks_level is not None:
        max_level = rules.levels(offer.with_general_education)[applicant.education]
        if offer.ltks_level > max_level:
            reasons.append(Reason("entry_education", {
                "level": offer.ltks_level, "max_level": max_level, "education": applicant.education,
                "needed": rules.needed_education(offer.ltks_level, offer.with_general_education)}))
    if not rules.allows_funding(applicant.prior_qualifications, offer.programme_kind, offer.funding):
        alternatives = [f for f in FUNDINGS if f != offer.funding
                        and rules.allows_funding(applicant.prior_qualifications, offer.programme_kind, f)]
        reasons.append(Reason("funding", {
            "prior_qualifications": applicant.prior_qualifications, "programme_kind": offer.programme_kind,
            "funding": offer.funding, "alternative": alternatives[0] if alternatives else None}))
    if rules.state_funded_only and offer.funding == "paid":
        reasons.append(Reason("state_funded_only", {"funding": offer.funding}))
    return reasons
