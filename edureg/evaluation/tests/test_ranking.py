"""The ranking and selection engine: plain examples and hypothesis properties (no database)."""

import random
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from edureg.evaluation.engine.ranking import (
    Entry,
    check_tie_rules,
    eligibility,
    rank,
    select,
    tie_rule_problems,
)

D = Decimal


def entry(key, total, requested="1000", *, passed=True, criteria=None, at=0.0, spread="0", number=None):
    return Entry(key=key, total=None if total is None else D(str(total)), mandatory_passed=passed,
                 requested=D(str(requested)), criteria={k: D(str(v)) for k, v in (criteria or {}).items()},
                 submitted_at=at, spread=D(str(spread)), number=number or f"N{key:05d}")


def keys(entries):
    return [e.key for e in entries]


def by_key(selected):
    return {s.key: s for s in selected}


# --- ranking ------------------------------------------------------------------------------------------------------


def test_rank_by_total_then_declared_tie_rules_in_order():
    entries = [
        entry(1, 80, "5000", criteria={"relevance": 3}, at=1),
        entry(2, 90, "5000", at=5),
        entry(3, 80, "4000", criteria={"relevance": 3}, at=2),
        entry(4, 80, "1000", criteria={"relevance": 2}, at=0),
        entry(5, None, "100", at=0),
    ]
    # Relevance first: 1 and 3 (relevance 3) before 4 (relevance 2) although 4 asks for less; then the amount.
    assert keys(rank(entries, ["criterion:relevance", "lower_amount"])) == [2, 3, 1, 4, 5]
    # Amount first.
    assert keys(rank(entries, ["lower_amount", "criterion:relevance"])) == [2, 4, 3, 1, 5]
    # No tie rules: earlier submission, then number.
    assert keys(rank(entries, [])) == [2, 4, 1, 3, 5]


def test_more_agreement_and_last_resort_order():
    entries = [entry(1, 70, spread="20", at=3), entry(2, 70, spread="5", at=9), entry(3, 70, spread="5", at=1)]
    assert keys(rank(entries, ["more_agreement"])) == [3, 2, 1]
    assert keys(rank(entries, ["earlier_submission"])) == [3, 1, 2]
    same = [entry(7, 70, number="B"), entry(8, 70, number="A")]
    assert keys(rank(same, [])) == [8, 7]


def test_missing_criterion_score_sorts_last_among_equals():
    entries = [entry(1, 70, criteria={}), entry(2, 70, criteria={"relevance": 0}, at=5)]
    assert keys(rank(entries, ["criterion:relevance"])) == [2, 1]


def test_unknown_tie_rule_is_an_error():
    with pytest.raises(ValueError):
        rank([entry(1, 70), entry(2, 70)], ["luck"])


def test_check_tie_rules():
    assert check_tie_rules(["criterion:relevance", "lower_amount", "earlier_submission", "more_agreement"],
                           ["relevance", "content"]) == []
    assert tie_rule_problems(["criterion:budget", "luck", "lower_amount", "lower_amount", 3], ["relevance"]) == [
        ("unknown_criterion", "criterion:budget"), ("unknown", "luck"), ("repeated", "lower_amount"),
        ("not_text", "3")]
    assert check_tie_rules("lower_amount", []) == ["The tie rules must be a list."]


# --- selection ----------------------------------------------------------------------------------------------------


def run(entries, rule, budget="10000", max_per="5000", min_score="50", tie_rules=()):
    return select(rank(entries, tie_rules), budget=D(budget), min_score=D(min_score), max_per_application=D(max_per),
                  last_fit_rule=rule)


FOUR = [entry(1, 90, "4000"), entry(2, 80, "5000"), entry(3, 70, "3000"), entry(4, 60, "1000"),
        entry(5, 40, "1000"), entry(6, 95, "1000", passed=False)]


