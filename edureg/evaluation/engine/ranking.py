"""Ranking a call's scored applications and selecting them within the budget (pure: no Django).

Ranking
- Entries are ordered by total descending, then by the call's tie rules in the declared order:
  "criterion:<code>" (higher aggregated score on that criterion first), "lower_amount" (smaller requested amount
  first), "earlier_submission", "more_agreement" (smaller spread between the experts' totals first); then always by
  earlier submission and by number, so the order never depends on the order the entries came in.
- Entries without a total sort last.

Selection
- Only eligible entries get a rank (1, 2, ...): every mandatory criterion passed and total >= the minimum score.
  The others get "mandatory_failed" (whatever the total) or "below_minimum", no rank and no grant.
- The ranked list is walked with the remaining budget. An application's grant is min(requested,
  max_per_application); it is "funded" when that is what it asked for, "partially_funded" when the maximum per
  application cut it.
- The first application whose grant does not fit what is left:
  - "partial": gets what is left ("partially_funded"; "not_funded" when nothing is left) and the walk stops;
  - "skip": is not funded and the walk goes on to the next that fits;
  - "stop": is not funded and the walk stops.
  Once the walk stops every later application is "not_funded".
- An entry asking for nothing (requested <= 0) is "not_funded" with nothing granted and does not stop the walk.
- The sum of the grants never exceeds the budget.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

FUNDED = "funded"
PARTIALLY_FUNDED = "partially_funded"
NOT_FUNDED = "not_funded"
BELOW_MINIMUM = "below_minimum"
MANDATORY_FAILED = "mandatory_failed"

PARTIAL, SKIP, STOP = "partial", "skip", "stop"
LAST_FIT_RULES = (PARTIAL, SKIP, STOP)

LOWER_AMOUNT = "lower_amount"
EARLIER_SUBMISSION = "earlier_submission"
MORE_AGREEMENT = "more_agreement"
CRITERION_PREFIX = "criterion:"
PLAIN_RULES = (LOWER_AMOUNT, EARLIER_SUBMISSION, MORE_AGREEMENT)

ZERO = Decimal(0)


@dataclass(frozen=True)
class Entry:
    key: object
    total: Decimal | None
    mandatory_passed: bool
    requested: Decimal
    criteria: Mapping[str, Decimal] = field(default_factory=dict)
    submitted_at: float = 0.0
    spread: Decimal = ZERO
    number: str = ""


@dataclass(frozen=True)
class Selected:
    key: object
    rank: int | None
    selection: str
    granted: Decimal


def _sort_key(entry: Entry, tie_rules: Sequence[str]) -> tuple:
    """Ascending sort key: smaller sorts first."""
    parts: list = [(1, ZERO) if entry.total is None else (0, -entry.total)]
    for rule in tie_rules:
        if rule.startswith(CRITERION_PREFIX):
            score = entry.criteria.get(rule[len(CRITERION_PREFIX):])
            parts.append((1, ZERO) if score is None else (0, -Decimal(score)))
        elif rule == LOWER_AMOUNT:
            parts.append(Decimal(entry.requested))
        elif rule == EARLIER_SUBMISSION:
            parts.append(entry.submitted_at)
        elif rule == MORE_AGREEMENT:
            parts.append(Decimal(entry.spread))
        else:
            raise ValueError(f"unknown tie rule {rule!r}")
    parts += [entry.submitted_at, entry.number, str(entry.key)]
    return tuple(parts)


def rank(entries: Iterable[Entry], tie_rules: Sequence[str] = ()) -> list[Entry]:
    """The entries in ranking order (all of them; select() decides which are eligible)."""
    rules = list(tie_rules or ())
    return sorted(entries, key=lambda e: _sort_key(e, rules))


def eligibility(entry: Entry, min_score: Decimal) -> str | None:
    """None when the entry may be funded, else the selection code that keeps it out."""
    if not entry.mandatory_passed:
        return MANDATORY_FAILED
    if entry.total is None or entry.total < min_score:
        return BELOW_MINIMUM
    return None


def select(ranked: Sequence[Entry], *, budget: Decimal, min_score: Decimal, max_per_application: Decimal,
           last_fit_rule: str) -> list[Selected]:
    """Ranks, selections and grants of `ranked` (as rank() returned it): the eligible ones in their order, then
    the others in theirs."""
    if last_fit_rule not in LAST_FIT_RULES:
        raise ValueError(f"unknown last-fit rule {last_fit_rule!r}")
    budget, cap = Decimal(budget), Decimal(max_per_application)
    eligible = [e for e in ranked if eligibility(e, min_score) is None]
    others = [e for e in ranked if eligibility(e, min_score) is not None]
    remaining = max(budget, ZERO)
    stopped = False
    result = []
    for position, entry in enumerate(eligible, start=1):
        requested = Decimal(entry.requested)
        want = max(min(requested, cap), ZERO)
        if stopped or want <= 0:
            result.append(Selected(entry.key, position, NOT_FUNDED, ZERO))
        elif want <= remaining:
            remaining -= want
            result.append(Selected(entry.key, position, FUNDED if want == requested else PARTIALLY_FUNDED, want))
        elif last_fit_rule == PARTIAL:
            stopped = True
            if remaining > 0:
                result.append(Selected(entry.key, position, PARTIALLY_FUNDED, remaining))
                remaining = ZERO
            else:
                result.append(Selected(entry.key, position, NOT_FUNDED, ZERO))
        else:
            stopped = last_fit_rule == STOP
            result.append(Selected(entry.key, position, NOT_FUNDED, ZERO))
    result += [Selected(e.key, None, eligibility(e, min_score), ZERO) for e in others]
    return result


def tie_rule_problems(rules, criterion_codes: Iterable[str]) -> list[tuple[str, str]]:
    """(kind, rule) for each problem: kind is not_a_list / not_text / unknown / unknown_criterion / repeated."""
    if not isinstance(rules, list):
        return [("not_a_list", "")]
    codes = set(criterion_codes)
    problems, seen = [], set()
    for rule in rules:
        if not isinstance(rule, str):
            problems.append(("not_text", repr(rule)))
            continue
        if rule in seen:
            problems.append(("repeated", rule))
        seen.add(rule)
        if rule.startswith(CRITERION_PREFIX):
            if rule[len(CRITERION_PREFIX):] not in codes:
                problems.append(("unknown_criterion", rule))
        elif rule not in PLAIN_RULES:
            problems.append(("unknown", rule))
    return problems


def check_tie_rules(rules, criterion_codes: Iterable[str]) -> list[str]:
    """Problems with a call's tie rules, in English ([] = fine); services/calls.py translates them."""
    texts = {
        "not_a_list": "The tie rules must be a list.",
        "not_text": "Tie rule {rule} is not text.",
        "repeated": "Tie rule {rule} is given twice.",
        "unknown_criterion": "Tie rule {rule} names a criterion the procedure does not have.",
        "unknown": "Unknown tie rule {rule}.",
    }
    return [texts[kind].format(rule=rule) for kind, rule in tie_rule_problems(rules, criterion_codes)]