def test_partial_funds_the_last_with_what_is_left_and_stops():
    result = by_key(run(FOUR, "partial"))
    assert [(result[k].rank, result[k].selection, result[k].granted) for k in (1, 2, 3, 4)] == [
        (1, "funded", D("4000")), (2, "funded", D("5000")), (3, "partially_funded", D("1000")),
        (4, "not_funded", D("0"))]
    assert (result[5].rank, result[5].selection) == (None, "below_minimum")
    assert (result[6].rank, result[6].selection, result[6].granted) == (None, "mandatory_failed", D("0"))


def test_partial_with_nothing_left_is_not_funded():
    result = by_key(run([entry(1, 90, "5000"), entry(2, 80, "5000"), entry(3, 70, "1000")], "partial"))
    assert [result[k].selection for k in (1, 2, 3)] == ["funded", "funded", "not_funded"]


def test_skip_goes_on_to_the_next_that_fits():
    result = by_key(run(FOUR, "skip"))
    assert [(result[k].selection, result[k].granted) for k in (1, 2, 3, 4)] == [
        ("funded", D("4000")), ("funded", D("5000")), ("not_funded", D("0")), ("funded", D("1000"))]


def test_stop_stops_at_the_first_that_does_not_fit():
    result = by_key(run(FOUR, "stop"))
    assert [result[k].selection for k in (1, 2, 3, 4)] == ["funded", "funded", "not_funded", "not_funded"]


def test_grant_is_capped_by_the_maximum_per_application():
    result = by_key(run([entry(1, 90, "8000"), entry(2, 80, "2000")], "stop", max_per="5000"))
    assert (result[1].selection, result[1].granted) == ("partially_funded", D("5000"))
    assert (result[2].selection, result[2].granted) == ("funded", D("2000"))


def test_minimum_score_is_inclusive_and_mandatory_beats_total():
    assert eligibility(entry(1, 50), D("50")) is None
    assert eligibility(entry(1, "49.99"), D("50")) == "below_minimum"
    assert eligibility(entry(1, None), D("50")) == "below_minimum"
    assert eligibility(entry(1, 30, passed=False), D("50")) == "mandatory_failed"


def test_nothing_requested_is_not_funded_and_does_not_stop():
    result = by_key(run([entry(1, 90, "0"), entry(2, 80, "1000")], "stop"))
    assert (result[1].selection, result[2].selection) == ("not_funded", "funded")


def test_unknown_last_fit_rule():
    with pytest.raises(ValueError):
        run(FOUR, "lottery")


# --- properties -------------------------------------------------------------------------------------------------

money = st.integers(min_value=1, max_value=2_000_000).map(lambda cents: D(cents) / 100)
entries_strategy = st.lists(
    st.builds(
        lambda key, total, requested, passed, rel, at, spread: entry(
            key, total, requested, passed=passed, criteria={"relevance": rel} if rel is not None else {}, at=at,
            spread=spread),
        st.just(0), st.one_of(st.none(), st.integers(0, 20).map(lambda n: D(n * 5))), money, st.booleans(),
        st.one_of(st.none(), st.integers(0, 4)), st.integers(0, 5).map(float), st.integers(0, 3).map(D)),
    max_size=25,
).map(lambda xs: [Entry(**{**x.__dict__, "key": i, "number": f"N{i:05d}"}) for i, x in enumerate(xs)])
rules_strategy = st.lists(st.sampled_from(["criterion:relevance", "lower_amount", "earlier_submission",
                                           "more_agreement"]), unique=True, max_size=4)
last_fit = st.sampled_from(["partial", "skip", "stop"])


MIN_SCORE = D(50)


def _select(entries, rules, rule, budget, max_per):
    return select(rank(entries, rules), budget=budget, min_score=MIN_SCORE, max_per_application=max_per,
                  last_fit_rule=rule)


@settings(max_examples=300, deadline=None)
@given(entries_strategy, rules_strategy, last_fit, money, money)
def test_grants_never_exceed_the_budget_or_the_request(entries, rules, rule, budget, max_per):
    result = _select(entries, rules, rule, budget, max_per)
    assert sum((s.granted for s in result), D(0)) <= budget
    requested = {e.key: e.requested for e in entries}
    for s in result:
        assert D(0) <= s.granted <= min(requested[s.key], max_per)
        assert (s.granted > 0) == (s.selection in ("funded", "partially_funded"))
        assert (s.rank is None) == (s.selection in ("below_minimum", "mandatory_failed"))
    assert sorted(s.key for s in result) == sorted(e.key for e in entries)
    ranks = [s.rank for s in result if s.rank is not None]
    assert ranks == list(range(1, len(ranks) + 1))


@settings(max_examples=300, deadline=None)
@given(entries_strategy, rules_strategy, last_fit, money, money, st.randoms(use_true_random=False))
def test_deterministic_whatever_the_input_order(entries, rules, rule, budget, max_per, rnd):
    shuffled = list(entries)
    rnd.shuffle(shuffled)
    assert rank(shuffled, rules) == rank(entries, rules)
    assert _select(shuffled, rules, rule, budget, max_per) == _select(entries, rules, rule, budget, max_per)


@settings(max_examples=300, deadline=None)
@given(entries_strategy, rules_strategy, money, money)
def test_stop_funds_a_prefix_of_the_ranking(entries, rules, budget, max_per):
    ranked = [s for s in _select(entries, rules, "stop", budget, max_per) if s.rank is not None]
    funded = [s.selection in ("funded", "partially_funded") for s in ranked]
    # Entries asking for nothing are never funded and do not stop the walk: leave them out.
    requested = {e.key: e.requested for e in entries}
    funded = [f for f, s in zip(funded, ranked, strict=True) if requested[s.key] > 0]
    assert funded == sorted(funded, reverse=True)


@settings(max_examples=300, deadline=None)
@given(entries_strategy, rules_strategy, money, money)
def test_skip_leaves_out_only_what_did_not_fit_at_its_turn(entries, rules, budget, max_per):
    requested = {e.key: e.requested for e in entries}
    remaining = budget
    for s in _select(entries, rules, "skip", budget, max_per):
        if s.rank is None:
            continue
        want = min(requested[s.key], max_per)
        if s.selection == "not_funded":
            assert want > remaining
        else:
            assert s.granted == want
            remaining -= s.granted
    assert remaining >= 0


@settings(max_examples=300, deadline=None)
@given(entries_strategy, rules_strategy, money, money)
def test_partial_spends_the_budget_when_an_eligible_application_did_not_fit(entries, rules, budget, max_per):
    result = [s for s in _select(entries, rules, "partial", budget, max_per) if s.rank is not None]
    requested = {e.key: e.requested for e in entries}
    spent = sum((s.granted for s in result), D(0))
    if sum((min(requested[s.key], max_per) for s in result), D(0)) > budget:
        assert spent == budget
    else:
        assert all(s.granted == min(requested[s.key], max_per) for s in result)
    # At most one application is cut by the budget (others only by the maximum per application).
    cut = [s for s in result if s.selection == "partially_funded" and s.granted < min(requested[s.key], max_per)]
    assert len(cut) <= 1


@settings(max_examples=200, deadline=None)
@given(entries_strategy, rules_strategy)
def test_ranking_orders_by_total(entries, rules):
    totals = [e.total if e.total is not None else D(-1) for e in rank(entries, rules)]
    assert totals == sorted(totals, reverse=True)


def test_random_input_orders_give_one_result():
    entries = [entry(i, 60 + (i % 3) * 10, str(1000 + (i % 4) * 500), at=float(i % 2)) for i in range(30)]
    first = run(entries, "skip", budget="20000", max_per="2000", tie_rules=["lower_amount"])
    for seed in range(5):
        shuffled = list(entries)
        random.Random(seed).shuffle(shuffled)
        assert run(shuffled, "skip", budget="20000", max_per="2000", tie_rules=["lower_amount"]) == first
